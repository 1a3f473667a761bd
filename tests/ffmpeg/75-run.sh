#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The built ffmpeg through "seedance run": it has the protocol, so nothing
# is preloaded, but its -i inputs are submitted together before it starts
# and each is paid once; a URL whose request the command line completes
# (protocol options before -i) is left to ffmpeg.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start
SEEDANCE=$BIN/seedance

# The submits' replies are held a while after their tasks are created:
# all the tasks exist before the first reply only when they were sent together.
emu_fault '{"type":"delay","ms":4000,"after_create":true,"count":3,"path":"/v1/videos/generations"}'
args=()
for i in 1 2 3; do
    args+=(-i "seedance:?prompt=built input $i&duration=4&quality=480p")
done
"$SEEDANCE" run "$FFMPEG" -hide_banner -nostdin -y "${args[@]}" \
    -filter_complex "[0:v][1:v][2:v]hstack=inputs=3[v];[0:a][1:a][2:a]amix=inputs=3[a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast -c:a aac "$T/row.mp4" >"$T/row.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
    [ "$(emu_stat tasks)" -ge 3 ] && break
    sleep 0.1
done
is "$(emu_stat tasks)" 3 "three tasks are created"
is "$(log_count method=POST path=/v1/videos/generations)" 0 "before the first submit's reply: sent together"
wait "$pid"
rc=$?
is "$rc" 0 "the built ffmpeg composes the three generations under seedance run"
[ "$rc" -eq 0 ] || tail -n 20 "$T/row.log" | sed 's/^/#   /'
is "$(probe "$T/row.mp4" stream=width,height v:0 | tr '\n' x)" "2592x496x" "three 864x496 clips side by side"
is "$(emu_stat tasks)" 3 "one paid task per URL"
is "$(grep -c '^seedance run: task .* submitted for seedance:?prompt=built input' "$T/row.log")" 3 \
    "the launcher names each task"
is "$(grep -cE '\[seedance @ 0x[0-9a-f]+\] Attached to task ' "$T/row.log")" 3 "each input attaches to its task"

"$SEEDANCE" run "$FFMPEG" -hide_banner -nostdin -y "${args[@]}" -map 0:v -map 1:v -map 2:v -c copy \
    -f null - >"$T/again.log" 2>&1
is "$?" 0 "the same inputs again"
is "$(emu_stat tasks)" 3 "the rerun pays nothing"

# -video_duration before -i completes the request: ffmpeg's open submits it,
# with the duration, once
"$SEEDANCE" run "$FFMPEG" -hide_banner -nostdin -y -video_duration 6 \
    -i "seedance:?prompt=six seconds by option&quality=480p" -c copy "$T/six.mp4" >"$T/six.log" 2>&1
is "$?" 0 "a protocol option before -i"
is "$(emu_stat tasks)" 4 "one task for it"
is "$(json_get "$(emu_task "$(emu_last_task)")" .request.duration)" 6 "with the option's duration"
unlike "$(cat "$T/six.log")" "seedance run: task" "the launcher left it to ffmpeg"

done_testing
