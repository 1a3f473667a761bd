#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Text-to-video rendering: codec, the exact pixel size of every quality x
# aspect_ratio, duration at 24 fps, audio present or not, same prompt ->
# same pixels, another prompt -> other pixels.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --gen-time 0.2 --cdn-lag 0

# clip JSON NAME   generate and download to $T/NAME.mp4
clip() {
    gen "$1"
    if [ "$(jq_ .status)" != completed ]; then
        not_ok "$2: task completed" "$BODY"; return 1; fi
    curl -sS -o "$T/$2.mp4" "$(jq_ '.results[0]')"
}
req() { printf '{"model":"seedance-2.0-fast-text-to-video","prompt":"%s","duration":%s,"quality":"%s","aspect_ratio":"%s","generate_audio":%s}' "$@"; }
# "vertical": adaptive, with a prompt that asks for a vertical frame

# sizes from the table of the OpenAPI pages
while read -r q r w h; do
    case $r in vertical) clip "$(req "a vertical frame, $q" 4 "$q" adaptive false)" "s-$q-$r" || continue ;;
               *) clip "$(req "size $q $r" 4 "$q" "$r" false)" "s-$q-${r/:/x}" || continue ;; esac
    is "$(probe "$T/s-$q-${r/:/x}.mp4" stream=width,height | paste -sd x)" "${w}x$h" "$q $r is ${w}x$h"
done <<'EOF'
480p 16:9 864 496
480p 4:3 752 560
480p 1:1 640 640
480p 3:4 560 752
480p 9:16 496 864
480p 21:9 992 432
480p vertical 496 864
720p 16:9 1280 720
720p 4:3 1112 834
720p 1:1 960 960
720p 3:4 834 1112
720p 9:16 720 1280
720p 21:9 1470 630
720p vertical 720 1280
EOF

# the standard models' 1080p and 4k
for s in "1080p 16:9 1920 1080" "1080p 21:9 2206 946" "4k 16:9 3840 2160"; do
    set -- $s
    gen "{\"model\":\"seedance-2.0-text-to-video\",\"prompt\":\"big\",\"duration\":4,\"quality\":\"$1\",\"aspect_ratio\":\"$2\",\"generate_audio\":false}"
    if [ "$(jq_ .status)" = completed ] && curl -sS -o "$T/big.mp4" "$(jq_ '.results[0]')"; then
        is "$(probe "$T/big.mp4" stream=width,height | paste -sd x)" "${3}x$4" "standard $1 $2 is ${3}x$4"
    else
        not_ok "standard $1 $2: task completed" "$BODY"
    fi
done

# defaults: 720p, adaptive (the service's default since 2026-08-02), 5 s, audio on
clip '{"model":"seedance-2.0-fast-text-to-video","prompt":"defaults"}' def
f=$T/def.mp4
is "$(probe "$f" stream=codec_name | paste -sd ,)" "h264,aac" "default: H.264 video and AAC audio"
like "$(probe "$f" stream=width,height | head -n 2 | paste -sd x)" '^(1280x720|1112x834|960x960|834x1112|720x1280|1470x630)$' "default: 720p, a ratio the model chose"
seen=""
for p in sea lake hill road moon pier; do
    clip "{\"model\":\"seedance-2.0-fast-text-to-video\",\"prompt\":\"a $p\",\"duration\":4,\"quality\":\"480p\",\"generate_audio\":false}" "ad-$p"
    seen="$seen $(probe "$T/ad-$p.mp4" stream=width,height | paste -sd x)"
done
cmp_num "$(printf '%s\n' $seen | sort -u | wc -l)" -gt 1 "an omitted aspect_ratio is not always 16:9: the model chooses ($seen)"
is "$(probe "$f" stream=nb_frames | head -n 1)" 120 "default: 5 s = 120 frames"
is "$(ffprobe -v error -select_streams v -show_entries stream=pix_fmt,r_frame_rate,profile -of default=nw=1:nk=1 "$f" | paste -sd ' ')" \
    "Constrained Baseline yuv420p 24/1" "video: H.264 yuv420p at 24 fps"
is "$(ffprobe -v error -select_streams a -show_entries stream=sample_rate,channels -of default=nw=1:nk=1 "$f" | paste -sd ' ')" \
    "48000 2" "audio: 48 kHz stereo"
vol=$(ffmpeg -nostdin -v info -i "$f" -map 0:a -af volumedetect -f null - 2>&1 | sed -n 's/.*max_volume: \(-*[0-9.]*\) dB/\1/p')
cmp_float "$vol" '>' -30 "audio: an audible tone (max volume $vol dB)"

for d in 4 9 15; do
    clip "$(req "duration $d" "$d" 480p 16:9 true)" "d$d" || continue
    is "$(probe "$T/d$d.mp4" stream=nb_frames | head -n 1)" $((d * 24)) "duration $d: $((d * 24)) frames"
    is "$(ffprobe -v error -select_streams v -show_entries stream=duration -of default=nw=1:nk=1 "$T/d$d.mp4")" "$d.000000" \
        "duration $d: the video stream lasts exactly $d s"
    adur=$(ffprobe -v error -select_streams a -show_entries stream=duration -of default=nw=1:nk=1 "$T/d$d.mp4")
    cmp_float "$adur" '>=' "$((d - 1)).98" "duration $d: the audio lasts $d s ($adur)"
    cmp_float "$adur" '<=' "$d.05" "duration $d: the audio is not longer ($adur)"
done
is "$(probe "$T/s-480p-16x9.mp4" stream=codec_type | paste -sd ,)" video "generate_audio false: no audio track"

# determinism
clip "$(req "a glass frog, macro shot" 4 480p 16:9 false)" frog1
clip "$(req "a glass frog, macro shot" 4 480p 16:9 false)" frog2
clip "$(req "a red fox in the snow" 4 480p 16:9 false)" fox
md5() { ffmpeg -v error -nostdin -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | cut -d, -f6 | tr -d ' '; }
is "$(md5 "$T/frog1.mp4" | md5sum)" "$(md5 "$T/frog2.mp4" | md5sum)" "the same prompt gives the same pixels"
isnt "$(md5 "$T/frog1.mp4" | head -n 1)" "$(md5 "$T/fox.mp4" | head -n 1)" "another prompt gives other pixels"
n=$(md5 "$T/frog1.mp4" | sort -u | wc -l)
cmp_num "$n" -gt 90 "frames move (distinct decoded frames: $n of 96)"
emu_finish
done_testing
