#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Result links that are not served yet: --cdn-lag / cdn_lag (404, or
# cdn_lag_status, for a while after the task completed), and a status
# fault on /results/ with a count (the first N downloads answer 404).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

T2V='{"model":"seedance-2.0-fast-text-to-video","prompt":"cdn","duration":4,"quality":"480p","generate_audio":false}'
# fetch URL [CURL ARGS]   sets CODE, CTYPE and $T/got (body)
fetch() {
    local u=$1; shift
    CODE=$(curl -sS -o "$T/got" -w '%{http_code} %{content_type}' "$@" "$u")
    CTYPE=${CODE#* } CODE=${CODE%% *}
}
# until_served URL   fetches URL until it answers 200 (30 s at most);
# SEEN = the distinct codes, in the order they came
until_served() {
    local i
    SEEN=""
    for i in $(seq 1 300); do
        fetch "$1"
        case " $SEEN " in *" $CODE "*) ;; *) SEEN="$SEEN $CODE" ;; esac
        [ "$CODE" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

# --- a long lag: the link is not there yet ----------------------------------------
emu_start --cdn-lag 600
gen "$T2V"
is "$(jq_ .status)" completed "the task completes"
URL=$(jq_ '.results[0]')
fetch "$URL"
is "$CODE" 404 "--cdn-lag: the new link answers 404"
like "$(cat "$T/got")" '<Code>NoSuchKey</Code>' "the 404 looks like a CDN's (XML NoSuchKey), not the API envelope"
is "$CTYPE" application/xml "the 404 is application/xml"
fetch "$URL" -I
is "$CODE" 404 "HEAD answers 404 too"
fetch "$URL" -H 'Range: bytes=0-99'
is "$CODE" 404 "a Range request answers 404 too"
is "$(emu_stat downloads)" 3 "each attempt counts as a download"
is "$(logged 3 path=/results/* status=404)" 3 "the request log shows the three 404s"
api GET "/v1/tasks/$TASK"
is "$(jq_ .status)" completed "the task itself stays completed"

emu_admin POST /_emu/config '{"cdn_lag_status":503}' >/dev/null
fetch "$URL"
is "$CODE" 503 "cdn_lag_status 503: the link answers 503 during the lag"
like "$CTYPE" '^text/html' "as an HTML page"

# the lag ends: lowered at run time, the link is served (bounded wait)
emu_admin POST /_emu/config '{"cdn_lag":1,"cdn_lag_status":404}' >/dev/null
until_served "$URL"
is "$CODE" 200 "once the lag has passed the link answers 200"
is "$(stat -c %s "$T/got")" "$(json_get "$(emu_task "$TASK")" .size)" "with the whole file"

# a drop fault is for a transfer: the 404s of the lag do not use it up
emu_admin POST /_emu/config '{"cdn_lag":600}' >/dev/null
emu_fault '{"type":"drop","after_bytes":50000}'
fetch "$URL"
is "$CODE" 404 "raised again, the lag hides the link again"
emu_admin POST /_emu/config '{"cdn_lag":0}' >/dev/null
fetch "$URL" 2>/dev/null
is "$(stat -c %s "$T/got")" 50000 "the drop fault waited for the first transfer and cut it"
fetch "$URL"
is "$(stat -c %s "$T/got")" "$(json_get "$(emu_task "$TASK")" .size)" "the next transfer is whole"

# a new task: 404 first, then 200 (cdn_lag counts from the completion)
emu_admin POST /_emu/config '{"cdn_lag":2}' >/dev/null
gen "$T2V"
until_served "$(jq_ '.results[0]')"
like "$SEEN" '^( 404)? 200$' "a 2 s lag: 404 while it lasts, then served"
emu_admin POST /_emu/config '{"cdn_lag":0}' >/dev/null
gen "$T2V"
fetch "$(jq_ '.results[0]')"
is "$CODE" 200 "cdn_lag 0: served at once"
refused /_emu/config '{"cdn_lag_status":200}' 'cdn_lag_status must be an integer from 400 to 599' "cdn_lag_status outside 400..599 is refused"
refused /_emu/config '{"cdn_lag":-1}' 'cdn_lag must be a number from 0' "a negative cdn_lag is refused"
check_fails "--cdn-lag with a word stops the start" "$EMU" --port 0 --cdn-lag soon --quiet
check_fails "--cdn-lag-status 302 stops the start" "$EMU" --port 0 --cdn-lag-status 302 --quiet

# --- a status fault on /results/ with a count -----------------------------------------
emu_reset
n0=$(log_count path=/results/* status=404)
emu_fault '{"type":"status","status":404,"path":"/results/","count":2}'
URL3=$(jq_ '.results[0]')
api GET "/v1/tasks/$TASK"
is "$STATUS" 200 "the /results/ fault leaves task reads alone"
fetch "$URL3"; a=$CODE
fetch "$URL3"; b=$CODE
fetch "$URL3"; c=$CODE
is "$a $b $c" "404 404 200" "status fault path /results/ count 2: two 404s, then the file"
is "$(logged $((n0 + 2)) path=/results/* status=404)" $((n0 + 2)) "the request log shows both injected 404s"
emu_stop

emu_start --cdn-lag 0 --fault '{"type":"status","status":404,"path":"/results/","count":3}'
gen "$T2V"
URL=$(jq_ '.results[0]')
codes=""
for i in 1 2 3 4; do fetch "$URL" -I; codes="$codes $CODE"; done
is "$codes" " 404 404 404 200" "--fault at start: the first three downloads answer 404"
emu_stop

# --- the default: a lag of about a second, as the real service's CDN ------------------------
emu_start
cfg=$(emu_admin GET /_emu/config)
is "$(json_get "$cfg" .cdn_lag)/$(json_get "$cfg" .cdn_lag_status)" 1/404 "by default cdn_lag is 1 s, answering 404"
gen "$T2V"
until_served "$(jq_ '.results[0]')"
like "$SEEN" '^( 404)? 200$' "by default: 404 while the lag lasts, then the file"
emu_finish
done_testing
