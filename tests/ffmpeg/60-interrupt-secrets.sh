#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Ctrl-C during the wait, and the API key never shown, even at -loglevel trace.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

# SIGINT while the task never finishes: ffmpeg stops quickly and says how to resume.
emu_fault '{"type":"task","outcome":"hang"}'
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=forever&duration=4&quality=480p" -c copy "$T/never.mp4" >"$T/int.log" 2>&1 &
pid=$!
for i in $(seq 1 100); do                    # wait for the submit, at most 10 s
    [ "$(emu_stat submits)" -ge 1 ] && break; sleep 0.1
done
sleep 0.5
interrupt "$pid"
# (ffmpeg itself decides the exit status of an interrupted open: 0 in 9.0)
is "$stopped" 1 "ffmpeg exits by itself after SIGINT, not killed"
cmp_num "$rc" -lt 128 "ffmpeg's exit status after SIGINT is its own ($rc)"
check_fails "no output file is written" test -s "$T/never.mp4"
task=$(emu_last_task)
like "$(cat "$T/int.log")" "Resume with: -i seedance:$task" "the message says how to resume the task"

# No API key anywhere in the output, at the most verbose level, across a
# whole run with an upload, retries and a download.
emu_reset
make_image "$T/img.png" 640 640 "testsrc2=size=640x640"
emu_fault '{"type":"status","status":500,"count":1,"path":"/v1/tasks/"}'
"$FFMPEG" -loglevel trace -nostdin -y -i "seedance:?prompt=secret keeper&image=$T/img.png&duration=4&quality=480p" \
    -f null - >"$T/trace.log" 2>&1
is "$?" 0 "a traced run succeeds"
cmp_num "$(wc -l <"$T/trace.log")" -gt 50 "the trace log is verbose"
n=$(grep -c -F -- "$EMU_KEY" "$T/trace.log")
is "$n" 0 "the API key does not appear in the trace output"
unlike "$(cat "$T/trace.log")" "[Bb]earer [A-Za-z0-9]" "no Authorization value in the trace output"
n=$(grep -rlF -- "$EMU_KEY" "$SEEDANCE_CACHE_DIR" 2>/dev/null | wc -l)
is "$n" 0 "the API key is in no file under the cache"

# The key given with -api_key_file works; a wrong key fails with 401.
unset SEEDANCE_API_KEY
printf '%s\n' "$EMU_KEY" >"$T/key"
"$FFMPEG" -hide_banner -nostdin -y -api_key_file "$T/key" -cache 0 -i "seedance:?prompt=key file&duration=4&quality=480p" -f null - >"$T/kf.log" 2>&1
is "$?" 0 "-api_key_file supplies the key"
printf 'sk-wrong\n' >"$T/badkey"
log=$("$FFMPEG" -hide_banner -nostdin -y -api_key_file "$T/badkey" -cache 0 -i "seedance:?prompt=wrong key&duration=4&quality=480p" -f null - 2>&1)
isnt "$?" 0 "a wrong key fails"
like "$log" "401|unauthorized" "the error says the key was refused"
unlike "$log" "sk-wrong" "the wrong key is not echoed"

done_testing
