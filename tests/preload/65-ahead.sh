#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# "seedance run" submits every seedance: URL of the command line at once
# before the program starts, and the program's opens attach to the tasks:
# four -i inputs of Debian's ffmpeg are generated side by side, each paid
# once, a rerun pays nothing. URLs the program's own open must handle are
# left to it; Ctrl-C while submitting names every task created.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

submits_logged() { log_count method=POST path=/v1/videos/generations; }

# wait_tasks N   until the emulator has created N tasks (at most 30 s)
wait_tasks() {
    local i
    for i in $(seq 1 300); do
        [ "$(emu_stat tasks)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# --- four inputs at once ----------------------------------------------------
# Every submit's reply is held back a while after its task is created: the
# four tasks exist before the first reply has left the server only when
# the four submits were sent together.
emu_fault '{"type":"delay","ms":4000,"after_create":true,"count":4,"path":"/v1/videos/generations"}'
args=()
for i in 1 2 3 4; do
    args+=(-i "seedance:?prompt=input $i of four&duration=4&quality=480p&generate_audio=0")
done
"$SEEDANCE" run ffmpeg -hide_banner -nostdin -y "${args[@]}" \
    -filter_complex "[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0[v]" \
    -map "[v]" -c:v libx264 -preset ultrafast "$T/grid.mp4" >"$T/grid.log" 2>&1 &
pid=$!
wait_tasks 4
is "$(emu_stat tasks)" 4 "four tasks are created"
is "$(submits_logged)" 0 "all four before the first submit's reply: they were sent together"
wait "$pid"
rc=$?
is "$rc" 0 "ffmpeg composes the four generations"
[ "$rc" -eq 0 ] || show_log "$T/grid.log"
is "$(probe "$T/grid.mp4" stream=width,height v:0 | tr '\n' x)" "1728x992x" "a 2x2 grid of 864x496 clips"
is "$(emu_stat tasks)" 4 "four paid tasks, one per URL"
is "$(emu_stat submits)" 4 "four submits"
is "$(grep -c '^seedance run: task task-unified-.* submitted for seedance:?prompt=input [1-4] of four' "$T/grid.log")" 4 \
    "the launcher names each task it submitted"
is "$(grep -cE '\[seedance @ 0x[0-9a-f]+\] Attached to task task-unified-' "$T/grid.log")" 4 \
    "each input of ffmpeg attaches to its task"
unlike "$(cat "$T/grid.log")" "Protocol name not provided" "no word of a missing protocol name"

srun ffmpeg -hide_banner -nostdin -y "${args[@]}" \
    -filter_complex "[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0[v]" \
    -map "[v]" -c:v libx264 -preset ultrafast "$T/grid2.mp4" >"$T/grid2.log" 2>&1
is "$?" 0 "the same command again"
is "$(emu_stat tasks)" 4 "the rerun pays nothing"
is "$(emu_stat submits)" 4 "and sends no submit"
unlike "$(cat "$T/grid2.log")" "seedance run: task" "the launcher has nothing to tell"

# --- the same URL twice: one task -----------------------------------------
same="seedance:?prompt=twice on one line&duration=4&quality=480p"
srun ffmpeg -hide_banner -nostdin -y -i "$same" -i "$same" -map 0:v -map 1:v -c copy -f null - \
    >"$T/same.log" 2>&1
is "$?" 0 "the same URL as two inputs"
is "$(emu_stat tasks)" 5 "is one task"

# --- left to the program's open --------------------------------------------
# The program here is sh: it gets the URLs as arguments and opens nothing,
# so whatever is paid for was paid by the launcher.
marker=$T/started
left() { # WHAT ARGS...: the launcher submits nothing and starts the program
    local what=$1 before
    shift
    before=$(emu_stat submits)
    rm -f "$marker"
    srun sh -c ': >"$0"' "$marker" "$@" >"$T/left.log" 2>&1
    is "$?" 0 "$what: the program runs"
    check "$what: the program started" test -f "$marker"
    is "$(emu_stat submits)" "$before" "$what: nothing submitted ahead"
}
left "no prompt (the request is incomplete)" "seedance:?duration=6"
left "an invalid request" "seedance:?prompt=x&duration=99"
left "cache=0 (no journal to find the task in)" "seedance:?prompt=no journal&cache=0"
left "new_generation=1 (the open pays for a new one)" "seedance:?prompt=again&new_generation=1"
left "a task id (nothing to pay for)" "seedance:$(emu_last_task)"
left "a protocol option before the URL" -video_duration 6 -i "seedance:?prompt=option before"
left "a protocol option after the last URL" "seedance:?prompt=option after" -video_duration 6
left "-f before the URL (lavfi takes it for a graph)" -f lavfi -i "seedance:?prompt=graph text"
left "an output (with -i on the line, the inputs are the -i ones)" -i "$T/in.mp4" "seedance:?prompt=output"
SEEDANCE_CACHE=0 left "SEEDANCE_CACHE=0" "seedance:?prompt=no cache in the environment"
before=$(emu_stat submits)
srun sh -c ': >"$0"' "$marker" "seedance:?prompt=complete&duration=4" >"$T/ahead.log" 2>&1
is "$(emu_stat submits)" $((before + 1)) "a complete URL is submitted ahead, whatever the program"

# --- a failed submit: the program does not start ----------------------------
emu_fault '{"type":"status","status":400,"path":"/v1/videos/generations"}'
rm -f "$marker"
srun sh -c ': >"$0"' "$marker" "seedance:?prompt=refused ahead&duration=4" >"$T/refused.log" 2>&1
is "$?" 1 "a refused submit: exit status 1"
check_fails "the program did not start" test -f "$marker"
is "$(grep -c '^seedance run: seedance:?prompt=refused ahead&duration=4: HTTP 400 from POST /v1/videos/generations' "$T/refused.log")" 1 \
    "the refusal is told with its URL"

# --- Ctrl-C while submitting ------------------------------------------------
# Two URLs; the reply to one submit is held (its task exists), the other
# comes back. Ctrl-C: the task that came back is named, the held one is an
# uncertain outcome, the program never starts; the same command again pays
# nothing and refuses the uncertain one until new_generation=1.
emu_reset
t0=$(emu_stat tasks)
emu_fault '{"type":"delay","ms":60000,"after_create":true,"path":"/v1/videos/generations"}'
a="seedance:?prompt=interrupted a&duration=4"
b="seedance:?prompt=interrupted b&duration=4"
rm -f "$marker"
"$SEEDANCE" run sh -c ': >"$0"' "$marker" "$a" "$b" >"$T/int.log" 2>&1 &
pid=$!
wait_tasks $((t0 + 2))
for _ in $(seq 1 300); do     # the reply that is not held has arrived
    [ "$(submits_logged)" -ge 1 ] && break
    sleep 0.1
done
interrupt "$pid"
is "$stopped" 1 "Ctrl-C stops the launcher while a submit waits for its reply"
is "$rc" 130 "exit status 130"
check_fails "the program did not start" test -f "$marker"
log=$(cat "$T/int.log")
like "$log" "interrupted before the program started" "it says so"
named=$(grep -oE '^  task-unified-[^ ]+' "$T/int.log" | tr -d ' ')
is "$(wc -w <<<"$named")" 1 "the task whose id came back is named"
check "it is a task of the server" test -n "$(emu_task "$named" | grep -F "$named")"
like "$log" "may have created a paid task" "the held submit is an uncertain outcome"
emu_reset
srun sh -c ': >"$0"' "$marker" "$a" "$b" >"$T/int2.log" 2>&1
is "$?" 1 "the same command again fails on the uncertain submit"
is "$(emu_stat submits)" 0 "and sends no submit: nothing is paid twice"
like "$(cat "$T/int2.log")" "may have created a paid task" "repeating the uncertainty"

done_testing
