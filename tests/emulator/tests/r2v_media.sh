#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The rules of reference media, checked when a reference-to-video task
# starts (every reference fetched), both sides of each bound, with real
# files made by Debian's ffmpeg: images (format, sides, ratio, 30 MB),
# videos (mp4/mov by content, 2..15 s, 15 s in all, 24..60 fps, 409,600 to
# 2,086,876 px, ratio 0.4..2.5, 50 MB), audio (wav/mp3 by content,
# 2..15 s, 15 s in all, 15 MB), unreachable references. A reference that
# breaks a rule fails the task (invalid_parameters, a message naming the
# field, index, tag and rule), the references after it are not fetched,
# and the task is not billed.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 0.3 --credits 100000
R=seedance-2.0-fast-reference-to-video
W=$T/www
mkdir -p "$W"
www_start "$W"

# --- the media ------------------------------------------------------------------------------
make_image "$W/i.png" 640 640
make_image "$W/i.jpg" 640 640
make_image "$W/i.webp" 640 640
make_image "$W/i300.png" 300 400 "color=c=red:s=300x400,format=rgb24"
make_image "$W/i299.png" 299 400 "color=c=red:s=299x400,format=rgb24"
make_image "$W/r25.png" 1000 400 "color=c=blue:s=1000x400,format=rgb24"
make_image "$W/r2525.png" 1010 400 "color=c=blue:s=1010x400,format=rgb24"
make_image "$W/i.gif" 400 400 "color=c=red:s=400x400"
cp "$W/i.png" "$W/i30.png"; python3 -c "import sys; f=open(sys.argv[1],'ab'); f.write(bytes(30*1024*1024 - f.tell()))" "$W/i30.png"
cp "$W/i30.png" "$W/i30b.png"; printf '\0' >>"$W/i30b.png"
vid() { local n=$1; shift; video "$W/$n" "$@"; }
vid v2.mp4 2 640x640 24 "" -an
vid v1958.mp4 1.958 640x640 24 "" -an
vid v15.mp4 15 640x640 24 "" -an
vid v15042.mp4 15.042 640x640 24 "" -an
vid v8.mp4 8 640x640 24 "" -an
vid v7.mp4 7 640x640 24 "" -an
vid v75.mp4 7.5 640x640 24 "" -an
vid f23976.mp4 2 640x640 24000/1001 "" -an
vid f60.mp4 2 640x640 60 "" -an
vid f61.mp4 2 640x640 61 "" -an
vid p638.mp4 2 638x640 24 "" -an
vid p2206.mp4 2 2206x946 24 "" -an
vid p2208.mp4 2 2208x946 24 "" -an
vid r1014.mp4 2 1014x406 24 "" -an
vid r1026.mp4 2 1026x400 24 "" -an
vid r406.mp4 2 406x1014 24 "" -an
vid r400.mp4 2 400x1026 24 "" -an
vid q.mov 2 640x640 24 "" -an -f mov
vid k.mkv 2 640x640 24 "" -an
$FF -f lavfi -i "sine=f=440:r=48000" -t 2 -c:a aac "$W/noav.mp4"
vid v50.mp4 2 640x640 24 "" -an; pad "$W/v50.mp4" $((50 * 1024 * 1024))
cp "$W/v50.mp4" "$W/v50b.mp4"; printf '\0' >>"$W/v50b.mp4"
audio "$W/a2.wav" 2
audio "$W/a199.wav" 1.99
audio "$W/a15.wav" 15
audio "$W/a1501.wav" 15.01
audio "$W/a8.wav" 8
audio "$W/a7.wav" 7
audio "$W/a75.wav" 7.5
audio "$W/a.mp3" 3 440 -c:a libmp3lame
audio "$W/a.m4a" 3 440 -c:a aac
audio "$W/a.flac" 3
audio "$W/a15m.wav" 2; pad "$W/a15m.wav" $((15 * 1024 * 1024))
cp "$W/a15m.wav" "$W/a15mb.wav"; printf '\0' >>"$W/a15mb.wav"

# r2v FIELDS   a small request with these media fields, URLs relative to the test server
r2v() {
    local j="" f
    for f in "$@"; do
        local k=${f%%=*} list=${f#*=} arr="" u
        for u in ${list//,/ }; do
            case $u in http*) ;; *) u=$WWW/$u ;; esac
            arr="$arr\"$u\","
        done
        j="$j,\"$k\":[${arr%,}]"
    done
    printf '{"model":"%s","prompt":"p","duration":4,"quality":"480p","generate_audio":false%s}' "$R" "$j"
}
balance() { json_get "$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")" .data.remaining_credits; }

# passes WHAT FIELDS...   every reference fetched and within the rules
# (the task is not rendered: render_r2v.sh shows what comes of them)
passes() {
    local what=$1 rec; shift
    emu_fault '{"type":"task","outcome":"hang"}'
    submit "$(r2v "$@")"
    rec=$(emu_task "$(task_id)")
    if [ "$STATUS" = 200 ] && [ "$(json_get "$rec" .reference_error)" = null ] &&
       ! json_get "$rec" .references | grep -q '"state": *"\(failed\|skipped\|waiting\)"'; then
        ok "passes: $what"; else not_ok "passes: $what" "status $STATUS" "$rec"; fi
}
# fails WHAT REGEX FIELDS...   the task fails: invalid_parameters, the
# message matches REGEX, nothing billed
fails() {
    local what=$1 re=$2 before id; shift 2
    before=$(balance)
    submit "$(r2v "$@")"
    id=$(task_id)
    is "$STATUS $(jq_ .status)" "200 pending" "$what: the submit is accepted (the task has started)"
    wait_final "$id" 30
    if [ "$(jq_ .status)" = failed ] && [ "$(jq_ .error.code)" = invalid_parameters ] &&
       printf '%s' "$(jq_ .error.message)" | grep -Eq -- "$re"; then
        ok "fails: $what"; else not_ok "fails: $what" "$BODY"; fi
    is "$(jq_ .usage.credits_used) $(balance)" "0 $before" "$what: not billed"
}

# --- images --------------------------------------------------------------------------------
passes "png, jpeg and webp images" image_urls=i.png,i.jpg,i.webp
passes "an image 300 px wide" image_urls=i300.png
fails "an image 299 px wide" "^image_urls\\[0\\] \\(@image1, '$WWW/i299.png'\\): image is 299x400 px \\(each side must be 300 to 6000 px\\)" image_urls=i299.png
passes "an image of ratio 2.5" image_urls=r25.png
fails "an image of ratio 2.525" 'image_urls\[1\] \(@image2.*aspect ratio 2.525 \(width/height must be 0.4 to 2.5\)' image_urls=r25.png,r2525.png
fails "a GIF image" 'image_urls\[0\] \(@image1.*unsupported image format \(allowed: jpeg, png, webp\)' image_urls=i.gif
passes "an image of exactly 30 MB" image_urls=i30.png
fails "an image of 30 MB + 1 byte" 'image_urls\[0\] \(@image1.*the image is larger than 30 MB' image_urls=i30b.png

# --- videos ---------------------------------------------------------------------------------
passes "a 2 s video (24 fps, 640x640 = 409,600 px)" video_urls=v2.mp4
fails "a 1.958 s video" "^video_urls\\[0\\] \\(@video1, '$WWW/v1958.mp4'\\): the video is 1.958 s long \\(each reference video must be 2 to 15 s\\)" video_urls=v1958.mp4
passes "a 15 s video" video_urls=v15.mp4
fails "a 15.042 s video" 'the video is 15.042 s long \(each reference video must be 2 to 15 s\)' video_urls=v15042.mp4
passes "videos of 8 + 7 s (15 s in all)" video_urls=v8.mp4,v7.mp4
fails "videos of 8 + 7.5 s" '^video_urls\[1\] \(@video2, .*with it the reference videos last 15.500 s in total \(at most 15 s across all videos\)' video_urls=v8.mp4,v75.mp4
fails "a video at 23.976 fps" 'the video runs at 23.976 fps \(allowed: 24 to 60 fps\)' video_urls=f23976.mp4
passes "a video at 60 fps" video_urls=f60.mp4
fails "a video at 61 fps" 'the video runs at 61.000 fps \(allowed: 24 to 60 fps\)' video_urls=f61.mp4
fails "a 638x640 video" 'the video is 638x640 = 408320 px \(width x height must be 409,600 to 2,086,876\)' video_urls=p638.mp4
passes "a 2206x946 video (2,086,876 px)" video_urls=p2206.mp4
fails "a 2208x946 video" 'the video is 2208x946 = 2088768 px' video_urls=p2208.mp4
passes "a 1014x406 video (ratio 2.497)" video_urls=r1014.mp4
fails "a 1026x400 video" 'the video is 1026x400 px, aspect ratio 2.565 \(width/height must be 0.4 to 2.5\)' video_urls=r1026.mp4
passes "a 406x1014 video (ratio 0.400)" video_urls=r406.mp4
fails "a 400x1026 video" 'aspect ratio 0.390' video_urls=r400.mp4
# (the side rule, 300..6000 px, cannot be broken alone: the pixel and
# ratio rules are stricter on both ends)
passes "a QuickTime video" video_urls=q.mov
fails "a Matroska video" "the video's format is matroska,webm \\(allowed: mp4, mov\\)" video_urls=k.mkv
fails "an MP4 with no video stream" 'the file holds no video stream' video_urls=noav.mp4
passes "a video of exactly 50 MB" video_urls=v50.mp4
fails "a video of 50 MB + 1 byte" 'the video is larger than 50 MB \(at most 50 MB per video\)' video_urls=v50b.mp4

# --- audio ------------------------------------------------------------------------------------------
passes "a 2 s WAV" image_urls=i.png audio_urls=a2.wav
fails "a 1.99 s WAV" "^audio_urls\\[0\\] \\(@audio1, '$WWW/a199.wav'\\): the audio clip is 1.990 s long \\(each reference audio clip must be 2 to 15 s\\)" image_urls=i.png audio_urls=a199.wav
passes "a 15 s WAV" image_urls=i.png audio_urls=a15.wav
fails "a 15.01 s WAV" 'the audio clip is 15.010 s long' image_urls=i.png audio_urls=a1501.wav
passes "audio of 8 + 7 s" video_urls=v2.mp4 audio_urls=a8.wav,a7.wav
fails "audio of 8 + 7.5 s" '^audio_urls\[1\] \(@audio2, .*with it the reference audio clips last 15.500 s in total \(at most 15 s across all audio clips\)' video_urls=v2.mp4 audio_urls=a8.wav,a75.wav
passes "an MP3" image_urls=i.png audio_urls=a.mp3
fails "an AAC (M4A) clip" "the audio's format is mov,mp4,m4a,3gp,3g2,mj2 \\(allowed: wav, mp3\\)" image_urls=i.png audio_urls=a.m4a
fails "a FLAC clip" "the audio's format is flac \\(allowed: wav, mp3\\)" image_urls=i.png audio_urls=a.flac
passes "a WAV of exactly 15 MB" image_urls=i.png audio_urls=a15m.wav
fails "a WAV of 15 MB + 1 byte" 'the audio clip is larger than 15 MB \(at most 15 MB per audio clip\)' image_urls=i.png audio_urls=a15mb.wav
fails "a video given as audio" "the audio's format is mov,mp4" image_urls=i.png audio_urls=v2.mp4
printf '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n%s/seg.ts\n#EXT-X-ENDLIST\n' "$WWW" >"$W/list.m3u8"
$FF -f lavfi -i testsrc2=s=640x640 -t 2 -c:v libx264 -preset ultrafast -f mpegts "$W/seg.ts"
fails "a playlist as a video" 'video_urls\[0\] \(@video1, .*(format is hls|not a media file)' video_urls=list.m3u8
is "$(grep -c 'GET /seg.ts' "$T/www.log")" 0 "what a playlist names is not fetched"

# --- unreachable references -----------------------------------------------------------------------------
fails "a reference answering 404" "^video_urls\\[0\\] \\(@video1, '$WWW/missing.mp4'\\): cannot be fetched: HTTP 404" video_urls=missing.mp4
fails "a host the emulator does not contact" 'cannot be fetched: https://example\.com/v\.mp4 is not reachable from the emulator' image_urls=i.png video_urls=https://example.com/v.mp4
fails "a port nobody listens on" 'video_urls\[0\] \(@video1.*cannot be fetched: ' video_urls=http://127.0.0.1:1/v.mp4
upload "$W/v2.mp4" video/mp4
api DELETE "/api/v1/files/$FID"
fails "an upload deleted before the task" 'cannot be fetched: HTTP 404' "video_urls=$FURL"

# --- the record: the first failure stops the fetch ---------------------------------------------------------
submit "$(r2v image_urls=i.png video_urls=v1958.mp4,v2.mp4 audio_urls=a2.wav)"
id=$(task_id)
rec=$(emu_task "$id")
is "$(json_get "$rec" .references | python3 -c 'import json,sys; print(" ".join(r["tag"] + "=" + r["state"] for r in json.load(sys.stdin)))')" \
    "@image1=fetched @video1=failed @video2=skipped @audio1=skipped" "the references after a failed one are not fetched"
is "$(json_get "$rec" .references[1].error)" "the video is 1.958 s long (each reference video must be 2 to 15 s)" "the record holds each reference's error"
is "$(sha256sum <"$(json_get "$rec" .references[1].path)" | cut -d' ' -f1)" "$(sha256sum <"$W/v1958.mp4" | cut -d' ' -f1)" "a refused reference is kept as it arrived"
is "$(json_get "$rec" .references[1].sha256)" "$(sha256sum <"$W/v1958.mp4" | cut -d' ' -f1)" "its SHA-256"
is "$(json_get "$rec" .reference_error)" "video_urls[0] (@video1, '$WWW/v1958.mp4'): the video is 1.958 s long (each reference video must be 2 to 15 s)" "the task's error, in the record"
wait_final "$id" 30
is "$(jq_ .status) $(jq_ .usage.credits_used)" "failed 0" "it fails, not billed"
is "$(jq_ .error.message)" "$(json_get "$rec" .reference_error)" "with that message"

www_stop
emu_finish
done_testing
