# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by tests/preload/*.sh, after tests/lib.sh: Debian's own ffmpeg,
# ffprobe and ffplay, run through "seedance run" with libseedance-preload.so.

# lib.sh's probe, stream_types and psnr_* use these: the system's programs.
FFMPEG=/usr/bin/ffmpeg
FFPROBE=/usr/bin/ffprobe
FFPLAY=/usr/bin/ffplay
SEEDANCE=$BIN/seedance
PRELOAD_SO=$B/lib/libseedance-preload.so
unset SEEDANCE_PRELOAD LD_PRELOAD

# need_preload   stop the script (one failure) unless everything is there
need_preload() {
    [ -x "$FFMPEG" ] && [ -x "$FFPROBE" ] || bail "no $FFMPEG / $FFPROBE (Debian package ffmpeg)"
    [ -f "$PRELOAD_SO" ] || bail "no $PRELOAD_SO: run make first"
    "$SEEDANCE" run --help >/dev/null 2>&1 || bail "$SEEDANCE has no run command"
}

# srun PROGRAM ARGS...   the program through the launcher
srun() {
    "$SEEDANCE" run "$@"
}

# framemd5 INPUT   the packets' checksums of every stream of INPUT (no launcher)
framemd5() {
    "$FFMPEG" -hide_banner -nostdin -loglevel error -i "$1" -map 0 -c copy -f framemd5 - 2>&1
}

# first_frame LOG INPUT ARGS...   the md5 of the first video frame Debian's
# ffmpeg decodes from INPUT with ARGS before -i (through the launcher for a
# seedance: URL); its stderr in LOG
first_frame() {
    local log=$1 in=$2 run=()
    shift 2
    case $in in seedance:*) run=("$SEEDANCE" run) ;; esac
    "${run[@]}" "$FFMPEG" -hide_banner -nostdin "$@" -i "$in" -map 0:v:0 -frames:v 1 -f framemd5 - 2>"$log" |
        awk -F', *' '!/^#/ { print $6 }'
}

# top_atoms FILE   the types of the top-level boxes of an MP4 file ("ftyp moov mdat")
top_atoms() {
    python3 - "$1" <<'PY'
import struct, sys
out = []
with open(sys.argv[1], "rb") as f:
    while True:
        h = f.read(8)
        if len(h) < 8:
            break
        n, t = struct.unpack(">I4s", h)
        if n == 1:
            n = struct.unpack(">Q", f.read(8))[0] - 8
        out.append(t.decode("latin-1"))
        if n == 0:
            break
        f.seek(n - 8, 1)
print(" ".join(x for x in out if x != "free"))
PY
}

# show_log FILE   the end of a log as TAP comments
show_log() {
    tail -n 20 "$1" | sed 's/^/#   /'
}
