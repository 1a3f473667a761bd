#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Result downloads: GET/HEAD, Accept-Ranges, single ranges (206), 416,
# link expiry (403), faststart vs moov at the end.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --cdn-lag 0
gen '{"model":"seedance-2.0-fast-text-to-video","prompt":"ranges","duration":4,"quality":"480p","generate_audio":false}'
is "$(jq_ .status)" completed "a task completes"
URL=$(jq_ '.results[0]')
curl -sS -o "$T/full.mp4" "$URL"
SIZE=$(stat -c %s "$T/full.mp4")
cmp_num "$SIZE" -gt 10000 "the whole file downloads ($SIZE bytes)"
cmp "$T/full.mp4" "$(json_get "$(emu_task "$TASK")" .file)" >/dev/null
is "$?" 0 "the download equals the rendered file"

# dl [CURL ARGS...]   -> CODE, the body in $T/part, headers in $T/h
dl() { CODE=$(curl -sS -o "$T/part" -D "$T/h" -w '%{http_code}' "$@" "$URL"); }
hdr() { grep -i "^$1:" "$T/h" | head -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r'; }

dl -I
is "$CODE" 200 "HEAD: 200"
is "$(hdr Content-Length)" "$SIZE" "HEAD: Content-Length is the file size"
is "$(hdr Accept-Ranges)" bytes "HEAD: Accept-Ranges: bytes"
is "$(curl -sS -I -o /dev/null -w '%{size_download}' "$URL")" 0 "HEAD: no body"
dl
is "$(hdr Content-Type)" video/mp4 "GET: Content-Type video/mp4"
is "$(hdr Content-Length)" "$SIZE" "GET: Content-Length"

dl -H 'Range: bytes=0-99'
is "$CODE" 206 "Range 0-99: 206"
is "$(hdr Content-Range)" "bytes 0-99/$SIZE" "Range 0-99: Content-Range"
is "$(hdr Content-Length)" 100 "Range 0-99: Content-Length 100"
cmp -s "$T/part" <(head -c 100 "$T/full.mp4"); is "$?" 0 "Range 0-99: the right bytes"

dl -H 'Range: bytes=1000-'
is "$CODE" 206 "open Range 1000-: 206"
is "$(hdr Content-Range)" "bytes 1000-$((SIZE - 1))/$SIZE" "open range: Content-Range to the end"
cmp -s "$T/part" <(tail -c +1001 "$T/full.mp4"); is "$?" 0 "open range: the right bytes"

dl -H 'Range: bytes=-500'
is "$CODE" 206 "suffix Range -500: 206"
is "$(hdr Content-Range)" "bytes $((SIZE - 500))-$((SIZE - 1))/$SIZE" "suffix range: the last 500 bytes"
cmp -s "$T/part" <(tail -c 500 "$T/full.mp4"); is "$?" 0 "suffix range: the right bytes"

dl -H "Range: bytes=$((SIZE - 10))-$((SIZE + 1000))"
is "$CODE" 206 "a range past the end is clipped: 206"
is "$(stat -c %s "$T/part")" 10 "clipped range: 10 bytes"

dl -H "Range: bytes=$SIZE-"
is "$CODE" 416 "a range starting at the size: 416"
is "$(hdr Content-Range)" "bytes */$SIZE" "416 carries Content-Range: bytes */size"
dl -H 'Range: bytes=0-1,5-9'
is "$CODE" 200 "a multi-range request gets the whole file (200)"
dl -H 'Range: lines=1-2'
is "$CODE" 200 "a non-byte range is ignored (200)"

line=$(grep '"range":"bytes=0-99"' "$EMU_LOG" | head -n 1)
is "$(json_get "$line" .status)" 206 "the request log records the Range header and 206"
is "$(json_get "$line" .bytes)" 100 "the request log records the bytes sent"
is "$(emu_stat downloads)" 11 "downloads counts GET and HEAD of result files"

# faststart by default: moov before mdat
order() { python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 0; out = []
while i + 8 <= len(d):
    n, t = struct.unpack(">I4s", d[i:i + 8]); out.append(t.decode()); i += n if n else len(d)
print(" ".join(x for x in out if x in ("moov", "mdat")))
EOF
}
is "$(order "$T/full.mp4")" "moov mdat" "faststart by default (moov before mdat)"
emu_admin POST /_emu/config '{"moov_at_end":true}' >/dev/null
gen '{"model":"seedance-2.0-fast-text-to-video","prompt":"ranges","duration":4,"quality":"480p","generate_audio":false}'
URL=$(jq_ '.results[0]')
curl -sS -o "$T/end.mp4" "$URL"
is "$(order "$T/end.mp4")" "mdat moov" "moov_at_end: moov after mdat"

# not found, not finished
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$EMU_URL/results/task-unified-1-nothere.mp4")
is "$STATUS" 404 "an unknown result file: 404"
emu_admin POST /_emu/config '{"gen_time":30}' >/dev/null
submit '{"model":"seedance-2.0-fast-text-to-video","prompt":"slow","duration":4,"quality":"480p"}'
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$EMU_URL/results/$(jq_ .id).mp4")
is "$STATUS" 404 "the result of an unfinished task: 404"
emu_admin POST /_emu/config '{"gen_time":0.4}' >/dev/null

# expiry on demand and by lifetime
emu_admin POST "/_emu/tasks/$TASK/expire" >/dev/null
dl
is "$CODE" 403 "an expired link: 403"
like "$(tr -d '\0' <"$T/part")" '"error":\{"code":"link_expired"' "403 carries an error body"
is "$(json_get "$(emu_task "$TASK")" .expired)" true "the task record says expired"
gen '{"model":"seedance-2.0-fast-text-to-video","prompt":"ttl","duration":4,"quality":"480p"}'
URL=$(jq_ '.results[0]')
dl
is "$CODE" 200 "a fresh link works"
emu_admin POST /_emu/config '{"link_ttl":1}' >/dev/null
sleep 1.2
dl
is "$CODE" 403 "the link answers 403 once its lifetime has passed"
emu_stop

emu_start --link-ttl 4 --moov-at-end --cdn-lag 0
gen '{"model":"seedance-2.0-fast-text-to-video","prompt":"ttl switch","duration":4,"quality":"480p"}'
curl -sS -o "$T/sw.mp4" "$(jq_ '.results[0]')"
is "$(order "$T/sw.mp4")" "mdat moov" "--moov-at-end writes moov at the end"
sleep 4.5
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "$(jq_ '.results[0]')")
is "$STATUS" 403 "--link-ttl sets the link lifetime"
emu_finish
done_testing
