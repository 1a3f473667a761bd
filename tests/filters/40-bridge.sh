#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance_bridge: the first input, a generated transition from its last
# frame to the second input's first frame, then the second input, with
# timestamps that go on without gap.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start

# Its options: the request fields the inputs do not decide.
io_filter_help seedance_bridge
like "$help" "^ +#1: [a-z0-9_]+ \(video\)" "a second video input"

a="testsrc2=size=480x480:rate=24:duration=2"
b="testsrc=size=480x480:rate=24:duration=2"
"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "$a" -pix_fmt yuv420p -c:v ffv1 -f nut "$T/a.nut" >/dev/null 2>&1
"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "$b" -pix_fmt yuv420p -c:v ffv1 -f nut "$T/b.nut" >/dev/null 2>&1
bridge="seedance_bridge=prompt=one pattern becomes the other:duration=4:quality=480p"
br=(-i "$T/a.nut" -i "$T/b.nut" -filter_complex "[0:v][1:v]$bridge[v]" -map "[v]"
    -c:v ffv1 -fps_mode passthrough -f nut)
ff_ok "$T/br.log" "seedance_bridge between two 2 s inputs" "${br[@]}" "$T/br.nut"
frame_hashes "$T/br.nut" >"$T/hashes"
is "$(wc -l <"$T/hashes")" $((48 + 96 + 48)) "48 + 96 generated + 48 frames"
check "the first input comes first, unchanged" cmp -s <(frame_hashes "$T/a.nut") <(head -n 48 "$T/hashes")
check "the second input comes last, unchanged" cmp -s <(frame_hashes "$T/b.nut") <(tail -n 48 "$T/hashes")
frame_times "$T/br.nut" >"$T/times"
check "timestamps strictly increase" strictly_increasing <"$T/times"
is "$(steps <"$T/times")" 0.0417 "one frame step (1/24 s) everywhere: no gap, no jump"
is "$(sed -n 49p "$T/times")" 2.000000 "the transition starts where the first input ends"
is "$(sed -n 145p "$T/times")" 6.000000 "the second input starts where the transition ends"

task=$(emu_last_task)
r=$(emu_task "$task")
is "$(json_get "$r" .request.model)" seedance-2.0-fast-image-to-video "an image-to-video generation"
emu_image "$task" 0 "$T/first.png"
emu_image "$task" 1 "$T/last.png"
check "two images were sent" test -s "$T/last.png"
psnr_check "$T/first.png" 0 "$T/a.nut" 47 40 "the first image is the first input's last frame"
psnr_check "$T/last.png" 0 "$T/b.nut" 0 40 "the last image is the second input's first frame"
psnr_check "$T/br.nut" 48 "$T/a.nut" 47 30 "the transition's first frame matches the first input's last"
psnr_check "$T/br.nut" 143 "$T/b.nut" 0 30 "the transition's last frame matches the second input's first"

# Again: nothing paid.
again_pays_nothing "$T/again.log" "${br[@]}" "$T/again.nut"

# Into an encoder with the usual defaults.
ff_ok "$T/enc.log" "the bridged video encodes with libx264" -i "$T/a.nut" -i "$T/b.nut" \
    -filter_complex "[0:v][1:v]$bridge,format=yuv420p[v]" -map "[v]" -c:v libx264 -preset ultrafast "$T/br.mp4"
cmp_float "$(probe "$T/br.mp4" format=duration)" ">=" 7.9 "it lasts 8 s"

done_testing
