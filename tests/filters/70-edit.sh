#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance_edit: the segment that reaches it goes as @video1 (scaled up to
# the pixel minimum, said at info level), its sound as @audio1 with
# audio_in=1; the clip replaces the segment with the input's size and
# timestamps; one upload, one paid task, the cost logged first, a rerun
# that sends nothing; 15 fps converted; a reference image; a failed task
# named; a segment too short or too long, and a request above max_credits,
# send nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp        # where the filter writes what it sends

"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "testsrc2=s=640x360:r=24:d=8" \
    -f lavfi -i "sine=f=440:d=8" -c:v libx264 -preset ultrafast -c:a aac -shortest \
    "$T/clip.mp4" >/dev/null 2>&1 || bail "ffmpeg"
"$FFMPEG" -hide_banner -nostdin -y -i "$T/clip.mp4" -vf trim=0:6 -c:v ffv1 -an "$T/seg.nut" \
    >/dev/null 2>&1 || bail "ffmpeg"

help=$("$FFMPEG" -hide_banner -h filter=seedance_edit 2>&1)
for o in prompt tier quality aspect_ratio generate_audio image task max_credits; do
    like "$help" "^ +$o +<string> +[^ ]+ [a-z0-9].*[a-z)]" "-h filter=seedance_edit lists $o"
done
like "$help" "^ +audio_in +<boolean>" "and audio_in"
like "$help" "^ +keep_audio +<boolean>" "and keep_audio"
unlike "$help" "^ +(mode|duration|video|audio|last_image|web_search|api_key) " \
    "not the options the filter sets itself or a graph may not set"

# The issue's command: 6 s of a 640x360 clip.
edit=(-i "$T/clip.mp4" -filter_complex
      "[0:v]trim=0:6,setpts=PTS-STARTPTS,seedance_edit=prompt=make @video1 claymation:quality=480p[v]"
      -map "[v]" -c:v ffv1 -fps_mode passthrough -f nut)
ff_ok "$T/edit.log" "seedance_edit on 6 s of a 640x360 clip" "${edit[@]}" "$T/edit.nut"
log=$(cat "$T/edit.log")
is "$(image_size "$T/edit.nut")" 640x360 "the output keeps the input's size"
is "$(frame_count "$T/edit.nut")" 144 "6 s at the input's 24 fps: 144 frames"
frame_times "$T/edit.nut" >"$T/times"
is "$(head -n 1 "$T/times")" 0.000000 "the output starts at the segment's first timestamp"
check "timestamps strictly increase" strictly_increasing <"$T/times"
is "$(steps <"$T/times")" 0.0417 "one frame step (1/24 s) everywhere: no gap, no jump"
is "$(tail -n 1 "$T/times")" 5.958333 "and the last frame is the segment's last"
like "$log" "\] The segment that reached seedance_edit is sent scaled from 640x360 \(230400 pixels\) to 854x480" \
    "the upscale to the pixel minimum is said at info level"
like "$log" "\] Estimated cost: 36\.144 credits .*6\.00 s of video input and 6 s of output" \
    "the cost by the video-input rule is logged at info level"
like "$(sed -n '/Estimated cost/,$p' "$T/edit.log")" "Task task-unified-[^ ]+ submitted" "before the submit"
is "$(emu_stat uploads)" 1 "one upload"
is "$(emu_stat submits)" 1 "one submit"
is "$(emu_stat tasks)" 1 "one paid task"
is "$(emu_stat files)" 0 "the upload was deleted once the task ended"
is "$(ls -A "$T/tmp")" "" "nothing left behind in TMPDIR"

task=$(emu_last_task)
rec=$(emu_task "$task")
request_has "$rec" "the edit" model=seedance-2.0-fast-reference-to-video duration=6 \
    quality=480p aspect_ratio=adaptive generate_audio=false
is "$(json_get "$rec" .references[0].tag)" @video1 "the segment went as @video1"
is "$(json_get "$rec" .references[0].width)x$(json_get "$rec" .references[0].height)" 854x480 \
    "at 854x480, the pixel minimum's size"
is "$(json_get "$rec" .references[0].duration)" 6 "6 s of it"
is "$(json_get "$rec" .references[0].fps)" 24 "at its 24 fps"
emu_image "$task" 0 "$T/sent.mp4"
for n in 0 71 143; do
    psnr_check "$T/sent.mp4" "$n" "$T/seg.nut" "$n" 35 "frame $n sent is the segment's frame $n"
done
psnr_check "$T/edit.nut" 0 "$(json_get "$rec" .file)" 0 28 "the output is the generated clip" gbrp

# Again: the same footage, the same bytes: nothing sent, nothing paid.
again_pays_nothing "$T/again.log" "${edit[@]}" "$T/again.nut"
check "and the same frames" cmp -s <(frame_hashes "$T/edit.nut") <(frame_hashes "$T/again.nut")

# With its sound: audio_in=1 sends it as @audio1; the output keeps it.
emu_reset
G="[0:v]trim=0:6,setpts=PTS-STARTPTS[v0];[0:a]atrim=0:6,asetpts=PTS-STARTPTS[a0];"
G="$G[v0][a0]seedance_edit=prompt=@video1 to the beat of @audio1:quality=480p:audio_in=1[v][a]"
ff_ok "$T/sound.log" "seedance_edit with audio_in=1" -i "$T/clip.mp4" -filter_complex "$G" \
    -map "[v]" -map "[a]" -c:v ffv1 -c:a pcm_f32le -fps_mode passthrough -f nut "$T/sound.nut"
task=$(emu_last_task)
rec=$(emu_task "$task")
is "$(json_get "$rec" .references[1].tag)" @audio1 "the sound went as @audio1"
is "$(json_get "$rec" .references[1].format)" wav "as a WAV"
is "$(json_get "$rec" .references[1].sample_rate)" 48000 "at 48 kHz"
is "$(json_get "$rec" .references[1].duration)" 6 "6 s of it"
is "$(json_get "$rec" .request.generate_audio)" false "no sound is generated: the input's is kept"
emu_image "$task" 1 "$T/sent.wav"
s=$(sdr "$T/sent.wav" "$T/clip.mp4" 6)
cmp_float "${s:-0}" ">" 40 "the sound sent is the segment's (SDR $s dB)"
is "$(stream_types "$T/sound.nut")" "video audio" "a video and an audio output"
is "$(frame_count "$T/sound.nut")" 144 "the video: 144 frames"
"$FFMPEG" -hide_banner -nostdin -i "$T/clip.mp4" -af atrim=0:6 -vn -f md5 - 2>/dev/null >"$T/in.md5"
"$FFMPEG" -hide_banner -nostdin -i "$T/sound.nut" -vn -f md5 - 2>/dev/null >"$T/out.md5"
check "the output carries the input's sound, sample for sample" cmp -s "$T/in.md5" "$T/out.md5"

# keep_audio=0: the generated sound (the emulator's is @audio1's) instead.
ff_ok "$T/gen.log" "seedance_edit with audio_in=1:keep_audio=0" -i "$T/clip.mp4" \
    -filter_complex "${G/audio_in=1/audio_in=1:keep_audio=0}" \
    -map "[v]" -c:v ffv1 -fps_mode passthrough -f nut "$T/gen.nut" -map "[a]" -c:a pcm_f32le "$T/gen.wav"
rec=$(emu_task "$(emu_last_task)")
is "$(json_get "$rec" .request.generate_audio)" true "a sound is generated"
cmp_float "$(probe "$T/gen.wav" format=duration)" ">=" 5.99 "the audio output lasts the segment"
cmp_float "$(probe "$T/gen.wav" format=duration)" "<=" 6.01 "and no more"
s=$(sdr "$(json_get "$rec" .file)" "$T/gen.wav" 6)
cmp_float "${s:-0}" ">" 60 "it is the clip's sound (SDR $s dB)"

# Small frames at 15 fps: scaled, converted to 24 fps, said at info level, accepted.
emu_reset
ff_ok "$T/small.log" "seedance_edit on 3 s of 320x240 at 15 fps" \
    -f lavfi -i "testsrc2=s=320x240:r=15:d=3" \
    -vf "seedance_edit=prompt=@video1 in watercolour:quality=480p" -c:v ffv1 -fps_mode passthrough \
    -f nut "$T/small.nut"
log=$(cat "$T/small.log")
like "$log" "\] The segment .* is sent scaled from 320x240 \(76800 pixels\) to [0-9]+x[0-9]+" \
    "the upscale is said at info level"
like "$log" "\] The segment .* is sent at 24 fps, converted from 15 fps: a reference video runs at 24 to 60 fps" \
    "the frame rate conversion is said at info level"
rec=$(emu_task "$(emu_last_task)")
is "$(json_get "$rec" .status)" completed "the service took it"
is "$(json_get "$rec" .references[0].fps)" 24 "it received 24 fps"
w=$(json_get "$rec" .references[0].width) h=$(json_get "$rec" .references[0].height)
cmp_float "$((w * h))" ">=" 409600 "and at least 409,600 pixels (${w}x$h)"
is "$(json_get "$rec" .request.duration)" 4 "duration: 3 s rounded up into 4..15"
is "$(image_size "$T/small.nut")" 320x240 "the output keeps the input's size"
is "$(frame_count "$T/small.nut")" 45 "and the segment's 3 s at 15 fps"

# A reference image besides the footage, as @image1; a task that fails is named.
make_image "$T/hat.png" 400 400 "testsrc=size=400x400"
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Your request was blocked"}'
out=$("$FFMPEG" -hide_banner -nostdin -y -i "$T/clip.mp4" -filter_complex \
      "[0:v]trim=0:4,setpts=PTS-STARTPTS,seedance_edit=prompt=the hat of @image1 on @video1:image=$T/hat.png:quality=480p[v]" \
      -map "[v]" -f null - 2>&1)
failed_run $? "$out" "an edit whose task fails"
task=$(emu_last_task)
rec=$(emu_task "$task")
is "$(json_get "$rec" .references[0].tag) $(json_get "$rec" .references[1].tag)" "@image1 @video1" \
    "the image went as @image1, the footage as @video1"
is "$(json_get "$rec" .references[0].sha256)" "$(sha256sum "$T/hat.png" | cut -d' ' -f1)" "the image's bytes"
like "$out" "$task.*content_policy_violation.*Your request was blocked|content_policy_violation.*$task" \
    "the failure names the task and the service's error"

# Too short, too long: nothing sent, the rule named.
before=$(wc -l <"$EMU_LOG")
for d in 1.5 20; do
    out=$("$FFMPEG" -hide_banner -nostdin -y -stream_loop 2 -i "$T/clip.mp4" \
          -filter_complex "[0:v]trim=0:$d,setpts=PTS-STARTPTS,seedance_edit=prompt=@video1 again[v]" \
          -map "[v]" -f null - 2>&1)
    failed_run $? "$out" "a $d s segment"
    like "$out" "The segment that reached seedance_edit lasts (1\.500 s|more than 15 s): a reference video must last 2\.\.15 s; nothing was sent" \
        "a $d s segment: the message names the rule"
done
is "$(wc -l <"$EMU_LOG")" "$before" "no request at all, uploads included"

# Above max_credits: refused before anything is uploaded.
out=$("$FFMPEG" -hide_banner -nostdin -y -i "$T/clip.mp4" -filter_complex \
      "[0:v]trim=0:5,setpts=PTS-STARTPTS,seedance_edit=prompt=@video1 at night:max_credits=10[v]" \
      -map "[v]" -f null - 2>&1)
failed_run $? "$out" "an edit above max_credits"
like "$out" "Estimated cost: 65\.060 credits" "the cost is logged first"
like "$out" "max_credits: this request is estimated at 65\.060 credits .* allowed at most max_credits=10; nothing was submitted" \
    "then refused, naming max_credits"
is "$(wc -l <"$EMU_LOG")" "$before" "nothing was uploaded or submitted"

# Options that contradict each other.
out=$("$FFMPEG" -hide_banner -nostdin -f lavfi -i testsrc2 -vf "seedance_edit=prompt=x:keep_audio=1" \
      -f null - 2>&1)
like "$out" "keep_audio: 1 without audio_in=1" "keep_audio without an audio input is refused"
out=$("$FFMPEG" -hide_banner -nostdin -f lavfi -i testsrc2 -vf "seedance_edit=prompt=x:duration=5" \
      -f null - 2>&1)
like "$out" "option duration is not accepted: seedance_edit sets it itself" "duration is the segment's"
out=$("$FFMPEG" -hide_banner -nostdin -f lavfi -i testsrc2 -vf "seedance_edit=prompt=@video2 too" \
      -f null - 2>&1)
like "$out" "prompt: @video2 names video 2, which was not given" "a tag naming no input is refused at once"
is "$(wc -l <"$EMU_LOG")" "$before" "none of them sent anything"

done_testing
