#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a running task tells about its end: estimated_time off by a factor
# (--estimate-factor), left out of later reads or of all (--estimate), and
# progress that rises in big steps or stays at 0 (--progress).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"eta","duration":4,"quality":"480p","generate_audio":false}'

HANG='{"type":"task","outcome":"hang","count":-1}'   # tasks that never end: no race with the clock

# --- estimate_factor ---------------------------------------------------------------
emu_start --gen-time 60 --fault "$HANG"
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" 60 "factor 1 (default): the submit reply tells the truth (60 s)"
emu_stop
emu_start --gen-time 60 --estimate-factor 0.4 --fault "$HANG"
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" 24 "--estimate-factor 0.4: 24 s for a 60 s task"
api GET "/v1/tasks/$(jq_ .id)"
cmp_num "$(jq_ .task_info.estimated_time)" -le 24 "later reads keep the factor"
emu_admin POST /_emu/config '{"estimate_factor":2.5}' >/dev/null
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" 150 "config estimate_factor 2.5: 150 s for a 60 s task"
refused /_emu/config '{"estimate_factor":0}' 'estimate_factor must be a number from 0.01' "estimate_factor 0 is refused"
check_fails "--estimate-factor with a word stops the start" "$EMU" --port 0 --estimate-factor fast --quiet

# --- estimate: always, omit, never ------------------------------------------------------
emu_admin POST /_emu/config '{"estimate_factor":1,"estimate":"omit"}' >/dev/null
submit "$T2V"
ID=$(jq_ .id)
is "$(jq_ .task_info.estimated_time)" 60 "estimate omit: the submit reply carries estimated_time"
api GET "/v1/tasks/$ID"
like "$(jq_ .status)" '^(pending|processing)$' "(still running)"
is "$(jq_ .task_info.estimated_time)" "" "estimate omit: a later read leaves it out"
like "$(jq_ .task_info)" '"can_cancel": ?true' "the rest of task_info stays"
emu_admin POST /_emu/config '{"estimate":"never"}' >/dev/null
submit "$T2V"
is "$(jq_ .task_info.estimated_time)" "" "estimate never: not even the submit reply has it"
emu_admin POST /_emu/config '{"estimate":"always"}' >/dev/null
api GET "/v1/tasks/$ID"
like "$(jq_ .task_info.estimated_time)" '^[0-9]+$' "estimate always: every read has it again"
refused /_emu/config '{"estimate":"sometimes"}' 'estimate must be one of always, omit, never' "an unknown estimate mode is refused"
emu_stop
emu_start --gen-time 60 --estimate omit --fault "$HANG"
submit "$T2V"; ID=$(jq_ .id)
api GET "/v1/tasks/$ID"
is "$(jq_ .task_info.estimated_time)" "" "--estimate omit at start"
emu_stop
check_fails "--estimate with an unknown mode stops the start" "$EMU" --port 0 --estimate maybe --quiet

# progress_values ID   polls a task to its end; PROG = the distinct progress
# values seen while it ran (in order), LAST = its final reply
progress_values() {
    local i p st
    PROG=""
    for i in $(seq 1 600); do
        api GET "/v1/tasks/$1"
        st=$(jq_ .status) p=$(jq_ .progress)
        case $st in completed|failed|cancelled) break ;; esac
        case " $PROG " in *" $p "*) ;; *) PROG="$PROG $p" ;; esac
        sleep 0.1
    done
    LAST=$BODY
}

# --- progress: linear, steps, stuck --------------------------------------------------
emu_start --gen-time 15
submit "$T2V"; progress_values "$(jq_ .id)"
words=$(echo $PROG | wc -w)
cmp_num "$words" -ge 3 "linear (default): progress takes many values ($PROG)"
unlike "$PROG" '^( 0)?( 10)?( 40)?( 70)?$' "linear: not just the big steps"
is "$(json_get "$LAST" .progress)" 100 "linear: 100 at the end"
emu_stop

emu_start --gen-time 15 --progress steps
submit "$T2V"; progress_values "$(jq_ .id)"
like "$PROG" '^( 0)?( 10)?( 40)?( 70)?$' "steps: only 0, then 10, 40, 70 in order ($PROG)"
like "$PROG" ' (10|40|70)' "steps: at least one step seen while running"
is "$(json_get "$LAST" .progress)" 100 "steps: 100 at the end"
emu_admin POST /_emu/config '{"progress":"stuck"}' >/dev/null
emu_fault '{"type":"task","outcome":"hang"}'
submit "$T2V"; H=$(jq_ .id)
for i in $(seq 1 600); do
    api GET "/v1/tasks/$H"
    [ "$(jq_ .status)" = processing ] && break
    sleep 0.1
done
is "$(jq_ .status)/$(jq_ .progress)" processing/0 "config progress stuck: processing at 0"
submit "$T2V"; progress_values "$(jq_ .id)"
like "$PROG" '^( 0)?$' "stuck: 0 on every read until the end ($PROG)"
is "$(json_get "$LAST" .status)/$(json_get "$LAST" .progress)" completed/100 "stuck: then completed at 100"
refused /_emu/config '{"progress":"random"}' 'progress must be one of linear, steps, stuck' "an unknown progress mode is refused"
emu_finish
check_fails "--progress with an unknown mode stops the start" "$EMU" --port 0 --progress fast --quiet
done_testing
