#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The journal's database out of reach:
#   - stopped before a submit: a clear error and nothing paid;
#   - stopped and restarted during the wait: the clip arrives and the
#     ledger shows the task completed;
#   - stopped while the service holds the submit's reply: the task id waits
#     in memory and is recorded once the database is back, during the wait;
#   - still stopped when the clip arrives: the clip is delivered, the end is
#     not recorded; the next machine that opens the request attaches to the
#     task and records it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 1 --credits 100000
pg_start
start_gen() { # start_gen MACHINE NAME PROMPT   seedance generate in the background: $pid
    SEEDANCE_CACHE_DIR=$T/machine$1 "$SD" generate "$3" --duration 4 --quality 480p \
        -o "$T/$2.mp4" --json -q >"$T/$2.out" 2>"$T/$2.err" &
    pid=$!
}
state_is() { [ "$(pg_sql "SELECT state || '/' || coalesce(final_state, '-') FROM seedance.submits
                          WHERE task_id = '$1' OR ('$1' = '' AND task_id IS NULL)")" = "$2" ]; }
server_file() { json_get "$(emu_task "$1")" .file; }
# running MACHINE NAME PROMPT N   start_gen, then wait until the emulator has
# made its task, the Nth, and the database holds its id: sets id
running() {
    start_gen "$1" "$2" "$3"
    wait_for "$2: the submit reached the service" tasks_are "$4"
    id=$(emu_last_task)
    wait_for "$2: the task id is recorded" state_is "$id" "submitted/-"
}
replies_sent() { [ "$(log_count path=/v1/videos/generations method=POST status=200)" -ge "$1" ]; }
# schema and role first, as a team does once
run_ok "$T/ledger0.log" "the schema is created (seedance ledger)" "$SD" ledger

# --- stopped before a submit
pg_down
SEEDANCE_CACHE_DIR=$T/machine1 "$SD" generate "a storm at sea" --duration 4 --quality 480p \
    -o "$T/down.mp4" -q >"$T/down.out" 2>"$T/down.err"
is "$?" 1 "database stopped: the generate fails"
like "$(cat "$T/down.err")" \
    "journal database \(host=$PG_DIR dbname=journal user=seedance\): cannot be reached: .*; nothing was submitted" \
    "the error names the database and says nothing was submitted"
is "$(emu_stat submits)" 0 "no submit was sent"
is "$(emu_stat tasks)" 0 "zero paid tasks"
[ ! -e "$T/down.mp4" ] && ok "no output written" || not_ok "no output written"
pg_up || bail "the server did not start again"

# --- stopped and restarted during the wait
emu_admin POST /_emu/config '{"gen_time": 8}' >/dev/null
running 1 restart "a storm at sea" 1
pg_down
sleep 1
pg_up || bail "the server did not start again"
wait "$pid"
is "$?" 0 "stopped and restarted during the wait: the generate succeeds"
cmp -s "$T/restart.mp4" "$(server_file "$id")" && ok "the clip arrives" || not_ok "the clip arrives"
is "$(pg_sql "SELECT final_state FROM seedance.submits WHERE task_id = '$id'")" completed \
    "the end is recorded in the restarted database"
doc=$(ledger_json)
is "$(printf '%s' "$doc" | python3 -c "
import json, sys
print([e['state'] for e in json.load(sys.stdin)['entries'] if e['task_id'] == '$id'])")" \
    "['completed']" "the ledger shows the task completed"

# --- stopped while the service holds the reply: the task id waits, then is recorded
emu_fault '{"type":"delay","ms":3000,"after_create":true}'
start_gen 2 held "a storm over the hills"
wait_for "the second submit reached the service" tasks_are 2
id2=$(emu_last_task)
is "$(pg_sql "SELECT state FROM seedance.submits WHERE task_id IS NULL")" submitting \
    "recorded as being sent before the request left"
pg_down
wait_for "the held reply was sent" replies_sent 2
sleep 1
pg_up || bail "the server did not start again"
wait_for "the task id is recorded once the database is back, during the wait" \
    state_is "$id2" "submitted/-"
wait "$pid"
is "$?" 0 "the generate succeeds"
like "$(cat "$T/held.err")" "out of reach: task $id2 is recorded there once it is back" \
    "it warned that the task waits to be recorded"
cmp -s "$T/held.mp4" "$(server_file "$id2")" && ok "its clip arrives" || not_ok "its clip arrives"
is "$(pg_sql "SELECT final_state FROM seedance.submits WHERE task_id = '$id2'")" completed \
    "and its end is recorded"

# --- still stopped when the clip arrives
emu_admin POST /_emu/config '{"gen_time": 4}' >/dev/null
running 3 late "a storm in the desert" 3
id3=$id
pg_down
wait "$pid"
is "$?" 0 "database down until the end: the clip is still delivered"
cmp -s "$T/late.mp4" "$(server_file "$id3")" && ok "the clip is the server's" || not_ok "the clip is the server's"
like "$(cat "$T/late.err")" "that task $id3 completed is not recorded there" \
    "it says the end is not recorded"
pg_up || bail "the server did not start again"
is "$(json_get "$(ledger_json)" .totals.paid)" 3 "the ledger: three paid tasks"
SEEDANCE_CACHE_DIR=$T/machine4 run_ok "$T/next.log" "another machine opens the request" \
    "$SD" generate "a storm in the desert" --duration 4 --quality 480p -o "$T/next.mp4" -q
cmp -s "$T/next.mp4" "$T/late.mp4" && ok "it gets the same clip" || not_ok "it gets the same clip"
is "$(pg_sql "SELECT final_state FROM seedance.submits WHERE task_id = '$id3'")" completed \
    "it recorded the end"
is "$(emu_stat tasks)" 3 "three paid tasks in all"
doc=$(ledger_json)
cmp_float "$(json_get "$doc" .totals.credits)" == "$(used_credits)" \
    "the ledger's total is the emulator's bill"
is "$(printf '%s' "$doc" | python3 -c "
import json, sys
print(sorted(e['state'] for e in json.load(sys.stdin)['entries']))")" \
    "['completed', 'completed', 'completed']" "three completed"
done_testing
