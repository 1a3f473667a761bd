#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The emulator's API: auth, documented shapes, the task life cycle,
# task ids, credits, settings, counters, the request log, clean stop.
# (Idempotency-Key: idempotency.sh.)
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --gen-time 2 --cdn-lag 0
T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"a glass frog, macro shot","duration":4,"quality":"480p"}'

# --- auth ----------------------------------------------------------------
STATUS=$(curl -sS -o "$T/b" -w '%{http_code}' -X POST --data-binary "$T2V" "$EMU_URL/v1/videos/generations")
is "$STATUS" 401 "no Authorization header: 401"
like "$(cat "$T/b")" '"code":"unauthorized"' "401 uses the error envelope with code unauthorized"
like "$(cat "$T/b")" '"type":"authentication_error"' "401 error type is authentication_error"
STATUS=$(curl -sS -o "$T/b" -w '%{http_code}' -H 'Authorization: Bearer wrong-key' "$EMU_URL/v1/credits")
is "$STATUS" 401 "wrong key: 401"
STATUS=$(curl -sS -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer ${EMU_KEY}x" "$EMU_URL/v1/credits")
is "$STATUS" 401 "key with an extra character: 401"
STATUS=$(curl -sS -o "$T/b" -w '%{http_code}' -H "Authorization: Basic $EMU_KEY" "$EMU_URL/v1/credits")
is "$STATUS" 401 "non-Bearer scheme: 401"
is "$(emu_stat tasks)" 0 "no task was created by unauthenticated submits"

# --- credits ---------------------------------------------------------------
api GET /v1/credits
is "$STATUS" 200 "GET /v1/credits: 200"
like "$BODY" '"remaining_credits":' "credits reply has remaining_credits"
is "$(emu_stat credits)" 4 "credits counter counts GET /v1/credits (4 so far)"

# --- submit reply shape -------------------------------------------------------
t0=$(date +%s)
submit "$T2V"
t1=$(date +%s)
is "$STATUS" 200 "valid text-to-video submit: 200"
ID=$(jq_ .id)
like "$ID" '^task-unified-[0-9]{10}-[a-z0-9]{8}$' "task id has the form task-unified-<unix>-<8 chars>"
is "$(jq_ .object)" video.generation.task "object is video.generation.task"
is "$(jq_ .status)" pending "a new task is pending"
is "$(jq_ .progress)" 0 "progress starts at 0"
is "$(jq_ .type)" video "type is video"
is "$(jq_ .model)" seedance-2.0-fast-text-to-video "model echoes the request"
created=$(jq_ .created)
cmp_num "$t0" -le "$created" "created is the unix time of the submit (not before it)"
cmp_num "$created" -le "$t1" "created is the unix time of the submit (not after its reply)"
is "$(jq_ .task_info.can_cancel)" true "task_info.can_cancel is true while running"
is "$(jq_ .task_info.video_duration)" 4 "task_info.video_duration is the requested duration"
is "$(jq_ .task_info.estimated_time)" 2 "estimated_time tells the generation time (2 s)"
is "$(jq_ .usage.billing_rule)" per_second "usage.billing_rule per_second"
is "$(jq_ .usage.credits_reserved)" 20.252 "usage.credits_reserved (4 s at 480p, fast: 5.063 a second)"
is "$(jq_ .usage.user_group)" default "usage.user_group"
unlike "$BODY" '"results"|"error"' "no results and no error before the end"
is "$(header Content-Type)" application/json "replies are application/json"

# --- the life cycle ---------------------------------------------------------------
emu_admin POST /_emu/config '{"gen_time":4}' >/dev/null
submit "$T2V"
ID=$(jq_ .id)
emu_admin POST /_emu/config '{"gen_time":2}' >/dev/null
seen=" $(jq_ .status)" last_p=-1 last_eta=99 mono=1 eta_ok=1
for i in $(seq 1 600); do
    api GET "/v1/tasks/$ID"
    st=$(jq_ .status) p=$(jq_ .progress) eta=$(jq_ .task_info.estimated_time)
    case " $seen " in *" $st "*) ;; *) seen="$seen $st" ;; esac
    [ "$st" = completed ] && break
    [ "$p" -lt "$last_p" ] && mono=0
    [ -n "$eta" ] && { [ "$eta" -gt "$last_eta" ] && eta_ok=0; last_eta=$eta; }
    last_p=$p
    sleep 0.1
done
like "$seen" '^ pending( processing)? completed$' "status goes pending, (processing,) completed, in that order"
is "$mono" 1 "progress rises while processing"
is "$eta_ok" 1 "estimated_time falls"
emu_fault '{"type":"task","outcome":"hang"}'
submit "$T2V"; H=$(jq_ .id)
for i in $(seq 1 600); do api GET "/v1/tasks/$H"; [ "$(jq_ .status)" = processing ] && break; sleep 0.1; done
is "$(jq_ .status)" processing "after pending comes processing (a task that never ends stays there)"
cmp_num "$(jq_ .progress)" -ge 1 "processing progress is above 0"
api GET "/v1/tasks/$ID"
is "$(jq_ .progress)" 100 "completed progress is 100"
is "$(jq_ .task_info.can_cancel)" false "can_cancel is false once completed"
is "$(jq_ .usage.credits_used)" 20.252 "usage.credits_used once completed"
like "$(jq_ '.results[0]')" "^http://127\\.0\\.0\\.1:$EMU_PORT/results/$ID\\.mp4\$" "results[0] is a URL served by the emulator"
unlike "$BODY" '"error"' "no error object on a completed task"
STATUS=$(curl -sS -o "$T/clip.mp4" -w '%{http_code}' "$(jq_ '.results[0]')")
is "$STATUS" 200 "the result URL answers 200 without auth"
is "$(probe "$T/clip.mp4" stream=codec_name | head -n 1)" h264 "the result is an H.264 MP4"

# --- task ids ----------------------------------------------------------------
api GET /v1/tasks/abc
is "$STATUS" 400 "malformed task id: 400"
is "$BODY" '{"error":{"code":"invalid_task_id","message":"Invalid task ID format, must start with '"'"'task-unified-'"'"'","type":"invalid_request_error","param":"task_id"}}' \
    "malformed task id: the documented body, byte for byte"
api GET /v1/tasks/task-unified-1-nosuchid
is "$STATUS" 404 "unknown task id: 404"
is "$(jq_ .error.code)" task_not_found "unknown task id: code task_not_found"
api GET /v1/nope
is "$STATUS" 404 "unknown endpoint: 404"
api DELETE /v1/videos/generations
is "$STATUS" 405 "wrong method: 405"

# --- non-fast model names ----------------------------------------------------
submit '{"model":"seedance-2.0-text-to-video","prompt":"pro model","duration":4,"quality":"480p"}'
is "$STATUS" 200 "seedance-2.0-text-to-video is accepted"
is "$(jq_ .model)" seedance-2.0-text-to-video "its model is echoed"

# --- the emulator's record of a request ----------------------------------------
rec=$(emu_task "$ID")
is "$(json_get "$rec" .request.prompt)" "a glass frog, macro shot" "the task record has the request as received"
is "$(json_get "$rec" .request_body)" "$T2V" "the raw request body is kept byte for byte"
like "$(json_get "$rec" .file)" '\.mp4$' "the task record names its MP4"

# --- settings: /_emu/config is all or nothing ----------------------------------------
refused /_emu/config '{"gen_time":1,"no_such_setting":2}' 'unknown setting \\"no_such_setting\\"' "an unknown setting is refused, by name"
refused /_emu/config '{"gen_time":"fast"}' 'gen_time must be a number' "a setting of the wrong type is refused, by name"
refused /_emu/config '[1]' 'must be a JSON object' "settings must be an object"
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" 2 "a refused settings object changes nothing (gen_time stays 2)"
cfg=$(emu_admin GET /_emu/config)
is "$(json_get "$cfg" .gen_time)" 2 "GET /_emu/config shows the settings of the moment"
is "$(printf '%s' "$cfg" | python3 -c 'import json,sys; print(",".join(sorted(json.load(sys.stdin))))')" \
    allow_private_callbacks,bandwidth,cdn_lag,cdn_lag_status,credits,error_shape,estimate,estimate_factor,final_status,gen_time,id_field,idempotency,link_ttl,moov_at_end,price_factor,progress,result_variant,running_status,success_status \
    "GET /_emu/config lists every setting"
like "$(emu_admin POST /_emu/config "$cfg")" '"ok":true' "what GET /_emu/config shows, POST takes back"
is "$(emu_admin GET /_emu/config)" "$cfg" "and nothing changes"

# --- credits balance: 402 -----------------------------------------------------------
emu_admin POST /_emu/config '{"credits":30}' >/dev/null
submit '{"model":"seedance-2.0-fast-text-to-video","prompt":"too expensive","duration":4}'
is "$STATUS" 402 "a task beyond the balance: 402"
is "$(jq_ .error.code)" insufficient_quota "402 code insufficient_quota"
submit "$T2V"
is "$STATUS" 200 "a task within the balance: 200"
api GET /v1/credits
is "$(jq_ .data.remaining_credits)" 9.748 "the balance went down by the reserved credits (30 - 20.252)"
emu_admin POST /_emu/config '{"credits":-1}' >/dev/null

# --- counters and reset ---------------------------------------------------------------
emu_reset
is "$(emu_admin GET /_emu/stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["requests"]+d["submits"]+d["task_queries"]+d["downloads"])')" 0 \
    "reset zeroes the counters"
api GET "/v1/tasks/$ID"; api GET "/v1/tasks/$ID"; submit '{}'
is "$(emu_stat task_queries)" 2 "task_queries counts task reads"
is "$(emu_stat submits)" 1 "submits counts invalid submits too"
is "$(emu_stat requests)" 3 "requests counts every API request"
is "$(emu_stat last_task_id)" "$(json_get "$(emu_admin GET /_emu/stats)" .last_task_id)" "last_task_id is reported"

# --- the request log ---------------------------------------------------------------------
line=$(grep "\"/v1/tasks/$ID\"" "$EMU_LOG" | tail -n 1)
is "$(json_get "$line" .method)" GET "log line: method"
is "$(json_get "$line" .status)" 200 "log line: status"
is "$(json_get "$line" .auth)" true "log line: auth present"
cmp_num "$(json_get "$line" .bytes)" -gt 100 "log line: bytes of the body"
is "$(json_get "$line" .range)" null "log line: range null without Range"
n0=$(wc -l <"$EMU_LOG")
curl -sS -o /dev/null "$EMU_URL/v1/credits?x=1&y=two"
# the line is written once the reply is sent: wait for it (10 s at most)
for i in $(seq 1 100); do [ "$(wc -l <"$EMU_LOG")" -gt "$n0" ] && break; sleep 0.1; done
line=$(tail -n 1 "$EMU_LOG")
is "$(json_get "$line" .query)" "x=1&y=two" "log line: query string"
is "$(json_get "$line" .auth)" false "log line: auth false without the header"
unlike "$(cat "$EMU_LOG")" "$EMU_KEY" "the key never appears in the request log"
unlike "$(cat "$EMU_LOG")" "_emu" "admin calls are not logged"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$EMU_LOG"
is "$?" 0 "every log line is JSON"

# --- stop ----------------------------------------------------------------------------------
kill -TERM "$EMU_PID"; wait "$EMU_PID"; rc=$?; EMU_PID=
is "$rc" 0 "SIGTERM: exits 0"

# --- start-up options ------------------------------------------------------------------------
"$EMU" --help >"$T/help" 2>&1
like "$(cat "$T/help")" '--port-file' "--help lists the switches"
check_fails "an unknown switch is refused" "$EMU" --no-such-switch
"$EMU" --port 0 --port-file "$T/pf" --key secret-k --quiet &
pid=$!
for i in $(seq 1 100); do [ -s "$T/pf" ] && break; sleep 0.1; done
port=$(cat "$T/pf")
like "$port" '^[0-9]+$' "--port 0 writes the chosen port to --port-file"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer secret-k' "http://127.0.0.1:$port/v1/credits")" 200 "--key sets the accepted key"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-emulator' "http://127.0.0.1:$port/v1/credits")" 401 "the default key is then refused"
kill -INT $pid; wait $pid; rc=$?
is "$rc" 0 "SIGINT: exits 0"
check_fails "--config with an unknown setting stops the start" "$EMU" --port 0 --config '{"gen":1}' --quiet
check_fails "--config with bad JSON stops the start" "$EMU" --port 0 --config '{' --quiet
emu_start --config '{"gen_time":7,"success_status":"succeeded"}' --config '{"estimate_factor":2}'
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" 14 "--config at start: settings as /_emu/config takes them (repeatable)"
emu_finish
done_testing
