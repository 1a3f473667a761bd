#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Failures on the way: failed task, rate limits and server errors, dropped
# download, moov at the end, expired link.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

# A failed task: non-zero exit, one line with the API's code, message and task id.
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Content policy violation. Your request was blocked by safety filters"}'
log=$("$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=forbidden&duration=4&quality=480p" -f null - 2>&1)
isnt "$?" 0 "a failed task makes ffmpeg fail"
like "$log" "content_policy_violation" "stderr carries the API's error code"
like "$log" "task-unified-[0-9]+-" "stderr carries the task id"
like "$log" "safety filters" "stderr carries the API's message"
failed=$(emu_last_task)

# Failed tasks are not billed: the same URL again is a new task, not the failure.
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=forbidden&duration=4&quality=480p" -c copy "$T/retry.mp4" >"$T/retry.log" 2>&1
is "$?" 0 "the same URL after a failed task generates anew"
isnt "$(emu_last_task)" "$failed" "a new task was submitted"

# 429 with Retry-After, then 5xx, on the way: still one task, still a clip.
emu_reset
emu_fault '{"type":"status","status":429,"retry_after":"1","count":2,"path":"/v1/videos/generations"}'
emu_fault '{"type":"status","status":503,"count":2,"path":"/v1/tasks/"}'
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=busy day&duration=4&quality=480p" -c copy "$T/busy.mp4" >"$T/busy.log" 2>&1
is "$?" 0 "429 and 503 replies are retried"
is "$(log_count path=/v1/videos/generations status=200)" 3 "one accepted submit for each of the three jobs so far"
is "$(probe "$T/busy.mp4" stream=codec_name v:0)" h264 "the clip arrives"

# A dropped download resumes and gives the server's bytes.
emu_reset
emu_fault '{"type":"drop","after_bytes":150000,"count":1}'
"$FFMPEG" -hide_banner -nostdin -y -cache 0 -i "seedance:?prompt=a dropped line&duration=4&quality=720p" -c copy -f mp4 "$T/drop.mp4" >"$T/drop.log" 2>&1
is "$?" 0 "a dropped download resumes"
task=$(emu_last_task)
frames=$("$FFPROBE" -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of default=nw=1:nk=1 "$T/drop.mp4")
is "$frames" 96 "all 96 frames arrive after the drop"
ranged=$(log_count "path=/results/*" "range=bytes=*")
cmp_num "$ranged" -ge 1 "the resume used a Range request"
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:$task" -c copy -f mp4 "$T/drop2.mp4" >/dev/null 2>&1
srv=$(json_get "$(emu_task "$task")" .file)
"$FFMPEG" -hide_banner -nostdin -y -cache 0 -i "seedance:$task" -map 0 -c copy -f framemd5 "$T/a.md5" >/dev/null 2>&1
"$FFMPEG" -hide_banner -nostdin -y -i "$srv" -map 0 -c copy -f framemd5 "$T/b.md5" >/dev/null 2>&1
check "the packets read through the protocol equal the server's file" cmp -s "$T/a.md5" "$T/b.md5"

# moov at the end: the demuxer needs to seek; the protocol serves it.
emu_reset
emu_admin POST /_emu/config '{"moov_at_end":true}' >/dev/null
"$FFMPEG" -hide_banner -nostdin -y -cache 0 -i "seedance:?prompt=moov last&duration=4&quality=480p" -c copy "$T/moov.mp4" >"$T/moov.log" 2>&1
rc=$?
is "$rc" 0 "a clip with the moov atom at the end is read"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/moov.log" | tail -n 20
is "$(probe "$T/moov.mp4" stream=width v:0)" 864 "the moov-at-end clip decodes"
emu_admin POST /_emu/config '{"moov_at_end":false}' >/dev/null

# An expired link without a cached copy: a clear error, no new generation.
emu_reset
emu_fault '{"type":"task","expired":true}'
log=$("$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=too late&duration=4&quality=480p" -f null - 2>&1)
isnt "$?" 0 "an expired link fails"
like "$log" "expired" "the error says the link expired"
is "$(emu_stat submits)" 1 "no second generation is paid for"
is "$(log_count path=/v1/videos/generations status=200)" 6 "six accepted submits in all, one per job"

# The cache keeps a finished clip past the link's expiry.
emu_reset
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=keep me&duration=4&quality=480p" -c copy "$T/keep.mp4" >/dev/null 2>&1
task=$(emu_last_task)
emu_admin POST "/_emu/tasks/$task/expire" >/dev/null
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:$task" -c copy "$T/keep2.mp4" >"$T/keep.log" 2>&1
is "$?" 0 "a cached clip outlives its expired link"
check "the cached clip is the same file" cmp -s "$T/keep.mp4" "$T/keep2.mp4"

done_testing
