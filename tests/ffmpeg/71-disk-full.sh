#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ffmpeg -i seedance:TASK while the disk holding the clip cache is full
# ("ulimit -f", SIGXFSZ ignored as a full disk sends none; ffmpeg writes
# only to a pipe): the protocol either keeps delivering the server's
# packets or ends with a clear message naming the task and the cause; no
# partial clip is committed to the cache; once there is room, the same URL
# gives the server's packets and caches the server's file.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
SD=$BIN/seedance
emu_start --gen-time 0.4

id=$("$SD" submit "ffmpeg on a full disk" --duration 4 --quality 480p -q)
"$SD" wait "$id" -q >/dev/null || bail "the task did not complete"
srv=$(json_get "$(emu_task "$id")" .file)
"$FFMPEG" -hide_banner -nostdin -i "$srv" -map 0 -c copy -f framemd5 - >"$T/srv.md5" 2>/dev/null

(ulimit -f 200; trap '' XFSZ
 exec "$FFMPEG" -hide_banner -nostdin -i "seedance:$id" -map 0 -c copy -f framemd5 - 2>"$T/ff.err") \
    >"$T/full.md5"
if cmp -s "$T/full.md5" "$T/srv.md5"; then
    ok "full disk: the protocol keeps delivering the server's packets"
else
    like "$(cat "$T/ff.err")" "$id.*(File too large|No space left|cannot write)" \
        "full disk: the protocol says the task's clip cannot be written"
fi
clip=$T/cache/clips/$id.mp4
if [ ! -e "$clip" ] || cmp -s "$clip" "$srv"; then
    ok "full disk: no partial clip committed to the cache"
else
    not_ok "full disk: no partial clip committed to the cache" "$(stat -c %s "$clip") bytes"
fi

"$FFMPEG" -hide_banner -nostdin -i "seedance:$id" -map 0 -c copy -f framemd5 - \
    >"$T/room.md5" 2>"$T/ff.err"
is "$?" 0 "with room again: ffmpeg reads the URL"
check "with room again: the server's packets" cmp -s "$T/room.md5" "$T/srv.md5"
check "with room again: the cached clip is the server's file" cmp "$clip" "$srv"
is "$(emu_stat submits)" 1 "one task paid"
done_testing
