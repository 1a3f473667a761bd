#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A full disk while the clip cache is written (simulated with "ulimit -f":
# writes past the limit fail with EFBIG, like ENOSPC on a full disk; with
# SIGXFSZ ignored, as a full disk sends no signal, and with its default
# action). The download fails with a clear message naming the task, no
# partial clip is ever committed to the cache, and the next run resumes
# the kept part and gets a clip byte-identical to the server's file
# without paying again. A disk too full for the journal fails before any
# money is spent.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 0.4

# limited KB COMMAND...   run COMMAND with files limited to KB kilobytes, SIGXFSZ
# ignored; its stderr into $T/err through a pipe (the limit applies to files)
limited() {
    local kb=$1; shift
    (ulimit -f "$kb"; trap '' XFSZ; exec "$@") 2>&1 >/dev/null | cat >"$T/err"
    return "${PIPESTATUS[0]}"
}

# no_committed_clip ID FILE WHAT   the cache holds no clip of ID, or exactly FILE
no_committed_clip() {
    local clip=$T/cache/clips/$1.mp4
    if [ ! -e "$clip" ] || cmp -s "$clip" "$2"; then ok "$3"; else
        not_ok "$3" "a clip of $(stat -c %s "$clip") bytes is committed to the cache"; fi
}

# --- generate: the cache fills up during the download --------------------
limited 200 "$SD" generate "a full disk" --duration 4 --quality 480p -o "$T/full.mp4"
rc=$?
id=$(emu_last_task)
srv=$(json_get "$(emu_task "$id")" .file)
size=$(stat -c %s "$srv")
cmp_num "$size" -gt 300000 "the clip ($size bytes) is larger than the 200 KB allowed"
isnt "$rc" 0 "generate on a full disk: non-zero exit status"
like "$(cat "$T/err")" "(File too large|No space left|cannot write)" \
    "generate on a full disk: the message says the disk is full"
like "$(cat "$T/err")" "$id" "generate on a full disk: the message names the task"
no_committed_clip "$id" "$srv" "generate on a full disk: no partial clip in the cache"
check_fails "generate on a full disk: no partial output file" test -e "$T/full.mp4"
is "$(ls "$T" | grep -c '\.tmp-')" 0 "generate on a full disk: no temporary file left next to the output"
is "$(emu_stat submits)" 1 "generate on a full disk: one submit"

# --- download, a little more room, SIGXFSZ left at its default action -----
(ulimit -f 400; exec "$SD" download "$id" -o "$T/more.mp4") 2>&1 >/dev/null | cat >"$T/err"
rc=${PIPESTATUS[0]}
isnt "$rc" 0 "download on a full disk (default SIGXFSZ): non-zero exit status"
cmp_num "$rc" -lt 128 "download on a full disk (default SIGXFSZ): not killed by a signal (status $rc)"
like "$(cat "$T/err")" "(File too large|No space left|cannot write)" \
    "download on a full disk (default SIGXFSZ): the message says the disk is full"
no_committed_clip "$id" "$srv" "download on a full disk: no partial clip in the cache"
part=$T/cache/clips/$id.mp4.part
if [ -e "$part" ]; then
    n=$(stat -c %s "$part")
    check "the kept part is a prefix of the clip" cmp -n "$n" "$part" "$srv"
else
    ok "no part kept # nothing to compare"
fi

# --- the next run, with room: resumes, byte-identical, nothing paid -------
"$SD" download "$id" -o "$T/ok.mp4" -q 2>"$T/err"
is "$?" 0 "with room again: download succeeds"
check "with room again: the file is byte-identical to the server's" cmp "$T/ok.mp4" "$srv"
check "with room again: the cached clip is byte-identical to the server's" \
    cmp "$T/cache/clips/$id.mp4" "$srv"
check_fails "with room again: no part left" test -e "$part"
cmp_num "$(log_count "path=/results/$id.mp4" "range=bytes=*")" -ge 1 \
    "with room again: the kept part was resumed with a Range request"
is "$(emu_stat submits)" 1 "with room again: still one submit"

# --- a disk too full for the journal: nothing is paid ----------------------
emu_reset
limited 0 "$SD" generate "no room for the journal" --duration 4 --quality 480p -o "$T/none.mp4"
isnt "$?" 0 "no room for the journal: non-zero exit status"
like "$(cat "$T/err")" "(journal|File too large|No space left)" \
    "no room for the journal: the message says why"
is "$(emu_stat submits)" 0 "no room for the journal: nothing submitted, nothing paid"
done_testing
