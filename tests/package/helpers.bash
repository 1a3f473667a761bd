# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by tests/package/*.sh, after tests/lib.sh: the package "make deb"
# built, installed with apt-get (as root: these tests change the system).

# need_deb   stop the script (one failure) unless the package and root are there
need_deb() {
    DEB=$(ls "$B"/deb/seedance_*_*.deb 2>/dev/null | head -n 1)
    [ -n "$DEB" ] || bail "no $B/deb/seedance_*.deb: run make deb first"
    [ "$(id -u)" -eq 0 ] || bail "installing the package needs root (apt-get)"
    VERSION=$(sed -n 's/^#define SEEDANCE_VERSION "\(.*\)"/\1/p' "$TOP/include/seedance.h")
}

# clip_ok FILE WHAT   the file is the emulator's 4 s 480p clip with audio
clip_ok() {
    is "$(/usr/bin/ffprobe -v error -show_entries stream=codec_type,width,height -of csv=p=0 "$1" | tr '\n' ' ')" \
        "video,864,496 audio " "$2: a 864x496 video and an audio stream"
}
