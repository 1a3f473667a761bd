#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The package on a clean Debian: a fresh chroot of this machine's Debian
# release (mmdebstrap, from this machine's Debian archive) with nothing but
# apt and Debian's ffmpeg; "apt-get install ./seedance_*.deb" in it pulls
# what the package declares, and the installed command serves the chroot's
# /usr/bin/ffmpeg against the emulator on this machine.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$TOP/tools/debian-archive.sh"
need_deb
command -v mmdebstrap >/dev/null 2>&1 || bail "no mmdebstrap (Debian package mmdebstrap)"
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || bail "no VERSION_CODENAME in /etc/os-release"
mirror=$(debian_archive | head -n 1 | cut -d' ' -f1)
[ -n "$mirror" ] || bail "no Debian archive in this machine's apt sources"

root=$T/root
# (the package lists stay, for the apt-get install below)
run_ok "$T/mmdebstrap.log" "a clean $suite chroot with Debian's ffmpeg" \
    mmdebstrap --variant=apt --include=ffmpeg --skip=cleanup/apt/lists "$suite" "$root" "$mirror"
[ -x "$root/usr/bin/ffmpeg" ] || bail "the chroot has no ffmpeg"
cp "$DEB" "$root/tmp/"
run_ok "$T/apt.log" "apt-get install ./$(basename "$DEB") in it" \
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "/tmp/$(basename "$DEB")"
is "$(chroot "$root" dpkg-query -W -f '${Status}' seedance)" "install ok installed" "the package is installed"
for f in /usr/bin/seedance $(chroot "$root" dpkg -L seedance | grep '/libseedance-preload\.so$'); do
    unlike "$(chroot "$root" ldd "$f" 2>&1)" "not found" "every library $f needs came with it ($(basename "$f"))"
done

emu_start
run_ok "$T/ff.log" "the installed seedance run serves the chroot's Debian ffmpeg" \
    chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root \
    SEEDANCE_API_BASE="$SEEDANCE_API_BASE" SEEDANCE_FILES_BASE="$SEEDANCE_FILES_BASE" \
    SEEDANCE_API_KEY="$SEEDANCE_API_KEY" SEEDANCE_CACHE_DIR=/tmp/cache \
    seedance run ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?prompt=a clean debian&duration=4&quality=480p" -c copy /tmp/out.mp4
clip_ok "$root/tmp/out.mp4" "the clip"
is "$(emu_stat tasks)" 1 "one paid task"

done_testing
