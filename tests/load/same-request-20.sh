#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load: 20 "seedance generate" of one identical request at once, sharing
# one cache (the journal lock makes the first submit and the others wait
# for its task). They all succeed with the server's file of one task, and
# the request is paid exactly once: one submit, one task, 20 credits.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
N=20
emu_start --gen-time 0.4 --credits 100000
mkdir -p "$T/out"

for i in $(seq 1 $N); do
    timeout -k 5 500 "$SD" generate "twenty times the same request" --duration 4 \
        --quality 480p -o "$T/out/$i.mp4" --json -q >"$T/out/$i.json" 2>"$T/out/$i.err" &
done
failed=0
for job in $(jobs -p); do
    [ "$job" = "$EMU_PID" ] && continue
    wait "$job" || failed=$((failed + 1))
done
is "$failed" 0 "$N concurrent runs of one request all succeed"
ids=$(for i in $(seq 1 $N); do json_get "$(cat "$T/out/$i.json")" .task_id 2>/dev/null; done)
is "$(printf '%s\n' "$ids" | grep -c '^task-unified-')" $N "every run names its task"
is "$(printf '%s\n' "$ids" | sort -u | grep -c '^task-unified-')" 1 "they all name one task"
id=$(printf '%s\n' "$ids" | head -n 1)
srv=$(json_get "$(emu_task "$id")" .file)
wrong=0
for i in $(seq 1 $N); do cmp -s "$T/out/$i.mp4" "$srv" || wrong=$((wrong + 1)); done
is "$wrong" 0 "every run wrote the server's file"
is "$(emu_stat submits)" 1 "one submit"
is "$(emu_stat tasks)" 1 "one task created"
credits=$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")
is "$(json_get "$credits" .data.used_credits)" 20 "paid exactly once: 20 credits used"
done_testing
