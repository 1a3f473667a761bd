#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance submit / status / wait / download / credits / help, --json, and
# Ctrl-C (SIGINT) during a wait: quick exit, status 130, the task id shown.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 3

check "--help lists the commands" sh -c "'$SD' --help | grep -q 'generate'"
check "help generate" sh -c "'$SD' help generate | grep -q 'usage: seedance generate'"
check_fails "no command: failure" "$SD"
check_fails "unknown command: failure" "$SD" fly

id=$("$SD" submit "commands test" -q)
is "$?" 0 "submit: exit status 0"
like "$id" '^task-unified-' "submit prints the task id"
st=$("$SD" status "$id" --json 2>/dev/null)
is "$(json_get "$st" .id)" "$id" "status --json: the API's reply"
like "$("$SD" status "$id")" "^$id (pending|processing|queued)" "status: id and status"
again=$("$SD" submit "commands test" --json -q)
is "$(json_get "$again" .task_id)" "$id" "submit again: the same task"
is "$(json_get "$again" .attached)" true "submit again: attached"

# Ctrl-C during a wait (on a task that never ends, so that a loaded machine
# cannot let it finish before the signal)
emu_fault '{"type":"task","outcome":"hang"}'
hid=$("$SD" submit "hang until interrupted" -q)
"$SD" wait "$hid" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
q0=$(emu_stat task_queries)
interrupt "$pid"
is "$stopped" 1 "SIGINT during wait: the command ends by itself"
is "$rc" 130 "SIGINT during wait: exit status 130"
like "$(cat "$T/err")" "interrupted; task $hid goes on" "SIGINT: the task id is printed"
like "$(cat "$T/err")" "seedance wait $hid" "SIGINT: the command to resume is printed"

# SIGINT during generate (a slower task, resumed below)
emu_admin POST /_emu/config '{"gen_time":8}' >/dev/null
"$SD" generate "interrupt me" -o "$T/int.mp4" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT during generate: exit status 130"
emu_admin POST /_emu/config '{"gen_time":3}' >/dev/null
gid=$(emu_last_task)
like "$(cat "$T/err")" "seedance download $gid -o $T/int.mp4" "SIGINT during generate: resume command with the file"

url=$("$SD" wait "$id" -q)
is "$?" 0 "wait: exit status 0"
like "$url" "^http://127.0.0.1:$EMU_PORT/.*\\.mp4" "wait prints the result URL"
"$SD" download "$id" -o "$T/dl.mp4" -q
is "$?" 0 "download: exit status 0"
curl -sS -o "$T/direct.mp4" "$url"
check "download: identical to the server's file" cmp "$T/dl.mp4" "$T/direct.mp4"
j=$("$SD" download "$gid" -o "$T/int.mp4" --json -q)
is "$(json_get "$j" .task_id)" "$gid" "download --json: task id"
cmp_num "$(json_get "$j" .size)" -gt 1000 "download --json: size"
check "resumed generate: the file is an MP4" ffprobe -v error "$T/int.mp4"
c=$("$SD" credits)
check "credits: JSON" json_get "$c" .object
check_fails "status without an id" "$SD" status
check_fails "status with a bad id" "$SD" status 'a/b'
done_testing
