#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance ledger with the local journal: the submits of a period, who,
# what, the estimate, the reserved credits and how each ended; totals
# that equal the emulator's bill; a failed task listed as refunded; an
# uncertain submit counted apart; a new generation keeps the first task in
# the ledger; periods and their refusals.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
unset SEEDANCE_JOURNAL

emu_start --gen-time 0.4 --credits 100000
gen() { "$SD" generate "$@" --duration 4 --quality 480p -o "$T/out.mp4" -q; }

run_ok "$T/1.log" "a first clip" gen "a red kite over hills"
run_ok "$T/2.log" "a second clip, 720p" "$SD" generate "a blue kite" --duration 5 -o "$T/2.mp4" -q
run_ok "$T/3.log" "the first request again: attached, not paid" gen "a red kite over hills"
run_ok "$T/4.log" "the first request anew (--new): a second paid task" gen "a red kite over hills" --new
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation"}'
check_fails "a task that fails" gen "a kite that fails"
emu_fault '{"type":"lost_reply"}'
check_fails "a submit whose reply is lost" gen "a kite whose reply is lost"

doc=$("$SD" ledger --json 2>/dev/null)
entries() { printf '%s' "$doc" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(sum(1 for e in d['entries'] if $1))"; }
is "$(entries 'True')" 5 "five submits today: two of the first request, the second, the failed, the lost"
is "$(entries "e['state'] == 'completed'")" 3 "three completed"
is "$(entries "e['state'] == 'failed' and e['task_id']")" 1 "the failed task listed, failed"
is "$(entries "e['state'] == 'uncertain' and e['task_id'] is None")" 1 "the lost reply: uncertain, no task"
is "$(entries "e['duration'] == 5 and e['quality'] == '720p' and abs(e['estimate'] - 54.675) < 1e-6")" 1 \
    "the 720p submit: its duration, quality and estimate"
is "$(entries "e['user'] and e['host'] and e['model'] == 'seedance-2.0-fast-text-to-video'")" 5 \
    "every entry names its user, host and model"
is "$(json_get "$doc" .totals.paid)" 3 "three paid"
is "$(json_get "$doc" .totals.refunded)" 1 "one refunded"
is "$(json_get "$doc" .totals.uncertain)" 1 "one uncertain"
# the lost reply's task was billed by the service: the ledger cannot know
# its credits, and says so by counting it apart
billed=$(json_get "$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")" .data.used_credits)
lost=$(json_get "$(emu_task "$(emu_last_task)")" .task.usage.credits_reserved)
cmp_float "$(json_get "$doc" .totals.credits)" == "$(awk -v a="$billed" -v b="$lost" 'BEGIN { print a - b }')" \
    "the paid total is the bill but for the uncertain submit"
cmp_float "$(json_get "$doc" .totals.uncertain_estimate)" == "$lost" \
    "the uncertain submit's estimate is what it was billed"
like "$(json_get "$doc" .journal)" "^local journal $T/cache/journal$" "the ledger names its journal"

text=$("$SD" ledger 2>&1)
like "$text" "^local journal .*, 20[0-9-]+ 00:00:00 to 20[0-9-]+ 00:00:00" "the text ledger: journal and period"
like "$text" "SUBMITTED +WHO +MODEL +DUR +QUAL +ESTIMATE +CREDITS +STATE +TASK" "its columns"
like "$text" "paid: 3 tasks, [0-9.]+ credits reserved, estimated [0-9.]+" "its paid total"
like "$text" "refunded: 1; uncertain: 1 \(estimated [0-9.]+ credits, may have been paid" \
    "its refunded and uncertain totals"

is "$("$SD" ledger --json 2000-01-01 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')" \
    0 "a day without submits: empty"
is "$("$SD" ledger --json 2000-01..2099-12 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')" \
    5 "a range of months holds them all"
"$SD" ledger 2026-13-01 >"$T/bad.out" 2>&1
is "$?" 2 "a month 13 is refused (usage)"
like "$(cat "$T/bad.out")" "'2026-13-01' is not a period: allowed today, yesterday" \
    "the refusal names the value and what is allowed"
is "$(emu_stat submits)" 5 "the ledger sent nothing"
done_testing
