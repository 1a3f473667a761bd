#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance failures against the emulator: invalid jobs rejected before any
# request, 429 with Retry-After, 5xx then success, a failed task, malformed
# replies, configuration errors; one clear message and a non-zero status.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start

# --- invalid jobs: exit 2, a message naming the field, zero requests
ffmpeg -v error -f lavfi -i color=c=red:s=200x200 -frames:v 1 "$T/small.png" || bail "ffmpeg"
ffmpeg -v error -f lavfi -i color=c=red:s=1200x400 -frames:v 1 "$T/wide.png" || bail "ffmpeg"
printf 'GIF89a not really' >"$T/fake.png"
invalid() { # invalid DESCRIPTION REGEX ARGS...
    local d=$1 re=$2; shift 2
    "$SD" generate -o "$T/never.mp4" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -Eq -- "$re" "$T/err" && [ "$(wc -l <"$T/err")" -le 2 ]; then
        ok "$d"
    else
        not_ok "$d" "status $rc" "$(cat "$T/err")"
    fi
}
invalid "duration 16 refused" "duration: 16 is out of range: allowed 4..15" "x" --duration 16
invalid "duration 3 refused" "duration: 3 is out of range" "x" --duration 3
invalid "duration 8.5 refused" "duration: '8.5'" "x" --duration 8.5
invalid "quality 1080p refused" "quality: '1080p'" "x" --quality 1080p
invalid "aspect ratio 5:4 refused" "aspect_ratio: '5:4'.*allowed" "x" --aspect-ratio 5:4
invalid "bad boolean refused" "generate_audio: 'perhaps'" "x" --generate-audio perhaps
invalid "no prompt refused" "prompt: missing"
invalid "http callback refused" "callback_url: .*only https" "x" --callback-url http://example.com/h
invalid "loopback callback refused" "callback_url: .*private or loopback" "x" --callback-url https://127.0.0.1/h
invalid "private callback refused" "callback_url: .*private or loopback" "x" --callback-url https://192.168.0.10/h
invalid "last image without image refused" "last_image: given without image" "x" --last-image "$T/wide.png"
invalid "image too small refused" "image: .*small.png is 200x200 px: allowed 300..6000" "x" --image "$T/small.png"
invalid "image too wide refused" "width/height 3.00: allowed 0.4..2.5" "x" --image "$T/wide.png"
invalid "not an image refused" "not a JPEG, PNG or WebP" "x" --image "$T/fake.png"
invalid "missing image refused" "cannot read '$T/none.png'" "x" --image "$T/none.png"
invalid "web_search with images refused" "web_search" "x" --image https://example.com/a.png --web-search 1
invalid "images with a text-to-video model refused" "text-to-video" "x" \
    --model seedance-2.0-fast-text-to-video --image https://example.com/a.png
invalid "three images refused" "at most two images" "x" --image a --image b --image c
invalid "unknown option refused" "unknown option '--colour'" "x" --colour red
invalid "--api-key on the command line refused" \
    "api_key is not accepted on the command line: .*process list; use SEEDANCE_API_KEY or api_key_file" \
    "x" --api-key sk-secret
"$SD" submit x --api_key=sk-typed-secret >"$T/out" 2>"$T/err"
is "$?" 2 "--api_key=...: exit status 2"
like "$(cat "$T/err")" "api_key is not accepted on the command line" "--api_key=...: the library's refusal"
unlike "$(cat "$T/err" "$T/out")" "sk-typed-secret" "--api_key=...: its value is not printed"
"$SD" submit x --api-kee=sk-typed-secret >"$T/out" 2>"$T/err"
is "$?" 2 "unknown option --api-kee=...: exit status 2"
like "$(cat "$T/err")" "unknown option '--api-kee'" "unknown option --api-kee=...: named"
unlike "$(cat "$T/err" "$T/out")" "sk-typed-secret" "unknown option --api-kee=...: its value is not printed"
"$SD" status --duration 5 task-unified-1-x >"$T/out" 2>"$T/err"
is "$?" 2 "a request option given to status: exit status 2"
like "$(cat "$T/err")" "status takes no option --duration" "a request option given to status: said so"
is "$(emu_stat requests)" 0 "invalid jobs: zero requests sent"

# --- an unknown model passes with a warning (the emulator then refuses it)
"$SD" submit "x" --model seedance-9-preview >"$T/out" 2>"$T/err"
is "$?" 1 "unknown model: sent, refused by the server"
like "$(cat "$T/err")" "warning: model: 'seedance-9-preview'" "unknown model: a warning"
is "$(grep -c warning "$T/err")" 1 "unknown model: warned once"
like "$(cat "$T/err")" "HTTP 400 from POST /v1/videos/generations: invalid_request: " \
    "unknown model: the server's refusal with status, code and message"
emu_reset

# --- 429 with Retry-After, then success
emu_fault '{"type":"status","status":429,"retry_after":"1","count":2,"path":"/v1/videos/generations"}'
s0=$(emu_stat submits)
start=$(date +%s.%N)
"$SD" submit "rate limited" >"$T/out" 2>"$T/err"
rc=$?
t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 0 "429 twice then success: exit status 0"
like "$(cat "$T/err")" "retrying in 1\\.0 s" "429: Retry-After of 1 s honoured"
cmp_float "$t" ">=" 1.9 "429: waited the Retry-After twice (${t} s)"
is "$(emu_stat submits)" $((s0 + 1)) "429: one task created"
id=$(cat "$T/out")
like "$(json_get "$(emu_task "$id")" .idempotency_key)" '^[0-9a-f]{32}$' "429: the submit carried an Idempotency-Key"

# --- Retry-After: 0 still leaves about a second between attempts
emu_fault '{"type":"status","status":429,"retry_after":"0","count":2,"path":"/v1/credits"}'
start=$(date +%s.%N)
"$SD" credits >"$T/out" 2>"$T/err"
rc=$?
t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 0 "429 with Retry-After: 0 twice, then success"
cmp_float "$t" ">=" 1.9 "Retry-After: 0: about a second between attempts (${t} s)"

# --- a wait retries failed queries until its deadline, not a fixed number of times
emu_fault '{"type":"status","status":429,"retry_after":"1","count":6,"path":"/v1/tasks/"}'
"$SD" wait "$id" -q >"$T/out" 2>"$T/err"
is "$?" 0 "wait: six 429 replies in a row, then the task"
like "$(cat "$T/out")" "^http://127.0.0.1:$EMU_PORT/" "wait after six 429 replies: the result URL"

# --- an API base nothing listens on: the first retry names the cause, as a
# warning; the retries after it are said only with -v
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SEEDANCE_API_BASE=http://127.0.0.1:$port "$SD" submit "nobody home" >"$T/out" 2>"$T/err"
is "$?" 1 "unreachable API base: exit status 1"
like "$(head -n 1 "$T/err")" "^seedance: warning: POST http://127\.0\.0\.1:$port/v1/videos/generations failed: .*; retrying in 1\.0 s$" \
    "unreachable API base: the first line is the first retry, with its cause"
is "$(grep -c 'retrying in' "$T/err")" 1 "unreachable API base: later retries are not repeated"
like "$(tail -n 1 "$T/err")" "failed: .*\(retries exhausted\)$" "unreachable API base: then the failure"
unlike "$(cat "$T/err")" "temporary failure" "unreachable API base: no line without its cause"

# --- 5xx on a poll, then success (a 5xx on the submit is an uncertain
# outcome, never retried: tests/cli/submit-policy.sh)
emu_fault '{"type":"status","status":503,"count":1,"path":"/v1/tasks/"}'
"$SD" generate "server errors" -q -o "$T/5xx.mp4" 2>"$T/err"
is "$?" 0 "5xx on a poll, then success: exit status 0"
check "5xx: the clip was saved" ffprobe -v error "$T/5xx.mp4"

# --- a failed task
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Blocked by safety filters."}'
"$SD" generate "forbidden" -o "$T/fail.mp4" >"$T/out" 2>"$T/err"
rc=$?
fid=$(emu_last_task)
is "$rc" 1 "failed task: exit status 1"
like "$(cat "$T/err")" "task $fid failed: content_policy_violation: Blocked by safety filters\\." \
    "failed task: message with task id, code and message"
check "failed task: no output file" test ! -e "$T/fail.mp4"
"$SD" wait "$fid" --json >"$T/out" 2>"$T/err"
is "$?" 1 "wait on a failed task: exit status 1"
is "$(json_get "$(cat "$T/out")" .status)" failed "wait --json on a failed task prints the task"

# --- API errors: distinct messages with HTTP status and code
emu_fault '{"type":"status","status":402,"count":1,"path":"/v1/videos/generations"}'
"$SD" submit "no money" >"$T/out" 2>"$T/err"
is "$?" 1 "402: exit status 1"
like "$(cat "$T/err")" "HTTP 402 from POST /v1/videos/generations" "402: message with the HTTP status"
"$SD" status task-unified-0000-nope >"$T/out" 2>"$T/err"
is "$?" 1 "unknown task: exit status 1"
like "$(cat "$T/err")" "HTTP 404 .*task-unified-0000-nope" "unknown task: 404 naming the task"
# a status read is free: a malformed reply is asked again, three in a row fail
emu_fault '{"type":"malformed","count":1,"path":"/v1/tasks/"}'
"$SD" status "$fid" >"$T/out" 2>"$T/err"
is "$?" 0 "one malformed reply: asked again"
like "$(cat "$T/err")" "warning: malformed" "one malformed reply: said so"
emu_fault '{"type":"malformed","count":3,"path":"/v1/tasks/"}'
"$SD" status "$fid" >"$T/out" 2>"$T/err"
is "$?" 1 "malformed replies: exit status 1"
like "$(cat "$T/err")" "malformed reply for task $fid" "malformed replies: said so, naming the task"

# --- configuration
SEEDANCE_API_KEY=sk-wrong-key "$SD" credits >"$T/out" 2>"$T/err"
is "$?" 1 "wrong key: exit status 1"
like "$(cat "$T/err")" "HTTP 401" "wrong key: 401"
unlike "$(cat "$T/err" "$T/out")" "sk-wrong-key" "wrong key: the key is not printed"
env -u SEEDANCE_API_KEY -u EVOLINK_API_KEY "$SD" credits >"$T/out" 2>"$T/err"
is "$?" 2 "no key: exit status 2"
like "$(cat "$T/err")" "no API key: set SEEDANCE_API_KEY or EVOLINK_API_KEY" "no key: says how to set it"
printf '%s\n' "$EMU_KEY" >"$T/key"
chmod 600 "$T/key"
env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/key" >"$T/out" 2>"$T/err"
is "$?" 0 "--api-key-file: credits work"
EVOLINK_API_KEY=$EMU_KEY env -u SEEDANCE_API_KEY "$SD" credits >"$T/out" 2>"$T/err"
is "$?" 0 "EVOLINK_API_KEY: credits work"
# a loopback base is never reached through a proxy (the key would go to it in clear)
http_proxy=http://127.0.0.1:1 ALL_PROXY=http://127.0.0.1:1 "$SD" credits >"$T/out" 2>"$T/err"
is "$?" 0 "http_proxy/ALL_PROXY set: a loopback base is reached directly"
"$SD" credits --api-base http://example.com >"$T/out" 2>"$T/err"
is "$?" 2 "plain http to a non-loopback host: refused"
like "$(cat "$T/err")" "only for loopback" "plain http: says why"
done_testing
