#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# movie= opens a seedance: URL from inside a filter graph (libavfilter calls
# avformat_open_input itself): in -filter_complex and in a -f lavfi input.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

# The filter option parser takes ':' as a separator: escape it in the URL.
src="movie='seedance\:?prompt=a lighthouse at night&duration=4&quality=480p'"

run_ok "$T/fc.log" "movie=seedance:... inside -filter_complex" \
    srun ffmpeg -hide_banner -nostdin -y -filter_complex "$src:s=dv+da[v][a];[v]hflip[vo]" \
    -map "[vo]" -map "[a]" -c:v libx264 -preset ultrafast -qp 0 -c:a aac "$T/fc.mp4"
is "$(probe "$T/fc.mp4" stream=width v:0)x$(probe "$T/fc.mp4" stream=height v:0)" 864x496 "movie= delivers the generated clip"
is "$(stream_types "$T/fc.mp4")" "video audio" "movie= delivers video and audio"
cmp_float "$(probe "$T/fc.mp4" format=duration)" ">=" 3.9 "the clip lasts 4 s"
like "$(cat "$T/fc.log")" "\[seedance @ 0x[0-9a-f]+\] Task task-unified-[0-9A-Za-z-]+ submitted" "the progress lines come through the filter graph"
is "$(emu_stat submits)" 1 "one submit"
task=$(emu_last_task)

# The picture really went through hflip: mirrored back, it is the server's first frame.
srv=$(json_get "$(emu_task "$task")" .file)
"$FFMPEG" -hide_banner -nostdin -loglevel error -y -i "$T/fc.mp4" -vf hflip -frames:v 1 -c:v ffv1 "$T/back.mkv"
p=$(psnr_first "$srv" "$T/back.mkv" 864 496)
cmp_float "${p/inf/99}" ">" 40 "the first frame is the server's, mirrored (PSNR $p dB)"
p=$(psnr_first "$srv" "$T/fc.mp4" 864 496)
cmp_float "${p/inf/99}" "<" 30 "and not the server's unmirrored (PSNR $p dB)"

# -f lavfi: the same URL again (journal and cache: no request), a second clip of another request.
before=$(emu_stat requests)
run_ok "$T/lavfi.log" "movie=seedance:... inside a -f lavfi input" \
    srun ffmpeg -hide_banner -nostdin -y -f lavfi -i "$src:s=dv+da[out0][out1]" \
    -c:v libx264 -preset ultrafast -c:a aac "$T/lavfi.mp4"
is "$(emu_stat requests)" "$before" "the same URL in another graph sends no request"
is "$(probe "$T/lavfi.mp4" stream=width v:0)" 864 "the lavfi input delivers the clip"
is "$(stream_types "$T/lavfi.mp4")" "video audio" "with its audio"

# Two generated clips side by side in one graph.
run_ok "$T/stack.log" "two seedance: movies in one graph" srun ffmpeg -hide_banner -nostdin -y -filter_complex \
    "$src[a];movie='seedance\:?prompt=a small boat&duration=4&quality=480p&generate_audio=0',scale=432:248[b];[a]scale=432:248[a2];[a2][b]hstack[v]" \
    -map "[v]" -c:v libx264 -preset ultrafast "$T/stack.mp4"
is "$(probe "$T/stack.mp4" stream=width v:0)x$(probe "$T/stack.mp4" stream=height v:0)" 864x248 "hstack of the two clips"
is "$(emu_stat submits)" 2 "one new submit for the new request only"

done_testing
