#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Invalid options and frames the API cannot take: a clear error and not a
# single request. A failed task: a non-zero exit naming the API's error
# code and the task.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start

fails() { # GRAPH-ARGS... -- EXPECTED-REGEX WHAT
    local args=() log rc
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    log=$("$FFMPEG" -hide_banner -nostdin -y "${args[@]}" -f null - 2>&1)
    rc=$?
    isnt "$rc" 0 "$2: ffmpeg fails"
    like "$log" "$1" "$2: the error says what is wrong"
}
src() { fails -filter_complex "$1[v]" -map "[v]" -- "$2" "$3"; }

src "seedance=prompt=x:duration=16" "duration.*16.*4" "seedance duration 16"
src "seedance=prompt=x:duration=soon" "duration.*soon" "seedance duration not a number"
src "seedance=prompt=x:quality=1080p:generate_audio=0" "quality.*1080p.*480p.*720p" "seedance quality 1080p"
src "seedance=prompt=x:aspect_ratio=2\\\\:1" "aspect_ratio.*2:1.*16:9" "seedance aspect_ratio 2:1"
src "seedance=prompt=x:generate_audio=maybe" "generate_audio.*maybe" "seedance generate_audio not a boolean"
src "seedance=duration=5" "prompt" "seedance without a prompt"
src "seedance=prompt=x:colour=red" "colour" "seedance unknown option"
src "seedance=prompt=x:api_key=sk-in-the-graph" "api_key is not accepted in a URL or a filter graph" \
    "seedance api_key in the graph"
src "seedance=prompt=x:api_base=http\\\\://127.0.0.1\\\\:1" "api_base is not accepted" "seedance api_base in the graph"
src "seedance=prompt=x:image=$T/missing.png" "image.*missing.png" "seedance missing image"
src "seedance=prompt=x:task=no/such" "task.*no/such.*task-unified" "seedance task id not a task id"
src "seedance=prompt=x:callback_url=http\\\\://hooks.example.com/x" "callback_url.*https" "seedance callback_url not https"

in=(-f lavfi -i "testsrc2=size=480x480:rate=24:duration=1")
fails "${in[@]}" -vf "seedance_extend=prompt=x:duration=3" -- "duration.*3.*4" "seedance_extend duration 3"
fails "${in[@]}" -vf "seedance_extend=prompt=x:image=$T/a.png" -- \
    "image: reference images are taken in mode video only" "seedance_extend image option"
fails "${in[@]}" -vf "seedance_extend=prompt=x:last_image=$T/a.png" -- \
    "option last_image is not accepted: seedance_extend sets it itself" "seedance_extend last_image option"
fails "${in[@]}" -vf "seedance_extend=prompt=x:mode=video:video=$T/a.mp4" -- \
    "option video is not accepted: seedance_extend sets it itself" "seedance_extend video option"
fails "${in[@]}" -vf "seedance_extend=duration=5" -- "prompt" "seedance_extend without a prompt"
fails "${in[@]}" -vf "seedance_extend=prompt=x:model=seedance-2.0-fast-text-to-video" -- "model" \
    "seedance_extend with a text-to-video model"

# Frames no image of the API can be: refused before anything is sent.
fails -f lavfi -i "testsrc2=size=900x300:rate=24:duration=1" -vf "seedance_extend=prompt=x" \
    -- "900x300.*width/height 3\.000.*0\.4\.\.2\.5" "seedance_extend on 3:1 frames"
fails -f lavfi -i "testsrc2=size=100x400:rate=24:duration=1" -f lavfi -i "testsrc2=size=100x400:rate=24:duration=1" \
    -filter_complex "[0:v][1:v]seedance_bridge=prompt=x[v]" -map "[v]" \
    -- "100x400.*width/height 0\.250" "seedance_bridge on 1:4 frames"
fails -f lavfi -i "testsrc2=size=480x480:rate=24:duration=1" -f lavfi -i "testsrc2=size=640x480:rate=24:duration=1" \
    -filter_complex "[0:v][1:v]seedance_bridge=prompt=x[v]" -map "[v]" \
    -- "inputs differ: 480x480.*640x480" "seedance_bridge on inputs of different sizes"
is "$(emu_stat requests)" 0 "none of these sent a single request"

# A failed task: non-zero exit, the API's code and the task id.
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Content policy violation. Your request was blocked by safety filters"}'
log=$("$FFMPEG" -hide_banner -nostdin -y -filter_complex "seedance=prompt=forbidden:duration=4:quality=480p[v][a]" \
    -map "[v]" -map "[a]" -f null - 2>&1)
failed_run "$?" "$log" "a failed task"
task=$(emu_last_task)
like "$log" "content_policy_violation" "stderr carries the API's error code"
like "$log" "$task" "stderr carries the task id"
like "$log" "safety filters" "stderr carries the API's message"

emu_fault '{"type":"task","outcome":"fail","error_code":"image_processing_error","error_message":"The image could not be processed"}'
log=$("$FFMPEG" -hide_banner -nostdin -y "${in[@]}" -vf "seedance_extend=prompt=x:duration=4:quality=480p" -f null - 2>&1)
failed_run "$?" "$log" "a failed task of seedance_extend"
like "$log" "image_processing_error.*$(emu_last_task)|$(emu_last_task).*image_processing_error" \
    "seedance_extend names the API's error code and the task"

done_testing
