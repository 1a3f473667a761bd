#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The spellings of a task object that real services and gateways use:
# success, running and failure status words (any case, blanks around), the
# id field, eight places for the result link and three task error shapes;
# per task with a "task" fault and for every new task with /_emu/config.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --gen-time 0.4 --cdn-lag 0
T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"shapes","duration":4,"quality":"480p","generate_audio":false}'

# --- success status words -------------------------------------------------------
for w in completed succeeded success ' Succeeded ' COMPLETED; do
    emu_fault "{\"type\":\"task\",\"success_status\":\"$w\"}"
    gen "$T2V"
    is "$(jq_ .status)" "$w" "success_status '$w': spelled as asked"
    is "$(jq_ .progress)" 100 "success_status '$w': progress 100"
    like "$(jq_ '.results[0]')" '^http://' "success_status '$w': the result link is there"
done
gen "$T2V"
is "$(jq_ .status)" completed "a task fault applies to one task: completed again"

# --- running status words (on tasks that never end: no race with the clock) --------
for w in queued running pending processing Running ' PROCESSING ' warming_up ''; do
    emu_fault "{\"type\":\"task\",\"outcome\":\"hang\",\"running_status\":\"$w\"}"
    submit "$T2V"
    is "$(jq_ .status)" "$w" "running_status '$w': the submit reply says so"
    api GET "/v1/tasks/$(task_id)"
    is "$(jq_ .status)" "$w" "running_status '$w': a later read too"
done
emu_fault '{"type":"task","running_status":"RUNNING"}'
gen "$T2V"
is "$(jq_ .status)" completed "a task with a custom running word still completes as completed"

# --- failure status words -------------------------------------------------------------
for w in failed cancelled canceled expired ' Failed '; do
    emu_fault "{\"type\":\"task\",\"outcome\":\"fail\",\"error_code\":\"generation_timeout\",\"final_status\":\"$w\"}"
    gen "$T2V"
    is "$(jq_ .status)" "$w" "final_status '$w' on a failed task"
    is "$(jq_ .error.code)" generation_timeout "final_status '$w': the error object is there"
    is "$(jq_ .usage.credits_used)" 0 "final_status '$w': not billed"
done
emu_fault '{"type":"task","outcome":"cancel","final_status":"canceled"}'
gen "$T2V"
is "$(jq_ .status)" canceled "final_status on a cancelled task"

# --- id field ---------------------------------------------------------------------------
emu_fault '{"type":"task","id_field":"task_id"}'
submit "$T2V"
ID=$(jq_ .task_id)
like "$ID" '^task-unified-' "id_field task_id: the submit reply names the task under task_id"
is "$(jq_ .id)" "" "id_field task_id: no id field"
wait_final "$ID"
is "$(jq_ .task_id)" "$ID" "id_field task_id: task reads too"

# --- result variants ----------------------------------------------------------------------
for pair in 'string:.results[0]' 'object:.results[0].url' 'result_data:.result_data[0].video_url' \
            'output:.output.video_url' 'content:.content.video_url' 'data:.data.video_url' \
            'video_url:.video_url' 'url:.url'; do
    v=${pair%%:*} path=${pair#*:}
    emu_fault "{\"type\":\"task\",\"result_variant\":\"$v\"}"
    gen "$T2V"
    url=$(jq_ "$path")
    like "$url" "^http://127\\.0\\.0\\.1:$EMU_PORT/results/$TASK\\.mp4\$" "result_variant $v: the link is at $path"
    curl -sS -o "$T/$v.mp4" "$url"
    check "result_variant $v: the link downloads the task's file" cmp "$T/$v.mp4" "$(json_get "$(emu_task "$TASK")" .file)"
    [ "$v" = string ] || unlike "$BODY" '"results":\["' "result_variant $v: no results[0] string"
done

# --- task error shapes ---------------------------------------------------------------------
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"blocked","error_shape":"object"}'
gen "$T2V"
is "$(jq_ .error.code)/$(jq_ .error.message)" content_policy_violation/blocked "error_shape object: string code and message"
emu_fault '{"type":"task","outcome":"fail","error_code":1301,"error_message":"blocked","error_shape":"integer"}'
gen "$T2V"
like "$BODY" '"error":\{"code":1301,"message":"blocked"\}' "error_shape integer: the numeric code as an integer"
emu_fault '{"type":"task","outcome":"fail","error_code":"service_error","error_shape":"integer"}'
gen "$T2V"
like "$BODY" '"error":\{"code":500,' "error_shape integer: a word code becomes 500"
emu_fault '{"type":"task","outcome":"fail","error_message":"Generation failed upstream","error_shape":"string"}'
gen "$T2V"
like "$BODY" '"error":"Generation failed upstream"' "error_shape string: a bare message"

# --- the same through /_emu/config, for every new task -------------------------------------
out=$(emu_admin POST /_emu/config '{"success_status":"succeeded","id_field":"task_id","result_variant":"output","error_shape":"string","final_status":"expired"}')
like "$out" '"ok":true' "config takes the shape keys"
gen "$T2V"
is "$(jq_ .status)/$(jq_ .id)" succeeded/ "config: succeeded, no id field"
like "$(jq_ .output.video_url)" '^http://' "config: output.video_url"
gen "$T2V"
is "$(jq_ .status)" succeeded "config: applies to every new task"
emu_fault '{"type":"task","outcome":"fail","error_message":"too slow"}'
gen "$T2V"
is "$(jq_ .status)" expired "config final_status: expired"
like "$BODY" '"error":"too slow"' "config error_shape string"
emu_fault '{"type":"task","result_variant":"url","success_status":"success"}'
gen "$T2V"
is "$(jq_ .status)" success "a task fault overrides the configured word"
like "$(jq_ .url)" '^http://' "and the configured variant"
is "$(jq_ .task_id)" "$TASK" "while the configured id field stays"
emu_admin POST /_emu/config '{"success_status":null,"id_field":null,"result_variant":null,"error_shape":null,"final_status":null}' >/dev/null
gen "$T2V"
is "$(jq_ .status)" completed "null restores the default success word"
like "$(jq_ '.results[0]')" '^http://' "null restores results[0]"
like "$(jq_ .id)" '^task-unified-' "null restores id"
emu_admin POST /_emu/config '{"running_status":"RUNNING"}' >/dev/null
emu_fault '{"type":"task","outcome":"hang"}'
submit "$T2V"
is "$(jq_ .status)" RUNNING "config running_status"
emu_admin POST /_emu/config '{"running_status":null}' >/dev/null

# --- refused values ---------------------------------------------------------------------------
refused /_emu/faults '{"type":"task","success_status":"Done"}' 'success_status must be one of completed, succeeded, success' "an unknown success word is refused"
refused /_emu/faults '{"type":"task","running_status":"completed"}' 'running_status must be a word that is not a final status' "a final word as running_status is refused"
refused /_emu/faults '{"type":"task","final_status":"succeeded"}' 'final_status must be one of failed, cancelled, canceled, expired' "a success word as final_status is refused"
refused /_emu/faults '{"type":"task","result_variant":"results"}' 'result_variant must be one of string, object, result_data, output, content, data, video_url, url' "an unknown result_variant is refused"
refused /_emu/config '{"error_shape":"number"}' 'error_shape must be one of object, integer, string' "config refuses an unknown error_shape"
refused /_emu/config '{"id_field":"uuid","gen_time":9}' 'id_field must be one of id, task_id' "config refuses an unknown id_field"
submit "$T2V"
like "$(jq_ .task_info.estimated_time)" '^[01]$' "a refused config changes nothing (gen_time stays 0.4)"
emu_finish
done_testing
