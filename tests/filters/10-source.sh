#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The seedance source: its options, video and audio into encoders, the
# clip's own frames, pads that follow generate_audio, image-to-video with
# an adaptive size, and a second run that pays nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start

# ffmpeg -h filter=seedance lists every option with its meaning.
help=$("$FFMPEG" -hide_banner -h filter=seedance 2>&1)
for o in prompt duration quality aspect_ratio generate_audio content_filter web_search \
         callback_url model image last_image image_mode task new_generation cache timeout cache_dir; do
    like "$help" "^ +$o +<string> +[^ ]+ [a-z0-9].*[a-z)]" "-h filter=seedance lists $o with its meaning"
done
unlike "$help" "api_key|api_base|files_base" "options a graph may not set are not listed"
like "$help" "dynamic" "the outputs are described as dynamic"

# Video and audio into encoders.
va=(-filter_complex "seedance=prompt=a calm sea:duration=4:quality=480p[v][a]"
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast -c:a aac)
ff_ok "$T/va.log" "seedance=...[v][a] into libx264 and aac" "${va[@]}" "$T/va.mp4"
is "$(stream_types "$T/va.mp4")" "video audio" "video and audio streams"
is "$(image_size "$T/va.mp4")" 864x496 "480p 16:9 is 864x496"
cmp_float "$(probe "$T/va.mp4" format=duration)" ">=" 3.9 "it lasts at least 3.9 s"
cmp_float "$(probe "$T/va.mp4" format=duration)" "<=" 4.2 "it lasts at most 4.2 s"
is "$(frame_times "$T/va.mp4" | wc -l)" 96 "96 frames (4 s at 24 fps)"
is "$(probe "$T/va.mp4" stream=r_frame_rate v:0)" 24/1 "24 fps"
is "$(probe "$T/va.mp4" stream=sample_rate a:0)" 48000 "48 kHz audio"
like "$(cat "$T/va.log")" "Task task-unified-[0-9]+-[A-Za-z0-9]+ submitted" "the protocol's progress line names the task"
like "$(cat "$T/va.log")" "Downloading the result of task-unified-" "the download is announced"
task=$(emu_last_task)
r=$(emu_task "$task")
is "$(json_get "$r" .request.prompt)" "a calm sea" "the prompt reaches the server"
is "$(json_get "$r" .request.duration)" 4 "duration reaches the server"
is "$(json_get "$r" .request.quality)" 480p "quality reaches the server"
is "$(emu_stat submits)" 1 "one submit"

# The frames are the clip's frames, unchanged, at the clip's times.
srv=$(json_get "$r" .file)
ff "$T/raw.log" -filter_complex "seedance=prompt=a calm sea:duration=4:quality=480p[v][a];[a]anullsink" \
    -map "[v]" -c:v ffv1 -fps_mode passthrough -f nut "$T/ours.nut"
"$FFMPEG" -hide_banner -nostdin -y -i "$srv" -map 0:v -c:v ffv1 -f nut "$T/srv.nut" >/dev/null 2>&1
check "the video frames are the clip's decoded frames" cmp -s <(frame_hashes "$T/srv.nut") <(frame_hashes "$T/ours.nut")
check "at the clip's times" cmp -s <(frame_times "$srv") <(frame_times "$T/ours.nut")

# Sample aspect ratio and colour properties: the clip's (BT.709, limited
# range, square pixels, as the service's clips) on the frames the source
# outputs (read straight from the graph) and through an encoder.
colour=frame=sample_aspect_ratio,color_range,color_space,color_primaries,color_transfer
# (the first frame's or the stream's; an empty field for side data dropped)
first_props() {
    "$FFPROBE" -v error -read_intervals %+#1 -select_streams v:0 -show_entries "$2" -of csv=p=0 "${@:3}" "$1" |
        sed 's/,*$//'
}
# graph_props GRAPH   those of the first frame out of GRAPH's [v], as showinfo
# sees it inside the graph (FFmpeg 5.1's lavfi input device drops colour
# properties on its way out of a graph, so ffprobe -f lavfi cannot tell)
graph_props() {
    ff "$T/showinfo.log" -filter_complex "$1;[v]showinfo[o]" -map "[o]" -frames:v 1 -f null -
    sed -n 's/.*Parsed_showinfo.* sar:\([0-9]*\)\/\([0-9]*\) .*/\1:\2/p; s/.*Parsed_showinfo.* color_range:\([a-z0-9]*\) color_space:\([a-z0-9]*\) color_primaries:\([a-z0-9]*\) color_trc:\([a-z0-9-]*\).*/\1,\2,\3,\4/p' \
        "$T/showinfo.log" | head -n 2 | paste -sd, -
}
want=$(first_props "$srv" "$colour")
is "$want" "1:1,tv,bt709,bt709,bt709" "(the server's clip is BT.709, limited range, square pixels)"
is "$(graph_props "seedance=prompt=a calm sea:duration=4:quality=480p[v][a];[a]anullsink")" "$want" \
    "the source's frames carry the clip's SAR and colour properties (showinfo in the graph)"
stream_colour=stream=sample_aspect_ratio,color_range,color_space,color_primaries,color_transfer
is "$(first_props "$T/va.mp4" "$stream_colour")" "$(first_props "$srv" "$stream_colour")" \
    "the encoded H.264 stream has the clip's SAR and colour properties"

# A second run of the same graph: journal and clip cache, not a request.
again_pays_nothing "$T/again.log" "${va[@]}" "$T/again.mp4"
like "$(cat "$T/again.log")" "cached clip of task $task" "it uses the cached clip of the same task"

# task=: attach to the task (its size learnt from the clip), without cache.
before=$(emu_stat submits)
ff_ok "$T/task.log" "seedance=task=ID attaches to a task" -filter_complex "seedance=task=$task:cache=0[v][a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast -c:a aac "$T/task.mp4"
is "$(emu_stat submits)" "$before" "attaching submits nothing"
is "$(image_size "$T/task.mp4")" 864x496 "the size comes from the clip"
is "$(stream_types "$T/task.mp4")" "video audio" "with its audio"
check "the same frames as the first run" cmp -s <(frame_hashes "$T/va.mp4") <(frame_hashes "$T/task.mp4")

# generate_audio=0: one output pad, a silent clip.
ff_ok "$T/v.log" "seedance=...:generate_audio=0[v] has one output" \
    -filter_complex "seedance=prompt=a quiet lake:duration=4:quality=480p:aspect_ratio=1\\\\:1:generate_audio=0[v]" \
    -map "[v]" -c:v libx264 -preset ultrafast "$T/v.mp4"
is "$(stream_types "$T/v.mp4")" video "only a video stream"
is "$(image_size "$T/v.mp4")" 640x640 "480p 1:1 is 640x640"
r=$(emu_task "$(emu_last_task)")
is "$(json_get "$r" .request.generate_audio)" false "generate_audio=0 reaches the server"
ff "$T/v2.log" -filter_complex "seedance=prompt=a quiet lake:duration=4:quality=480p:generate_audio=off[v][a]" \
    -map "[v]" -f null -
isnt "$?" 0 "with generate_audio=off there is no audio pad to link"

# Shorthand (the first option is the prompt), as an input device.
ff_ok "$T/lavfi.log" "-f lavfi -i seedance=PROMPT:..." \
    -f lavfi -i "seedance=a red balloon:duration=4:quality=480p[out0][out1]" -c:v libx264 -preset ultrafast \
    -c:a aac "$T/lavfi.mp4"
is "$(json_get "$(emu_task "$(emu_last_task)")" .request.prompt)" "a red balloon" "the first option is the prompt"
is "$(stream_types "$T/lavfi.mp4")" "video audio" "the lavfi input has video and audio"

# Image-to-video with aspect_ratio adaptive: the size comes from the clip.
make_image "$T/first.png" 600 600 "testsrc2=size=600x600"
ff_ok "$T/i2v.log" "image-to-video source with aspect_ratio=adaptive" -filter_complex \
    "seedance=prompt=it moves:image=$T/first.png:aspect_ratio=adaptive:duration=4:quality=480p:generate_audio=0[v]" \
    -map "[v]" -c:v libx264 -preset ultrafast "$T/i2v.mp4"
is "$(image_size "$T/i2v.mp4")" 640x640 "adaptive follows the square image (640x640)"
psnr_check "$T/i2v.mp4" 0 "$T/first.png" 0 30 "the first frame is the image"

done_testing
