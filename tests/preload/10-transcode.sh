#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's ffmpeg, ffprobe and ffplay read seedance: URLs through
# "seedance run": transcode, probe, a rerun from the journal and the cache,
# attach by task id, the shorthand.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

url="seedance:?prompt=a glass frog, macro shot&duration=4&quality=480p"
out=$T/frog.mp4
srun ffmpeg -hide_banner -nostdin -y -i "$url" -c:v libx264 -preset ultrafast -c:a aac "$out" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "Debian's ffmpeg transcodes a text-to-video clip"
[ "$rc" -eq 0 ] || show_log "$T/ff.log"
check_clip_4s_480p "$out"
log=$(cat "$T/ff.log")
like "$log" "^seedance run: task task-unified-[0-9]+-[A-Za-z0-9]{8} submitted for seedance:" "the launcher submits the URL and names the task"
like "$log" "\[seedance @ 0x[0-9a-f]+\] Attached to task task-unified-[0-9]+-[A-Za-z0-9]{8}" "ffmpeg's open attaches to it and names it, as the protocol does"
like "$log" "\[seedance @ 0x[0-9a-f]+\] Downloading the result of task-unified-" "one line announces the download"
like "$log" "Input #0, mov,mp4.*from 'seedance:\?prompt=a glass frog" "ffmpeg names the seedance: URL as its input"
is "$(emu_stat submits)" 1 "exactly one submit"
task=$(emu_last_task)
srv=$(json_get "$(emu_task "$task")" .file)

# The same URL again: the journal knows the task and the cache has the clip.
before=$(emu_stat requests)
srun ffmpeg -hide_banner -nostdin -y -i "$url" -c copy "$T/again.mp4" >"$T/ff2.log" 2>&1
is "$?" 0 "the same URL again succeeds"
is "$(emu_stat requests)" "$before" "the rerun sends no request at all (pays nothing)"
is "$(emu_stat submits)" 1 "still one submit"
like "$(cat "$T/ff2.log")" "Using the cached clip of task $task" "the rerun says it uses the cached clip"
is "$(framemd5 "$T/again.mp4")" "$(framemd5 "$srv")" "the rerun's packets equal the server's file"

# Attach by task id without the cache: waits (already done) and downloads.
downloads=$(emu_stat downloads)
SEEDANCE_CACHE=0 srun ffmpeg -hide_banner -nostdin -y -i "seedance:$task" -c copy "$T/attach.mp4" >"$T/ff3.log" 2>&1
is "$?" 0 "seedance:TASK-ID attaches to the task"
like "$(cat "$T/ff3.log")" "Task $task completed" "it reports the task it attached to"
is "$(emu_stat submits)" 1 "attaching submits nothing"
cmp_num "$(emu_stat downloads)" -gt "$downloads" "SEEDANCE_CACHE=0: the clip is downloaded again"
is "$(framemd5 "$T/attach.mp4")" "$(framemd5 "$srv")" "the attached clip is the server's clip"

# Query form of the same, with cache=0 in the URL.
srun ffmpeg -hide_banner -nostdin -y -i "seedance:?task=$task&cache=0" -c copy "$T/attach2.mp4" >"$T/ff4.log" 2>&1
is "$?" 0 "seedance:?task=ID&cache=0 attaches too"
is "$(framemd5 "$T/attach2.mp4")" "$(framemd5 "$srv")" "and reads the same clip"

# Seeking through the custom AVIOContext: "-ss 2" before -i makes the
# demuxer seek to the keyframe at 2 s, far into the file. The frame that
# comes out must be the one Debian's ffmpeg decodes from the server's file
# the same way; with -noaccurate_seek nothing is decoded and dropped
# before it, so a seek that failed or landed elsewhere shows.
first_frame "$T/seek.log" "seedance:?task=$task&cache=0" -ss 2 >"$T/seek.md5"
want=$(first_frame /dev/null "$srv" -ss 2)
isnt "$want" "" "Debian's ffmpeg decodes the server's clip from 2 s"
isnt "$want" "$(first_frame /dev/null "$srv")" "(the frame at 2 s is not the first frame)"
is "$(cat "$T/seek.md5")" "$want" "-ss 2 through the launcher: the frame at 2 s, as from the server's file"
unlike "$(cat "$T/seek.log")" "could not seek|rror" "the demuxer's seek succeeds"
is "$(first_frame "$T/seek2.log" "seedance:?task=$task&cache=0" -ss 2.5 -noaccurate_seek)" \
    "$(first_frame /dev/null "$srv" -ss 2.5 -noaccurate_seek)" \
    "-ss 2.5 -noaccurate_seek: the keyframe at 2 s, as from the server's file"
is "$(first_frame "$T/seek3.log" "$url" -ss 2)" "$want" "the same seek in the cached clip"
like "$(cat "$T/seek3.log")" "Using the cached clip of task $task" "(which is the cached clip)"

# The moov atom at the end of the clip: the demuxer seeks to the end for
# it and back to the media data.
emu_admin POST /_emu/config '{"moov_at_end":true}' >/dev/null
murl="seedance:?prompt=a glass frog, moov last&duration=4&quality=480p&cache=0"
srun ffmpeg -hide_banner -nostdin -y -i "$murl" -map 0 -c copy "$T/moov.mp4" >"$T/moov.log" 2>&1
rc=$?
is "$rc" 0 "a clip with the moov atom at the end is read"
[ "$rc" -eq 0 ] || show_log "$T/moov.log"
emu_admin POST /_emu/config '{"moov_at_end":false}' >/dev/null
mtask=$(emu_last_task)
msrv=$(json_get "$(emu_task "$mtask")" .file)
is "$(top_atoms "$msrv")" "ftyp mdat moov" "(the server's clip has its moov atom at the end)"
is "$(framemd5 "$T/moov.mp4")" "$(framemd5 "$msrv")" "its packets equal the server's file"
is "$(first_frame "$T/mseek.log" "seedance:?task=$mtask&cache=0" -ss 2)" "$(first_frame /dev/null "$msrv" -ss 2)" \
    "-ss 2 in the moov-at-end clip: the frame at 2 s, as from the server's file"

# Shorthand: seedance:PROMPT TEXT with the defaults (720p 16:9, 5 s, audio).
srun ffmpeg -hide_banner -nostdin -y -i "seedance:a red balloon over a lake" -c copy "$T/short.mp4" >"$T/ff5.log" 2>&1
is "$?" 0 "seedance:PROMPT shorthand works"
is "$(probe "$T/short.mp4" stream=width v:0)x$(probe "$T/short.mp4" stream=height v:0)" 1280x720 "the shorthand uses the defaults (720p 16:9)"
is "$(json_get "$(emu_task "$(emu_last_task)")" .request.prompt)" "a red balloon over a lake" "the shorthand prompt reaches the server"

# ffprobe reads it directly.
pj=$(srun ffprobe -v error -show_entries stream=codec_type,width -of compact "seedance:a red balloon over a lake" 2>&1)
like "$pj" "codec_type=video\|width=1280" "ffprobe seedance:... reports the video stream"
like "$pj" "codec_type=audio" "ffprobe seedance:... reports the audio stream"

# ffplay plays it (SDL's dummy drivers: no display or sound card needed).
if [ -x "$FFPLAY" ]; then
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy timeout 120 "$SEEDANCE" run "$FFPLAY" -hide_banner \
        -autoexit -loglevel info -t 1 "seedance:?prompt=play me&duration=4&quality=480p" >"$T/play.log" 2>&1
    is "$?" 0 "ffplay plays a seedance: URL to its end"
    like "$(cat "$T/play.log")" "Video: h264.*864x496" "ffplay sees the generated video stream"
else
    skip "ffplay plays a seedance: URL" "no $FFPLAY"
fi

done_testing
