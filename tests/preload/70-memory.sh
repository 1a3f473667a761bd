#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Memory under valgrind: every way a seedance: input is opened and closed
# (avformat_open_input/avformat_close_input from ffprobe and from movie=,
# avio_open2/avio_closep from ffmpeg's -attach, a failed open of either
# kind) leaks nothing and touches nothing it does not own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
command -v valgrind >/dev/null 2>&1 || { skip "memory checks" "no valgrind (Debian package valgrind)"; done_testing; exit; }
emu_start

# vg DESCRIPTION PROGRAM ARGS...   runs through the launcher under valgrind;
# passes when valgrind found no error and no definite or indirect leak.
vg() {
    local d=$1 rc; shift
    "$SEEDANCE" run valgrind -q --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        "$@" >"$T/vg.log" 2>&1
    rc=$?
    if [ "$rc" -ne 99 ] && ! grep -q '^==[0-9]*== ' "$T/vg.log"; then ok "$d (status $rc)"; else
        not_ok "$d" "$(grep -m 30 '^==[0-9]*== ' "$T/vg.log")"; fi
}

url="seedance:?prompt=under valgrind&duration=4&quality=480p"
vg "ffprobe: submit, wait, download, probe, close" \
    "$FFPROBE" -v error -show_entries stream=codec_type -of compact "$url"
like "$(cat "$T/vg.log")" "codec_type=video" "ffprobe under valgrind read the clip"
vg "ffmpeg: movie= opens and closes from libavfilter" \
    "$FFMPEG" -nostdin -v error -f lavfi -i "movie='seedance\:?prompt=under valgrind&duration=4&quality=480p'" -frames:v 5 -f null -
vg "ffmpeg: -attach reads through avio_open2 and avio_closep" \
    "$FFMPEG" -nostdin -v error -y -f lavfi -i testsrc=d=0.2 -attach "$url" \
    -metadata:s:t mimetype=video/mp4 -c:v ffv1 "$T/att.mkv"
"$FFMPEG" -v error -y -dump_attachment:t "$T/att.bin" -i "$T/att.mkv" >/dev/null 2>&1
srv=$(json_get "$(emu_task "$(emu_last_task)")" .file)
check "the attachment is the server's clip, byte for byte" cmp "$T/att.bin" "$srv"
vg "ffmpeg: the real open fails after the seedance: open (-f wav)" \
    "$FFMPEG" -nostdin -v error -f wav -i "$url" -f null -
vg "ffmpeg: an invalid URL" \
    "$FFMPEG" -nostdin -v error -i "seedance:?prompt=x&duration=99" -f null -
is "$(emu_stat submits)" 1 "one generation for all of them"

done_testing
