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

# show_log FILE   the end of a log as TAP comments
show_log() {
    tail -n 20 "$1" | sed 's/^/#   /'
}
