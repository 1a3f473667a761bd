#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reference-to-video clips prove which bytes arrived: with images only each
# image opens its share of the frames; with @video1 the clip goes on from
# its last frame (the default) or shows its footage at 24 fps first
# (reference_video_output source_first); with @video2 it dissolves into
# @video2's first frame; the sound is @audio1's, else @video1's, else the
# tone. Adaptive ratio from the video; credits by the video-input rule; the
# task record with each reference's size, SHA-256, media facts and file.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 0.3 --cdn-lag 0
R=seedance-2.0-fast-reference-to-video
W=$T/www
mkdir -p "$W"
www_start "$W"
make_image "$W/i1.png" 640 640 "testsrc2=s=640x640"
make_image "$W/i2.png" 640 640 "gradients=s=640x640:seed=3"
make_image "$W/i3.png" 640 640 "mandelbrot=s=640x640"
make_image "$W/wide.png" 1280 720 "testsrc2=s=1280x720"
video "$W/src30.mp4" 5 640x640 30 "" -preset veryfast -bf 3   # 150 frames with B-frames, a 440 Hz sound
video "$W/b.mp4" 3 640x640 24 "testsrc=s=640x640:r=24,negate" -an
video "$W/tall.mp4" 2 576x1024 24 "" -an
video "$W/v12.mp4" 12 640x640 24 "" -an
audio "$W/a1.wav" 3 660

# clip NAME JSON   submit, wait, download to $T/NAME.mp4; sets TASK, REC
clip() {
    gen "$2"
    REC=$(emu_task "$TASK")
    if [ "$(jq_ .status)" != completed ]; then not_ok "$1: completed" "$BODY"; return 1; fi
    curl -sS -o "$T/$1.mp4" "$(jq_ '.results[0]')"
}
# src VIDEO N   frame N of a source video as $T/src-<base>-N.png (made once)
src() {
    local out=$T/src-$(basename "$1" .mp4)-$2.png
    [ -f "$out" ] || frame "$1" "$2" "$out"
    echo "$out"
}
# best PNG VIDEO N...   which of the frames N... of VIDEO the picture is nearest (PSNR)
best() {
    local png=$1 vid=$2 n p top=-1 at=
    shift 2
    for n in "$@"; do
        p=$(psnr "$png" "$(src "$vid" "$n")")
        if awk -v a="$p" -v b="$top" 'BEGIN { exit !(a > b) }'; then top=$p at=$n; fi
    done
    echo "$at $top"
}
rec() { json_get "$REC" "$1"; }
size_of() { echo "$(probe "$1" stream=width v:0)x$(probe "$1" stream=height v:0)"; }

# --- images only: a share of the frames each ------------------------------------------------
clip imgs "{\"model\":\"$R\",\"prompt\":\"@image1 @image2 @image3\",\"duration\":4,\"quality\":\"480p\",\"image_urls\":[\"$WWW/i1.png\",\"$WWW/i2.png\",\"$WWW/i3.png\"]}"
is "$(size_of "$T/imgs.mp4") $(probe "$T/imgs.mp4" stream=nb_frames v:0)" "640x640 96" "images only: adaptive 1:1 from @image1, 96 frames"
is "$(rec .render.pictures) $(rec .render.sound)" "images tone" "the record: pictures from the images, the tone"
for k in "0 i1" "32 i2" "64 i3"; do
    set -- $k
    frame "$T/imgs.mp4" "$1" "$T/f.png"
    p=$(psnr "$T/f.png" "$W/$2.png"); cmp_float "$p" '>' 30 "images only: frame $1 is $2 (PSNR $p dB)"
done
frame "$T/imgs.mp4" 31 "$T/f.png"
p=$(psnr "$T/f.png" "$W/i1.png"); cmp_float "$p" '<' 25 "images only: the camera moves (frame 31 is i1 zoomed, PSNR $p dB)"
is "$(probe "$T/imgs.mp4" stream=codec_type | paste -sd ' ')" "video audio" "generate_audio: a sound"

# --- @video1 (new footage only) and @audio1 ----------------------------------------------------------
upload "$W/src30.mp4" video/mp4; V_URL=$FURL V_ID=$FID
upload "$W/a1.wav" audio/wav; A_URL=$FURL A_ID=$FID
submit "{\"model\":\"$R\",\"prompt\":\"extend @video1, music @audio1\",\"duration\":4,\"quality\":\"480p\",\"video_urls\":[\"$V_URL\"],\"audio_urls\":[\"$A_URL\"]}"
TASK=$(task_id)
is "$(jq_ .usage.credits_reserved)" 27.108 "credits with a 5 s video, 4 s out: (max(5, 4) + 4) x 3.012"
api DELETE "/api/v1/files/$V_ID"; api DELETE "/api/v1/files/$A_ID"
wait_final "$TASK" 60
is "$(jq_ .status) $(jq_ .usage.credits_used)" "completed 27.108" "uploads deleted once the task has started: it completes all the same"
curl -sS -o "$T/new.mp4" "$(jq_ '.results[0]')"
REC=$(emu_task "$TASK")
is "$(rec .render.pictures) $(rec .render.output) $(rec .render.source_frames) $(rec .render.new_frames) $(rec .render.sound)" \
    "video1 new 0 96 audio1" "the record: new footage only, 96 frames, @audio1's sound"
is "$(size_of "$T/new.mp4")" 640x640 "adaptive: 1:1 from @video1"
frame "$T/new.mp4" 0 "$T/n0.png"
read -r at p <<<"$(best "$T/n0.png" "$W/src30.mp4" 0 75 147 148 149)"
is "$at" 149 "new footage: frame 0 goes on from @video1's last frame (PSNR $p dB)"
cmp_float "$p" '>' 30 "... close to it"
frame "$T/new.mp4" 95 "$T/n95.png"
p=$(psnr "$T/n95.png" "$T/n0.png"); cmp_float "$p" '<' 25 "new footage: the camera moves on (last frame against frame 0: PSNR $p dB)"
pcm "$T/new.mp4" "$T/new.pcm"; pcm "$W/a1.wav" "$T/a1.pcm"
c=$(corr "$T/new.pcm" "$T/a1.pcm" 0.1 2.9); cmp_float "$c" '>' 0.95 "the sound is @audio1's (correlation $c)"
r=$(rms "$T/new.pcm" 3.1 3.95); cmp_float "$r" '<' 0.002 "silence once @audio1 has ended (RMS $r)"

# the record: what arrived
is "$(rec .references[0].tag) $(rec .references[0].state) $(rec .references[0].url)" "@video1 fetched $V_URL" "record: @video1, fetched, its URL"
is "$(rec .references[0].size)" "$(stat -c %s "$W/src30.mp4")" "record: its size"
is "$(rec .references[0].sha256)" "$(sha256sum <"$W/src30.mp4" | cut -d' ' -f1)" "record: its SHA-256"
check "record: the fetched file is kept, byte for byte" cmp "$(rec .references[0].path)" "$W/src30.mp4"
like "$(rec .references[0].path)" "/references/$TASK/video1\\.mp4\$" "record: kept under the data directory"
is "$(rec .references[0].duration) $(rec .references[0].fps) $(rec .references[0].width)x$(rec .references[0].height)" "5 30 640x640" "record: duration, fps, size"
is "$(rec .references[0].has_audio) $(rec .references[0].sample_rate) $(rec .references[0].channels)" "true 48000 1" "record: its sound"
is "$(rec .references[1].tag) $(rec .references[1].format) $(rec .references[1].duration) $(rec .references[1].channels)" "@audio1 wav 3 2" "record: @audio1"
check "record: @audio1's file" cmp "$(rec .references[1].path)" "$W/a1.wav"
is "$(rec .video_seconds) $(rec .reference_error)" "5 null" "record: 5 s of video input, no error"

# --- source_first: @video1's footage at 24 fps, then the new part ------------------------------------------
emu_admin POST /_emu/config '{"reference_video_output":"source_first"}' >/dev/null
clip src "{\"model\":\"$R\",\"prompt\":\"start with @video1, then extend it\",\"duration\":8,\"quality\":\"480p\",\"video_urls\":[\"$WWW/src30.mp4\"]}"
is "$(rec .render.output) $(rec .render.source_frames) $(rec .render.new_frames) $(rec .render.sound)" "source_first 120 72 video1" \
    "the record: 120 frames of @video1 (5 s at 24 fps), 72 new, @video1's sound"
is "$(probe "$T/src.mp4" stream=nb_frames v:0)" 192 "8 s: 192 frames"
for i in 0 50 119; do
    j=$((i * 30 / 24))
    frame "$T/src.mp4" "$i" "$T/s.png"
    read -r at p <<<"$(best "$T/s.png" "$W/src30.mp4" $((j > 1 ? j - 2 : 0)) $((j > 0 ? j - 1 : 0)) "$j" $((j + 1)) $((j + 2)))"
    is "$at" "$j" "source first: frame $i is @video1's frame $j (30 fps at 24 fps; PSNR $p dB)"
done
frame "$T/src.mp4" 120 "$T/s.png"
read -r at p <<<"$(best "$T/s.png" "$W/src30.mp4" 146 147 148 149)"
is "$at" 149 "source first: frame 120, the first new one, goes on from @video1's last frame"
cmp_float "$p" '>' 30 "... close to it (PSNR $p dB)"
pcm "$T/src.mp4" "$T/src.pcm"; pcm "$W/src30.mp4" "$T/src30.pcm"
c=$(corr "$T/src.pcm" "$T/src30.pcm" 0.1 4.9); cmp_float "$c" '>' 0.95 "no @audio1: the sound is @video1's (correlation $c)"
r=$(rms "$T/src.pcm" 5.1 7.9); cmp_float "$r" '<' 0.002 "silence once it has ended (RMS $r)"
emu_admin POST /_emu/config '{"reference_video_output":"new"}' >/dev/null

# --- @video1 and @video2: from the end of one into the start of the other ----------------------------------
clip two "{\"model\":\"$R\",\"prompt\":\"@video1, then a whip pan into @video2\",\"duration\":4,\"quality\":\"480p\",\"generate_audio\":false,\"video_urls\":[\"$WWW/src30.mp4\",\"$WWW/b.mp4\"]}"
is "$(rec .render.pictures) $(rec .render.sound) $(probe "$T/two.mp4" stream=codec_type | paste -sd ' ')" "video1+video2 none video" "the record: two videos, no sound (generate_audio false)"
frame "$T/two.mp4" 0 "$T/t0.png"
read -r at p <<<"$(best "$T/t0.png" "$W/src30.mp4" 0 148 149)"
is "$at" 149 "two videos: frame 0 goes on from @video1's last frame (PSNR $p dB)"
frame "$T/two.mp4" 95 "$T/t95.png"
p=$(psnr "$T/t95.png" "$(src "$W/b.mp4" 0)"); cmp_float "$p" '>' 30 "two videos: the last frame is nearly @video2's first (PSNR $p dB)"
frame "$T/two.mp4" 48 "$T/t48.png"
p1=$(psnr "$T/t48.png" "$(src "$W/src30.mp4" 149)") p2=$(psnr "$T/t48.png" "$(src "$W/b.mp4" 0)")
cmp_float "$p1" '<' 25 "two videos: mid-way the dissolve is neither (@video1's end: $p1 dB)"
cmp_float "$p2" '<' 25 "... nor @video2's start ($p2 dB)"

# --- a video without sound and no audio: the tone; adaptive and cover ------------------------------------------
clip tall "{\"model\":\"$R\",\"prompt\":\"@image1 moves like @video1\",\"duration\":4,\"quality\":\"480p\",\"image_urls\":[\"$WWW/wide.png\"],\"video_urls\":[\"$WWW/tall.mp4\"]}"
is "$(size_of "$T/tall.mp4") $(rec .render.sound)" "496x864 tone" "adaptive follows @video1 (9:16) before @image1 (16:9); a silent video: the tone"
clip wide "{\"model\":\"$R\",\"prompt\":\"@image1\",\"duration\":4,\"quality\":\"480p\",\"generate_audio\":false,\"image_urls\":[\"$WWW/wide.png\",\"$WWW/i1.png\"]}"
is "$(size_of "$T/wide.mp4")" 864x496 "images only: adaptive follows @image1 (16:9)"
clip cover "{\"model\":\"$R\",\"prompt\":\"@video1\",\"duration\":4,\"quality\":\"480p\",\"aspect_ratio\":\"16:9\",\"generate_audio\":false,\"video_urls\":[\"$WWW/src30.mp4\"]}"
frame "$T/cover.mp4" 0 "$T/c0.png"
$FF -i "$(src "$W/src30.mp4" 149)" -vf 'scale=864:864,crop=864:496' "$T/c_ref.png"
p=$(psnr "$T/c0.png" "$T/c_ref.png"); cmp_float "$p" '>' 30 "16:9 from a square video: its frames scaled and cropped to cover 864x496 (PSNR $p dB)"

# --- credits by the video-input rule ------------------------------------------------------------------------
emu_fault '{"type":"task","outcome":"hang","count":-1}'       # no rendering needed
credits() { # MODEL QUALITY DURATION EXTRA WANT WHAT
    submit "{\"model\":\"$1\",\"prompt\":\"p\",\"quality\":\"$2\",\"duration\":$3$4}"
    is "$(jq_ .usage.credits_reserved)" "$5" "credits: $6"
}
credits seedance-2.0-reference-to-video 720p 8 ",\"content_filter\":false,\"video_urls\":[\"$WWW/src30.mp4\"]" 144.707 \
    "standard 720p, 5 s video, 8 s out, no content filter: (8 + 8) x 8.222 x 1.1"
credits seedance-2.0-reference-to-video 480p 4 ",\"video_urls\":[\"$WWW/v12.mp4\"]" 60.912 \
    "standard 480p, 12 s video, 4 s out: (12 + 4) x 3.807"
credits seedance-2.0-reference-to-video 1080p 6 ",\"video_urls\":[\"$WWW/src30.mp4\"]" 221.994 \
    "standard 1080p, 5 s video, 6 s out: (6 + 6) x 18.4995"
credits seedance-2.0-mini-reference-to-video 720p 5 ",\"video_urls\":[\"$WWW/b.mp4\"]" 16.44 \
    "mini 720p, 3 s video, 5 s out: (5 + 5) x 1.644"
credits seedance-2.0-fast-reference-to-video 480p 4 ",\"video_urls\":[\"$WWW/src30.mp4\",\"$WWW/tall.mp4\"]" 33.132 \
    "fast 480p, 5 + 2 s of video, 4 s out: (7 + 4) x 3.012"
credits $R 480p 4 ",\"image_urls\":[\"$WWW/i1.png\"],\"audio_urls\":[\"$WWW/a1.wav\"]" 20.252 \
    "no video input: as text-to-video, 4 x 5.063"
emu_admin POST /_emu/config '{"price_factor":2}' >/dev/null
credits $R 480p 4 ",\"video_urls\":[\"$WWW/v12.mp4\"]" 96.384 "price_factor 2: (12 + 4) x 3.012 x 2"

www_stop
emu_finish
done_testing
