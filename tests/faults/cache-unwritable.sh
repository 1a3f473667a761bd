#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A cache directory that cannot be written: a file where the directory
# should be, a directory made immutable (chattr +i, which holds for root
# too), and a directory of another user (the command run as "nobody").
# generate fails with a clear message naming the directory before any
# money is spent; download either delivers the server's exact bytes or
# fails naming the directory; a clips directory that refuses the clip
# after the submit fails clearly, and the next run, once it is writable,
# gets the clip without paying again.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start --gen-time 0.4
IMMUTABLE=
trap '[ -n "$IMMUTABLE" ] && chattr -R -i "$IMMUTABLE" 2>/dev/null; _cleanup' EXIT

# A finished task to download (with a cache of its own).
id=$("$SD" submit "an unwritable cache" --duration 4 --quality 480p -q)
"$SD" wait "$id" -q >/dev/null
srv=$(json_get "$(emu_task "$id")" .file)
[ -s "$srv" ] || bail "the task has no file on the server"
paid=$(emu_stat submits)

# refused WHAT DIR REASON-REGEX [RUNNER...]   generate and download with the cache at DIR
refused() {
    local what=$1 dir=$2 reason=$3 out
    shift 3
    out=$T/out-$RANDOM
    mkdir -m 777 "$out"
    "$@" env SEEDANCE_CACHE_DIR="$dir" "$SD" generate "a new request, $what" --duration 4 \
        --quality 480p -o "$out/gen.mp4" >/dev/null 2>"$T/err"
    isnt "$?" 0 "$what: generate fails"
    like "$(cat "$T/err")" "$dir" "$what: generate names the cache directory"
    like "$(cat "$T/err")" "$reason" "$what: generate says why"
    is "$(emu_stat submits)" "$paid" "$what: generate paid nothing"
    "$@" env SEEDANCE_CACHE_DIR="$dir" "$SD" download "$id" -o "$out/dl.mp4" >/dev/null 2>"$T/err"
    if [ $? -eq 0 ]; then
        check "$what: download delivers the server's bytes" cmp "$out/dl.mp4" "$srv"
    else
        like "$(cat "$T/err")" "$dir.*$reason" "$what: download fails naming the directory and why"
    fi
}

# --- a file where the cache directory should be
printf 'not a directory\n' >"$T/a-file"
refused "a file as cache directory" "$T/a-file" "Not a directory"

# --- an immutable directory
mkdir "$T/immutable"
if chattr +i "$T/immutable" 2>/dev/null; then
    IMMUTABLE=$T/immutable
    refused "an immutable cache directory" "$T/immutable" "(Operation not permitted|Permission denied)"
    chattr -i "$T/immutable"
else
    skip "an immutable cache directory" "chattr +i is not supported here"
fi

# --- another user's directory: the command as "nobody"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SD" 2>/dev/null; then
    chmod 711 "$T"
    mkdir -m 700 "$T/root-only"
    refused "another user's cache directory" "$T/root-only" "Permission denied" \
        setpriv --reuid=65534 --regid=65534 --clear-groups
else
    skip "another user's cache directory" "not root, or $SD not reachable as nobody"
fi

# --- the clips directory refuses the clip after the submit
mkdir -p "$T/late/clips"
if chattr +i "$T/late/clips" 2>/dev/null; then
    IMMUTABLE=$T/late/clips
    SEEDANCE_CACHE_DIR=$T/late "$SD" generate "refused after the submit" --duration 4 \
        --quality 480p -o "$T/late.mp4" >/dev/null 2>"$T/err"
    rc=$?
    late=$(emu_last_task)
    if [ $rc -eq 0 ]; then
        check "clips refused after the submit: the clip is the server's" \
            cmp "$T/late.mp4" "$(json_get "$(emu_task "$late")" .file)"
    else
        like "$(cat "$T/err")" "$T/late/clips.*(Operation not permitted|Permission denied)" \
            "clips refused after the submit: the message names the directory and why"
    fi
    chattr -i "$T/late/clips"
    IMMUTABLE=
    n=$(emu_stat submits)
    SEEDANCE_CACHE_DIR=$T/late "$SD" generate "refused after the submit" --duration 4 \
        --quality 480p -o "$T/late2.mp4" -q 2>"$T/err"
    is "$?" 0 "writable again: generate succeeds"
    is "$(emu_stat submits)" "$n" "writable again: no second payment"
    check "writable again: the clip is the server's" \
        cmp "$T/late2.mp4" "$(json_get "$(emu_task "$late")" .file)"
else
    skip "clips refused after the submit" "chattr +i is not supported here"
fi
done_testing
