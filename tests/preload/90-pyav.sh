#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# PyAV (Debian's python3-av) through "seedance run": Python loads
# libavformat privately (RTLD_LOCAL), out of the library's plain reach. A
# generation is decoded (frame count, size) and read again after seeks; a
# local file in the same script is untouched, with and without a
# seedance: URL beside it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
PY=/usr/bin/python3
"$PY" -c 'import av' 2>/dev/null || bail "no PyAV for $PY (Debian package python3-av)"
emu_start

# The script: every frame of the first video stream of each input (count,
# size, the MD5 of the frame at 2 s), then a seek to 2 s and back to 0.
cat >"$T/read.py" <<'PY'
import hashlib, sys
import av

def md5(frame):
    return hashlib.md5(b"".join(bytes(p) for p in frame.planes)).hexdigest()

for url in sys.argv[1:]:
    with av.open(url) as c:
        v = c.streams.video[0]
        n, at2 = 0, None
        for f in c.decode(v):
            if at2 is None and f.time >= 2.0:
                at2 = md5(f)
            n, size = n + 1, "%dx%d" % (f.width, f.height)
        print("frames", n, "size", size, "at2", at2)
        c.seek(2 * av.time_base)
        for f in c.decode(v):
            if f.time >= 2.0:
                print("seek2", md5(f))
                break
        c.seek(0)
        f = next(c.decode(v))
        print("seek0", f.time)
PY

"$FFMPEG" -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=d=3:s=320x240:r=24 \
    -c:v libx264 -preset ultrafast -g 12 "$T/local.mp4"
plain=$("$PY" "$T/read.py" "$T/local.mp4" 2>&1)
like "$plain" "^frames 72 size 320x240 at2 [0-9a-f]{32}" "PyAV reads the local file without the launcher"

# A local file under the launcher: the same frames (before, every input failed with ENOSYS)
out=$(srun "$PY" "$T/read.py" "$T/local.mp4" 2>&1)
is "$?" 0 "a PyAV script on a local file runs under seedance run"
is "$out" "$plain" "the local file reads the same, seeks included"

# A generation: the URL is in the script's environment, so the open in
# Python submits it (the launcher sees no URL)
url="seedance:?prompt=a python reads this&duration=4&quality=480p"
SEEDANCE_TEST_URL=$url srun sh -c '"$0" "$1" "$SEEDANCE_TEST_URL"' "$PY" "$T/read.py" \
    >"$T/gen.out" 2>"$T/gen.err"
is "$?" 0 "PyAV opens a seedance: URL under seedance run"
[ -s "$T/gen.err" ] && show_log "$T/gen.err"
gen=$(cat "$T/gen.out")
like "$gen" "^frames 96 size 864x496 at2 [0-9a-f]{32}" "96 frames of 864x496 (4 s of 480p 16:9 at 24 fps)"
at2=$(sed -n 's/^frames .* at2 \([0-9a-f]*\)$/\1/p' <<<"$gen")
is "$(sed -n 's/^seek2 //p' <<<"$gen")" "$at2" "after a seek to 2 s the frame at 2 s is the same"
is "$(sed -n 's/^seek0 //p' <<<"$gen")" "0.0" "a seek back to 0 starts at the first frame"
is "$(emu_stat tasks)" 1 "one paid task"
task=$(emu_last_task)
fetched_once "$task" "the clip was fetched once, seeks and all"

# The URL on the command line too, beside the local file: the launcher
# submits nothing new (the journal knows it), the script reads both
out=$(srun "$PY" "$T/read.py" "$T/local.mp4" "$url" 2>&1)
is "$?" 0 "a script with a local file and a generation runs"
is "$(head -n 3 <<<"$out")" "$plain" "the local file beside it reads the same"
like "$out" "frames 96 size 864x496 at2 $at2" "and the generation the same as before"
is "$(emu_stat tasks)" 1 "no new task: the rerun pays nothing"

done_testing
