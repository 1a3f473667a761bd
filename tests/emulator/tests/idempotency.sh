#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Idempotency-Key: honoured only with --idempotency or {"idempotency":true};
# otherwise (the default) ignored, as the real service does: every submit
# is a new paid task. The task record keeps the key it received either way.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"keys","duration":4,"quality":"480p","generate_audio":false}'

# --- on: a key replays its task ------------------------------------------------
emu_start --idempotency
submit "$T2V" -H 'Idempotency-Key: key-one'
is "$STATUS" 200 "--idempotency: submit with Idempotency-Key: 200"
K1=$(jq_ .id)
is "$(header idempotency-replayed)" "" "first use of a key is not a replay"
submit "$T2V" -H 'Idempotency-Key: key-one'
is "$(jq_ .id)" "$K1" "same key: same task"
is "$(header idempotency-replayed)" true "replay carries idempotency-replayed: true"
submit "$T2V" -H 'Idempotency-Key: key-two'
K2=$(jq_ .id)
isnt "$K2" "$K1" "another key: a new task"
is "$(emu_stat tasks)" 2 "a replay creates no task"
is "$(emu_stat submits)" 3 "every submit reached the handler"
is "$(json_get "$(emu_task "$K1")" .idempotency_key)" key-one "the task record keeps its Idempotency-Key"
submit "$T2V" -H 'Idempotency-Key: key-one'
is "$(emu_last_task)" "$K2" "a replay leaves last_task_id on the newest task"

# --- switched off at run time: every submit is a new paid task ---------------------
out=$(emu_admin POST /_emu/config '{"idempotency":false}')
like "$out" '"ok":true' "config idempotency false is accepted"
emu_admin POST /_emu/config '{"credits":100}' >/dev/null
submit "$T2V" -H 'Idempotency-Key: key-one'
is "$STATUS" 200 "off: a known key still gets 200"
K3=$(jq_ .id)
isnt "$K3" "$K1" "off: a known key makes a new task"
is "$(header idempotency-replayed)" "" "off: no idempotency-replayed header"
submit "$T2V" -H 'Idempotency-Key: key-one'
isnt "$(jq_ .id)" "$K3" "off: the same key again makes another task"
is "$(emu_stat tasks)" 4 "off: two submits, two more tasks"
api GET /v1/credits
is "$(jq_ .data.remaining_credits)" 59.496 "off: both tasks reserved their credits (100 - 2 x 20.252)"
is "$(json_get "$(emu_task "$K3")" .idempotency_key)" key-one "off: the record still shows the key received"

refused /_emu/config '{"idempotency":"yes"}' 'idempotency must be true or false' "a non-boolean idempotency is refused"
emu_admin POST /_emu/config '{"idempotency":true}' >/dev/null
submit "$T2V" -H 'Idempotency-Key: key-two'
is "$(header idempotency-replayed)" true "config idempotency true: replays again"
emu_stop

# --- the default: ignored -----------------------------------------------------------
emu_start
is "$(json_get "$(emu_admin GET /_emu/config)" .idempotency)" false "by default idempotency is off"
submit "$T2V" -H 'Idempotency-Key: dflt'; A=$(jq_ .id)
submit "$T2V" -H 'Idempotency-Key: dflt'; B2=$(jq_ .id)
isnt "$A" "$B2" "by default the same key twice makes two tasks"
is "$(header idempotency-replayed)" "" "by default nothing is replayed"
is "$(emu_stat tasks)" 2 "by default both submits are paid tasks"
emu_stop

# --- --no-idempotency at start ---------------------------------------------------
emu_start --no-idempotency
submit "$T2V" -H 'Idempotency-Key: same'; A=$(jq_ .id)
submit "$T2V" -H 'Idempotency-Key: same'; B2=$(jq_ .id)
isnt "$A" "$B2" "--no-idempotency: the same key twice makes two tasks"
is "$(emu_stat tasks)" 2 "--no-idempotency: both counted as tasks"
is "$(emu_stat last_task_id)" "$B2" "last_task_id is the second one"
emu_finish
done_testing
