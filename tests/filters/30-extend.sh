#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance_extend: the input unchanged, then a continuation generated from
# its last frame; timestamps that go on without gap; small frames scaled up
# for the API; a second run that pays nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start

# Its options: the request fields the inputs do not decide.
io_filter_help seedance_extend

in="testsrc2=size=480x480:rate=24:duration=2"
ext=(-f lavfi -i "$in" -vf "seedance_extend=prompt=the pattern melts:duration=4:quality=480p"
     -c:v ffv1 -fps_mode passthrough -f nut)
ff_ok "$T/ext.log" "seedance_extend on a 2 s input" "${ext[@]}" "$T/ext.nut"
"$FFMPEG" -hide_banner -nostdin -f lavfi -i "$in" -c:v ffv1 -f nut "$T/in.nut" >/dev/null 2>&1
is "$(frame_hashes "$T/ext.nut" | wc -l)" $((48 + 96)) "48 input frames, then 96 generated ones"
check "the input's frames come first, unchanged" \
    cmp -s <(frame_hashes "$T/in.nut") <(frame_hashes "$T/ext.nut" | head -n 48)
is "$(image_size "$T/ext.nut")" 480x480 "the output keeps the input's size"
is "$(probe "$T/ext.nut" stream=pix_fmt v:0)" "$(probe "$T/in.nut" stream=pix_fmt v:0)" "and its pixel format"
frame_times "$T/ext.nut" >"$T/times"
check "timestamps strictly increase" strictly_increasing <"$T/times"
is "$(steps <"$T/times")" 0.0417 "one frame step (1/24 s) everywhere: no gap, no jump"
is "$(sed -n 49p "$T/times")" 2.000000 "the continuation starts where the input ends (2 s)"
like "$(cat "$T/ext.log")" "\] Estimated cost: 20\.252 credits" "the estimated cost is logged at info level"

task=$(emu_last_task)
r=$(emu_task "$task")
is "$(json_get "$r" .request.model)" seedance-2.0-fast-image-to-video "an image-to-video generation"
is "$(json_get "$r" .request.aspect_ratio)" adaptive "aspect_ratio adaptive by default"
is "$(json_get "$r" .request.generate_audio)" false "no audio asked for (it would be dropped)"
emu_image "$task" 0 "$T/sent.png"
is "$(image_size "$T/sent.png")" 480x480 "the last frame was sent at its size"
psnr_check "$T/sent.png" 0 "$T/in.nut" 47 40 "the image sent is the input's last frame"
psnr_check "$T/ext.nut" 48 "$T/sent.png" 0 30 "the first generated frame matches the image the server received"
psnr_check "$T/ext.nut" 48 "$T/ext.nut" 47 30 "the first generated frame matches the input's last frame"

# The same command again: the same frame, the same request: nothing paid.
again_pays_nothing "$T/again.log" "${ext[@]}" "$T/again.nut"
check "and gives the same frames" cmp -s <(frame_hashes "$T/ext.nut") <(frame_hashes "$T/again.nut")

# Another pixel format than the clip's (yuv444p, stored losslessly): every
# frame that comes out of the filter, the generated ones included, has the
# input's pixel format, size and colour properties (the graph's own frames,
# through ffprobe's lavfi input: no encoder in between to convert them;
# an empty field for side data dropped).
"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "testsrc2=size=480x480:rate=24:duration=2,format=yuv444p" \
    -c:v ffv1 -f nut "$T/in444.nut" >/dev/null 2>&1
frame_props() {
    "$FFPROBE" -v error -f lavfi -i "$1" -show_entries frame=pix_fmt,width,height,color_range,color_space \
        -of csv=p=0 | sed 's/,*$//'
}
frame_props "movie=$T/in444.nut" | sort -u >"$T/in444.props"
is "$(cat "$T/in444.props")" "480,480,yuv444p,unknown,unknown" "(the yuv444p input's frames)"
frame_props "movie=$T/in444.nut,seedance_extend=prompt=in four four four:duration=4:quality=480p" >"$T/ext444.props"
is "$(wc -l <"$T/ext444.props")" $((48 + 96)) "yuv444p input: 48 input frames, then 96 generated ones"
is "$(sort -u "$T/ext444.props")" "$(cat "$T/in444.props")" \
    "every output frame has the input's pixel format, size and colour properties"
is "$(json_get "$(emu_task "$(emu_last_task)")" .request.prompt)" "in four four four" "(it was generated)"
ff_ok "$T/ext444.log" "seedance_extend on the yuv444p input, encoded losslessly" -i "$T/in444.nut" \
    -vf "seedance_extend=prompt=in four four four:duration=4:quality=480p" -c:v ffv1 -fps_mode passthrough \
    -f nut "$T/ext444.nut"
is "$(probe "$T/ext444.nut" stream=pix_fmt v:0)" yuv444p "the encoded output is yuv444p"
psnr_check "$T/ext444.nut" 48 "$T/ext444.nut" 47 30 "the first generated frame matches the input's last frame"

# Frames smaller than the API's 300 px are scaled up before they are sent;
# the output keeps the input's size; another frame rate is followed.
ff_ok "$T/small.log" "seedance_extend on 200x112 frames" -f lavfi -i "testsrc2=size=200x112:rate=25:duration=1" \
    -vf "seedance_extend=prompt=small:duration=4:quality=480p" -c:v ffv1 -fps_mode passthrough -f nut "$T/small.nut"
emu_image "$(emu_last_task)" 0 "$T/small.png"
is "$(image_size "$T/small.png")" 536x300 "the 200x112 frame was sent scaled to 536x300"
is "$(image_size "$T/small.nut")" 200x112 "the output stays 200x112"
is "$(frame_hashes "$T/small.nut" | wc -l)" $((25 + 100)) "25 input frames, then 4 s at the input's 25 fps"
frame_times "$T/small.nut" >"$T/stimes"
is "$(steps <"$T/stimes")" 0.0400 "one frame step (1/25 s) everywhere"

done_testing
