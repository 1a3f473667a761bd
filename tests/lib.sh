# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers for the shell tests. Source it from a test script:
#
#   . "$(dirname "$0")/../lib.sh"
#
# TAP output: every check prints "ok N - what" or "not ok N - what".
# Paths: $TOP is the project root, $B the build directory (absolute).
# Every test gets its own scratch directory $T, removed at exit together
# with any emulator it started.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${B:=$TOP/build}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
export B TOP
BIN=$B/bin
EMU=$B/tests/evolink-emu
T=$(mktemp -d "${TMPDIR:-/tmp}/seedance-test.XXXXXX")
_tap_n=0
_tap_failed=0
EMU_PID=
EMU_PORT=
EMU_KEY=sk-emulator-test-$$-$RANDOM

_cleanup() {
    emu_stop
    rm -rf "$T"
}
trap _cleanup EXIT

# --- TAP -------------------------------------------------------------

ok() {       # ok DESCRIPTION     (a passed check)
    _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"
}
not_ok() {   # not_ok DESCRIPTION [DETAIL...]
    _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_n - $1"; shift
    local l; for l in "$@"; do printf '#   %s\n' "$l"; done
}
skip() {     # skip DESCRIPTION REASON
    _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"
}
check() {    # check DESCRIPTION COMMAND...   (passes when COMMAND exits 0)
    local d=$1; shift
    if "$@" >"$T/.check.out" 2>&1; then ok "$d"; else
        not_ok "$d" "command failed: $*" "$(tail -n 5 "$T/.check.out")"; fi
}
check_fails() { # check_fails DESCRIPTION COMMAND...  (passes when COMMAND exits non-zero)
    local d=$1; shift
    if "$@" >"$T/.check.out" 2>&1; then
        not_ok "$d" "command succeeded but should have failed: $*"; else ok "$d"; fi
}
is() {       # is GOT WANT DESCRIPTION
    if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3" "got:  '$1'" "want: '$2'"; fi
}
isnt() {     # isnt GOT UNWANTED DESCRIPTION
    if [ "$1" != "$2" ]; then ok "$3"; else not_ok "$3" "got unwanted '$1'"; fi
}
like() {     # like TEXT EXTENDED-REGEX DESCRIPTION
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else
        not_ok "$3" "no match for /$2/ in:" "$(printf '%s' "$1" | head -c 600)"; fi
}
unlike() {   # unlike TEXT EXTENDED-REGEX DESCRIPTION
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        not_ok "$3" "unexpected match for /$2/ in:" "$(printf '%s' "$1" | grep -E -- "$2" | head -n 3)"
    else ok "$3"; fi
}
cmp_num() {  # cmp_num A OP B DESCRIPTION   (OP: -eq -ne -lt -le -gt -ge; integers)
    if [ "$1" "$2" "$3" ] 2>/dev/null; then ok "$4"; else not_ok "$4" "'$1' $2 '$3' is false"; fi
}
cmp_float() { # cmp_float A OP B DESCRIPTION  (OP: < <= > >= ==)
    if awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; then ok "$4"; else
        not_ok "$4" "'$1' $2 '$3' is false"; fi
}
done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ]
}
bail() {     # bail REASON   (stop the whole script: one failure)
    not_ok "$1"; echo "1..$_tap_n"; exit 1
}
# run_ok LOG WHAT COMMAND...   run COMMAND, its stdout and stderr into LOG;
# one check that it exits 0 (the end of LOG shown when not); its status
run_ok() {
    local log=$1 what=$2 rc
    shift 2
    "$@" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then ok "$what"; else
        not_ok "$what" "exit status $rc; the end of $log:"
        tail -n 25 "$log" | sed 's/^/#   /'
    fi
    return "$rc"
}

# --- JSON --------------------------------------------------------------

# json_get JSON PATH   (PATH like .a.b[0].c; prints the value, strings raw)
json_get() {
    printf '%s' "$1" | python3 -c '
import json, re, sys
v = json.load(sys.stdin)
for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", sys.argv[1]):
    try:
        v = v[part[0]] if part[0] else v[int(part[1])]
    except (KeyError, IndexError, TypeError):
        sys.exit(1)
print(json.dumps(v) if isinstance(v, (dict, list)) else
      ("true" if v is True else "false" if v is False else "null" if v is None else v))
' "$2"
}

# --- the emulator ------------------------------------------------------

# emu_start [EMULATOR OPTIONS...]
# Starts the emulator on a free port with a fresh data directory and request
# log, waits until it answers, and points libseedance at it:
# SEEDANCE_API_BASE, SEEDANCE_FILES_BASE, SEEDANCE_API_KEY (=$EMU_KEY) and
# SEEDANCE_CACHE_DIR (=$T/cache) are exported. Default generation time is
# 0.4 s unless the options say otherwise.
emu_start() {
    local pf=$T/emu.port i
    mkdir -p "$T/emu-data"
    EMU_LOG=$T/emu-requests.jsonl
    rm -f "$pf"
    printf '%s\n' "$EMU_KEY" >"$T/emu.key"
    "$EMU" --port 0 --port-file "$pf" --key-file "$T/emu.key" --data-dir "$T/emu-data" \
        --log "$EMU_LOG" --gen-time 0.4 --quiet "$@" >"$T/emu.out" 2>&1 &
    EMU_PID=$!
    for i in $(seq 1 200); do          # at most 20 s
        [ -s "$pf" ] && break
        kill -0 "$EMU_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$pf" ]; then
        cat "$T/emu.out" >&2
        EMU_PID=
        bail "emulator did not start"
    fi
    EMU_PORT=$(cat "$pf")
    EMU_URL=http://127.0.0.1:$EMU_PORT
    export EMU_URL EMU_PORT EMU_LOG
    export SEEDANCE_API_BASE=$EMU_URL SEEDANCE_FILES_BASE=$EMU_URL
    export SEEDANCE_API_KEY=$EMU_KEY SEEDANCE_CACHE_DIR=$T/cache
    unset EVOLINK_API_KEY
}

emu_stop() {
    [ -n "${EMU_PID:-}" ] || return 0
    kill -TERM "$EMU_PID" 2>/dev/null
    local i
    for i in $(seq 1 50); do kill -0 "$EMU_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$EMU_PID" 2>/dev/null
    wait "$EMU_PID" 2>/dev/null
    EMU_PID=
}

# emu_admin METHOD PATH [JSON-BODY]   e.g. emu_admin POST /_emu/faults '{"type":"status","status":429}'
emu_admin() {
    if [ $# -ge 3 ]; then
        curl -sS --max-time 10 -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$EMU_URL$2"
    else
        curl -sS --max-time 10 -X "$1" "$EMU_URL$2"
    fi
}
emu_fault() { emu_admin POST /_emu/faults "$1" >/dev/null; }
emu_reset() { emu_admin POST /_emu/reset >/dev/null; }
# emu_stat NAME   one field of GET /_emu/stats (requests, submits, task_queries, downloads,
# uploads, credits, callbacks, tasks: the paid tasks created, last_task_id)
emu_stat() { json_get "$(emu_admin GET /_emu/stats)" ".$1"; }
# emu_task ID     the emulator's record of a task, with the request body it received under .request
emu_task() { emu_admin GET "/_emu/tasks/$1"; }
# emu_last_task   the id of the newest task
emu_last_task() { json_get "$(emu_admin GET /_emu/stats)" ".last_task_id"; }

# request_has TASK-RECORD WHAT FIELD=VALUE...
# One check per field: the request the emulator received (emu_task) has it.
request_has() {
    local rec=$1 what=$2 kv
    shift 2
    for kv in "$@"; do
        is "$(json_get "$rec" ".request.${kv%%=*}")" "${kv#*=}" "$what: ${kv%%=*} reaches the server"
    done
}

# check_clip_4s_480p FILE   the streams, size, length and frames of a 4 s 480p 16:9 clip with audio
check_clip_4s_480p() {
    local out=$1 frames
    is "$(stream_types "$out")" "video audio" "the output has a video and an audio stream"
    is "$(probe "$out" stream=codec_name v:0)" h264 "video is H.264"
    is "$(probe "$out" stream=codec_name a:0)" aac "audio is AAC"
    is "$(probe "$out" stream=width v:0)x$(probe "$out" stream=height v:0)" 864x496 "480p 16:9 is 864x496"
    cmp_float "$(probe "$out" format=duration)" ">=" 3.9 "duration is at least 3.9 s"
    cmp_float "$(probe "$out" format=duration)" "<=" 4.2 "duration is at most 4.2 s"
    frames=$("$FFPROBE" -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of default=nw=1:nk=1 "$out")
    is "$frames" 96 "4 s at 24 fps decodes to 96 frames"
}

# wait_jobs   wait for every background job of the script but the
# emulator; sets failed: how many exited non-zero
wait_jobs() {
    local job
    failed=0
    for job in $(jobs -p); do
        [ "$job" = "$EMU_PID" ] && continue
        wait "$job" || failed=$((failed + 1))
    done
}

# interrupt PID   one SIGINT, then wait at most 30 s for the process to end
# (killed after that); sets stopped (1 when it ended by itself) and rc.
# A bound, not a measure: how fast it ends is shown by what it did (no
# request after the signal, tasks still running), never by a clock.
interrupt() {
    local pid=$1 i
    kill -INT "$pid"
    for i in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    stopped=1
    if kill -0 "$pid" 2>/dev/null; then stopped=0; kill -KILL "$pid"; fi
    wait "$pid"
    rc=$?
}

# --- ffmpeg ------------------------------------------------------------

FFMPEG=$BIN/ffmpeg
FFPROBE=$BIN/ffprobe

# need_ffmpeg   stop the script (one failure) unless the built ffmpeg has the protocol
need_ffmpeg() {
    [ -x "$FFMPEG" ] && [ -x "$FFPROBE" ] || bail "no $FFMPEG / $FFPROBE: run make first"
    "$FFMPEG" -hide_banner -protocols 2>/dev/null | grep -qx ' *seedance' ||
        bail "$FFMPEG has no seedance protocol"
}

# probe FILE SECTION=ENTRIES [SELECT]   the values ffprobe shows, one per
# line (one line per stream without SELECT), e.g.
#   probe out.mp4 stream=width v:0     probe out.mp4 format=duration
#   probe out.mp4 stream=width,height  (width and height of every stream)
# The built ffprobe when there is one, else the system's (emulator tests
# run without FFmpeg built).
probe() {
    local sel=() bin=$FFPROBE
    [ -x "$bin" ] || bin=ffprobe
    [ $# -ge 3 ] && sel=(-select_streams "$3")
    "$bin" -v error "${sel[@]}" -show_entries "$2" -of default=nw=1:nk=1 "$1"
}

# stream_types FILE   codec types of all streams, space separated ("video audio")
stream_types() {
    "$FFPROBE" -v error -show_entries stream=codec_type -of default=nw=1:nk=1 "$1" | tr '\n' ' ' | sed 's/ $//'
}

# psnr_first A B W H   PSNR (dB, average) of the first frame of A against the
# first frame of B (an image or a video) scaled to WxH; "inf" when identical.
# B is converted into A's colours, those of the clips (BT.709, limited
# range), whatever the FFmpeg version (5.1 does not negotiate colour spaces).
psnr_first() {
    _psnr "$1" "$2" "$3" "$4" ""
}

# psnr_last A B W H   the same for the last frame of A
psnr_last() {
    _psnr "$1" "$2" "$3" "$4" "reverse,"
}

_psnr() {
    "$FFMPEG" -hide_banner -nostdin -i "$1" -i "$2" -filter_complex \
        "[0:v]${5}trim=end_frame=1,setpts=PTS-STARTPTS,format=yuv420p[x];[1:v]trim=end_frame=1,scale=$3:$4:out_color_matrix=bt709:out_range=tv,setpts=PTS-STARTPTS,format=yuv420p[y];[x][y]psnr" \
        -f null - 2>&1 | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -n 1
}

# make_image FILE WIDTH HEIGHT [LAVFI-SOURCE]   a still test picture (PNG/JPEG/WebP by extension)
make_image() {
    local src=${4:-testsrc2=size=${2}x${3}}
    /usr/bin/ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "$src" -frames:v 1 "$1"
}

# log_count FIELD=VALUE...   request-log lines where every FIELD equals VALUE
# (a VALUE ending in * matches a prefix), e.g. log_count path=/v1/tasks/* status=200
log_count() {
    [ -f "$EMU_LOG" ] || { echo 0; return; }
    python3 - "$EMU_LOG" "$@" <<'PY'
import json, sys
want = [a.split("=", 1) for a in sys.argv[2:]]
def match(v, w):
    if v is True or v is False:
        v = "true" if v else "false"
    v = "" if v is None else str(v)
    return v.startswith(w[:-1]) if w.endswith("*") else v == w
n = 0
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if all(match(r.get(k), w) for k, w in want):
        n += 1
print(n)
PY
}

# wait_fetched ID   wait (at most 30 s) until the request log shows the clip
# of task ID fetched (answered 2xx; a request is logged when it ends)
wait_fetched() {
    local i
    for i in $(seq 1 300); do
        [ "$(log_count "path=/results/$1.mp4" method=GET status=2*)" -ge 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# fetched_once ID DESCRIPTION   the clip of task ID was fetched from the
# server exactly once
fetched_once() {
    wait_fetched "$1"
    is "$(log_count "path=/results/$1.mp4" method=GET status=2*)" 1 "$2"
}
