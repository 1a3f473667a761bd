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

# --- reference media ----------------------------------------------------

FF="/usr/bin/ffmpeg -v error -nostdin -y"

# video OUT SECONDS [WxH] [FPS] [LAVFI-SOURCE] [FFMPEG OUTPUT ARGS...]
# A test video (H.264, yuv420p) made by Debian's ffmpeg: testsrc2 whose
# colours turn with time (every frame differs from the next), with a
# 440 Hz mono sound unless the output args say -an.
video() {
    local out=$1 secs=$2 size=${3:-640x640} fps=${4:-24} src=${5:-}
    shift $(($# < 5 ? $# : 5))
    [ -n "$src" ] || src="testsrc2=s=$size:r=$fps,hue=H=2*PI*t:s=1.5"
    $FF -f lavfi -i "$src" -f lavfi -i "sine=f=440:r=48000" -t "$secs" \
        -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac "$@" "$out"
}

# audio OUT SECONDS [FREQ] [FFMPEG OUTPUT ARGS...]   a sine (stereo, 48 kHz)
audio() {
    local out=$1 secs=$2 f=${3:-660}
    shift $(($# < 3 ? $# : 3))
    $FF -f lavfi -i "sine=f=$f:r=48000,volume=0.5" -ac 2 -t "$secs" "$@" "$out"
}

# pad FILE BYTES   grows an MP4/MOV (a trailing free box) or a WAV (a
# trailing JUNK chunk, RIFF size updated) to exactly BYTES, still valid
pad() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
path, want = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
n = want - len(data)
assert n >= 8, "already too big"
if data[:4] == b"RIFF":
    data += b"JUNK" + struct.pack("<I", n - 8) + bytes(n - 8)
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
else:
    data += struct.pack(">I", n) + b"free" + bytes(n - 8)
open(path, "wb").write(data)
PY
}

# upload FILE [MIME] [CURL ARGS...]   a Files API stream upload (multipart,
# the part "file" with FILE's name and MIME); sets STATUS, BODY, FURL, FID
upload() {
    local f=$1 mime=${2:-}
    shift $(($# < 2 ? $# : 2))
    HDRS=$T/.api.hdrs
    STATUS=$(curl -sS --max-time 120 -o "$T/.api.body" -D "$HDRS" -w '%{http_code}' \
        -H "Authorization: Bearer $EMU_KEY" -F "file=@$f${mime:+;type=$mime}" "$@" \
        "$EMU_URL/api/v1/files/upload/stream")
    BODY=$(cat "$T/.api.body")
    FURL=$(jq_ .data.file_url)
    FID=$(jq_ .data.file_id)
}

# www_start DIR   serves DIR over plain HTTP on 127.0.0.1 (python3); sets
# WWW (its base URL) and WWW_PID
www_start() {
    local i port=
    python3 -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$T/www.log" 2>&1 &
    WWW_PID=$!
    for i in $(seq 1 100); do
        port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/www.log" | head -n 1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || bail "the test's HTTP server did not start"
    WWW=http://127.0.0.1:$port
}
www_stop() { kill "$WWW_PID" 2>/dev/null; wait "$WWW_PID" 2>/dev/null; }

# frame VIDEO N OUT   decoded frame N (0-based, or "last") of VIDEO as a PNG
frame() {
    if [ "$2" = last ]; then
        $FF -sseof -0.2 -i "$1" -update 1 "$3"
    else
        $FF -i "$1" -vf "select=eq(n\\,$2)" -frames:v 1 -fps_mode passthrough "$3"
    fi
}

# pcm MEDIA OUT   its first audio stream as raw float samples, 48 kHz stereo
pcm() { $FF -i "$1" -vn -ac 2 -ar 48000 -f f32le "$2"; }

# corr A B FROM TO   correlation (-1..1) of two raw pcm files over seconds
# FROM..TO; "silent" when A is silent there
corr() {
    python3 - "$@" <<'PY'
import array, math, sys
a, b = array.array("f"), array.array("f")
a.frombytes(open(sys.argv[1], "rb").read())
b.frombytes(open(sys.argv[2], "rb").read())
i, j = int(float(sys.argv[3]) * 96000), int(float(sys.argv[4]) * 96000)
j = min(j, len(a), len(b))
sab = sum(a[k] * b[k] for k in range(i, j))
saa = sum(a[k] * a[k] for k in range(i, j))
sbb = sum(b[k] * b[k] for k in range(i, j))
print("silent" if saa < 1e-6 else "%.4f" % (sab / math.sqrt(saa * sbb) if sbb else 0))
PY
}

# rms RAW FROM TO   root mean square of a raw pcm file over seconds FROM..TO
rms() {
    python3 - "$@" <<'PY'
import array, math, sys
a = array.array("f")
a.frombytes(open(sys.argv[1], "rb").read())
i, j = int(float(sys.argv[2]) * 96000), min(int(float(sys.argv[3]) * 96000), len(a))
print("%.5f" % math.sqrt(sum(x * x for x in a[i:j]) / max(j - i, 1)))
PY
}
