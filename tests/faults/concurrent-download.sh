#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two processes open the same task at once (two "seedance download" of a
# finished task while the clip is not cached yet, the download slowed
# down so that they overlap): the clip is downloaded from the server once
# (request log: one GET answered with the clip; the 404s of the CDN lag
# before it do not count), and both write the server's exact bytes. The second
# starts once the first is downloading: it follows the first one's
# download instead of starting its own. Then the same for a task still
# running: two "seedance download" waiting for it. Then the first one is
# killed half way: the second takes the download over and resumes it.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 0.4 --bandwidth 300000

# both ID WHAT [WAIT]   two downloads of ID at once; both must be the server's file.
# WAIT: start the second once the first is downloading (its .part exists).
both() {
    local id=$1 what=$2 srv i
    "$SD" download "$id" -o "$T/a.mp4" -q 2>"$T/a.err" &
    local pa=$!
    if [ -n "${3:-}" ]; then
        for i in $(seq 1 200); do      # at most 20 s
            [ -e "$T/cache/clips/$id.mp4.part" ] && break
            kill -0 "$pa" 2>/dev/null || break
            sleep 0.1
        done
    fi
    "$SD" download "$id" -o "$T/b.mp4" -q 2>"$T/b.err" &
    local pb=$!
    wait "$pa"; local ra=$?
    wait "$pb"; local rb=$?
    srv=$(json_get "$(emu_task "$id")" .file)
    is "$ra/$rb" "0/0" "$what: both downloads succeed"
    check "$what: the first writes the server's file" cmp "$T/a.mp4" "$srv"
    check "$what: the second writes the server's file" cmp "$T/b.mp4" "$srv"
    check "$what: the cached clip is the server's file" cmp "$T/cache/clips/$id.mp4" "$srv"
    fetched_once "$id" "$what: the clip is downloaded from the server once"
}

# a finished task
id=$("$SD" submit "two readers of one clip" --duration 4 --quality 480p -q)
"$SD" wait "$id" -q >/dev/null || bail "the task did not complete"
both "$id" "a finished task" wait

# a task still running when both start waiting for it
emu_admin POST /_emu/config '{"gen_time":3}' >/dev/null
id=$("$SD" submit "two readers of a running task" --duration 4 --quality 480p -q)
both "$id" "a running task"
# the first process killed half way: the second takes the download over,
# resuming the part with Range instead of fetching the clip from its start
id=$("$SD" submit "the first reader dies" --duration 4 --quality 480p -q)
"$SD" wait "$id" -q >/dev/null || bail "the task did not complete"
emu_admin POST /_emu/config '{"bandwidth":100000}' >/dev/null
part=$T/cache/clips/$id.mp4.part
"$SD" download "$id" -o "$T/a.mp4" -q 2>"$T/a.err" &
pa=$!
for i in $(seq 1 200); do           # at most 20 s: until it has downloaded some
    [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt 100000 ] && break
    kill -0 "$pa" 2>/dev/null || break
    sleep 0.1
done
"$SD" download "$id" -o "$T/b.mp4" -q 2>"$T/b.err" &
pb=$!
for i in $(seq 1 100); do           # at most 10 s: until the second one has the part open
    ls -l "/proc/$pb/fd" 2>/dev/null | grep -q "$id\.mp4\.part" && break
    sleep 0.1
done
[ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -lt "$(stat -c %s "$(json_get "$(emu_task "$id")" .file)")" ] ||
    bail "the first download ended before the second one started"
{ kill -KILL "$pa" && wait "$pa"; } 2>/dev/null
wait "$pb"; rb=$?
srv=$(json_get "$(emu_task "$id")" .file)
is "$rb" 0 "the first killed: the second download succeeds"
check "the first killed: the second writes the server's file" cmp "$T/b.mp4" "$srv"
check "the first killed: the cached clip is the server's file" cmp "$T/cache/clips/$id.mp4" "$srv"
for i in $(seq 1 50); do
    [ "$(log_count "path=/results/$id.mp4" method=GET status=206)" -ge 1 ] && break
    sleep 0.1
done
is "$(log_count "path=/results/$id.mp4" method=GET status=200)" 1 \
    "the first killed: the clip is fetched from its start once"
cmp_num "$(log_count "path=/results/$id.mp4" method=GET status=206)" -ge 1 \
    "the first killed: the second resumes the part with Range"

is "$(emu_stat submits)" 3 "three tasks submitted in all"
done_testing
