#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Text-to-video through the seedance: protocol: transcode, probe, shorthand,
# second run from the cache, attach by task id.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

out=$T/frog.mp4
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=a glass frog, macro shot&duration=4&quality=480p" \
    -c:v libx264 -preset ultrafast -c:a aac "$out" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "ffmpeg transcodes a text-to-video clip"
[ "$rc" -eq 0 ] || cat "$T/ff.log" | sed 's/^/#   /' | tail -n 20
check_clip_4s_480p "$out"
like "$(cat "$T/ff.log")" "Task task-unified-[0-9]+-[A-Za-z0-9]{8} submitted" "progress names the task at info level"
like "$(cat "$T/ff.log")" "Downloading the result" "one line announces the download"
is "$(emu_stat submits)" 1 "exactly one submit"
task=$(emu_last_task)

# The same request again: served from the journal and the clip cache.
before=$(emu_stat requests)
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=a glass frog, macro shot&duration=4&quality=480p" \
    -c copy "$T/again.mp4" >"$T/ff2.log" 2>&1
is "$?" 0 "the same URL again succeeds"
is "$(emu_stat requests)" "$before" "the second run sends no request at all"
like "$(cat "$T/ff2.log")" "cached clip" "the second run says it uses the cached clip"

# Attach by task id, without cache: waits (already done) and downloads.
"$FFMPEG" -hide_banner -nostdin -y -cache 0 -i "seedance:$task" -c copy "$T/attach.mp4" >"$T/ff3.log" 2>&1
is "$?" 0 "seedance:TASK-ID attaches to the task"
is "$(emu_stat submits)" 1 "attaching submits nothing"
is "$(probe "$T/attach.mp4" stream=width v:0)" 864 "the attached clip is the same clip"

# Shorthand: seedance:PROMPT TEXT with default settings (720p 16:9, 5 s, audio).
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:a red balloon over a lake" -c copy "$T/short.mp4" >"$T/ff4.log" 2>&1
is "$?" 0 "seedance:PROMPT shorthand works"
is "$(probe "$T/short.mp4" stream=width v:0)x$(probe "$T/short.mp4" stream=height v:0)" 1280x720 "the shorthand uses the defaults (720p 16:9)"
req=$(emu_task "$(emu_last_task)")
is "$(json_get "$req" .request.prompt)" "a red balloon over a lake" "the shorthand prompt reaches the server"

# ffprobe reads the protocol directly.
pj=$("$FFPROBE" -v error -show_entries stream=codec_type,width -of compact "seedance:a red balloon over a lake" 2>&1)
like "$pj" "codec_type=video\|width=1280" "ffprobe seedance:... reports the video stream"
like "$pj" "codec_type=audio" "ffprobe seedance:... reports the audio stream"

done_testing
