# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the shell benchmarks (bench/filters.sh, bench/inputs.sh):
#
#   . "$(dirname "$0")/bench.bash"
#   bench_start LETTERS USAGE "$@"
#
# takes the options LETTERS allows (getopts letters, e.g. "n:g:") among
# -n N (into n), -g GEN_SECONDS (gen) and -r ROUNDS (rounds), then the
# build directory (the argument left, else $B, else build): exported as an
# absolute B, and tests/lib.sh sourced (the emulator's helpers, $T).
bench_start() {
    local letters=$1 usage=$2 o OPTIND=1
    shift 2
    while getopts "$letters" o; do
        case $o in
            n) n=$OPTARG ;;
            g) gen=$OPTARG ;;
            r) rounds=$OPTARG ;;
            *) echo "usage: $usage" >&2; exit 2 ;;
        esac
    done
    shift $((OPTIND - 1))
    B=${1:-${B:-build}}
    case $B in /*) ;; *) B=$(pwd)/$B ;; esac
    export B
    . "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/lib.sh" >/dev/null
}
