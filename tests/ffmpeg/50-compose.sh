#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Generated clips inside filter graphs: two inputs composited, concat,
# drawtext, and movie= opening the protocol from inside a filter graph.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

# Two seedance inputs, overlaid.
"$FFMPEG" -hide_banner -nostdin -y \
    -i "seedance:?prompt=a calm sea&duration=4&quality=480p" \
    -i "seedance:?prompt=a small boat&duration=4&quality=480p&aspect_ratio=1:1&generate_audio=0" \
    -filter_complex "[1:v]scale=320:320[pip];[0:v][pip]overlay=W-w-16:16[v]" -map "[v]" -map 0:a \
    -c:v libx264 -preset ultrafast -c:a aac "$T/pip.mp4" >"$T/pip.log" 2>&1
rc=$?
is "$rc" 0 "two seedance inputs composited with overlay"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/pip.log" | tail -n 20
is "$(probe "$T/pip.mp4" stream=width v:0)x$(probe "$T/pip.mp4" stream=height v:0)" 864x496 "the composite has the base clip's size"
is "$(stream_types "$T/pip.mp4")" "video audio" "the composite keeps the base clip's audio"
is "$(log_count path=/v1/videos/generations status=200)" 2 "two generations were submitted"
# The overlay is really there: the top-right corner differs from the base clip alone.
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=a calm sea&duration=4&quality=480p" -c copy "$T/base.mp4" >/dev/null 2>&1
p=$(psnr_first "$T/pip.mp4" "$T/base.mp4" 864 496)
cmp_float "${p/inf/99}" "<" 40 "the picture-in-picture changed the frame (PSNR vs base $p dB)"

# concat of two generated clips + drawtext on top.
font=$(fc-match -f '%{file}' sans 2>/dev/null)
"$FFMPEG" -hide_banner -nostdin -y \
    -i "seedance:?prompt=a calm sea&duration=4&quality=480p" \
    -i "seedance:?prompt=a stormy sea&duration=4&quality=480p" \
    -filter_complex "[0:v][0:a][1:v][1:a]concat=n=2:v=1:a=1[v0][a];[v0]drawtext=fontfile='$font':text='seedance':x=20:y=20:fontsize=32:fontcolor=white[v]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast -c:a aac "$T/concat.mp4" >"$T/concat.log" 2>&1
rc=$?
is "$rc" 0 "concat + drawtext over two generated clips"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/concat.log" | tail -n 20
cmp_float "$(probe "$T/concat.mp4" format=duration)" ">=" 7.9 "the concatenation lasts 8 s"

# movie= inside a filter graph (the filter opens the URL with libavformat).
"$FFMPEG" -hide_banner -nostdin -y -f lavfi \
    -i "movie='seedance\:a lighthouse at night':s=dv+da[v][a];[v]hflip[out0];[a]anull[out1]" \
    -c:v libx264 -preset ultrafast -c:a aac "$T/movie.mp4" >"$T/movie.log" 2>&1
rc=$?
is "$rc" 0 "movie=seedance:... inside a filter graph"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/movie.log" | tail -n 20
is "$(probe "$T/movie.mp4" stream=width v:0)" 1280 "movie= delivers the generated clip"
is "$(stream_types "$T/movie.mp4")" "video audio" "movie= delivers video and audio"

# ffplay plays it (SDL's dummy drivers: no display or sound card needed).
if [ -x "$BIN/ffplay" ]; then
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy timeout 120 "$BIN/ffplay" -hide_banner -autoexit \
        -loglevel info -t 1 "seedance:?prompt=play me&duration=4&quality=480p" >"$T/play.log" 2>&1
    is "$?" 0 "ffplay plays a seedance: URL to its end"
    like "$(cat "$T/play.log")" "Video: h264.*864x496" "ffplay sees the generated video stream"
else
    skip "ffplay plays a seedance: URL" "ffplay was not built (no libsdl2-dev)"
fi

done_testing
