#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Faults that act after the handler: the submit creates and bills its task,
# then the reply goes missing (lost_reply: the connection closes with no
# HTTP reply), is replaced (status with after_create) or is held (delay
# with after_create, to stop a client in the middle of a submit). The
# counters and the task records show the paid tasks nobody was told about.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --credits 1000
T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"lost","duration":4,"quality":"480p","generate_audio":false}'

# --- lost_reply ------------------------------------------------------------------
emu_fault '{"type":"lost_reply"}'
api GET /v1/credits
is "$STATUS" 200 "lost_reply without a path leaves other endpoints alone"
is "$(jq_ .data.remaining_credits)" 1000 "(balance before: 1000)"
curl -sS --max-time 60 -o "$T/lost.body" -H "Authorization: Bearer $EMU_KEY" \
    -H 'Content-Type: application/json' --data-binary "$T2V" "$EMU_URL/v1/videos/generations" 2>"$T/lost.err"
rc=$?
is "$rc" 52 "lost_reply: the client gets no reply at all (curl: empty reply)"
is "$(stat -c %s "$T/lost.body" 2>/dev/null || echo 0)" 0 "lost_reply: not a byte of body"
is "$(emu_stat tasks)" 1 "lost_reply: the task was created all the same"
is "$(emu_stat submits)" 1 "lost_reply: the submit reached the handler"
LOST=$(emu_last_task)
like "$LOST" '^task-unified-' "lost_reply: last_task_id names the task nobody was told about"
is "$(json_get "$(emu_task "$LOST")" .request.prompt)" lost "the record keeps the lost submit's request"
is "$(logged 1 path=/v1/videos/generations status=0)" 1 "the request log shows the submit with status 0 (no reply)"
api GET /v1/credits
is "$(jq_ .data.remaining_credits)" 979.748 "lost_reply: the task's credits were reserved (billed)"
wait_final "$LOST" 60
is "$(jq_ .status)" completed "the lost task runs to completion and can be read by its id"
submit "$T2V"
is "$STATUS" 200 "lost_reply applies once by default"

# lost_reply on another path: a task read whose reply is lost
emu_fault '{"type":"lost_reply","path":"/v1/tasks/"}'
curl -sS --max-time 60 -o /dev/null -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/tasks/$LOST" 2>/dev/null
is "$?" 52 "lost_reply with a path: a task read gets no reply"

# --- status after_create ------------------------------------------------------------
before=$(emu_stat tasks)
emu_fault '{"type":"status","status":502,"after_create":true}'
submit "$T2V"
is "$STATUS" 502 "status after_create: the submit answers 502"
is "$(jq_ .error.code)" bad_gateway "502 carries the error envelope"
unlike "$BODY" 'task-unified-' "the 502 reply names no task"
is "$(emu_stat tasks)" $((before + 1)) "status after_create: the task was created"
GW=$(emu_last_task)
is "$(json_get "$(emu_task "$GW")" .task.usage.credits_reserved)" 20.252 "the hidden task reserved its credits"
is "$(logged 1 path=/v1/videos/generations status=502)" 1 "the log shows the 502"

emu_fault '{"type":"status","status":500,"count":2}'
before=$(emu_stat tasks)
submit "$T2V"; a=$STATUS
submit "$T2V"; b=$STATUS
is "$a $b" "500 500" "a plain status fault answers instead of the handler"
is "$(emu_stat tasks)" "$before" "a plain status fault creates no task"

emu_fault '{"type":"status","status":503,"after_create":true,"retry_after":"30"}'
submit "$T2V"
is "$STATUS $(header Retry-After)" "503 30" "status after_create carries Retry-After too"

# --- delay after_create: the client gives up in the middle of the submit -------------
before=$(emu_stat tasks)
emu_fault '{"type":"delay","ms":4000,"after_create":true}'
curl -sS --max-time 1 -o /dev/null -H "Authorization: Bearer $EMU_KEY" \
    -H 'Content-Type: application/json' --data-binary "$T2V" "$EMU_URL/v1/videos/generations" 2>/dev/null
is "$?" 28 "delay after_create: a client with a 1 s limit times out"
is "$(emu_stat tasks)" $((before + 1)) "delay after_create: the task exists before the reply is sent"
HELD=$(emu_last_task)
api GET "/v1/tasks/$HELD"
is "$STATUS" 200 "the held task can be read by its id"

# a held reply still arrives for a patient client
emu_fault '{"type":"delay","ms":500,"after_create":true}'
submit "$T2V"
is "$STATUS" 200 "delay after_create: a patient client gets the reply"
is "$(jq_ .id)" "$(emu_last_task)" "with the task it created"

# --- refused fault objects --------------------------------------------------------------
refused /_emu/faults '{"type":"drop","after_bytes":1,"after_create":true}' 'after_create goes with a status or delay fault' "after_create on a drop fault is refused"
refused /_emu/faults '{"type":"status","status":502,"after_create":1}' 'after_create.*true or false' "a non-boolean after_create is refused"
emu_finish
done_testing
