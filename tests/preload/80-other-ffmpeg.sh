#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Another shared FFmpeg than Debian's (7.1, 9.0, ...), installed under the
# prefix SEEDANCE_TEST_FFMPEG_PREFIX (bin/ffmpeg, bin/ffprobe, lib/,
# lib/pkgconfig/): a library built against its headers serves it, the
# Debian-built one is refused by name. Skipped when the variable is unset.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
P=${SEEDANCE_TEST_FFMPEG_PREFIX:-}
if [ -z "$P" ]; then
    skip "another shared FFmpeg" "SEEDANCE_TEST_FFMPEG_PREFIX is not set"
    done_testing; exit
fi
[ -x "$P/bin/ffmpeg" ] && [ -f "$P/lib/pkgconfig/libavformat.pc" ] ||
    bail "SEEDANCE_TEST_FFMPEG_PREFIX=$P: no bin/ffmpeg or lib/pkgconfig/libavformat.pc"
export LD_LIBRARY_PATH=$P/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
FF=$P/bin/ffmpeg
FP=$P/bin/ffprobe
major=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --modversion libavformat | cut -d. -f1)

# The Debian-built library does not fit (when the major versions differ).
if [ "$major" != "$(pkg-config --modversion libavformat | cut -d. -f1)" ]; then
    log=$(srun "$FF" -version 2>&1)
    is "$?" 126 "the library built for Debian's libavformat refuses $FF"
    like "$log" "uses libavformat\.so\.$major, but libseedance-preload\.so was built for" "naming both versions"
fi

# A library built against this FFmpeg's headers.
PKG_CONFIG_PATH=$P/lib/pkgconfig make -s -C "$TOP" B="$T/build" preload >"$T/build.log" 2>&1
is "$?" 0 "libseedance-preload builds against libavformat $major's headers"
unlike "$(cat "$T/build.log")" "warning:" "without a warning"
export SEEDANCE_PRELOAD=$T/build/lib/libseedance-preload.so
emu_start

"$SEEDANCE" run "$FF" -hide_banner -nostdin -y -i "seedance:?prompt=another ffmpeg&duration=4&quality=480p" \
    -c copy "$T/out.mp4" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "$FF reads a seedance: URL"
[ "$rc" -eq 0 ] || show_log "$T/ff.log"
like "$(cat "$T/ff.log")" "\[seedance @ 0x[0-9a-f]+\] Task task-unified-[0-9A-Za-z-]+ submitted" "with the protocol's progress lines"
srv=$(json_get "$(emu_task "$(emu_last_task)")" .file)
is "$(framemd5 "$T/out.mp4")" "$(framemd5 "$srv")" "the packets are the server's"
log=$(LD_BIND_NOW=1 LD_DEBUG=bindings "$SEEDANCE" run "$FF" -hide_banner -version 2>&1 >/dev/null)
like "$log" "binding file [^ ]*ffmpeg \[0\] to [^ ]*libseedance-preload\.so \[0\]: normal symbol .avformat_open_input. \[LIBAVFORMAT_$major\]" \
    "its versioned reference binds to the library"

pj=$("$SEEDANCE" run "$FP" -v error -show_entries stream=codec_type,width -of compact "seedance:?prompt=another ffmpeg&duration=4&quality=480p" 2>&1)
like "$pj" "codec_type=video\|width=864" "its ffprobe reads the cached clip"

# movie= (from FFmpeg 7 on, -filter_complex graphs are initialised twice).
"$SEEDANCE" run "$FF" -hide_banner -nostdin -y \
    -filter_complex "movie='seedance\:?prompt=another movie&duration=4&quality=480p'[v]" -map "[v]" -c:v rawvideo -f null - >"$T/movie.log" 2>&1
rc=$?
is "$rc" 0 "movie=seedance:... in -filter_complex"
[ "$rc" -eq 0 ] || show_log "$T/movie.log"
is "$(log_count path=/v1/videos/generations status=200)" 2 "one submit per request, however often the graph is built"

# Ctrl-C during the wait (inputs are read by their own threads here).
emu_fault '{"type":"task","outcome":"hang"}'
submits=$(emu_stat submits)
"$SEEDANCE" run "$FF" -hide_banner -nostdin -y -i "seedance:?prompt=forever&duration=4&quality=480p" -c copy -f null - >"$T/int.log" 2>&1 &
pid=$!
n=$(emu_stat task_queries)
for i in $(seq 1 400); do                    # until the wait is under way, at most 40 s
    [ "$(emu_stat submits)" -gt "$submits" ] && [ "$(emu_stat task_queries)" -gt "$n" ] && break; sleep 0.1
done
interrupt "$pid"
is "$stopped" 1 "one SIGINT stops the wait"
task=$(emu_last_task)
like "$(cat "$T/int.log")" "Resume with: -i seedance:$task" "and names the task"

if command -v valgrind >/dev/null 2>&1; then
    "$SEEDANCE" run valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect "$FP" -v error -show_entries stream=codec_type \
        "seedance:?prompt=another ffmpeg&duration=4&quality=480p&cache=0" >"$T/vg.log" 2>&1
    isnt "$?" 99 "valgrind: no error, no leak in $FP"
else
    skip "valgrind: no error, no leak" "no valgrind"
fi

done_testing
