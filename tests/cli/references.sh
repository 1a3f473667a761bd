#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reference-to-video, before anything leaves the machine: every documented
# rule of the references, each with a real file that breaks it (made here
# with Debian's ffmpeg): exit status 2, a message naming the field, the
# value and what is allowed, and not one request, uploads included. Also
# the lists (repeated options, '|'), the mode a video or a sound selects,
# the prompt's tags, and the cost of a reference video.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start

mk() { ffmpeg -v error -nostdin -y "$@" || bail "ffmpeg $*"; }
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 5 "$T/v5.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 8 "$T/v8.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 16 -c:v libx264 -preset ultrafast "$T/v16.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 1.5 "$T/v1.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=15 -t 3 "$T/fps15.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=100 -t 3 "$T/fps100.mp4"
mk -f lavfi -i testsrc2=s=480x480:r=24 -t 3 "$T/px-small.mp4"
mk -f lavfi -i testsrc2=s=2560x1440:r=24 -t 2.5 -c:v libx264 -preset ultrafast "$T/px-big.mp4"
mk -f lavfi -i testsrc2=s=250x2000:r=24 -t 3 "$T/side.mp4"
mk -f lavfi -i testsrc2=s=1600x400:r=24 -t 3 "$T/ratio.mp4"
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 3 -c:v libx264 "$T/clip.mkv"
mk -f lavfi -i testsrc2=s=640x640:r=24 -t 3 -c:v libx264 "$T/clip.mov"
mk -f lavfi -i sine=d=3 "$T/a3.wav"
mk -f lavfi -i sine=d=3 -c:a libmp3lame "$T/a3.mp3"
mk -f lavfi -i sine=d=1 "$T/a1.wav"
mk -f lavfi -i sine=d=9 "$T/a9.wav"
mk -f lavfi -i sine=d=3 -c:a flac "$T/a3.flac"
mk -f lavfi -i "sine=d=5:sample_rate=192000" -ac 8 -c:a pcm_f32le "$T/big.wav"
mk -f lavfi -i testsrc2=s=640x480 -frames:v 1 "$T/i.png"
mk -f lavfi -i testsrc2=s=640x480 -frames:v 1 "$T/i.gif"
cp "$T/v5.mp4" "$T/big.mp4" && truncate -s 51M "$T/big.mp4"

refused() { # DESCRIPTION REGEX ARGS...
    local d=$1 re=$2; shift 2
    "$SD" generate -q -o "$T/never.mp4" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -Eq -- "$re" "$T/err"; then
        ok "$d"
    else
        not_ok "$d" "status $rc" "$(cat "$T/err")"
    fi
}
P=(--quality 480p --duration 4)
refused "ten images" "image: 10 given to reference-to-video: allowed at most 9" x --mode reference \
    --image "$T/i.png" --image "$T/i.png" --image "$T/i.png" --image "$T/i.png" --image "$T/i.png" \
    --image "$T/i.png" --image "$T/i.png" --image "$T/i.png" --image "$T/i.png" --image "$T/i.png"
refused "four videos" "video: 4 given to reference-to-video: allowed at most 3" x \
    --video "$T/v1.mp4|$T/v1.mp4|$T/v1.mp4" --video "$T/v1.mp4"
refused "four sounds" "audio: 4 given to reference-to-video: allowed at most 3" x --image "$T/i.png" \
    --audio "$T/a3.wav" --audio "$T/a3.wav" --audio "$T/a3.wav" --audio "$T/a3.wav"
refused "a sound alone" "audio: given without an image or a video" x --audio "$T/a3.wav"
refused "a gif image" "image: .*i.gif.*(JPEG, PNG or WebP|jpeg, png, webp)" x --mode reference --image "$T/i.gif"
refused "a Matroska video" "video: .*clip.mkv is not mp4 or mov by its content: allowed mp4, mov" x --video "$T/clip.mkv"
refused "a FLAC sound" "audio: .*a3.flac is not wav or mp3 by its content: allowed wav, mp3" x --video "$T/v5.mp4" --audio "$T/a3.flac"
refused "a video over 50 MB" "video: .*big.mp4 is [0-9]+ bytes \(51.0 MB\): allowed at most 50 MB per file" x --video "$T/big.mp4"
refused "a sound over 15 MB" "audio: .*big.wav is [0-9]+ bytes \(.* MB\): allowed at most 15 MB per file" x --video "$T/v5.mp4" --audio "$T/big.wav"
refused "a video of 1.5 s" "video: .*v1.mp4 lasts 1.50 s: allowed 2..15 s per clip" x --video "$T/v1.mp4"
refused "a video of 16 s" "video: .*v16.mp4 lasts 16.00 s: allowed 2..15 s per clip" x --video "$T/v16.mp4"
refused "videos of 16 s together" "video: the local video clips last 16.00 s together: allowed at most 15 s" x --video "$T/v8.mp4|$T/v8.mp4"
refused "a sound of 1 s" "audio: .*a1.wav lasts 1.00 s: allowed 2..15 s per clip" x --video "$T/v5.mp4" --audio "$T/a1.wav"
refused "sounds of 18 s together" "audio: the local audio clips last 18.00 s together: allowed at most 15 s" x --video "$T/v5.mp4" --audio "$T/a9.wav" --audio "$T/a9.wav"
refused "15 fps" "video: .*fps15.mp4 runs at 15 fps: allowed 24..60 fps" x --video "$T/fps15.mp4"
refused "100 fps" "video: .*fps100.mp4 runs at 100 fps: allowed 24..60 fps" x --video "$T/fps100.mp4"
refused "too few pixels" "video: .*px-small.mp4 is 480x480, 230400 pixels: allowed 409600..2086876 pixels" x --video "$T/px-small.mp4"
refused "too many pixels" "video: .*px-big.mp4 is 2560x1440, 3686400 pixels: allowed 409600..2086876 pixels" x --video "$T/px-big.mp4"
refused "a side under 300" "video: .*side.mp4 is 250x2000: allowed 300..6000 pixels per side" x --video "$T/side.mp4"
refused "a ratio of 4" "video: .*ratio.mp4 is 1600x400, a width/height of 4.00: allowed 0.4..2.5" x --video "$T/ratio.mp4"
refused "inline data in reference mode" "image_mode: 'inline' with reference-to-video" x --video "$T/v5.mp4" --image-mode inline
refused "a data: URI that is not base64 in reference mode" "image: a data: URI that is not base64 with reference-to-video" \
    x --video "$T/v5.mp4" --image "data:image/png,not-base64"
refused "a tag naming no input" "prompt: @video2 names video 2, which was not given: 1 video given" "@video1 then @video2" --video "$T/v5.mp4"
refused "@audio1 without a sound" "prompt: @audio1 names audio 1, which was not given: 0 audio given" "@audio1" --video "$T/v5.mp4"
refused "a video in image mode" "video: given to the image-to-video model" x --mode image --image "$T/i.png" --video "$T/v5.mp4"
refused "a video on the text model" "video: 1 given to the text-to-video model" x --model seedance-2.0-fast-text-to-video --video "$T/v5.mp4"
refused "a missing file" "video: cannot read .*none.mp4" x --video "$T/none.mp4"
refused "audio=0 (the old spelling of generate_audio)" "the clip's own track is generate_audio" x --audio 0
is "$(wc -l <"$EMU_LOG")" 0 "not one request was sent, uploads included"

# what is accepted: the body, lists in order, the mode a video selects
body=$("$SD" cost "${P[@]}" --video "$T/v5.mp4|$T/clip.mov" --audio "$T/a3.wav" --audio "$T/a3.mp3" \
       --image "$T/i.png" "@video1 then @video2, @audio1 and @audio2, @image1" | head -n 1)
is "$(json_get "$body" .model)" seedance-2.0-fast-reference-to-video "a video makes the mode reference"
is "$(json_get "$body" '.video_urls[1]')" "$T/clip.mov" "video lists keep their order (mp4 and mov)"
is "$(json_get "$body" '.audio_urls[1]')" "$T/a3.mp3" "a repeated --audio adds to the list (wav and mp3)"
is "$(json_get "$body" '.image_urls[0]')" "$T/i.png" "images are references"
body=$("$SD" cost --tier mini "${P[@]}" --video "$T/v5.mp4" x | head -n 1)
is "$(json_get "$body" .model)" seedance-2.0-mini-reference-to-video "tier mini: mini reference-to-video"
body=$("$SD" cost --tier standard "${P[@]}" --mode reference --image "$T/i.png" x | head -n 1)
is "$(json_get "$body" .model)" seedance-2.0-reference-to-video "mode reference with images only"

# the cost of a reference video: (max(5, 10) + 10) x 3.807 at 480p, standard
est=$("$SD" cost --json --tier standard --quality 480p --duration 10 --video "$T/v5.mp4" x)
is "$(json_get "$est" .estimate.credits)" 76.14 "standard 480p 10 s with a 5 s video: (10 + 10) x 3.807 = 76.14 credits"
is "$(json_get "$est" .estimate.input_seconds)" 10 "billed input seconds: max(5, 10)"
est=$("$SD" cost --json --quality 720p --duration 4 --video "$T/v5.mp4|$T/v8.mp4" x)
is "$(json_get "$est" .estimate.credits)" 110.602 "fast 720p 4 s with 13 s of video: (13 + 4) x 6.506 = 110.602 credits"
est=$("$SD" cost --json --duration 4 --video https://example.com/a.mp4 x)
is "$(json_get "$est" .estimate.known)" false "a remote video: its length, and so the cost, is unknown"
"$SD" submit --max-credits 100 --quality 720p --duration 4 --video "$T/v5.mp4|$T/v8.mp4" x >"$T/out" 2>"$T/err"
is "$?" 2 "max_credits=100 under the estimate of 110.602: refused"
is "$(wc -l <"$EMU_LOG")" 0 "and nothing was sent, nothing uploaded"
done_testing
