#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ffmpeg -i seedance:TASK and seedance download TASK at the same time, on a
# finished task whose clip is not cached yet (the download slowed down so
# that they overlap; seedance starts once ffmpeg is downloading): one download from the server (request log), the
# packets ffmpeg reads are the server's file's, the file seedance writes is
# the server's file byte for byte, and so is the cached clip.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
SD=$BIN/seedance
emu_start --gen-time 0.4 --bandwidth 300000

id=$("$SD" submit "ffmpeg and seedance at once" --duration 4 --quality 480p -q)
"$SD" wait "$id" -q >/dev/null || bail "the task did not complete"
srv=$(json_get "$(emu_task "$id")" .file)

"$FFMPEG" -hide_banner -nostdin -y -i "seedance:$id" -map 0 -c copy -f framemd5 "$T/ff.md5" \
    >"$T/ff.log" 2>&1 &
pf=$!
for i in $(seq 1 200); do          # seedance starts once ffmpeg is downloading (at most 20 s)
    [ -e "$T/cache/clips/$id.mp4.part" ] && break
    kill -0 "$pf" 2>/dev/null || break
    sleep 0.1
done
"$SD" download "$id" -o "$T/sd.mp4" -q 2>"$T/sd.err" &
ps=$!
wait "$pf"; rf=$?
wait "$ps"; rs=$?
is "$rf" 0 "ffmpeg reads seedance:TASK"
[ "$rf" -eq 0 ] || sed 's/^/#   /' "$T/ff.log" | tail -n 10
is "$rs" 0 "seedance download succeeds at the same time"
"$FFMPEG" -hide_banner -nostdin -y -i "$srv" -map 0 -c copy -f framemd5 "$T/srv.md5" >/dev/null 2>&1
check "ffmpeg's packets are the server's file's" cmp -s "$T/ff.md5" "$T/srv.md5"
check "seedance writes the server's file" cmp "$T/sd.mp4" "$srv"
check "the cached clip is the server's file" cmp "$T/cache/clips/$id.mp4" "$srv"
fetched_once "$id" "the clip is downloaded from the server once"
is "$(emu_stat submits)" 1 "one task paid"
done_testing
