#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of the seedance source filter against the local emulator: the
# wall time of one graph with N sources (side by side, hstack) against the
# same graph with one source. The sources of a graph are submitted together
# at format negotiation, so N of them should take about the time of one
# (target: at most 1.2 times). Prints one line. The emulator's generation
# time (-g, default 6 s; real ones take minutes) should dominate decoding
# and tiling, which grow with N.
#
#   bench/filters.sh [-n N] [-g GEN_SECONDS] [BUILD_DIR]
#
# Uses BUILD_DIR/bin/ffmpeg (with the filters) and BUILD_DIR/tests/evolink-emu
# (default BUILD_DIR: build). Each run starts with an empty cache, so every
# source is generated.
set -u
n=4 gen=6
. "$(dirname "$0")/bench.bash"
bench_start n:g: "bench/filters.sh [-n N] [-g GEN_SECONDS] [BUILD_DIR]" "$@"

[ -x "$FFMPEG" ] || { echo "bench/filters.sh: no $FFMPEG: run make first" >&2; exit 1; }
"$FFMPEG" -hide_banner -filters 2>/dev/null | grep -qE '^ [A-Z.]+ +seedance ' ||
    { echo "bench/filters.sh: $FFMPEG has no seedance filter" >&2; exit 1; }
emu_start --gen-time "$gen" >/dev/null

# graph K RUN: K sources of 480p 1:1, tiled in a row
graph() {
    local k=$1 run=$2 g="" pads="" i
    for i in $(seq 1 "$k"); do
        g="${g}seedance=prompt=bench $run source $i:duration=4:quality=480p:aspect_ratio=1\\\\:1:generate_audio=0[s$i];"
        pads="$pads[s$i]"
    done
    if [ "$k" -eq 1 ]; then
        echo "${g%\[s1\];}[v]"
    else
        echo "${g}${pads}hstack=inputs=$k[v]"
    fi
}

# seconds K RUN: wall time of ffmpeg running the graph, fresh cache
seconds() {
    local start end
    export SEEDANCE_CACHE_DIR=$T/cache-$1-$2
    start=$(date +%s.%N)
    "$FFMPEG" -hide_banner -nostdin -loglevel error -filter_complex "$(graph "$1" "$2")" \
        -map "[v]" -f null - >&2 || return 1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

one=$(seconds 1 a) || { echo "bench/filters.sh: ffmpeg failed with one source" >&2; exit 1; }
many=$(seconds "$n" b) || { echo "bench/filters.sh: ffmpeg failed with $n sources" >&2; exit 1; }
awk -v n="$n" -v one="$one" -v many="$many" -v gen="$gen" 'BEGIN {
    r = many / one
    printf "filters: %d parallel seedance sources %.2f s, one %.2f s (generation %s s): %.2fx (target <= 1.2x) %s\n",
           n, many, one, gen, r, r <= 1.2 ? "ok" : "SLOW"
}'
