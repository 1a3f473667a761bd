#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The top-level ./configure, run in a scratch directory (it writes config.mk
# into the current directory) with a scratch --builddir: options and their
# errors, missing dependencies named by Debian package, --ffmpeg-source and
# --ffmpeg-tarball (checksum verified), reuse of unpacked trees, and an
# unchanged config.mk on a second run. No network: trees come from the
# tarballs ./configure downloaded into $B/downloads.
. "$(dirname "$0")/../lib.sh"

cfg=$TOP/configure
run() { (cd "$T/w" && "$cfg" "$@") >"$T/out" 2>&1; echo $? >"$T/rc"; }
out() { cat "$T/out"; }
rc()  { cat "$T/rc"; }
mkdir -p "$T/w"

run --help
is "$(rc)" 0 "--help exits 0"
like "$(out)" '--ffmpeg-version=VER' "--help lists --ffmpeg-version"
like "$(out)" '--ffmpeg-source=DIR' "--help lists --ffmpeg-source"
like "$(out)" '--ffmpeg-tarball=FILE' "--help lists --ffmpeg-tarball"
like "$(out)" '--extra-ffmpeg-flags' "--help lists --extra-ffmpeg-flags"

run --bogus
isnt "$(rc)" 0 "an unknown option fails"
like "$(out)" "unknown option '--bogus'" "the error names the option"

run --ffmpeg-version=6.0 --builddir="$T/b"
isnt "$(rc)" 0 "an unsupported FFmpeg version fails"
like "$(out)" '6\.0.*allowed: 5\.1 7\.1 8\.1 9\.0' "the error names the value and the allowed ones"

run --ffmpeg-version=9.0 --ffmpeg-source=/nonexistent
isnt "$(rc)" 0 "--ffmpeg-version with --ffmpeg-source fails"
like "$(out)" 'exclude each other' "the error says they exclude each other"

run --ffmpeg-source="$T" --builddir="$T/b"
isnt "$(rc)" 0 "--ffmpeg-source on a non-FFmpeg directory fails"
like "$(out)" 'not an FFmpeg source tree' "the error says it is not an FFmpeg tree"

# Missing libraries are named with their Debian packages.
mkdir -p "$T/nopc"
(cd "$T/w" && PKG_CONFIG_LIBDIR=$T/nopc PKG_CONFIG_PATH= "$cfg" --builddir="$T/b") >"$T/out" 2>&1
isnt "$?" 0 "missing libraries fail"
like "$(out)" 'missing build dependencies:.*libcurl4-openssl-dev.*libcjson-dev' "the error names libcurl4-openssl-dev and libcjson-dev"
like "$(out)" 'libx264-dev' "libx264-dev is named"
like "$(out)" 'make deps' "the error points at make deps"
check "nothing written on failure" test ! -e "$T/w/config.mk"

# The default series when it was downloaded, else any.
tb=
for pat in 'ffmpeg[-_]9.0.*.tar.xz' 'ffmpeg[-_]*.tar.xz'; do
    [ -n "$tb" ] || tb=$(ls "$B"/downloads/$pat 2>/dev/null | tail -n 1)
done
if [ -z "$tb" ]; then
    skip "configure with FFmpeg trees" "no FFmpeg tarball in $B/downloads (run ./configure)"
    done_testing; exit
fi
v=$(tar -tJf "$tb" | head -n 1 | cut -d/ -f1); v=${v#ffmpeg-}
series=${v%.*}

# --ffmpeg-tarball: a known release is verified, a damaged one refused.
cp "$tb" "$T/ffmpeg-$v.tar.xz"
run --ffmpeg-tarball="$T/ffmpeg-$v.tar.xz" --builddir="$T/b" --extra-ffmpeg-flags="--disable-ffplay"
is "$(rc)" 0 "--ffmpeg-tarball with ffmpeg $v succeeds"
like "$(out)" "SHA-256 verified \\(ffmpeg $v\\)" "the tarball's SHA-256 is verified"
check "the tree is unpacked in the build directory" test -f "$T/b/ffmpeg/ffmpeg-$v/configure"
check "the tree is registered" grep -qxF 'extern const URLProtocol ff_seedance_protocol;' \
    "$T/b/ffmpeg/ffmpeg-$v/libavformat/protocols.c"
mk=$(cat "$T/w/config.mk" 2>/dev/null)
like "$mk" "^FFMPEG_SRC = $T/b/ffmpeg/ffmpeg-$v\$" "config.mk: FFMPEG_SRC"
like "$mk" "^FFMPEG_VERSION = $v\$" "config.mk: FFMPEG_VERSION"
like "$mk" "^FFMPEG_BUILD = \\\$\\(B\\)/ffmpeg/build-$v\$" "config.mk: FFMPEG_BUILD"
like "$mk" '^FFMPEG_CONFIGURE_FLAGS = .*--enable-libseedance' "config.mk: --enable-libseedance"
like "$mk" '^FFMPEG_CONFIGURE_FLAGS = .*--enable-gpl.*--enable-libx264.*--enable-libfreetype.*--enable-libfontconfig' \
    "config.mk: gpl, libx264, libfreetype, libfontconfig"
like "$mk" '^FFMPEG_CONFIGURE_FLAGS = .* --disable-ffplay$' "config.mk: --extra-ffmpeg-flags passed through"

# A second identical run leaves config.mk alone (FFmpeg is not reconfigured).
stamp=$(stat -c %Y.%s "$T/w/config.mk")
sleep 1
run --ffmpeg-tarball="$T/ffmpeg-$v.tar.xz" --builddir="$T/b" --extra-ffmpeg-flags="--disable-ffplay"
is "$(rc)" 0 "a second run succeeds"
like "$(out)" 'config.mk unchanged' "a second run reports config.mk unchanged"
is "$(stat -c %Y.%s "$T/w/config.mk")" "$stamp" "config.mk is not rewritten"
unlike "$(out)" 'unpacking' "the unpacked tree is reused"

# The fetch path reuses the unpacked tree of the series (no network needed).
run --ffmpeg-version="$series" --builddir="$T/b"
is "$(rc)" 0 "--ffmpeg-version=$series succeeds with an unpacked tree"
like "$(out)" "reusing $T/b/ffmpeg/ffmpeg-$v" "the unpacked $v tree is reused"

# A damaged tarball with a release's name is refused.
mkdir -p "$T/bad" && head -c 100000 "$tb" >"$T/bad/ffmpeg-$v.tar.xz"
run --ffmpeg-tarball="$T/bad/ffmpeg-$v.tar.xz" --builddir="$T/b2"
isnt "$(rc)" 0 "a damaged release tarball fails"
like "$(out)" 'SHA-256 .* does not match' "the error says the checksum does not match"

# --ffmpeg-source: an unpacked tree is used where it is.
mkdir -p "$T/own" && tar -xJf "$tb" -C "$T/own"
run --ffmpeg-source="$T/own/ffmpeg-$v" --builddir="$T/b3"
is "$(rc)" 0 "--ffmpeg-source succeeds"
like "$(cat "$T/w/config.mk")" "^FFMPEG_SRC = $T/own/ffmpeg-$v\$" "config.mk points at the given tree"
check "the given tree is registered" grep -qxF 'extern const URLProtocol ff_seedance_protocol;' \
    "$T/own/ffmpeg-$v/libavformat/protocols.c"

run --disable-ffmpeg --builddir="$T/b4"
is "$(rc)" 0 "--disable-ffmpeg succeeds"
like "$(cat "$T/w/config.mk")" '^WITH_FFMPEG = 0$' "config.mk: WITH_FFMPEG = 0"
check "--disable-ffmpeg fetches nothing" test ! -e "$T/b4/ffmpeg"

done_testing
