#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Ctrl-C while four sources wait for their tasks: ffmpeg stops promptly,
# names every task, and the same command later attaches to them (pays
# nothing). The same while seedance_extend and seedance_edit wait.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
gen=15
emu_start --gen-time $gen

# interrupt_waiting LOG ARGS...: start ffmpeg, and once $want submits
# arrived and it waits, SIGINT it (interrupt, tests/lib.sh); sets rc and
# stopped
interrupt_waiting() {
    local log=$1 pid i; shift
    "$FFMPEG" -hide_banner -nostdin -y "$@" >"$log" 2>&1 &
    pid=$!
    for i in $(seq 1 300); do                   # the submits, at most 30 s
        [ "$(emu_stat submits)" -ge "$want" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 1                                     # now it is waiting
    interrupt "$pid"
}

graph=$(four_sources 'wait one' 'wait two' 'wait three' 'wait four')
want=4
interrupt_waiting "$T/int.log" -filter_complex "$graph" -map "[v]" -c:v libx264 -preset ultrafast "$T/never.mp4"
is "$stopped" 1 "ffmpeg ends by itself after SIGINT (status $rc)"
is "$(emu_stat submits)" 4 "four tasks were submitted"
task_ids "$T/int.log" >"$T/submitted"
is "$(wc -l <"$T/submitted")" 4 "the log names four submitted tasks"
grep -oE 'Interrupted; task task-unified-[A-Za-z0-9._-]+ keeps running' "$T/int.log" |
    grep -oE 'task-unified-[A-Za-z0-9._-]+' | sort -u >"$T/interrupted"
check "each of the four is named as still running" cmp -s "$T/submitted" "$T/interrupted"
like "$(cat "$T/int.log")" "Resume with: the same command again .*task=task-unified-" "the message says how to resume"
for t in $(cat "$T/submitted"); do
    isnt "$(json_get "$(emu_task "$t")" .status)" completed "task $t is still being generated"
done

# The same command attaches to the four tasks: no new submit.
ff_ok "$T/resume.log" "the same command again finishes" \
    -filter_complex "$graph" -map "[v]" -c:v libx264 -preset ultrafast "$T/resumed.mp4"
is "$(emu_stat submits)" 4 "no new submit: nothing paid twice"
task_ids "$T/resume.log" >"$T/attached"
check "it attached to the same four tasks" cmp -s "$T/submitted" "$T/attached"
like "$(cat "$T/resume.log")" "Attached to task" "the log says it attached"
is "$(image_size "$T/resumed.mp4")" 1280x1280 "and the mosaic is made"

# SIGINT while seedance_extend waits for its continuation.
emu_reset
want=1
interrupt_waiting "$T/ext.log" -f lavfi -i "testsrc2=size=480x480:rate=24:duration=1" \
    -vf "seedance_extend=prompt=wait:duration=4:quality=480p" -f null -
is "$stopped" 1 "seedance_extend: ffmpeg ends by itself after SIGINT (status $rc)"
like "$(cat "$T/ext.log")" "Interrupted; task $(emu_last_task) keeps running" "seedance_extend names its task"

# SIGINT while seedance_edit waits for its clip, then the same command
# attaches to the task: its footage is known by content.
emu_reset
want=1
edit=(-f lavfi -i "testsrc2=size=640x360:rate=24:duration=2"
      -vf "seedance_edit=prompt=@video1 while waiting:quality=480p" -f null -)
interrupt_waiting "$T/edit.log" "${edit[@]}"
is "$stopped" 1 "seedance_edit: ffmpeg ends by itself after SIGINT (status $rc)"
like "$(cat "$T/edit.log")" "Interrupted; task $(emu_last_task) keeps running" "seedance_edit names its task"
ff_ok "$T/edit2.log" "seedance_edit: the same command again finishes" "${edit[@]}"
is "$(emu_stat submits)" 1 "seedance_edit: no new submit"
like "$(cat "$T/edit2.log")" "Attached to task $(emu_last_task)" "seedance_edit: it attached to its task"

# SIGINT while the configuration of the graph waits (aspect_ratio adaptive:
# the size of the output comes from the clip).
emu_reset
make_image "$T/first.png" 600 400 "testsrc2=size=600x400"
interrupt_waiting "$T/cfg.log" -filter_complex \
    "seedance=prompt=wait:image=$T/first.png:aspect_ratio=adaptive:duration=4:quality=480p:generate_audio=0[v]" \
    -map "[v]" -f null -
is "$stopped" 1 "waiting configuration: ffmpeg ends by itself after SIGINT (status $rc)"
like "$(cat "$T/cfg.log")" "Interrupted; task $(emu_last_task) keeps running" "waiting configuration: the task is named"

done_testing
