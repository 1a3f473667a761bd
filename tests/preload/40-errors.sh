#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Errors through Debian's ffmpeg: bad URLs are refused before anything is
# sent, a failed task names its code and id, a seedance: output is refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

# bad_url DESCRIPTION URL REGEX   fails, says REGEX on a [seedance @ ...] line
bad_url() {
    local log rc
    log=$(srun ffmpeg -hide_banner -nostdin -y -i "$2" -f null - 2>&1)
    rc=$?
    isnt "$rc" 0 "$1: ffmpeg fails"
    like "$log" "\[seedance @ 0x[0-9a-f]+\] $3" "$1: the error says what is wrong"
    unlike "$log" "Protocol not found" "$1: not ffmpeg's 'Protocol not found'"
}
bad_url "duration out of range" "seedance:?prompt=x&duration=99" "duration: 99 is out of range: allowed 4\.\.15"
bad_url "unknown key" "seedance:?prompt=x&colour=red" "unknown option 'colour': allowed prompt, tier, mode, model, duration"
bad_url "key without value" "seedance:?prompt" "URL query item 'prompt' has no value"
bad_url "no prompt" "seedance:" "prompt: missing"
bad_url "the API key in the URL" "seedance:?prompt=x&api_key=sk-in-the-url" "api_key is not accepted in a URL"
bad_url "the API base in the URL" "seedance:?prompt=x&api_base=http://127.0.0.1:1" "api_base is not accepted in a URL"
bad_url "a task id that is none" "seedance:?task=task-unified-../etc" "task: 'task-unified-\.\./etc' is not a task id"
bad_url "a bad boolean" "seedance:?prompt=x&generate_audio=maybe" "generate_audio.*maybe"
SEEDANCE_CACHE=perhaps bad_url "a bad SEEDANCE_CACHE" "seedance:?prompt=x" "environment SEEDANCE_CACHE: .*perhaps"
SEEDANCE_API_KEY= bad_url "no API key" "seedance:?prompt=x&duration=4" "no API key: set SEEDANCE_API_KEY"
is "$(emu_stat requests)" 0 "none of the bad URLs sent a request"
is "$(wc -l <"$EMU_LOG" | tr -d ' ')" 0 "the emulator's request log is empty"

# A failed task: non-zero exit, one line with the API's code, message and task id.
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation","error_message":"Content policy violation. Your request was blocked by safety filters"}'
log=$(srun ffmpeg -hide_banner -nostdin -y -i "seedance:?prompt=forbidden&duration=4&quality=480p" -f null - 2>&1)
isnt "$?" 0 "a failed task makes ffmpeg fail"
task=$(emu_last_task)
like "$log" "\[seedance @ 0x[0-9a-f]+\] .*content_policy_violation" "stderr carries the API's error code"
like "$log" "\[seedance @ 0x[0-9a-f]+\] .*$task" "stderr carries the task id"
like "$log" "safety filters" "stderr carries the API's message"
like "$log" "seedance run: task $task submitted" "the submit was announced first"

# Failed tasks are not billed: the same URL again is a new task, not the failure.
srun ffmpeg -hide_banner -nostdin -y -i "seedance:?prompt=forbidden&duration=4&quality=480p" -c copy "$T/retry.mp4" >"$T/retry.log" 2>&1
is "$?" 0 "the same URL after a failed task generates anew"
isnt "$(emu_last_task)" "$task" "a new task was submitted"

# A task the server does not know.
log=$(srun ffprobe -v error "seedance:task-unified-1-nosuchtask" 2>&1)
isnt "$?" 0 "an unknown task fails"
like "$log" "\[seedance @ 0x[0-9a-f]+\] .*task-unified-1-nosuchtask" "the error names the task"

# The protocol is read-only: a seedance: output is refused clearly.
emu_reset
log=$(srun ffmpeg -hide_banner -nostdin -y -f lavfi -i testsrc=d=0.2 -f mp4 "seedance:?prompt=out" 2>&1)
isnt "$?" 0 "a seedance: output fails"
like "$log" "\[seedance @ 0x[0-9a-f]+\] The seedance protocol is read-only" "it says the protocol is read-only"
is "$(emu_stat requests)" 0 "nothing was sent for it"

# A format that reads no file (lavfi) takes the URL as its own: nothing is generated.
log=$(srun ffmpeg -hide_banner -nostdin -y -f lavfi -i "seedance:?prompt=not for lavfi" -f null - 2>&1)
isnt "$?" 0 "-f lavfi -i seedance:... fails in lavfi"
unlike "$log" "\[seedance @" "the library stays out of it"
is "$(emu_stat requests)" 0 "nothing was sent for it"

done_testing
