#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run libFuzzer harnesses one after another and report each as a TAP test.
#
#   fuzz/run.sh OUT SECONDS NAME...
#
# OUT holds the harnesses (OUT/NAME, from "make fuzz-build"). Each runs
# for SECONDS from its seed corpus fuzz/corpus/NAME/ (read only) plus
# OUT/corpus/NAME/ (where new inputs go), with fuzz/NAME.dict. A crash, a
# failed check, a leak or an input slower than FUZZ_TIMEOUT seconds (25)
# fails the harness; the reproducer is kept in OUT/artifacts/. Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
out=$1 secs=$2
shift 2
timeout_one=${FUZZ_TIMEOUT:-25}
mkdir -p "$out/artifacts" "$out/logs"
n=0 pass=0 fail=0
for name in "$@"; do
    n=$((n + 1))
    bin=$out/$name log=$out/logs/$name.log
    if [ ! -x "$bin" ]; then
        echo "not ok $n - fuzz $name: no harness $bin (make fuzz-build)"
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "$out/corpus/$name"
    args=(-max_total_time="$secs" -timeout="$timeout_one" -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-")
    [ -f "fuzz/$name.dict" ] && args+=(-dict="fuzz/$name.dict")
    seeds=()
    [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
    "$bin" "${args[@]}" "$out/corpus/$name" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "ok $n - fuzz $name: ${runs:-0} runs in $secs s, ${cov:-no coverage line}"
        pass=$((pass + 1))
    else
        echo "not ok $n - fuzz $name: exit status $rc after ${runs:-?} runs (log $log)"
        grep -E 'fuzz check failed|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer|SUMMARY|Test unit written|Base64' \
            "$log" | head -n 12 | sed 's/^/#   /'
        fail=$((fail + 1))
    fi
done
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
