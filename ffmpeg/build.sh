#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds FFmpeg with the project's components; called by "make ffmpeg"
# (ffmpeg.mk) with the settings ./configure wrote into config.mk.
#
#   ffmpeg/build.sh FFMPEG_SOURCE_DIR FFMPEG_BUILD_DIR PROJECT_BUILD_DIR
#   environment: FFMPEG_CONFIGURE_FLAGS (shell-quoted), MAKE
#
# Steps, each skipped when there is nothing to do:
#   1. register the components in the source tree (ffmpeg/register.sh;
#      copies seedance.c again when it changed);
#   2. run FFmpeg's configure out of tree in FFMPEG_BUILD_DIR, only when
#      its inputs changed: the flags, FFmpeg's configure script (which
#      registration edits) or seedance.pc (a stamp file records them);
#   3. run FFmpeg's make; when libseedance.a is newer than the linked
#      programs they are removed first, since FFmpeg's Makefile does not
#      know about the library file and would not link them again;
#   4. copy ffmpeg, ffprobe (and ffplay when built) to PROJECT_BUILD_DIR/bin
#      when they differ.
set -eu

me=ffmpeg/build.sh
die() { echo "$me: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: $me FFMPEG_SOURCE_DIR FFMPEG_BUILD_DIR PROJECT_BUILD_DIR"
here=$(cd "$(dirname "$0")" && pwd)
src=$1
mkdir -p "$2" "$3/bin"
fb=$(cd "$2" && pwd)
pb=$(cd "$3" && pwd)
: "${MAKE:=make}"
: "${FFMPEG_CONFIGURE_FLAGS:=}"

[ -f "$src/configure" ] || die "$src: no FFmpeg source tree there; run ./configure"
pc_dir=$pb/lib/pkgconfig
[ -f "$pc_dir/seedance.pc" ] && [ -f "$pb/lib/libseedance.a" ] ||
    die "$pc_dir/seedance.pc or $pb/lib/libseedance.a missing: build the library first (make lib)"

# 1. registration
"$here/register.sh" --quiet "$src"

# 2. FFmpeg's configure, when a stamp of its inputs changed
stamp=$fb/seedance-configure.stamp
want=$( {
    echo "source: $src"
    echo "flags: $FFMPEG_CONFIGURE_FLAGS"
    echo "PKG_CONFIG_PATH: $pc_dir"
    md5sum "$src/configure" "$pc_dir/seedance.pc" | cut -d' ' -f1
} )
if [ ! -f "$fb/ffbuild/config.mak" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "$me: configuring FFmpeg in $fb (log: $fb/seedance-configure.log)"
    rm -f "$stamp"
    eval "set -- $FFMPEG_CONFIGURE_FLAGS"
    if ! (cd "$fb" && PKG_CONFIG_PATH=$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} \
            "$src/configure" "$@") >"$fb/seedance-configure.log" 2>&1; then
        tail -n 15 "$fb/seedance-configure.log" >&2
        [ -f "$fb/ffbuild/config.log" ] && tail -n 25 "$fb/ffbuild/config.log" >&2
        die "FFmpeg's configure failed (full logs: $fb/seedance-configure.log, $fb/ffbuild/config.log)"
    fi
    grep -q '^CONFIG_SEEDANCE_PROTOCOL=yes' "$fb/ffbuild/config.mak" ||
        die "FFmpeg's configure did not enable the seedance protocol (see $fb/ffbuild/config.log)"
    echo "$want" >"$stamp"
fi

# 3. FFmpeg's make
progs=
for p in ffmpeg ffprobe ffplay; do
    grep -q "^CONFIG_$(echo $p | tr a-z A-Z)=yes" "$fb/ffbuild/config.mak" && progs="$progs $p"
done
for p in $progs; do
    if [ -f "$fb/${p}_g" ] && [ "$pb/lib/libseedance.a" -nt "$fb/${p}_g" ]; then
        rm -f "$fb/${p}_g" "$fb/$p"
    fi
done
# Without a job server from the calling make, use all processors.
case " ${MAKEFLAGS:-} " in
    *" -j"*) jobs= ;;
    *) jobs=-j$(nproc 2>/dev/null || echo 2) ;;
esac
$MAKE -C "$fb" $jobs || die "FFmpeg's make failed in $fb"

# 4. the programs
for p in $progs; do
    [ -x "$fb/$p" ] || die "$fb/$p was not built"
    if ! cmp -s "$fb/$p" "$pb/bin/$p"; then
        cp "$fb/$p" "$pb/bin/$p.tmp"
        mv "$pb/bin/$p.tmp" "$pb/bin/$p"
        echo "$me: $pb/bin/$p updated"
    fi
done
