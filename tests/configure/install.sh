#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# "make install" after ./configure --disable-ffmpeg (README: "Use it with
# your own ffmpeg"): the tool, the library and libseedance-preload.so are
# installed; the man pages, which need FFmpeg's texi2pod.pl, are skipped
# with a message, or made and installed when make is given one. Run in a
# copy of the source tree holding a copy of this build's objects (times
# kept), so that nothing needs compiling again.
. "$(dirname "$0")/../lib.sh"

[ -x "$BIN/seedance" ] && [ -f "$B/lib/libseedance-preload.so" ] ||
    bail "no $BIN/seedance or $B/lib/libseedance-preload.so: run make first"

src=$T/src
mkdir -p "$src/tests" "$src/build/bin"
for f in Makefile configure ffmpeg.mk include src preload doc ffmpeg filters bench fuzz tools; do
    cp -a "$TOP/$f" "$src/" || bail "cannot copy $TOP/$f"
done
cp -a "$TOP/tests/build.mk" "$src/tests/"
cp -a "$B/obj" "$B/lib" "$src/build/"
[ -d "$B/include" ] && cp -a "$B/include" "$src/build/"
cp -a "$BIN/seedance" "$src/build/bin/"

# smake ARGS...   make in the copy (its own build directory, whatever B says)
smake() { (cd "$src" && make B=build "$@"); }

(cd "$src" && ./configure --disable-ffmpeg) >"$T/configure.log" 2>&1
is "$?" 0 "./configure --disable-ffmpeg"
like "$(cat "$src/config.mk")" "WITH_FFMPEG = 0" "(config.mk: no FFmpeg)"

run_ok "$T/install.log" "make install DESTDIR=... succeeds without an FFmpeg tree" \
    smake install DESTDIR="$T/root"
root=$T/root/usr/local
check "bin/seedance is installed" test -x "$root/bin/seedance"
check "lib/libseedance-preload.so is installed" test -f "$root/lib/libseedance-preload.so"
check "lib/libseedance.a is installed" test -f "$root/lib/libseedance.a"
check "include/seedance.h is installed" test -f "$root/include/seedance.h"
check "lib/pkgconfig/seedance.pc is installed" test -f "$root/lib/pkgconfig/seedance.pc"
check "no ffmpeg is installed" test ! -e "$root/bin/ffmpeg"
check "the bash completion is installed" test -f "$root/share/bash-completion/completions/seedance"
like "$(cat "$T/install.log")" "man pages not installed: .*texi2pod\.pl" \
    "it says the man pages are skipped and why"
check "no man page is installed" test ! -e "$root/share/man/man1"

smake doc >"$T/doc.log" 2>&1
isnt "$?" 0 "make doc without texi2pod.pl fails"
like "$(cat "$T/doc.log")" "doc: the man pages are made with FFmpeg's doc/texi2pod\.pl" "saying what it needs"

# With FFmpeg's texi2pod.pl (from a tree ./configure unpacked), the man pages too.
tp=$(ls "$B"/ffmpeg/ffmpeg-*/doc/texi2pod.pl 2>/dev/null | tail -n 1)
if [ -z "$tp" ]; then
    skip "make install TEXI2POD=... installs the man pages" "no FFmpeg tree in $B/ffmpeg (run ./configure)"
    done_testing; exit
fi
run_ok "$T/install2.log" "make install TEXI2POD=$tp" smake install DESTDIR="$T/root2" TEXI2POD="$tp"
for m in "$src"/doc/*.texi; do
    m=$(basename "$m" .texi)
    [ "$m" = design ] && continue      # the developers' guide: no man page
    man1=$T/root2/usr/local/share/man/man1/$m.1
    check "$m(1) is installed" grep -q "^\\.TH \"\\?$(echo "$m" | tr a-z A-Z)\"\\? 1" "$man1"
done
check "libseedance-preload.so too" test -f "$T/root2/usr/local/lib/libseedance-preload.so"

done_testing
