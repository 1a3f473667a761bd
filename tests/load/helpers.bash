# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers of the load tests (tests/load/*.sh), after tests/lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/helpers.bash"

SD=$BIN/seedance

# generate_at_once N PROMPT   N "seedance generate" at once (480p, 4 s,
# --json), run I with PROMPT (a printf format: %d is I) into $T/out/I.mp4,
# its JSON result into $T/out/I.json and its stderr into $T/out/I.err. Each
# run is bounded in time, so that a hang fails the test instead of stalling
# it. Sets failed: how many runs exited non-zero.
generate_at_once() {
    local n=$1 i prompt
    mkdir -p "$T/out"
    for i in $(seq 1 "$n"); do
        printf -v prompt "$2" "$i"
        timeout -k 5 500 "$SD" generate "$prompt" --duration 4 --quality 480p \
            -o "$T/out/$i.mp4" --json -q >"$T/out/$i.json" 2>"$T/out/$i.err" &
    done
    wait_jobs
}

# run_task I   the task run I names in its JSON result (fails when none)
run_task() {
    json_get "$(cat "$T/out/$1.json")" .task_id 2>/dev/null
}

# check_run_tasks N DISTINCT   two checks: each of runs 1..N names a task,
# DISTINCT different ones in all
check_run_tasks() {
    local ids i
    ids=$(for i in $(seq 1 "$1"); do run_task "$i"; done)
    is "$(printf '%s\n' "$ids" | grep -c '^task-unified-')" "$1" "every run names its task"
    is "$(printf '%s\n' "$ids" | sort -u | grep -c '^task-unified-')" "$2" \
        "$2 different task(s) named"
}

# check_credits_used TASKS WHAT   one check: the account has used the credits
# of TASKS tasks of 4 s at 480p on the fast tier (5.063 credits a second)
check_credits_used() {
    local credits
    credits=$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")
    is "$(awk -v u="$(json_get "$credits" .data.used_credits)" 'BEGIN { printf "%.3f", u }')" \
       "$(awk -v n="$1" 'BEGIN { printf "%.3f", n * 4 * 5.063 }')" "$2"
}
