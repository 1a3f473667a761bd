#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: start the local Evolink API emulator on a free port, generate
# a clip through build/bin/ffmpeg -i seedance:..., show where it is, stop
# the emulator.
#
#   tools/demo.sh [BUILD-DIR] [PROMPT]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
prompt=${2:-a glass frog on a leaf, macro shot, its heart beating}
out=$B/demo/seedance-demo.mp4
work=$(mktemp -d "${TMPDIR:-/tmp}/seedance-demo.XXXXXX")
emu_pid=

stop() {
    [ -n "$emu_pid" ] && kill -TERM "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    rm -rf "$work"
}
trap stop EXIT

for f in "$B/tests/evolink-emu" "$B/bin/ffmpeg"; do
    [ -x "$f" ] || { echo "demo: $f is missing; run make first" >&2; exit 1; }
done

# A throw-away key for the emulator, handed over in a file (never on argv).
key=sk-demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
umask 077
printf '%s\n' "$key" >"$work/key"
"$B/tests/evolink-emu" --port 0 --port-file "$work/port" --key-file "$work/key" \
    --data-dir "$work/emu" --gen-time 3 --quiet &
emu_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "demo: the emulator did not start" >&2; exit 1; }
port=$(cat "$work/port")
echo "demo: Evolink API emulator listening on http://127.0.0.1:$port"

mkdir -p "$(dirname "$out")"
export SEEDANCE_API_BASE=http://127.0.0.1:$port SEEDANCE_FILES_BASE=http://127.0.0.1:$port
export SEEDANCE_API_KEY=$key SEEDANCE_CACHE_DIR=$work/cache
url="seedance:?prompt=$prompt&duration=5&quality=720p&aspect_ratio=16:9"
echo "demo: $B/bin/ffmpeg -i \"$url\" -c:v libx264 -c:a aac $out"
"$B/bin/ffmpeg" -hide_banner -nostdin -y -i "$url" -c:v libx264 -preset veryfast -c:a aac "$out"

echo
"$B/bin/ffprobe" -hide_banner -v error -show_entries stream=codec_name,width,height:format=duration \
    -of compact "$out"
echo
echo "demo: the generated clip is $out"
