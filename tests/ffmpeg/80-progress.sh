#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The wait as ffmpeg users expect it: on a terminal one status line redrawn
# in place (carriage returns, a bar, percent, time left), ended before the
# input is described, its last state at 100%; with -nostats or stderr not
# a terminal, plain lines and no carriage return at all; with -loglevel
# warning, neither.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
command -v script >/dev/null || bail "script (bsdutils) is needed for the terminal test"
emu_start --gen-time 4

# On a pseudo-terminal (script runs ffmpeg on one and copies what it shows).
script -qec "'$FFMPEG' -hide_banner -nostdin -y -i 'seedance:?prompt=watched on a terminal&duration=4&quality=480p' -c copy '$T/tty.mp4'" \
    "$T/tty.typescript" >/dev/null 2>&1
is "$?" 0 "ffmpeg on a terminal: exit status 0"
tty=$(tr -d '\000' <"$T/tty.typescript")
# (the terminal turns every newline into CR LF: count the other carriage returns)
redraws=$(python3 -c 'import re, sys; print(len(re.findall(rb"\r(?!\n)", open(sys.argv[1], "rb").read())))' "$T/tty.typescript")
cmp_num "$redraws" -ge 2 "the status line is redrawn in place ($redraws redraws)"
like "$tty" "Task task-unified-[^ ]*: [a-z]+ \[[#.]{20}\] +[0-9]+%, [0-9]+:[0-9]{2} elapsed" \
    "the line has task id, status, a bar, percent and elapsed time"
like "$tty" "about [0-9]+:[0-9]{2} left" "the line says how long is left"
like "$tty" "Task task-unified-[^ ]*: completed \[#{20}\] 100%, [0-9]+:[0-9]{2} elapsed *$(printf '\r')" \
    "the line's last state is completed at 100%"
# the line is ended before ffmpeg describes the input
last=$(printf '%s' "$tty" | tr '\r' '\n' | grep -n "Input #0" | head -n 1 | cut -d: -f1)
prev=$(printf '%s' "$tty" | tr '\r' '\n' | sed -n "$((last - 1))p")
unlike "$prev" "\[[#.]{20}\].*elapsed *$" "the status line is ended before 'Input #0'"

# Not a terminal: plain lines only.
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=watched in a log&duration=4&quality=480p" \
    -c copy "$T/log.mp4" 2>"$T/log.txt"
is "$?" 0 "ffmpeg into a file: exit status 0"
# (ffmpeg's own statistics line is redrawn with carriage returns when the
# copy is slow: only the lines about the task count)
is "$(grep -a 'Task ' "$T/log.txt" | tr -cd '\r' | wc -c)" 0 "stderr not a terminal: no carriage return in the task's lines"
like "$(cat "$T/log.txt")" "Task task-unified-[^ ]*: [a-z]+, [0-9]+%" "stderr not a terminal: plain status lines"

# -nostats on a terminal: plain lines too.
script -qec "'$FFMPEG' -hide_banner -nostats -nostdin -y -i 'seedance:?prompt=watched without stats&duration=4&quality=480p' -c copy '$T/nostats.mp4'" \
    "$T/nostats.typescript" >/dev/null 2>&1
nostats=$(tr -d '\000' <"$T/nostats.typescript")
unlike "$nostats" "\[[#.]{20}\]" "-nostats: no redrawn status line"
like "$nostats" "Task task-unified-[^ ]*: [a-z]+, [0-9]+%" "-nostats: plain status lines"

# -loglevel warning on a terminal: no status line at all, no redraw.
script -qec "'$FFMPEG' -hide_banner -loglevel warning -nostdin -y -i 'seedance:?prompt=quiet on a terminal&duration=4&quality=480p' -c copy '$T/quiet.mp4'" \
    "$T/quiet.typescript" >/dev/null 2>&1
is "$?" 0 "-loglevel warning on a terminal: exit status 0"
quiet=$(tr -d '\000' <"$T/quiet.typescript")
redraws=$(python3 -c 'import re, sys; print(len(re.findall(rb"\r(?!\n)", open(sys.argv[1], "rb").read())))' "$T/quiet.typescript")
is "$redraws" 0 "-loglevel warning on a terminal: no carriage return"
unlike "$quiet" "Task task-unified-" "-loglevel warning on a terminal: no status line"
check "-loglevel warning on a terminal: the clip is saved" test -s "$T/quiet.mp4"

done_testing
