#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The built ffmpeg never pays twice against an API that does not honour
# Idempotency-Key (the emulator's default, like the real service): a submit
# whose outcome is unknown is not retried, not re-run on the next open, and
# only a deliberate new_generation=1 submits again. Submits that provably
# created nothing (connection refused, 429) and free calls (result links
# that are not there yet) are retried.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg

# Connection refused, then the server comes up: the submit provably created
# nothing, so it is retried, and one task is paid. ffmpeg starts against a
# port nothing listens on; once it says it retries (its first attempt was
# refused), the emulator starts on that port, well within the retries
# (1 + 2 + 4 + 8 s).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SEEDANCE_API_BASE=http://127.0.0.1:$port SEEDANCE_FILES_BASE=http://127.0.0.1:$port \
SEEDANCE_API_KEY=$EMU_KEY SEEDANCE_CACHE_DIR=$T/cache \
    "$FFMPEG" -hide_banner -nostdin -y -loglevel verbose \
    -i "seedance:?prompt=refused first&duration=4&quality=480p" -c copy "$T/refused.mp4" \
    >"$T/refused.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do          # at most 60 s for the first refusal
    grep -q "Retrying a request" "$T/refused.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
like "$(cat "$T/refused.log")" "Retrying a request" "connection refused first: ffmpeg retries the submit"
like "$(cat "$T/refused.log")" "\[seedance @ 0x[0-9a-f]+\] POST http://127\.0\.0\.1:$port/v1/videos/generations failed: .*; retrying in 1\.0 s" \
    "connection refused first: the first retry names its cause"
emu_start --port "$port" --no-idempotency
wait "$pid"
is "$?" 0 "connection refused first: ffmpeg succeeds once the server is up"
is "$(emu_stat tasks)" 1 "connection refused first: one paid task"
is "$(emu_stat submits)" 1 "connection refused first: one submit reached the server"
is "$(log_count method=POST path=/v1/videos/generations)" 1 "connection refused first: one submit in the request log"
check "connection refused first: the clip decodes" "$FFPROBE" -v error "$T/refused.mp4"

emu_admin POST /_emu/config '{"idempotency":false}' >/dev/null

run() { # NAME URL [ffmpeg options before -i]: ffmpeg's exit status in $rc, its log in $T/NAME.log
    local name=$1 url=$2
    shift 2
    "$FFMPEG" -hide_banner -nostdin -y "$@" -i "$url" -c copy "$T/$name.mp4" >"$T/$name.log" 2>&1
    rc=$?
}

uncertain() { # FAULT-JSON WHAT
    local fault=$1 what=$2 url="seedance:?prompt=$3&duration=4&quality=480p"
    emu_reset
    emu_fault "$fault"
    run first "$url"
    isnt "$rc" 0 "$what: ffmpeg fails"
    like "$(cat "$T/first.log")" "may have created a paid task" "$what: the error says a paid task may exist"
    like "$(cat "$T/first.log")" "new_generation" "$what: the error says how to submit again on purpose"
    is "$(emu_stat tasks)" 1 "$what: exactly one paid task"
    is "$(emu_stat submits)" 1 "$what: the submit was sent once"

    run again "$url"
    isnt "$rc" 0 "$what: a rerun fails too"
    like "$(cat "$T/again.log")" "may have created a paid task" "$what: a rerun repeats the uncertainty"
    is "$(emu_stat submits)" 1 "$what: a rerun sends no submit"

    run new "$url&new_generation=1"
    is "$rc" 0 "$what: new_generation=1 generates"
    is "$(emu_stat submits)" 2 "$what: new_generation=1 submits once"
    is "$(emu_stat tasks)" 2 "$what: two paid tasks in all, one per deliberate submit"
    check "$what: the clip decodes" "$FFPROBE" -v error "$T/new.mp4"
}

uncertain '{"type":"lost_reply","path":"/v1/videos/generations"}' "reply lost after the task was created" "lost reply"
uncertain '{"type":"status","status":502,"after_create":true,"path":"/v1/videos/generations"}' "502 after the task was created" "bad gateway"

# Killed between the journal write and the reply: the emulator holds the
# reply of a submit that created its task; the rerun must not submit.
emu_reset
emu_fault '{"type":"delay","ms":20000,"after_create":true,"path":"/v1/videos/generations"}'
url="seedance:?prompt=killed mid-submit&duration=4&quality=480p"
"$FFMPEG" -hide_banner -nostdin -y -i "$url" -c copy "$T/killed.mp4" >"$T/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do          # at most 20 s for the submit to arrive
    [ "$(emu_stat tasks)" = 1 ] && break
    sleep 0.1
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
is "$(emu_stat tasks)" 1 "killed mid-submit: the task was created"
emu_reset
run rerun "$url"
isnt "$rc" 0 "killed mid-submit: the rerun fails"
like "$(cat "$T/rerun.log")" "may have created a paid task" "killed mid-submit: the rerun names the uncertainty"
is "$(emu_stat submits)" 0 "killed mid-submit: the rerun sends no submit"

# Refusals that provably created nothing are retried: one paid task.
emu_reset
emu_fault '{"type":"status","status":429,"retry_after":1,"path":"/v1/videos/generations"}'
run limited "seedance:?prompt=rate limited once&duration=4&quality=480p"
is "$rc" 0 "429 then success: ffmpeg succeeds"
is "$(emu_stat tasks)" 1 "429 then success: one paid task"
is "$(log_count path=/v1/videos/generations status=429)" 1 "429 then success: the refused submit was sent again"

# A result link that is not there yet right after completion.
emu_reset
emu_fault '{"type":"status","status":404,"count":2,"path":"/results/"}'
run lagging "seedance:?prompt=the CDN lags&duration=4&quality=480p"
is "$rc" 0 "result link 404 twice then 200: ffmpeg succeeds"
is "$(emu_stat tasks)" 1 "result link 404 twice: one paid task"
srv=$(json_get "$(emu_task "$(emu_last_task)")" .file)
"$FFMPEG" -hide_banner -nostdin -y -i "$T/lagging.mp4" -map 0 -c copy -f framemd5 "$T/a.md5" >/dev/null 2>&1
"$FFMPEG" -hide_banner -nostdin -y -i "$srv" -map 0 -c copy -f framemd5 "$T/b.md5" >/dev/null 2>&1
check "result link 404 twice: the packets equal the server's file" cmp -s "$T/a.md5" "$T/b.md5"

done_testing
