#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load: 50 "seedance generate" of 50 different requests at once against
# one emulator (short 480p 4 s clips, a short generation time, one shared
# cache). Every run succeeds with the server's file of its own task, and
# exactly 50 tasks are paid: 50 submits, 50 tasks, 50 x 20 credits.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
N=50
emu_start --gen-time 0.4 --credits 100000
mkdir -p "$T/out"

for i in $(seq 1 $N); do
    # each run bounded, so that a hang fails the test instead of stalling it
    timeout -k 5 500 "$SD" generate "load test number $i" --duration 4 --quality 480p \
        -o "$T/out/$i.mp4" --json -q >"$T/out/$i.json" 2>"$T/out/$i.err" &
done
failed=0 first=
for job in $(jobs -p); do
    [ "$job" = "$EMU_PID" ] && continue
    wait "$job" || { failed=$((failed + 1)); }
done
for i in $(seq 1 $N); do
    [ -s "$T/out/$i.mp4" ] || { first=${first:-$i}; }
done
is "$failed" 0 "$N concurrent runs of different requests all succeed"
[ -n "$first" ] && not_ok "run $first wrote its clip" "$(head -c 400 "$T/out/$first.err")"

ids=$(for i in $(seq 1 $N); do json_get "$(cat "$T/out/$i.json")" .task_id 2>/dev/null; done)
is "$(printf '%s\n' "$ids" | grep -c '^task-unified-')" $N "every run names its task"
is "$(printf '%s\n' "$ids" | sort -u | grep -c '^task-unified-')" $N "$N different tasks"
wrong=0
for i in $(seq 1 $N); do
    id=$(json_get "$(cat "$T/out/$i.json")" .task_id 2>/dev/null) || { wrong=$((wrong + 1)); continue; }
    cmp -s "$T/out/$i.mp4" "$(json_get "$(emu_task "$id")" .file)" || wrong=$((wrong + 1))
done
is "$wrong" 0 "every clip is the server's file of its own task"
is "$(emu_stat submits)" $N "exactly $N submits"
is "$(emu_stat tasks)" $N "exactly $N tasks created"
credits=$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")
is "$(json_get "$credits" .data.used_credits)" $((N * 20)) "exactly $N paid tasks: $((N * 20)) credits used"
done_testing
