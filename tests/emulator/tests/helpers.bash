# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers shared by the emulator tests (sourced after tests/lib.sh, whose
# helpers they use too: probe, log_count, emu_*; not a test).

# api METHOD PATH [BODY|@FILE] [CURL ARGS...]
# Sends an authenticated request; sets STATUS, BODY and HDRS (header file).
api() {
    local m=$1 p=$2 data=()
    shift 2
    if [ $# -gt 0 ]; then
        if [ ${#1} -gt 65536 ]; then      # too long for an argument: via a file
            printf '%s' "$1" >"$T/.api.req"
            data=(--data-binary "@$T/.api.req")
        else
            data=(--data-binary "$1")
        fi
        shift
    fi
    HDRS=$T/.api.hdrs
    STATUS=$(curl -sS --max-time 60 -o "$T/.api.body" -D "$HDRS" -w '%{http_code}' -X "$m" \
        -H "Authorization: Bearer $EMU_KEY" -H 'Content-Type: application/json' \
        "${data[@]}" "$@" "$EMU_URL$p")
    BODY=$(cat "$T/.api.body")
}

# submit JSON [CURL ARGS...]   POST /v1/videos/generations
submit() { local b=$1; shift; api POST /v1/videos/generations "$b" "$@"; }

# header NAME   a response header of the last api call (value, no CR)
header() { grep -i "^$1:" "$HDRS" | head -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r'; }

# logged N FIELD=VALUE...   log_count, once it reaches N (10 s at most): a
# line is written when its reply has gone, maybe after the client has it
logged() {
    local want=$1 i n
    shift
    for i in $(seq 1 100); do
        n=$(log_count "$@")
        [ "$n" -ge "$want" ] && break
        sleep 0.1
    done
    echo "$n"
}

# refused PATH JSON REGEX DESCRIPTION   an admin POST (/_emu/config,
# /_emu/faults) that must be refused: 400 with a message matching REGEX
refused() {
    local out
    out=$(curl -sS --max-time 10 -w ' %{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary "$2" "$EMU_URL$1")
    like "${out##* } ${out% *}" "^400 .*$3" "$4"
}

# jq_ PATH [JSON]   json_get on BODY by default, empty when absent
jq_() { json_get "${2:-$BODY}" "$1" 2>/dev/null || true; }

# status_word [JSON]   the status of a task object as clients compare it:
# blanks trimmed, lower case (BODY by default)
status_word() { jq_ .status "${1:-$BODY}" | tr -d ' \t' | tr '[:upper:]' '[:lower:]'; }

# task_id [JSON]   the task id of a task object, under id or task_id
task_id() { local i; i=$(jq_ .id "${1:-$BODY}"); [ -n "$i" ] || i=$(jq_ .task_id "${1:-$BODY}"); echo "$i"; }

# wait_final ID [SECONDS]   polls the task until a final status (any
# documented spelling); BODY = last reply
wait_final() {
    local id=$1 limit=${2:-60} i
    for i in $(seq 1 $((limit * 10))); do
        api GET "/v1/tasks/$id"
        case $(status_word) in
            completed|succeeded|success|failed|cancelled|canceled|expired) return 0 ;;
        esac
        sleep 0.1
    done
    return 1
}

# gen JSON   submit + wait; sets TASK and BODY (final task object)
gen() {
    submit "$1"
    TASK=$(task_id)
    [ -n "$TASK" ] && wait_final "$TASK"
}

# b64 FILE   base64 of a file on one line
b64() { base64 -w0 "$1"; }

# psnr A B   average PSNR (dB) of two single pictures/videos (first frame of each), "inf" if identical
psnr() {
    ffmpeg -v error -nostdin -i "$1" -i "$2" -frames:v 1 \
        -lavfi '[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]psnr=stats_file=-' -f null - 2>/dev/null |
        sed -n 's/.*psnr_avg:\([^ ]*\).*/\1/p' | head -n 1
}

# emu_finish   stops the emulator with SIGTERM and checks a clean exit:
# status 0 and no sanitizer report (leaks included) on its output.
emu_finish() {
    local rc
    kill -TERM "$EMU_PID" 2>/dev/null
    wait "$EMU_PID"; rc=$?
    EMU_PID=
    is "$rc" 0 "the emulator stops cleanly on SIGTERM (exit 0)"
    unlike "$(cat "$T/emu.out")" 'AddressSanitizer|LeakSanitizer|runtime error' "no sanitizer report"
}
