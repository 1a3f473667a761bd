#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mpv through "seedance run", with null outputs: the plain seedance: URL
# plays (mpv itself takes it for a file name), the task's progress is
# shown before mpv starts, a start position seeks, and a local file plays
# as without the launcher.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
MPV=/usr/bin/mpv
[ -x "$MPV" ] || bail "no $MPV (Debian package mpv)"
emu_start

# mpv with no configuration, no outputs, as fast as it decodes; it prints
# what it plays when playback starts, then "Exiting... (End of file)"
mpv_play() {
    "$@" --no-config --vo=null --ao=null --untimed --term-status-msg= \
        --term-playing-msg='playing ${width}x${height} from ${time-pos} of ${duration}'
}

# Without the launcher mpv has no seedance: URLs
url="seedance:?prompt=a boat in mpv&duration=4&quality=480p"
out=$(mpv_play "$MPV" "$url" 2>&1)
unlike "$out" "^playing" "plain mpv cannot play a seedance: URL"
is "$(emu_stat submits)" 0 "and sends nothing"

out=$(mpv_play srun mpv "$url" 2>&1)
is "$?" 0 "seedance run mpv plays the plain seedance: URL"
like "$out" "playing 864x496 from 00:00:00 of 00:00:04" "864x496, 4 s, from the start"
like "$out" "Exiting\\.\\.\\. \\(End of file\\)" "to its end"
task=$(emu_last_task)
is "$(grep -cF "seedance run: task $task submitted for $url" <<<"$out")" 1 "the submit is told"
like "$out" "seedance: task $task: [a-z]+, [0-9]+%" "the task's progress is shown"
like "$out" "seedance: task $task: completed, 100%" "up to its completion"
is "$(emu_stat tasks)" 1 "one paid task"

# A start position: mpv seeks in the stream (the clip is in the cache now)
out=$(mpv_play srun mpv --start=2 "$url" 2>&1)
is "$?" 0 "mpv --start=2 plays"
like "$out" "playing 864x496 from 00:00:02 of 00:00:04" "from 2 s"
is "$(emu_stat tasks)" 1 "the rerun pays nothing"

# A local file plays as it does without the launcher
"$FFMPEG" -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=d=2:s=320x240 \
    -c:v libx264 -preset ultrafast "$T/local.mp4"
a=$(mpv_play "$MPV" "$T/local.mp4" 2>&1 | grep '^playing')
b=$(mpv_play srun mpv "$T/local.mp4" 2>&1 | grep '^playing')
is "$b" "$a" "a local file plays the same under the launcher ($a)"

done_testing
