#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load: 50 "seedance generate" of 50 different requests at once against
# one emulator (short 480p 4 s clips, a short generation time, one shared
# cache). Every run succeeds with the server's file of its own task, and
# exactly 50 tasks are paid: 50 submits, 50 tasks, 50 x 20.252 credits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
N=50
emu_start --gen-time 0.4 --credits 100000

generate_at_once $N "load test number %d"
first=
for i in $(seq 1 $N); do
    [ -s "$T/out/$i.mp4" ] || { first=${first:-$i}; }
done
is "$failed" 0 "$N concurrent runs of different requests all succeed"
[ -n "$first" ] && not_ok "run $first wrote its clip" "$(head -c 400 "$T/out/$first.err")"

check_run_tasks $N $N
wrong=0
for i in $(seq 1 $N); do
    id=$(run_task "$i") || { wrong=$((wrong + 1)); continue; }
    cmp -s "$T/out/$i.mp4" "$(json_get "$(emu_task "$id")" .file)" || wrong=$((wrong + 1))
done
is "$wrong" 0 "every clip is the server's file of its own task"
is "$(emu_stat submits)" $N "exactly $N submits"
is "$(emu_stat tasks)" $N "exactly $N tasks created"
check_credits_used $N "exactly $N paid tasks: the credits of $N tasks used"
done_testing
