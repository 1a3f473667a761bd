#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A result that changes size during the download: the server announces the
# clip's length, the connection closes early because the file behind the
# link was replaced by a shorter one, and the resume is answered 416 with
# that shorter length. The clip is never taken for the shorter one: a
# clear error, a non-zero status, no output file, nothing cached as the
# complete clip. Once the server serves the clip again, the next download
# gets it whole.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 0.4

"$SD" generate "a clip that shrinks" --duration 4 --quality 480p -o "$T/first.mp4" -q \
    2>"$T/err" || bail "generate failed: $(cat "$T/err")"
id=$(emu_last_task)
srv=$(json_get "$(emu_task "$id")" .file)
size=$(stat -c %s "$srv")
clips=$T/cache/clips
cp "$srv" "$T/server.mp4"
rm -rf "$clips"

# Ten seconds for the whole clip: the file is cut to 60 % as soon as the
# download has started, long before the server sends that far.
cut=$((size * 6 / 10))
emu_admin POST /_emu/config "{\"bandwidth\":$((size / 10))}" >/dev/null
"$SD" download "$id" -o "$T/out.mp4" >"$T/out" 2>"$T/err" &
pid=$!
for i in $(seq 1 300); do
    [ "$(stat -c %s "$clips/$id.mp4.part" 2>/dev/null || echo 0)" -gt 0 ] && break
    sleep 0.1
done
truncate -s "$cut" "$srv"
wait "$pid"
rc=$?
emu_admin POST /_emu/config '{"bandwidth":0}' >/dev/null

cmp_num "$(log_count "path=/results/$id.mp4" status=416)" -ge 1 \
    "the resume after the early close is answered 416 (the server's clip is shorter now)"
cmp_num "$rc" -ne 0 "a result that changes size: the download fails"
like "$(cat "$T/err")" "changed size during the download \\($size then $cut bytes\\)" \
    "the error says the result changed size, with both lengths"
check "no output file is written" test ! -e "$T/out.mp4"
check "nothing is cached as the complete clip" test ! -e "$clips/$id.mp4"

# the server has the clip again: the next download gets it whole
cp "$T/server.mp4" "$srv"
if "$SD" download "$id" -o "$T/again.mp4" >/dev/null 2>"$T/err"; then
    check "the next download writes the server's clip" cmp "$T/again.mp4" "$srv"
    check "and caches it" cmp "$clips/$id.mp4" "$srv"
else
    not_ok "the next download succeeds" "$(cat "$T/err")"
fi
done_testing
