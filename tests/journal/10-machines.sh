#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The journal in one PostgreSQL database for four "machines" (four cache
# directories): eight workers, two per machine, each opening the same five
# requests at once with "seedance generate" (40 processes). Exactly five
# paid submits; every process gets the server's clip of its request; a
# fifth machine finds the finished clips by task id and downloads them,
# paying nothing; the ledger lists the five tasks, completed, and its
# totals equal what the emulator billed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 2 --credits 100000
pg_start
mkdir -p "$T/out"

for m in 1 2 3 4; do
    for w in 1 2; do
        for u in 1 2 3 4 5; do
            SEEDANCE_CACHE_DIR=$T/machine$m timeout -k 5 300 "$SD" generate \
                "a lighthouse in fog, take $u" --duration 4 --quality 480p \
                -o "$T/out/$m-$w-$u.mp4" --json -q >"$T/out/$m-$w-$u.json" \
                2>"$T/out/$m-$w-$u.err" &
        done
    done
done
wait_jobs
is "$failed" 0 "40 processes on 4 machines, 5 requests: every one succeeds"
[ "$failed" -eq 0 ] || head -n 5 "$T"/out/*.err | head -n 40 | sed 's/^/#   /'
is "$(emu_stat submits)" 5 "exactly five submits reached the service"
is "$(emu_stat tasks)" 5 "exactly five paid tasks"

wrong=0 ids=""
for u in 1 2 3 4 5; do
    one=""
    for m in 1 2 3 4; do
        for w in 1 2; do
            id=$(json_get "$(cat "$T/out/$m-$w-$u.json")" .task_id 2>/dev/null)
            [ -n "$one" ] || one=$id
            [ "$id" = "$one" ] || wrong=$((wrong + 1))
            cmp -s "$T/out/$m-$w-$u.mp4" "$(json_get "$(emu_task "$id")" .file)" ||
                wrong=$((wrong + 1))
        done
    done
    ids="$ids $one"
done
is "$wrong" 0 "the 8 processes of each request name its one task and wrote its clip"
is "$(printf '%s\n' $ids | sort -u | grep -c '^task-unified-')" 5 "five different tasks"

is "$(pg_sql "SELECT count(*) FROM seedance.submits")" 5 "the database holds five submits"
is "$(pg_sql "SELECT count(*) FROM seedance.submits WHERE is_current AND state = 'submitted'
              AND final_state = 'completed' AND host <> '' AND os_user <> ''
              AND model = 'seedance-2.0-fast-text-to-video' AND duration = 4
              AND quality = '480p' AND estimate > 0 AND credits > 0")" 5 \
    "each records host, user, model, duration, quality, estimate, reserved credits, completed"
is "$(pg_sql "SELECT value FROM seedance.meta WHERE name = 'schema_version'")" 1 \
    "the library created its schema, version 1"

# a fifth machine: the request is known, its clip is found by task id
before=$(emu_stat downloads)
SEEDANCE_CACHE_DIR=$T/machine5 run_ok "$T/m5.log" "a fifth machine opens a known request" \
    "$SD" generate "a lighthouse in fog, take 3" --duration 4 --quality 480p -o "$T/m5.mp4" -q
is "$(emu_stat submits)" 5 "it sent no submit"
cmp -s "$T/m5.mp4" "$T/out/1-1-3.mp4" && ok "it wrote the same clip" || not_ok "it wrote the same clip"
cmp_num "$(emu_stat downloads)" -gt "$before" "it downloaded the clip into its own cache"
SEEDANCE_CACHE_DIR=$T/machine5 run_ok "$T/m5b.log" "and again, from its cache" \
    "$SD" generate "a lighthouse in fog, take 3" --duration 4 --quality 480p -o "$T/m5b.mp4" -q
is "$(emu_stat submits)" 5 "still five submits"

# the ledger of today: five completed tasks, the emulator's bill
doc=$(ledger_json)
is "$(json_get "$doc" .totals.paid)" 5 "the ledger counts five paid tasks"
is "$(printf '%s' "$doc" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for e in d["entries"] if e["state"] == "completed" and e["task_id"] and
          e["user"] and e["host"] and e["duration"] == 4 and e["quality"] == "480p"))')" 5 \
    "each entry: completed, with its task, user, host, duration and quality"
cmp_float "$(json_get "$doc" .totals.credits)" == "$(used_credits)" \
    "the ledger's total is what the emulator billed ($(used_credits) credits)"
like "$(json_get "$doc" .journal)" "^journal database host=$PG_DIR dbname=journal user=seedance$" \
    "the ledger names the database"
text=$("$SD" ledger 2>&1)
like "$text" "paid: 5 tasks, [0-9.]+ credits reserved" "the text ledger's totals"
is "$(printf '%s\n' "$text" | grep -cE ' completed +task-unified-')" 5 "five rows, completed"
is "$("$SD" ledger --json yesterday 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')" \
    0 "nothing yesterday"
done_testing
