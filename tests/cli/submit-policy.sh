#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The seedance command never pays twice: a submit is retried only when it
# provably created nothing (connection refused, 429); a failure once the
# request may have reached the server (the reply lost, HTTP 502 after the
# task was created, a reply that is not JSON, the program killed while the
# server holds the reply) fails with one message naming the uncertainty,
# and the same command again sends nothing until --new. Downloads are free:
# every result shape, and a link that answers 404 before the file, give the
# server's file. The emulator runs without idempotent replay, like the real
# service; paid tasks are counted from its records.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance

# counters of the emulator, counted as requests arrive (the request log is
# written once a reply is sent, a moment after the client has it)
requests() { emu_stat requests; }
uncertain_msg() {   # uncertain_msg FILE WHAT DESCRIPTION
    local m; m=$(cat "$1")
    like "$m" "at 20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] may have created a paid task" \
        "$3: says when and that a paid task may exist"
    like "$m" "$2" "$3: says what failed ($2)"
    like "$m" "https://evolink\\.ai/dashboard" "$3: says where to look"
    like "$m" "new_generation=1.*--new" "$3: says how to submit again on purpose"
}

# --- connection refused, then the server comes up: one paid task
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/cache"
SEEDANCE_API_BASE=http://127.0.0.1:$port SEEDANCE_FILES_BASE=http://127.0.0.1:$port \
SEEDANCE_API_KEY=$EMU_KEY SEEDANCE_CACHE_DIR=$T/cache \
    "$SD" submit "refused first" --json >"$T/out" 2>"$T/err" &
pid=$!
# the first attempts are refused (nothing listens yet); retries go on for
# about 15 s, and the emulator starts well within that
sleep 1
emu_start --port "$port" --no-idempotency
wait "$pid"
is "$?" 0 "connection refused first: submitted once the server is up"
like "$(cat "$T/err")" "retry" "connection refused first: retried"
is "$(emu_stat tasks)" 1 "connection refused first: one paid task"
is "$(requests)" 1 "connection refused first: one submit reached the server"

# --- 429, then success: one paid task
emu_reset
emu_fault '{"type":"status","status":429,"retry_after":"1","path":"/v1/videos/generations"}'
"$SD" submit "rate limited" -q >"$T/out" 2>"$T/err"
is "$?" 0 "429 then success: exit status 0"
is "$(requests)" 2 "429: sent twice"
is "$(emu_stat tasks)" 1 "429: one paid task"

# --- the reply lost: the task exists, its id never arrived
emu_reset
emu_fault '{"type":"lost_reply","path":"/v1/videos/generations"}'
"$SD" submit "lost reply" -q >"$T/out" 2>"$T/err"
is "$?" 1 "lost reply: exit status 1"
is "$(requests)" 1 "lost reply: one submit, no retry"
is "$(emu_stat tasks)" 1 "lost reply: one paid task"
uncertain_msg "$T/err" "the connection closed before the reply" "lost reply"
"$SD" submit "lost reply" -q >"$T/out" 2>"$T/err"
is "$?" 1 "lost reply, same command again: refused"
is "$(requests)" 1 "lost reply, same command again: nothing sent"
is "$(emu_stat tasks)" 1 "lost reply: still one paid task"

# --- HTTP 502 once the task was created: uncertain, never repeated by itself
emu_reset
emu_fault '{"type":"status","status":502,"after_create":true,"path":"/v1/videos/generations"}'
"$SD" generate "bad gateway" -q -o "$T/502.mp4" >"$T/out" 2>"$T/err"
is "$?" 1 "502: exit status 1"
is "$(requests)" 1 "502: one submit, no retry"
is "$(emu_stat tasks)" 1 "502: one paid task"
uncertain_msg "$T/err" "HTTP 502" "502"
check "502: no output file" test ! -e "$T/502.mp4"
first=$(cat "$T/err")
r0=$(emu_stat requests)
"$SD" generate "bad gateway" -q -o "$T/502.mp4" >"$T/out" 2>"$T/err"
is "$?" 1 "502, same command again: exit status 1"
is "$(emu_stat requests)" "$r0" "502, same command again: nothing sent"
is "$(cat "$T/err")" "$first" "502, same command again: the same message, with the first time"
"$SD" generate "bad gateway" --new -q -o "$T/502.mp4" >"$T/out" 2>"$T/err"
is "$?" 0 "502, then --new: exit status 0"
is "$(emu_stat submits)" 2 "502, then --new: one more submit"
is "$(emu_stat tasks)" 2 "502, then --new: one more paid task, no other"
check "502, then --new: the clip" ffprobe -v error "$T/502.mp4"

# --- a 200 reply that is not JSON: the task exists, the id never arrived
emu_reset
emu_fault '{"type":"malformed","path":"/v1/videos/generations"}'
"$SD" submit "half a reply" -q >"$T/out" 2>"$T/err"
is "$?" 1 "reply not JSON: exit status 1"
is "$(emu_stat tasks)" 1 "reply not JSON: the server created one task"
uncertain_msg "$T/err" "not JSON" "reply not JSON"
r0=$(emu_stat requests)
"$SD" submit "half a reply" -q >"$T/out" 2>"$T/err"
is "$?" 1 "reply not JSON, again: refused"
is "$(emu_stat requests)" "$r0" "reply not JSON, again: nothing sent"
is "$(emu_stat tasks)" 1 "reply not JSON: still one paid task"

# --- the program killed while the server holds the reply
emu_reset
# the server holds the reply for 20 s: ample time to see the task on a loaded machine
emu_fault '{"type":"delay","ms":20000,"after_create":true,"path":"/v1/videos/generations"}'
s0=$(log_count method=POST path=/v1/videos/generations)
"$SD" submit "killed mid-submit" -q >"$T/out" 2>"$T/err" &
pid=$!
created=0
for i in $(seq 1 600); do       # at most 60 s for the task to be created
    n=$(emu_stat tasks)
    [ "${n:-0}" -ge 1 ] && { created=1; break; }
    sleep 0.1
done
is "$created" 1 "killed: the task was created while the server holds the reply"
{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null
like "$(cat "$T"/cache/journal/*.json)" '"state":[[:space:]]*"submitting"' \
    "killed: the journal says the submit was under way"
r0=$(emu_stat requests)
"$SD" submit "killed mid-submit" -q >"$T/out" 2>"$T/err"
is "$?" 1 "killed, then the same command: refused"
is "$(emu_stat requests)" "$r0" "killed, then the same command: nothing sent"
uncertain_msg "$T/err" "stopped before the reply" "killed"
for i in $(seq 1 600); do       # the server answers the dead program in the end
    [ "$(log_count method=POST path=/v1/videos/generations)" -gt "$s0" ] && break
    sleep 0.1
done
is "$(emu_stat tasks)" 1 "killed: one paid task"
"$SD" submit "killed mid-submit" --new -q >"$T/out" 2>"$T/err"
is "$?" 0 "killed, then --new: submitted"
like "$(cat "$T/out")" '^task-unified-' "killed, then --new: a task id"

# --- every result shape: seedance download saves the server's file
emu_reset
for v in string object result_data output content data video_url url; do
    emu_fault "{\"type\":\"task\",\"result_variant\":\"$v\"}"
    id=$("$SD" submit "result shape $v" -q 2>"$T/err")
    like "$id" '^task-unified-' "result shape $v: submitted"
    "$SD" download "$id" -o "$T/shape-$v.mp4" -q 2>"$T/err"
    is "$?" 0 "result shape $v: seedance download succeeds"
    check "result shape $v: the file is the server's" cmp "$T/shape-$v.mp4" "$(json_get "$(emu_task "$id")" .file)"
done
is "$(emu_stat tasks)" 8 "result shapes: one paid task each"

# --- a result link that answers 404 twice right after completion, then the file
emu_reset
emu_admin POST /_emu/config '{"cdn_lag":0}' >/dev/null   # only the fault's 404s
emu_fault '{"type":"status","status":404,"count":2,"path":"/results/"}'
"$SD" generate "the CDN lags" -q -o "$T/lag.mp4" >"$T/out" 2>"$T/err"
is "$?" 0 "result link 404 twice, then 200: exit status 0"
id=$(emu_last_task)
is "$(emu_stat tasks)" 1 "result link 404 twice: one paid task"
is "$(emu_stat submits)" 1 "result link 404 twice: one submit"
is "$(log_count "path=/results/$id.mp4" status=404)" 2 "result link 404 twice: both 404s were seen"
fetched_once "$id" "result link 404 twice: then the clip was fetched once"
check "result link 404 twice: the file is the server's" cmp "$T/lag.mp4" "$(json_get "$(emu_task "$id")" .file)"
emu_admin POST /_emu/config '{"cdn_lag":1}' >/dev/null

# --- the help says what is retried and where to look
for c in generate submit; do
    h=$("$SD" help "$c")
    like "$h" "https://evolink\\.ai/dashboard" "help $c: names the provider's dashboard"
    like "$(printf '%s' "$h" | tr '\n' ' ' | tr -s ' ')" "[Ss]tatus reads and downloads .*retried" \
        "help $c: status reads and downloads are retried"
done

unlike "$(cat "$T"/cache/journal/*.json)" "$EMU_KEY" "the key is in no journal entry"
done_testing
