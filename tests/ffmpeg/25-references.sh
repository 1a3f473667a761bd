#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reference-to-video through the built ffmpeg and the seedance command:
# each tier's reference model; a local MP4, WAV and PNG each uploaded once,
# the request carrying their upload URLs, the emulator receiving exactly
# their bytes, the clip made of the video's frames and the WAV's sound, the
# uploads deleted once the task ended, a rerun uploading and paying
# nothing; the Files API refusing video, and a full quota: a clear
# message and no paid task.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start --gen-time 0.2 --cdn-lag 0
SD=$BIN/seedance
mk() { ffmpeg -v error -nostdin -y "$@" || bail "ffmpeg $*"; }
mk -f lavfi -i "testsrc2=s=640x640:r=24" -t 3 -pix_fmt yuv420p "$T/ref.mp4"
mk -f lavfi -i "sine=f=330:d=4:sample_rate=48000" -ac 2 "$T/ref.wav"
mk -f lavfi -i "smptebars=s=640x480" -frames:v 1 "$T/ref.png"
task() { emu_task "$(emu_last_task)"; }

# each tier's reference-to-video model
for tier in standard fast mini; do
    case $tier in standard) want=seedance-2.0-reference-to-video ;;
                  *) want=seedance-2.0-$tier-reference-to-video ;; esac
    "$FFMPEG" -hide_banner -nostdin -y \
        -i "seedance:?video=$T/ref.mp4&tier=$tier&quality=480p&duration=4&prompt=@video1 at dusk, $tier" \
        -c copy "$T/$tier.mp4" >"$T/ff.log" 2>&1
    is "$?" 0 "tier=$tier with a reference video: done"
    is "$(json_get "$(task)" .request.model)" "$want" "tier=$tier: the request names $want"
done

# a video, a sound and an image
emu_reset
p="@video1 goes on with @audio1 as the music, the colours of @image1"
"$FFMPEG" -hide_banner -nostdin -y -video "$T/ref.mp4" -audio "$T/ref.wav" \
    -i "seedance:?image=$T/ref.png&prompt=$p&quality=480p&duration=4" -c copy "$T/out.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "a video, a sound and an image: done"
[ -s "$T/out.mp4" ] || sed 's/^/#   /' "$T/ff.log" | tail -n 20
rec=$(task)
is "$(emu_stat uploads)" 3 "three files, three uploads"
like "$(json_get "$rec" '.request.video_urls[0]')" "^$EMU_URL/files/" "video_urls carries the upload's URL"
like "$(json_get "$rec" '.request.audio_urls[0]')" "^$EMU_URL/files/" "audio_urls carries the upload's URL"
like "$(json_get "$rec" '.request.image_urls[0]')" "^$EMU_URL/files/" "image_urls carries the upload's URL"
for k in 0:ref.mp4 1:ref.wav 2:ref.png; do
    f=${k#*:}
    got=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1])["references"]; print(" ".join(x["sha256"] for x in r))' "$rec")
    like "$got" "$(sha256sum "$T/$f" | cut -d' ' -f1)" "the emulator received exactly the bytes of $f"
done
like "$(cat "$T/ff.log")" "Uploading video $T/ref.mp4 \([0-9]+ bytes\)" "ffmpeg tells the upload"
# the new footage goes on from the last frame of @video1 (cover: 640x640 ->
# 864x496), compared in RGB: each frame through its own colour matrix (the
# clip's BT.709, the reference's untagged one), on 5.1 as on 9.0
last=$("$FFMPEG" -hide_banner -nostdin -i "$T/out.mp4" -i "$T/ref.mp4" -filter_complex \
    "[0:v]trim=end_frame=1,setpts=PTS-STARTPTS,format=rgb24[a];[1:v]reverse,trim=end_frame=1,scale=864:864,crop=864:496,setpts=PTS-STARTPTS,format=rgb24[b];[a][b]psnr" \
    -f null - 2>&1 | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -n 1)
cmp_float "${last:-0}" ">" 30 "the clip starts from the last frame of @video1 (PSNR $last dB)"
sdr=$("$FFMPEG" -hide_banner -nostdin -i "$T/out.mp4" -i "$T/ref.wav" -filter_complex \
    "[0:a]atrim=0:3,asetpts=PTS-STARTPTS[a];[1:a]atrim=0:3,asetpts=PTS-STARTPTS,aresample=48000[b];[a][b]asdr" \
    -f null - 2>&1 | sed -n 's/.*SDR ch0: *\(-*[0-9.inf]*\).*/\1/p' | tail -n 1)
cmp_float "${sdr:--99}" ">" 10 "the clip's sound is @audio1's (SDR $sdr dB)"
is "$(emu_stat deletes)" 3 "the task has ended: its three uploads were deleted"
uploads=$(emu_stat uploads) submits=$(emu_stat submits)
"$FFMPEG" -hide_banner -nostdin -y -video "$T/ref.mp4" -audio "$T/ref.wav" \
    -i "seedance:?image=$T/ref.png&prompt=$p&quality=480p&duration=4" -c copy "$T/again.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "the same request again: done"
is "$(emu_stat uploads)" "$uploads" "a rerun uploads nothing"
is "$(emu_stat submits)" "$submits" "a rerun pays nothing"
cmp -s "$T/out.mp4" "$T/again.mp4"
is "$?" 0 "and gives the same clip"

# the same file twice: one upload; the command and its JSON upload events
emu_reset
"$SD" generate --progress json --quality 480p --duration 4 --video "$T/ref.mp4" --video "$T/ref.mp4" \
    "@video1 and @video2" -o "$T/twice.mp4" 2>"$T/err"
is "$?" 0 "seedance generate with the same clip twice: done"
is "$(emu_stat uploads)" 1 "the same content is uploaded once"
is "$(json_get "$(task)" '.request.video_urls[0]')" "$(json_get "$(task)" '.request.video_urls[1]')" \
   "and sent twice"
ev=$(grep '"event":"upload"' "$T/err" | tail -n 1)
is "$(json_get "$ev" .sent)" "$(stat -c %s "$T/ref.mp4")" "the last upload event: every byte sent"
is "$(json_get "$ev" .file)" "video $T/ref.mp4" "upload events name the file"
is "$(emu_stat deletes)" 1 "and its upload is deleted once the task ended"

# base64 data in reference mode is uploaded, never sent inline
id=$("$SD" submit -q --quality 480p --duration 4 --mode reference \
      --image "data:image/png;base64,$(base64 -w0 "$T/ref.png")" "@image1 in the snow")
like "$(json_get "$(task)" '.request.image_urls[0]')" "^$EMU_URL/files/" "base64 image data in reference mode: uploaded, its URL sent"
"$SD" wait -q "$id" >/dev/null

# a seedance submit leaves its uploads to whatever sees the task end
emu_reset
id=$("$SD" submit -q --quality 480p --duration 4 --video "$T/ref.mp4" "kept until the end")
is "$(emu_stat deletes)" 0 "submit: the upload stays while the task may read it"
"$SD" wait -q "$id" >/dev/null
is "$(emu_stat deletes)" 1 "seedance wait sees the task end and deletes it"

# the Files API refusing video, and a full quota: nothing is submitted
emu_reset
emu_admin POST /_emu/config '{"files_images_only":true}' >/dev/null
"$SD" generate -q --quality 480p --duration 4 --video "$T/ref.mp4" "refused" -o "$T/no.mp4" 2>"$T/err"
isnt "$?" 0 "the Files API refusing video: a failure"
like "$(cat "$T/err")" "video: the Files API refused $T/ref.mp4: .*https URL" "it names the file, the reason and what to do"
log=$("$FFMPEG" -hide_banner -nostdin -y -i "seedance:?video=$T/ref.mp4&prompt=refused&duration=4" -f null - 2>&1)
isnt "$?" 0 "ffmpeg: a failure too"
like "$log" "video: the Files API refused" "ffmpeg says why"
is "$(emu_stat submits)" 0 "no submit, no paid task"
emu_admin POST /_emu/config '{"files_images_only":false,"files_used":-1}' >/dev/null
"$SD" generate -q --quality 480p --duration 4 --video "$T/ref.mp4" "full" -o "$T/no.mp4" 2>"$T/err"
isnt "$?" 0 "a full quota: a failure"
like "$(cat "$T/err")" "quota.*seedance files" "it names the quota and how to free it"
is "$(emu_stat submits)" 0 "no submit, no paid task"
emu_admin POST /_emu/config '{"files_used":0}' >/dev/null
id=$("$SD" submit -q --quality 480p --duration 4 --image "$T/ref.png" --mode reference "listed")
out=$("$SD" files)
like "$out" "quota: 1 of [0-9]+ files used" "seedance files: the quota"
fid=$(printf '%s\n' "$out" | sed -n 's/^\([^ ]*\)  .*bytes.*/\1/p' | head -n 1)
isnt "$fid" "" "seedance files: the upload is listed ($fid)"
"$SD" files --delete "$fid" 2>/dev/null
is "$?" 0 "seedance files --delete: done"
like "$("$SD" files)" "quota: 0 of" "its slot is free again"
done_testing
