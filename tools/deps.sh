#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what building and testing seedance for FFmpeg needs, on Debian
# (12 or newer) with apt-get, as root ("make deps").
#
#   tools/deps.sh [--print]
#
# --print only lists the packages. ./configure enables the optional FFmpeg
# libraries it finds installed; this installs the common ones.
set -eu

# Build: compiler, make, pkg-config, the library's dependencies.
build="gcc make pkg-config libcurl4-openssl-dev libcjson-dev libssl-dev libxxhash-dev libpq-dev"
# FFmpeg from source: fetching and unpacking, the assembler, the external
# libraries the build always enables (x264, drawtext's freetype, fontconfig
# and harfbuzz), and common ones it enables when present (fribidi for
# drawtext, opus, lame, vpx, dav1d, libass, SDL2 for ffplay).
ffmpeg="ca-certificates curl xz-utils nasm libx264-dev libfreetype-dev libfontconfig-dev libharfbuzz-dev
 libfribidi-dev libopus-dev libmp3lame-dev libvpx-dev libdav1d-dev libass-dev libsdl2-dev"
# Tests: the emulator (libmicrohttpd, Debian's libav* to write real MP4
# files), Debian's ffmpeg/ffprobe to inspect them, ccache for rebuilds.
# The shell tests use python3 (JSON), curl, and a font for drawtext; the
# manual is built with perl's pod2man. "seedance run" is tested with
# Debian's mpv and PyAV too; the shared journal's tests start a PostgreSQL
# server of their own.
tests="libmicrohttpd-dev libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libswresample-dev ffmpeg ccache
 python3 fonts-dejavu-core perl bsdutils mpv python3-av postgresql"
# The Debian package ("make deb"): dpkg-buildpackage, debhelper, lintian;
# its test in a clean Debian chroot ("make check-deb"): mmdebstrap.
deb="dpkg-dev debhelper lintian mmdebstrap"

packages="$build $ffmpeg $tests $deb"
if [ "${1:-}" = "--print" ]; then
    echo "$packages"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
    { echo "tools/deps.sh: apt-get not found; install the equivalents of: $packages" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
        { echo "tools/deps.sh: run as root (apt-get install $packages)" >&2; exit 1; }
    sudo=sudo
else
    sudo=
fi

$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends $packages
