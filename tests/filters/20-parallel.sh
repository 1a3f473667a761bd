#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Four seedance sources in one graph (tiled with xstack) are all submitted
# before any of them is waited on: the request log shows the four submits
# before the first download.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
gen=6
emu_start --gen-time $gen

graph=$(four_sources 'a red square' 'a green circle' 'a blue star' 'a white moon')
ff_ok "$T/four.log" "four sources tiled with xstack" \
    -filter_complex "$graph" -map "[v]" -c:v libx264 -preset ultrafast "$T/four.mp4"
is "$(image_size "$T/four.mp4")" 1280x1280 "the mosaic is 2x2 tiles of 640x640"
is "$(frame_times "$T/four.mp4" | wc -l)" 96 "96 frames"
is "$(emu_stat submits)" 4 "four submits"
is "$(task_ids "$T/four.log" | wc -l)" 4 "the log names four tasks"

# All four were generating at once: every submit came before the first
# download (one after the other, the first clip would be downloaded before
# the next submit). The order of the request log, not a clock.
last=$(log_times path=/v1/videos/generations method=POST status=200 | sort -n | tail -n 1)
dl=$(log_times "path=/results/*" method=GET | sort -n | head -n 1)
cmp_float "$last" "<" "$dl" "the last submit precedes the first download"

# Each tile is its own clip.
for t in $(task_ids "$T/four.log"); do
    [ "$(json_get "$(emu_task "$t")" .status)" = completed ] || { not_ok "task $t completed"; continue; }
    ok "task $t completed"
done

done_testing
