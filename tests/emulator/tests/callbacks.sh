#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Callbacks: the task object is POSTed to callback_url when a task ends
# (completed, failed, cancelled), retried after 1, 2, 4 s on failure.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# A receiver on 127.0.0.1: stores each POST body as $T/cb/N.json; answers
# with the statuses listed in $T/cb/plan (one per line), then 200.
mkdir -p "$T/cb"
cat >"$T/recv.py" <<'EOF'
import http.server, os, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        k = len([f for f in os.listdir(d) if f.endswith(".json")]) + 1
        with open(os.path.join(d, "%d.ctype" % k), "w") as f:
            f.write(self.headers.get("Content-Type", ""))
        with open(os.path.join(d, "%d.json" % k), "wb") as f:
            f.write(body)
        plan = []
        if os.path.exists(os.path.join(d, "plan")):
            plan = open(os.path.join(d, "plan")).read().split()
        code = int(plan[k - 1]) if k <= len(plan) else 200
        self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(os.path.join(d, "port.tmp"), "w").write(str(s.server_address[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
s.serve_forever()
EOF
python3 "$T/recv.py" "$T/cb" &
RECV=$!
trap 'kill $RECV 2>/dev/null; _cleanup' EXIT
for i in $(seq 1 50); do [ -s "$T/cb/port" ] && break; sleep 0.1; done
CB="http://127.0.0.1:$(cat "$T/cb/port")/hook"

# wait_files N SECONDS   until the receiver holds N bodies
wait_files() {
    local i
    for i in $(seq 1 $(($2 * 10))); do
        [ "$(ls "$T/cb" | grep -c '\.json$')" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
req() { printf '{"model":"seedance-2.0-fast-text-to-video","prompt":"callback","duration":4,"quality":"480p","callback_url":"%s"}' "$1"; }

emu_start
submit "$(req "$CB")"
is "$STATUS" 400 "without --allow-private-callbacks a loopback callback_url is refused"
emu_stop

emu_start --allow-private-callbacks
submit "$(req "$CB")"
is "$STATUS" 200 "--allow-private-callbacks accepts an http loopback callback_url"
ID=$(jq_ .id)
wait_files 1 30; is "$?" 0 "a callback arrives without any poll"
is "$(emu_stat task_queries)" 0 "(no task was queried)"
body=$(cat "$T/cb/1.json")
is "$(json_get "$body" .id)" "$ID" "callback body: the task id"
is "$(json_get "$body" .status)" completed "callback body: status completed"
like "$(json_get "$body" '.results[0]')" "/results/$ID\\.mp4\$" "callback body: results"
is "$(json_get "$body" .object)" video.generation.task "callback body: the task object"
is "$(cat "$T/cb/1.ctype")" application/json "callback Content-Type: application/json"
api GET "/v1/tasks/$ID"
is "$body" "$BODY" "the callback body equals the task query reply"
is "$(emu_stat callbacks)" 1 "callbacks counter: 1"

# failed and cancelled tasks call back too
emu_fault '{"type":"task","outcome":"fail","error_code":"content_policy_violation"}'
submit "$(req "$CB")"
wait_files 2 30
is "$(json_get "$(cat "$T/cb/2.json")" .status)" failed "a failed task calls back"
is "$(json_get "$(cat "$T/cb/2.json")" .error.code)" content_policy_violation "with its error"
emu_fault '{"type":"task","outcome":"cancel"}'
submit "$(req "$CB")"
wait_files 3 30
is "$(json_get "$(cat "$T/cb/3.json")" .status)" cancelled "a cancelled task calls back"

# retries: 500, 503, then 200 -> 3 POSTs, 1 s then 2 s apart
printf '200\n200\n200\n500\n503\n200\n' >"$T/cb/plan"
emu_reset
submit "$(req "$CB")"
R=$(jq_ .id)
wait_files 6 30; is "$?" 0 "a failing callback is retried until a 2xx"
sleep 0.5
is "$(ls "$T/cb" | grep -c '\.json$')" 6 "no POST after the 2xx"
is "$(emu_stat callbacks)" 3 "callbacks counts every POST (3)"
is "$(json_get "$(emu_task "$R")" .callback_attempts)" 3 "the task record counts its attempts"
gap() { python3 -c 'import os,sys; print(round(os.stat(sys.argv[2]).st_mtime - os.stat(sys.argv[1]).st_mtime, 2))' "$1" "$2"; }
g1=$(gap "$T/cb/4.json" "$T/cb/5.json"); g2=$(gap "$T/cb/5.json" "$T/cb/6.json")
cmp_float "$g1" '>=' 0.9 "first retry after about 1 s ($g1 s)"
cmp_float "$g2" '>=' 1.9 "second retry after about 2 s ($g2 s)"

# a receiver that always fails: 1 + 3 retries, then give up
printf '200\n200\n200\n500\n503\n200\n500\n500\n500\n500\n' >"$T/cb/plan"
emu_reset
submit "$(req "$CB")"
wait_files 10 40; is "$?" 0 "an always-failing callback gets 4 POSTs"
sleep 1.5
is "$(emu_stat callbacks)" 4 "then it gives up (1 + 3 retries)"
emu_finish
done_testing
