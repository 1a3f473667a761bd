#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Ctrl-C during the wait stops Debian's ffmpeg and names the task to resume;
# the API key never shows, even at -loglevel trace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

# SIGINT while the task never finishes: ffmpeg's interrupt callback stops the wait.
emu_fault '{"type":"task","outcome":"hang"}'
# (not through a function: $! must be the process that becomes ffmpeg)
"$SEEDANCE" run ffmpeg -hide_banner -nostdin -y -i "seedance:?prompt=forever&duration=4&quality=480p" -c copy "$T/never.mp4" >"$T/int.log" 2>&1 &
pid=$!
for i in $(seq 1 200); do                    # wait for the submit, at most 20 s
    [ "$(emu_stat submits)" -ge 1 ] && break; sleep 0.1
done
queries=$(emu_stat task_queries)
for i in $(seq 1 200); do                    # and for the wait to be under way
    [ "$(emu_stat task_queries)" -gt "$queries" ] && break; sleep 0.1
done
interrupt "$pid"
is "$stopped" 1 "ffmpeg stops after one SIGINT (bound: 10 s on a loaded machine)"
cmp_num "$rc" -lt 128 "ffmpeg exits by itself, not by the signal (status $rc)"
isnt "$rc" 0 "the interrupted open is a failure"
check_fails "no output file is written" test -s "$T/never.mp4"
task=$(emu_last_task)
like "$(cat "$T/int.log")" "\[seedance @ 0x[0-9a-f]+\] Interrupted; task $task keeps running. Resume with: -i seedance:$task" "the message says how to resume the task"
is "$(emu_stat submits)" 1 "one submit"

# No API key anywhere in the output, at the most verbose level, across a
# whole run with an upload, retries and a download.
emu_reset
make_image "$T/img.png" 640 640 "testsrc2=size=640x640"
emu_fault '{"type":"status","status":500,"count":1,"path":"/v1/tasks/"}'
srun ffmpeg -loglevel trace -nostdin -y -i "seedance:?prompt=secret keeper&image=$T/img.png&duration=4&quality=480p" \
    -f null - >"$T/trace.log" 2>&1
is "$?" 0 "a traced run succeeds"
cmp_num "$(wc -l <"$T/trace.log")" -gt 50 "the trace log is verbose"
like "$(cat "$T/trace.log")" "\[seedance @ 0x[0-9a-f]+\] Retrying a request" "the retry is logged at verbose level"
is "$(grep -c -F -- "$EMU_KEY" "$T/trace.log")" 0 "the API key does not appear in the trace output"
unlike "$(cat "$T/trace.log")" "[Bb]earer [A-Za-z0-9]" "no Authorization value in the trace output"
is "$(grep -rlF -- "$EMU_KEY" "$SEEDANCE_CACHE_DIR" 2>/dev/null | wc -l)" 0 "the API key is in no file under the cache"

# The key from a file named by SEEDANCE_API_KEY_FILE; a wrong key fails with 401, unechoed.
printf '%s\n' "$EMU_KEY" >"$T/key"
chmod 600 "$T/key"
SEEDANCE_API_KEY= SEEDANCE_API_KEY_FILE=$T/key srun ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?prompt=key file&duration=4&quality=480p&cache=0" -f null - >"$T/kf.log" 2>&1
is "$?" 0 "SEEDANCE_API_KEY_FILE supplies the key"
printf 'sk-wrong-key-1234\n' >"$T/badkey"
chmod 600 "$T/badkey"
log=$(SEEDANCE_API_KEY= SEEDANCE_API_KEY_FILE=$T/badkey srun ffmpeg -loglevel trace -nostdin -y \
    -i "seedance:?prompt=wrong key&duration=4&quality=480p&cache=0" -f null - 2>&1)
isnt "$?" 0 "a wrong key fails"
like "$log" "\[seedance @ 0x[0-9a-f]+\] .*(401|unauthorized|[Aa]uthentication)" "the error says the key was refused"
unlike "$log" "sk-wrong-key-1234" "the wrong key is not echoed, even at trace level"

done_testing
