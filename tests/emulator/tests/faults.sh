#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every fault switch: status replies (429 + Retry-After, 500, 502, 503),
# counts and path prefixes, delays, malformed JSON, dropped downloads,
# bandwidth limits, task outcomes (fail, hang, cancel), queued, the result
# variants, expired links, --fault at start and reset.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --cdn-lag 0 --fault '{"type":"status","status":503,"path":"/v1/credits","retry_after":"30"}'
T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"faults","duration":4,"quality":"480p","generate_audio":false}'
now_ms() { date +%s%3N; }

# --fault at start
api GET /v1/credits
is "$STATUS" 503 "--fault at start: 503"
is "$(jq_ .error.code)" service_unavailable "503 uses the envelope (service_unavailable)"
is "$(header Retry-After)" 30 "503 carries Retry-After"
api GET /v1/credits
is "$STATUS" 200 "count defaults to 1"

# 429 N times with Retry-After
emu_fault '{"type":"status","status":429,"count":2,"retry_after":"1","path":"/v1/videos"}'
api GET /v1/credits
is "$STATUS" 200 "a path-scoped fault leaves other paths alone"
submit "$T2V"
is "$STATUS" 429 "429 #1"
is "$(jq_ .error.code)" rate_limit_exceeded "429 code rate_limit_exceeded"
is "$(jq_ .error.type)" rate_limit_error "429 type rate_limit_error"
is "$(header Retry-After)" 1 "429 carries Retry-After: 1"
submit "$T2V"
is "$STATUS" 429 "429 #2"
submit "$T2V"
is "$STATUS" 200 "after count replies, success"
is "$(emu_stat submits)" 1 "submits answered by a fault do not count as reaching the handler"
is "$(emu_stat tasks)" 1 "only one task was created"

for code in 500 502 503; do
    emu_fault "{\"type\":\"status\",\"status\":$code}"
    api GET /v1/credits
    is "$STATUS" "$code" "status fault $code"
    like "$BODY" '^\{"error":\{"code":"[a-z_]+","message":' "$code carries the error envelope"
done
is "$(jq_ .error.code 2>/dev/null)" service_unavailable "(503 code)"

# count -1: until reset
emu_fault '{"type":"status","status":500,"count":-1,"path":"/v1/credits"}'
api GET /v1/credits; a=$STATUS
api GET /v1/credits; b=$STATUS
api GET /v1/credits; c=$STATUS
is "$a $b $c" "500 500 500" "count -1 keeps answering"
emu_reset
api GET /v1/credits
is "$STATUS" 200 "reset clears the faults"

# bad fault objects
refused /_emu/faults '{"type":"nope"}' 'unknown type' "an unknown fault type is refused with a message"
refused /_emu/faults '{"type":"status"}' 'status.*required' "a status fault without status is refused"
check_fails "a bad --fault stops the start" "$EMU" --port 0 --fault '{"type":"delay"}' --quiet

# delay
emu_fault '{"type":"delay","ms":800,"path":"/v1/credits"}'
t0=$(now_ms); api GET /v1/credits; t1=$(now_ms)
cmp_num $((t1 - t0)) -ge 800 "delay: the reply took at least 800 ms"
is "$STATUS" 200 "delay: then the normal reply"
is "$(emu_stat faults)" 0 "delay applies once: no fault left queued"

# malformed
emu_fault '{"type":"malformed","path":"/v1/tasks/"}'
ID=$(emu_last_task)
api GET "/v1/tasks/$ID"
is "$STATUS" 200 "malformed: status 200"
like "$BODY" '^\{"id":"task-unified-' "malformed: starts like the real reply"
python3 -c 'import json,sys; json.loads(sys.argv[1])' "$BODY" 2>/dev/null
isnt "$?" 0 "malformed: the body does not parse"
api GET "/v1/tasks/$ID"
python3 -c 'import json,sys; json.loads(sys.argv[1])' "$BODY" 2>/dev/null
is "$?" 0 "the next reply is whole again"

# task outcomes
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"blocked by safety filters"}'
gen "$T2V"
is "$(jq_ .status)" failed "task fault fail: failed"
is "$(jq_ .error.code)" content_policy_violation "failed: error.code as chosen"
is "$(jq_ .error.message)" "blocked by safety filters" "failed: error.message as chosen"
is "$(jq_ .progress)" 0 "failed: progress 0"
unlike "$BODY" '"results"' "failed: no results"
is "$(jq_ .usage.credits_used)" 0 "failed tasks are not billed"
emu_fault '{"type":"task","outcome":"fail","error_code":"generation_timeout"}'
gen "$T2V"
is "$(jq_ .error.code)" generation_timeout "another chosen error code"

emu_fault '{"type":"task","outcome":"cancel"}'
gen "$T2V"
is "$(jq_ .status)" cancelled "task fault cancel: cancelled"

emu_fault '{"type":"task","outcome":"hang"}'
submit "$T2V"; H=$(jq_ .id)
sleep 1.5
api GET "/v1/tasks/$H"
is "$(jq_ .status)" processing "task fault hang: still processing after 3x the generation time"
is "$(jq_ .task_info.can_cancel)" true "hang: can_cancel stays true"

emu_fault '{"type":"task","queued":true}'
emu_admin POST /_emu/config '{"gen_time":3}' >/dev/null
submit "$T2V"; Q=$(jq_ .id)
is "$(jq_ .status)" queued "task fault queued: status queued first"
emu_admin POST /_emu/config '{"gen_time":0.4}' >/dev/null
wait_final "$Q" 30
is "$(jq_ .status)" completed "a queued task still completes"

emu_fault '{"type":"task","count":2,"result_variant":"object"}'
gen "$T2V"
like "$(jq_ '.results[0].url')" '^http://127\.0\.0\.1:[0-9]+/results/.*\.mp4$' "result_variant object: results[0].url"
gen "$T2V"
like "$(jq_ '.results[0].url')" '^http' "a task fault with count 2 applies to two tasks"
emu_fault '{"type":"task","result_variant":"result_data"}'
gen "$T2V"
like "$(jq_ '.result_data[0].video_url')" '^http://127\.0\.0\.1:[0-9]+/results/.*\.mp4$' "result_variant result_data: result_data[0].video_url"
unlike "$BODY" '"results"' "result_data variant: no results array"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$(jq_ '.result_data[0].video_url')")
is "$STATUS" 200 "the result_data URL downloads"
gen "$T2V"
like "$(jq_ '.results[0]')" '^http' "task faults are used up: plain string results again"

emu_fault '{"type":"task","expired":true}'
gen "$T2V"
is "$(jq_ .status)" completed "task fault expired: completes"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$(jq_ '.results[0]')")
is "$STATUS" 403 "task fault expired: its link answers 403 at once"

# drop and bandwidth on downloads
gen "$T2V"
URL=$(jq_ '.results[0]')
curl -sS -o "$T/full.mp4" "$URL"
SIZE=$(stat -c %s "$T/full.mp4")
emu_fault '{"type":"drop","after_bytes":100000}'
curl -sS -o "$T/cut.mp4" "$URL" 2>/dev/null; rc=$?
isnt "$rc" 0 "drop: the client sees a failed transfer"
is "$(stat -c %s "$T/cut.mp4")" 100000 "drop: exactly after_bytes arrived"
cmp -s "$T/cut.mp4" <(head -c 100000 "$T/full.mp4"); is "$?" 0 "drop: the bytes before the cut are right"
curl -sS -o "$T/rest" -H "Range: bytes=100000-" "$URL"
cat "$T/cut.mp4" "$T/rest" >"$T/joined.mp4"
cmp -s "$T/joined.mp4" "$T/full.mp4"; is "$?" 0 "a Range resume after the drop yields the whole file"
emu_fault '{"type":"drop","after_bytes":10,"path":"/v1/"}'
curl -sS -o /dev/null "$URL"; is "$?" 0 "a drop fault scoped to another path leaves downloads alone"
emu_reset

emu_fault "{\"type\":\"bandwidth\",\"bps\":$((SIZE * 2))}"
t0=$(now_ms); curl -sS -o /dev/null "$URL"; t1=$(now_ms)
limited=$((t1 - t0))
cmp_num "$limited" -ge 400 "bandwidth fault: the download takes about size/bps (>= 0.4 s for 0.5 s)"
emu_admin POST /_emu/config '{"bandwidth":0}' >/dev/null
is "$(json_get "$(emu_admin GET /_emu/config)" .bandwidth)" 0 "bandwidth 0 is the configuration"
t0=$(now_ms); curl -sS -o /dev/null "$URL"; t1=$(now_ms)
cmp_num $((t1 - t0)) -lt "$limited" "bandwidth 0 lifts the limit (faster than the limited download)"
emu_stop

emu_start --bandwidth $((SIZE / 2 + 1)) --cdn-lag 0
gen "$T2V"
t0=$(now_ms); curl -sS -o /dev/null "$(jq_ '.results[0]')"; t1=$(now_ms)
cmp_num $((t1 - t0)) -ge 1500 "--bandwidth limits downloads (a 2 s transfer took >= 1.5 s)"
emu_finish
done_testing
