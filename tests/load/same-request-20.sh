#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load: 20 "seedance generate" of one identical request at once, sharing
# one cache (the journal lock makes the first submit and the others wait
# for its task). They all succeed with the server's file of one task, and
# the request is paid exactly once: one submit, one task, 20 credits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
N=20
emu_start --gen-time 0.4 --credits 100000

generate_at_once $N "twenty times the same request"
is "$failed" 0 "$N concurrent runs of one request all succeed"
check_run_tasks $N 1
id=$(run_task 1)
srv=$(json_get "$(emu_task "$id")" .file)
wrong=0
for i in $(seq 1 $N); do cmp -s "$T/out/$i.mp4" "$srv" || wrong=$((wrong + 1)); done
is "$wrong" 0 "every run wrote the server's file"
is "$(emu_stat submits)" 1 "one submit"
is "$(emu_stat tasks)" 1 "one task created"
check_credits_used 1 "paid exactly once: the credits of one task used"
done_testing
