#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cache damaged on disk: a clip truncated, grown, or overwritten with
# other bytes of the same length, a kept .part with wrong bytes, and the
# journal truncated, full of garbage, naming an impossible task or one
# too long to hold. A
# damaged clip is detected, set aside and never served: what a command
# writes is byte-identical to the server's file, or the command fails
# clearly. A damaged journal entry never makes the same request pay
# twice: the run reuses the task or fails naming the journal.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 0.4

"$SD" generate "a damaged cache" --duration 4 --quality 480p -o "$T/first.mp4" -q 2>"$T/err" ||
    bail "generate failed: $(cat "$T/err")"
id=$(emu_last_task)
srv=$(json_get "$(emu_task "$id")" .file)
clip=$T/cache/clips/$id.mp4
size=$(stat -c %s "$srv")
check "the first clip is the server's" cmp "$T/first.mp4" "$srv"
check "the cached clip is the server's" cmp "$clip" "$srv"

# served WHAT   download the task: the server's exact bytes, or a clear failure
served() {
    local out=$T/dl-$RANDOM.mp4
    "$SD" download "$id" -o "$out" >/dev/null 2>"$T/err"
    if [ $? -eq 0 ]; then
        check "$1: what download writes is the server's file" cmp "$out" "$srv"
        if [ -e "$clip" ]; then
            check "$1: the cached clip is the server's again" cmp "$clip" "$srv"
        else
            ok "$1: no clip left in the cache"
        fi
    else
        like "$(cat "$T/err")" "($id|cache|clip)" "$1: download fails clearly"
    fi
}

# --- the clip truncated
truncate -s $((size / 2)) "$clip"
served "a truncated clip"
ls "$T/cache/clips" | grep -q '\.bad$' && ok "a truncated clip is set aside" ||
    not_ok "a truncated clip is set aside" "$(ls "$T/cache/clips")"

# --- the clip grown
printf 'trailing garbage' >>"$clip"
served "a clip with bytes appended"

# gets_above N   the clip's GET requests in the log once there are more
# than N (a request is logged when it ends: allowed up to 5 s)
gets_above() {
    local i n
    for i in $(seq 1 50); do
        n=$(log_count "path=/results/$id.mp4" method=GET)
        [ "$n" -gt "$1" ] && break
        sleep 0.1
    done
    echo "$n"
}

# served_again WHAT   download the task: it succeeds with the server's exact
# bytes, fetched again, and the cache holds them
served_again() {
    local out=$T/dl-$RANDOM.mp4 gets
    gets=$(log_count "path=/results/$id.mp4" method=GET)
    if "$SD" download "$id" -o "$out" >/dev/null 2>"$T/err"; then
        check "$1: what download writes is the server's file" cmp "$out" "$srv"
        check "$1: the cached clip is the server's again" cmp "$clip" "$srv"
        cmp_num "$(gets_above "$gets")" -gt "$gets" "$1: the clip is fetched from the server again"
    else
        not_ok "$1: download succeeds" "$(cat "$T/err")"
    fi
}

# --- other bytes, same length
check "the clip is committed again" cmp "$clip" "$srv"
rm -f "$clip.bad"
printf 'XXXXXXXXXXXXXXXX' | dd of="$clip" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null
cmp -s "$clip" "$srv" && bail "the clip could not be damaged"
cp "$clip" "$T/damaged.mp4"
served_again "a clip overwritten with other bytes of the same length"
check "the clip with other bytes is set aside as .bad" cmp "$clip.bad" "$T/damaged.mp4"

# --- the same bytes written again: the content is checked, and kept
touch "$clip"
gets=$(log_count "path=/results/$id.mp4" method=GET)
"$SD" download "$id" -o "$T/touched.mp4" >/dev/null 2>"$T/err" ||
    not_ok "a clip rewritten with its own bytes: download succeeds" "$(cat "$T/err")"
check "a clip rewritten with its own bytes is served" cmp "$T/touched.mp4" "$srv"
is "$(log_count "path=/results/$id.mp4" method=GET)" "$gets" \
    "a clip rewritten with its own bytes is not fetched again"

# --- a kept part with wrong bytes (an interrupted download damaged later)
rm -f "$clip" "$clip".*
head -c $((size / 2)) "$srv" | tr '\000-\377' '\377\000-\376' >"$clip.part"
served_again "a kept part with wrong bytes"
like "$(cat "$T/err")" "partial download .* not the server's clip" \
    "a kept part with wrong bytes is discarded with a warning"

# --- a kept part with the right bytes is resumed, not fetched again from the start
rm -f "$clip" "$clip".*
head -c $((size / 2)) "$srv" >"$clip.part"
served_again "a kept part with the right bytes"
gets_above 0 >/dev/null
is "$(log_count "path=/results/$id.mp4" method=GET range="bytes=$((size / 2))-")" 1 \
    "a kept part with the right bytes is resumed after its end"

# --- the journal damaged: the same request again never pays twice
journal=$(ls "$T/cache/journal/"*.json)
[ "$(echo "$journal" | wc -l)" -eq 1 ] || bail "expected one journal entry: $journal"
cp "$journal" "$T/journal.good"

# again WHAT   run the first request again: reuse its task or fail naming the journal
again() {
    local paid j out=$T/again-$RANDOM.mp4
    paid=$(emu_stat submits)
    j=$("$SD" generate "a damaged cache" --duration 4 --quality 480p -o "$out" --json 2>"$T/err")
    rc=$?
    is "$(emu_stat submits)" "$paid" "$1: the same request does not pay again"
    if [ $rc -eq 0 ]; then
        is "$(json_get "$j" .task_id)" "$id" "$1: the first task is reused"
        check "$1: the clip is the first task's" cmp "$out" "$srv"
    else
        like "$(cat "$T/err")" "journal" "$1: the failure names the journal"
    fi
    cp "$T/journal.good" "$journal"
}

head -c 100 "$T/journal.good" >"$journal"
again "a truncated journal entry"
head -c 300 /dev/urandom >"$journal"
again "a journal entry of garbage"
sed "s/\"$id\"/\"..\/..\/$id\"/" "$T/journal.good" >"$journal"
grep -q "\.\./\.\./$id" "$journal" || bail "could not damage the task id in $journal"
again "a journal entry naming an impossible task"
# a task id longer than an entry holds: damaged, never cut to what fits
long=$id-$(printf "%0*d" $((129 - ${#id})) 7)
sed "s/\"$id\"/\"$long\"/" "$T/journal.good" >"$journal"
grep -q "$long" "$journal" || bail "could not lengthen the task id in $journal"
again "a journal entry whose task id is too long"
like "$(cat "$T/err")" "damaged: its task_id is 130 characters long" \
    "a task id too long is named as the damage"
done_testing
