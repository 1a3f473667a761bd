#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A process killed (kill -9) after its submit left and before the reply:
# across machines, the uncertain outcome. A second machine that was
# waiting for the same request's lock at that moment, and a third one
# started afterwards, both report it and send nothing; the ledger counts
# it as uncertain; --new on purpose pays again, once. Meanwhile another
# request of a fourth machine is not held up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 1 --credits 100000
pg_start
gen() { # gen MACHINE NAME [OPTIONS...]   seedance generate of the request "a comet"
    local m=$1 name=$2
    shift 2
    SEEDANCE_CACHE_DIR=$T/machine$m timeout -k 5 120 "$SD" generate "a comet over a lake" \
        --duration 4 --quality 480p -o "$T/$name.mp4" "$@" >"$T/$name.out" 2>"$T/$name.err"
}
waiting_for_lock() {
    [ "$(pg_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" -ge 1 ]
}

# the service holds the reply of the next submit for a minute, its task created
emu_fault '{"type":"delay","ms":60000,"after_create":true}'
# (seedance itself in the background, so that $! is its pid)
SEEDANCE_CACHE_DIR=$T/machine1 "$SD" generate "a comet over a lake" --duration 4 \
    --quality 480p -o "$T/a.mp4" -q >"$T/a.out" 2>"$T/a.err" &
pid_a=$!
wait_for "the first machine's submit reached the service" tasks_are 1
gen 2 b -q &
pid_b=$!
wait_for "the second machine waits for the request's lock" waiting_for_lock
is "$(pg_sql "SELECT state FROM seedance.submits")" submitting \
    "the database holds the submit as being sent"

# another request, on another machine, goes through meanwhile
SEEDANCE_CACHE_DIR=$T/machine4 run_ok "$T/other.log" "another request is not held up" \
    "$SD" generate "a different comet" --duration 4 --quality 480p -o "$T/other.mp4" -q

kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
wait "$pid_b"
rc=$?
is "$rc" 1 "the waiting machine fails (exit status 1)"
msg=$(cat "$T/b.err")
like "$msg" "may have created a paid task: the program submitting it stopped before the reply arrived" \
    "it reports the uncertain outcome"
like "$msg" "new_generation=1.*--new" "it says how to submit again on purpose"
gen 3 c -q
is "$?" 1 "a machine started afterwards fails too"
like "$(cat "$T/c.err")" "may have created a paid task" "with the same message"
is "$(emu_stat submits)" 2 "nothing was sent after the killed submit (two submits: it and the other request)"
is "$(emu_stat tasks)" 2 "two paid tasks"

doc=$(ledger_json)
is "$(json_get "$doc" .totals.uncertain)" 1 "the ledger counts one uncertain submit"
is "$(json_get "$doc" .totals.paid)" 1 "and one paid task"

# on purpose: --new pays again, once, and later runs attach to it
gen 3 d -q --new
is "$?" 0 "--new submits anew"
gen 2 e -q
is "$?" 0 "the other machine attaches to the new task"
is "$(emu_stat tasks)" 3 "one more paid task, not two"
doc=$(ledger_json)
is "$(json_get "$doc" .totals.paid)" 2 "the ledger: two paid tasks"
is "$(json_get "$doc" .totals.uncertain)" 1 "and still the one uncertain submit"
is "$(pg_sql "SELECT count(*) FROM seedance.submits WHERE is_current")" 2 \
    "one current row per request; the uncertain one kept for the ledger"
done_testing
