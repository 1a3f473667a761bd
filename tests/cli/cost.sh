#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance cost: the body exactly as it would be sent and the charge
# computed by hand from the published rates; "unknown" where none is
# published; --max-credits fails as the submit would; never a request.
# And a submit reports what the task reserved.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start

out=$("$SD" cost "a calm sea")
is "$?" 0 "cost: exit status 0"
is "$(printf '%s\n' "$out" | head -n 1)" \
   '{"model":"seedance-2.0-fast-text-to-video","prompt":"a calm sea","duration":5,"quality":"720p","aspect_ratio":"16:9","generate_audio":true,"content_filter":true,"model_params":{"web_search":false}}' \
   "cost: the body as sent, every field stated"
like "$out" 'estimated cost: 54\.675 credits \(\$0\.8040\): 5 s at 10\.935 credits/s' \
   "fast 720p 5 s: 5 x 10.935 = 54.675 credits, 5 x \$0.1608 = \$0.804"

cost() { json_get "$("$SD" cost --json "$@")" "$CF"; }
CF=.estimate.credits
is "$(cost --tier standard --quality 480p --duration 8 x)" 50.008 "standard 480p 8 s: 8 x 6.251 = 50.008 credits"
is "$(cost --tier standard --duration 10 x)" 135 "standard 720p 10 s: 10 x 13.5 = 135 credits"
is "$(cost --quality 480p --duration 15 x)" 75.945 "fast 480p 15 s: 15 x 5.063 = 75.945 credits"
is "$(cost --duration 4 --content-filter 0 x)" 48.114 "fast 720p 4 s without the content filter: 4 x 10.935 x 1.1 = 48.114"
CF=.estimate.usd
is "$(cost --tier standard --duration 10 x)" 1.985 "standard 720p 10 s: 10 x \$0.1985 = \$1.985"
CF=.estimate.known
for q in "--tier mini" "--tier standard --quality 1080p" "--tier standard --quality 4k"; do
    # shellcheck disable=SC2086
    is "$(cost $q x)" false "$q: the estimate is unknown"
    # shellcheck disable=SC2086
    like "$("$SD" cost $q x)" "estimated cost: unknown \(no published price for" "$q: says there is no published price"
done
CF=.request.model
is "$(cost --tier mini --mode text x)" seedance-2.0-mini-text-to-video "--json: the request as sent"

"$SD" cost --max-credits 50 "a calm sea" >"$T/out" 2>"$T/err"
is "$?" 2 "--max-credits 50 under a 54.675 estimate: exit status 2"
like "$(cat "$T/err")" "estimated at 54\.675 credits.*max_credits=50" "it says why"
"$SD" cost --max-credits 60 "a calm sea" >/dev/null 2>&1
is "$?" 0 "--max-credits 60: allowed"
SEEDANCE_MAX_CREDITS=1000 "$SD" cost --tier mini x >/dev/null 2>"$T/err"
is "$?" 2 "SEEDANCE_MAX_CREDITS and an unknown estimate: exit status 2"
"$SD" cost --tier mini --quality 1080p x >/dev/null 2>"$T/err"
is "$?" 2 "cost of a request the model refuses: exit status 2"
like "$(cat "$T/err")" "1080p" "it names the quality"
is "$(wc -l <"$EMU_LOG")" 0 "cost sends nothing"

# a submit: what the task reserved, in the text and the JSON progress
"$SD" submit --quality 480p --duration 4 "reserved" >"$T/out" 2>"$T/err"
like "$(cat "$T/err")" "task task-unified-[^ ]*: 20\.252 credits reserved" "submit: a line with the credits the task reserved"
"$SD" submit --quality 480p --duration 6 --progress json "reserved json" >"$T/out" 2>"$T/err"
ev=$(grep '"event":"submitted"' "$T/err")
is "$(json_get "$ev" .credits_reserved)" 30.378 "the submitted event: credits_reserved (6 x 5.063)"
"$SD" submit --max-credits 10 --quality 480p --duration 6 "too dear" >"$T/out" 2>"$T/err"
is "$?" 2 "submit over --max-credits: exit status 2"
is "$(emu_stat submits)" 2 "and no submit reached the server"
"$SD" submit --max-credits 10 --quality 480p --duration 6 --progress json "reserved json" >"$T/out" 2>&1
is "$?" 0 "a request already submitted is not refused by --max-credits: it costs nothing"
done_testing
