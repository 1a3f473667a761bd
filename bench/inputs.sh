#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of N -i seedance: inputs against one, against the local
# emulator: ffmpeg opens its inputs one after another and each open waits
# for its clip, so N inputs take about N times as long as one; "seedance
# run" submits them all before ffmpeg starts, so they should take about
# the time of one (target: at most 1.2 times). Side by side in one run:
#
#   seedance run /usr/bin/ffmpeg   the distribution's ffmpeg, preloaded
#   seedance run BUILD/bin/ffmpeg  the built ffmpeg (the protocol inside)
#   BUILD/bin/ffmpeg               the same without the launcher, for comparison
#
# Each line: the wall time of one input and of N (the inputs tiled in a
# grid, decoded, no output), their ratio, and the tasks paid for the N
# URLs and for running the same N again. The emulator's generation time
# (-g, default 6 s; real ones take minutes) should dominate the decoding.
# How late the poll schedule notices a completion moves a run by seconds
# either way, so each line is -r rounds (default 3) of one run with one
# input and one with N, each with a fresh cache: the median of the
# rounds' times, and the median of their ratios.
#
#   bench/inputs.sh [-n N] [-g GEN_SECONDS] [-r ROUNDS] [BUILD_DIR]
#
# Needs BUILD_DIR/bin/seedance, BUILD_DIR/tests/evolink-emu, and for its
# lines BUILD_DIR/lib/libseedance-preload.so with /usr/bin/ffmpeg and
# BUILD_DIR/bin/ffmpeg (a line is skipped, saying why, when one is missing).
set -u
n=4 gen=6 rounds=3
. "$(dirname "$0")/bench.bash"
bench_start n:g:r: "bench/inputs.sh [-n N] [-g GEN_SECONDS] [-r ROUNDS] [BUILD_DIR]" "$@"

SEEDANCE=$BIN/seedance
[ -x "$SEEDANCE" ] || { echo "bench/inputs.sh: no $SEEDANCE: run make first" >&2; exit 1; }
emu_start --gen-time "$gen" >/dev/null

# inputs K RUN: K -i options, 480p 1:1 clips without audio
inputs() {
    local i
    for i in $(seq 1 "$1"); do
        printf '%s\0' -i "seedance:?prompt=bench $2 input $i&duration=4&quality=480p&aspect_ratio=1:1&generate_audio=0"
    done
}

# grid K: the K inputs in rows of two (xstack), or the one input
grid() {
    local k=$1 pads="" layout="" i x y r
    [ "$k" -eq 1 ] && { echo "[0:v]null[v]"; return; }
    for i in $(seq 0 $((k - 1))); do
        pads="$pads[$i:v]"
        x=0; [ $((i % 2)) -eq 1 ] && x=w0
        y=0; for r in $(seq 1 $((i / 2))); do [ "$r" -eq 1 ] && y=h0 || y="$y+h0"; done
        layout="$layout|${x}_${y}"
    done
    echo "${pads}xstack=inputs=$k:layout=${layout#|}:fill=black[v]"
}

# seconds CACHE K RUN COMMAND...: wall time of COMMAND with K inputs
seconds() {
    local cache=$1 k=$2 run=$3 start end
    shift 3
    export SEEDANCE_CACHE_DIR=$cache
    local args=()
    while IFS= read -r -d '' a; do args+=("$a"); done < <(inputs "$k" "$run")
    start=$(date +%s.%N)
    "$@" -hide_banner -nostdin -loglevel error "${args[@]}" -filter_complex "$(grid "$k")" \
        -map "[v]" -f null - >"$T/run.log" 2>&1 || { tail -n 5 "$T/run.log" >&2; return 1; }
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

# median NUMBERS...
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# line TARGET NAME COMMAND...: the rounds of one input and N inputs, then
# the last N again (its cache kept); TARGET 1 when the 1.2x target applies
line() {
    local target=$1 name=$2 r one many t1 t2 again ones=() manys=() ratios=()
    shift 2
    for r in $(seq 1 "$rounds"); do
        one=$(seconds "$T/cache-1-$r" 1 "$name, round $r, one" "$@") ||
            { echo "  $name: failed with one input"; return; }
        t1=$(emu_stat tasks)
        many=$(seconds "$T/cache-n-$r" "$n" "$name, round $r, many" "$@") ||
            { echo "  $name: failed with $n inputs"; return; }
        t2=$(emu_stat tasks)
        ones+=("$one") manys+=("$many")
        ratios+=("$(awk -v a="$one" -v b="$many" 'BEGIN { print b / a }')")
    done
    seconds "$T/cache-n-$rounds" "$n" "$name, round $rounds, many" "$@" >/dev/null ||
        { echo "  $name: the rerun failed"; return; }
    again=$(( $(emu_stat tasks) - t2 ))
    awk -v name="$name" -v n="$n" -v one="$(median "${ones[@]}")" -v many="$(median "${manys[@]}")" \
        -v r="$(median "${ratios[@]}")" -v paid=$((t2 - t1)) -v again="$again" -v target="$target" 'BEGIN {
        printf "  %-30s one %5.2f s, %d %5.2f s: %4.2fx %s; %d tasks paid for %d URLs, %d by the rerun\n",
               name, one, n, many, r, target ? (r <= 1.2 ? "ok" : "SLOW") : "(for comparison)",
               paid, n, again
    }'
    rm -rf "$T"/cache-*
}

echo "inputs: $n -i seedance: inputs against one (generation $gen s, median of $rounds rounds; target <= 1.2x with seedance run)"
preload=$B/lib/libseedance-preload.so
if [ -x /usr/bin/ffmpeg ] && [ -f "$preload" ]; then
    line 1 "seedance run /usr/bin/ffmpeg" "$SEEDANCE" run /usr/bin/ffmpeg
else
    echo "  seedance run /usr/bin/ffmpeg: skipped (needs /usr/bin/ffmpeg and $preload)"
fi
if [ -x "$B/bin/ffmpeg" ]; then
    line 1 "seedance run $(basename "$B")/bin/ffmpeg" "$SEEDANCE" run "$B/bin/ffmpeg"
    line 0 "$(basename "$B")/bin/ffmpeg" "$B/bin/ffmpeg"
else
    echo "  $B/bin/ffmpeg: skipped (./configure, then make)"
fi
