#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance progress on stderr: plain lines at a modest rate when stderr is
# not a terminal, one line redrawn in place on a terminal (a pseudo-terminal
# made by script(1)), and one JSON object per event with --progress json
# and --json, each carrying the task id. Both move between the queries
# with the library's estimate.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 3

# json_lines FILE: every line is a JSON object with "event" and "task_id";
# prints "EVENT TASK_ID" per line, fails on the first line that is not.
json_lines() {
    python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        o = json.loads(line)
        print(o["event"], o["task_id"])
    except (ValueError, KeyError, TypeError) as e:
        sys.exit("line %d: %r: %s" % (n, line, e))
' "$1"
}

# --- not a terminal: plain lines, no redraw
start=$(date +%s.%N)
"$SD" generate "progress as lines" -o "$T/lines.mp4" >"$T/out" 2>"$T/err"
is "$?" 0 "lines: exit status 0"
t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
id=$(emu_last_task)
is "$(tr -cd '\r' <"$T/err" | wc -c)" 0 "lines: no carriage return"
is "$(tr -cd '\033' <"$T/err" | wc -c)" 0 "lines: no terminal escape"
unlike "$(cat "$T/err")" '\[[#.]+\]' "lines: no bar"
like "$(cat "$T/err")" "seedance: task $id: completed, 100%" "lines: the status with task id and percent"
like "$(cat "$T/err")" "seedance: task $id: downloading, .* of .*/s" "lines: the download with bytes and rate"
like "$(tail -n 1 "$T/err")" "^seedance: saved $T/lines.mp4 " "lines: the saved file last"
# a line per status change, and one every 5 s at most in between
nstatus=$(grep -c "^seedance: task $id: [a-z]*, " "$T/err")
nchanges=$(grep "^seedance: task $id: [a-z]*, " "$T/err" | sed 's/: \([a-z]*\),.*/\1/' | uniq | wc -l)
cmp_float "$nstatus" "<=" "$(awk -v c="$nchanges" -v t="$t" 'BEGIN { print c + t / 5 + 1 }')" \
    "lines: $nstatus status lines in ${t} s with $nchanges statuses"

# --- --progress json: one object per event, each with the task id
"$SD" generate "progress as json" --progress json -o "$T/json.mp4" >"$T/out" 2>"$T/err"
is "$?" 0 "--progress json: exit status 0"
id=$(emu_last_task)
if ev=$(json_lines "$T/err" 2>"$T/why"); then ok "--progress json: every line is a JSON object"; else
    not_ok "--progress json: every line is a JSON object" "$(cat "$T/why")"; ev=; fi
is "$(printf '%s\n' "$ev" | awk '{ print $2 }' | sort -u)" "$id" "--progress json: every event has the task id"
is "$(printf '%s\n' "$ev" | awk '{ print $1 }' | sort -u | tr '\n' ' ')" \
    "completed done download status submitted " "--progress json: the kinds of events"
is "$(printf '%s\n' "$ev" | head -n 1)" "submitted $id" "--progress json: submitted first"
is "$(printf '%s\n' "$ev" | tail -n 1)" "done $id" "--progress json: done last"
last_status=$(grep '"event":"status"' "$T/err" | tail -n 1)
is "$(json_get "$last_status" .status)" completed "--progress json: the last status is completed"
is "$(json_get "$last_status" .progress)" 100 "--progress json: with its percent"
check "--progress json: with the elapsed time" json_get "$last_status" .elapsed
done_ev=$(tail -n 1 "$T/err")
is "$(json_get "$done_ev" .output)" "$T/json.mp4" "--progress json: done names the file"
is "$(json_get "$done_ev" .size)" "$(stat -c %s "$T/json.mp4")" "--progress json: done gives its size"
is "$(cat "$T/out")" "" "--progress json: nothing on stdout"

# --- --json: the document on stdout, the events on stderr
"$SD" download "$id" -o "$T/again.mp4" --json >"$T/out" 2>"$T/err"
is "$?" 0 "--json download: exit status 0"
is "$(json_get "$(cat "$T/out")" .task_id)" "$id" "--json download: the document on stdout"
if ev=$(json_lines "$T/err" 2>"$T/why"); then ok "--json: every line on stderr is a JSON object"; else
    not_ok "--json: every line on stderr is a JSON object" "$(cat "$T/why")"; ev=; fi
is "$(printf '%s\n' "$ev" | awk '{ print $2 }' | sort -u)" "$id" "--json: every event has the task id"
like "$(grep '"event":"download"' "$T/err")" '"cached":true' "--json: the clip came from the cache"
"$SD" download "$id" -o "$T/quiet.mp4" --json -q >"$T/out" 2>"$T/err"
is "$(cat "$T/err")" "" "--json -q: nothing on stderr"

# --- a failure as a JSON event
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Blocked."}'
"$SD" generate "refused in json" --progress json -o "$T/never.mp4" >"$T/out" 2>"$T/err"
is "$?" 1 "json failure: exit status 1"
fid=$(emu_last_task)
if ev=$(json_lines "$T/err" 2>"$T/why"); then ok "json failure: every line is a JSON object"; else
    not_ok "json failure: every line is a JSON object" "$(cat "$T/why")"; fi
err=$(tail -n 1 "$T/err")
is "$(json_get "$err" .event)" error "json failure: an error event last"
is "$(json_get "$err" .task_id)" "$fid" "json failure: with the task id"
is "$(json_get "$err" .code)" "task failed" "json failure: with the code"
like "$(json_get "$err" .message)" "content_policy_violation: Blocked" "json failure: with the message"
"$SD" generate "bad option in json" --progress json --duration 99 -o "$T/never.mp4" >"$T/out" 2>"$T/err"
is "$?" 2 "json invalid request: exit status 2"
like "$(json_get "$(cat "$T/err")" .message)" "duration: 99 is out of range" "json invalid request: the library's message"
check_fails "--progress with an unknown mode" "$SD" generate x --progress fancy -o "$T/never.mp4"

# --- a terminal: one line redrawn in place, ended before the next output
if ! command -v script >/dev/null; then
    skip "terminal: the redrawn line" "no script(1) (package bsdutils)"
else
    script -qec "'$SD' generate 'progress on a terminal' -o '$T/tty.mp4'" /dev/null >"$T/tty" 2>&1
    is "$?" 0 "terminal: exit status 0"
    id=$(emu_last_task)
    cmp_num "$(tr -cd '\r' <"$T/tty" | wc -c)" -ge 4 "terminal: the line is redrawn (carriage returns)"
    # the redraws of the status line: \r, erase to the end of line, the line
    like "$(tr '\r' '\n' <"$T/tty")" "^.\\[K$id completed \\[#+\\] 100% [0-9]+:[0-9]{2}" \
        "terminal: task id, status, bar, percent and elapsed time"
    like "$(tr '\r' '\n' <"$T/tty")" "^.\\[Kdownloading \\[#+\\] .* of .*/s" \
        "terminal: the download with bar, bytes and rate"
    # every other line starts at the beginning of a line (the redrawn one was ended)
    like "$(tr -d '\r' <"$T/tty" | grep -c '.seedance: ')" "^0$" "terminal: no output on the redrawn line"
    like "$(tr -d '\r' <"$T/tty")" "seedance: saved $T/tty.mp4" "terminal: the saved file"
    # the redrawn lines fit the terminal (80 columns without a size): a wrapped one
    # could not be redrawn
    cols=$(tr '\r' '\n' <"$T/tty" | sed -n 's/^.\[K//p' |
        awk '{ if (length($0) > m) m = length($0) } END { print m }')
    cmp_num "$cols" -le 79 "terminal: the redrawn line fits the terminal ($cols columns)"
fi

# --- a longer task: between two queries the percent and the time left move
# with the library's estimate, and the queries stay as few as before. Two
# runs at once, on a terminal and in JSON.
emu_admin POST /_emu/config '{"gen_time":12}' >/dev/null
"$SD" generate "estimate in json" --progress json -o "$T/long.mp4" >/dev/null 2>"$T/long.json" &
jpid=$!
if command -v script >/dev/null; then
    script -qec "'$SD' generate 'estimate on a terminal' -o '$T/long-tty.mp4'" /dev/null \
        >"$T/long.tty" 2>&1
    is "$?" 0 "estimate, terminal: exit status 0"
fi
wait "$jpid"
is "$?" 0 "estimate, json: exit status 0"

# queries ID: the task queries of task ID in the request log, once its clip
# was fetched (the queries come before it)
queries() {
    wait_fetched "$1"
    log_count "path=/v1/tasks/$1"
}
# rising NUMBER...: how many times a number is lower than the one before it
rising() { printf '%s\n' "$@" | awk 'NR > 1 && $1 < p { n++ } { p = $1 } END { print n + 0 }'; }

if ! command -v script >/dev/null; then
    skip "estimate, terminal: the percent moves between queries" "no script(1) (package bsdutils)"
else
    id=$(tr -d '\r' <"$T/long.tty" | sed -n 's/^seedance: submitted task \([^ ]*\)$/\1/p')
    q=$(queries "$id")
    # the percents of the redrawn status lines, in order
    pcts=($(tr '\r' '\n' <"$T/long.tty" |
        sed -n "s/^.\[K$id [a-z]* \[[#.]*\] *\([0-9][0-9]*\)% .*/\1/p"))
    distinct=$(printf '%s\n' "${pcts[@]}" | uniq | wc -l)
    is "$(rising "${pcts[@]}")" 0 "estimate, terminal: the percent never runs backwards (${pcts[*]})"
    cmp_num "$distinct" -ge 4 "estimate, terminal: the percent rises several times ($distinct values)"
    cmp_num "$distinct" -gt "$q" "estimate, terminal: more percents ($distinct) than task queries ($q)"
    cmp_num "$q" -le 6 "estimate, terminal: few task queries ($q)"
    is "$(printf '%s\n' "${pcts[@]}" | grep -cx 100)" 1 "estimate, terminal: 100% once, when done"
    like "$(tr '\r' '\n' <"$T/long.tty")" \
        "^.\\[K$id [a-z]+ \\[[#.]+\\] +[0-9]+% [0-9]+:[0-9]{2}, [0-9]+:[0-9]{2} left" \
        "estimate, terminal: the line says how long is left"
    like "$(tr '\r' '\n' <"$T/long.tty")" "^.\\[K$id waiting \\[" \
        "estimate, terminal: before the first reply the line says waiting"
fi

# the "estimated" of the status events of the JSON run, in order; fails
# when one lacks "estimated" or "remaining"
if est=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["event"] == "status":
        if "estimated" not in o or "remaining" not in o:
            sys.exit("no estimated/remaining: %r" % line)
        if o["estimated"] is not None:
            print(o["estimated"])
' "$T/long.json" 2>"$T/why"); then
    ok "estimate, json: every status event has estimated and remaining"
else
    not_ok "estimate, json: every status event has estimated and remaining" "$(cat "$T/why")"
fi
est=($est)
id=$(json_get "$(head -n 1 "$T/long.json")" .task_id)
q=$(queries "$id")
distinct=$(printf '%s\n' "${est[@]}" | uniq | wc -l)
is "$(rising "${est[@]}")" 0 "estimate, json: the estimate never runs backwards"
cmp_num "$distinct" -gt "$q" "estimate, json: more estimates ($distinct) than task queries ($q)"
is "$(printf '%s\n' "${est[@]}" | grep -cx 100)" 1 "estimate, json: 100 once"
is "$(printf '%s\n' "${est[@]}" | tail -n 1)" 100 "estimate, json: 100 last, with completed"
like "$(grep '"event":"status"' "$T/long.json")" '"status":"processing".*"remaining":[0-9.]+,' \
    "estimate, json: seconds left while processing"
emu_admin POST /_emu/config '{"gen_time":3}' >/dev/null
done_testing
