#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# "make deb": the Debian package of seedance (debian/), built with
# dpkg-buildpackage in a copy of the source tree under BUILD_DIR/deb, where
# the .deb ends up, then checked with lintian when it is installed.
#
#   tools/deb.sh BUILD_DIR TEXI2POD
#
# TEXI2POD is FFmpeg's doc/texi2pod.pl (the manuals are made with it): the
# one of the FFmpeg tree ./configure prepared, or one given to make.
# debian/changelog is written here, for the version of include/seedance.h.
# Needs dpkg-dev, debhelper and the Build-Depends of debian/control
# ("make deps" installs them).
set -eu
me=tools/deb.sh
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: tools/deb.sh BUILD_DIR TEXI2POD"
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1/deb
texi2pod=$2
case $out in /*) ;; *) out=$top/$out ;; esac
[ -n "$texi2pod" ] && [ -f "$texi2pod" ] ||
    die "the manuals are made with FFmpeg's doc/texi2pod.pl and none was found: run ./configure (it unpacks FFmpeg's source), or give make TEXI2POD=/path/to/ffmpeg/doc/texi2pod.pl"
texi2pod=$(cd "$(dirname "$texi2pod")" && pwd)/$(basename "$texi2pod")
command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 ||
    die "dpkg-buildpackage and dh are needed (Debian packages dpkg-dev and debhelper: make deps)"

version=$(sed -n 's/^#define SEEDANCE_VERSION "\(.*\)"/\1/p' "$top/include/seedance.h")
[ -n "$version" ] || die "no SEEDANCE_VERSION in include/seedance.h"
src=$out/seedance-$version
rm -rf "$out"
mkdir -p "$src"

# The tracked files of a git work tree, else the tree without its builds.
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z | xargs -0 cp --parents -t "$src"
else
    tar --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude=./config.mk \
        --exclude="./$(basename "$1")" -cf - . | tar -C "$src" -xf -
fi

# The changelog: this version, dated by the last commit (the same package
# from the same sources), else now.
when=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
maintainer=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<EOF
seedance ($version) unstable; urgency=medium

  * seedance $version: the seedance command, libseedance-preload.so for the
    distribution's ffmpeg, ffprobe, ffplay, mpv and PyAV, and libseedance's
    development files.

 -- $maintainer  $(LC_ALL=C date -u -R -d "@$when")
EOF

cd "$src"
TEXI2POD=$texi2pod dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1 || {
    tail -n 30 "$out/build.log" >&2
    die "dpkg-buildpackage failed (the whole log: $out/build.log)"
}
deb=$(ls "$out"/seedance_"$version"_*.deb)
echo "$me: $deb"

if command -v lintian >/dev/null 2>&1; then
    # the tags that remain are explained in debian/seedance.lintian-overrides
    lintian --fail-on error,warning --info "$out"/seedance_"$version"_*.changes ||
        die "lintian found problems in $deb"
else
    echo "$me: lintian is not installed: the package was not checked"
fi
