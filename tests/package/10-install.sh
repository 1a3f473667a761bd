#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The package on this machine: "apt-get install ./seedance_*.deb", then
# the installed seedance command runs Debian's own /usr/bin/ffmpeg against
# the emulator; the manuals, the completion and the development files are
# where Debian looks for them; no ffmpeg comes with it. The package is
# removed at the end unless it was installed before.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_deb
[ -x /usr/bin/ffmpeg ] || bail "no /usr/bin/ffmpeg (Debian package ffmpeg)"

was=$(dpkg-query -W -f '${Status}' seedance 2>/dev/null)
remove() { [ "$was" = "install ok installed" ] || apt-get remove --purge -y -q seedance >/dev/null 2>&1; }
trap 'remove; _cleanup' EXIT

run_ok "$T/apt.log" "apt-get install ./$(basename "$DEB")" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$DEB"
is "$(dpkg-query -W -f '${Status} ${Version}' seedance)" "install ok installed $VERSION" "seedance $VERSION is installed"
files=$(dpkg -L seedance)
unlike "$files" "/bin/ff(mpeg|probe|play)$" "the package holds no ffmpeg, ffprobe or ffplay"
is "$(command -v seedance)" /usr/bin/seedance "seedance is on PATH"
like "$(/usr/bin/seedance --version)" "^seedance $VERSION$" "it is this version"
like "$files" "/usr/lib/[a-z0-9_-]+/seedance/libseedance-preload\.so" "libseedance-preload.so in a private directory"
for m in seedance seedance-preload ffmpeg-seedance; do
    check "man $m: the manual is found" man -w "$m"
done
check "bash completion in /usr/share/bash-completion/completions" test -f /usr/share/bash-completion/completions/seedance
like "$(bash -c '. /usr/share/bash-completion/completions/seedance
    COMP_WORDS=(seedance gen); COMP_CWORD=1; _seedance seedance; echo "${COMPREPLY[*]}"')" "^generate$" \
    "the completion completes the commands"

# The development files: a program built against the installed library
is "$(pkg-config --modversion seedance)" "$VERSION" "pkg-config finds seedance $VERSION"
cat >"$T/prog.c" <<'C'
#include <stdio.h>
#include <seedance.h>
int main(void)
{
    printf("%s %s\n", SEEDANCE_VERSION, seedance_strerror(SEEDANCE_E_UNCERTAIN));
    return 0;
}
C
# shellcheck disable=SC2046
cc -o "$T/prog" "$T/prog.c" $(pkg-config --cflags --libs seedance) >"$T/cc.log" 2>&1
is "$?" 0 "a program compiles and links against the installed library"
like "$("$T/prog")" "^$VERSION " "and runs"

# Debian's ffmpeg through the installed command, against the emulator
emu_start
url="seedance:?prompt=an installed package&duration=4&quality=480p"
(cd "$T" && env PATH=/usr/bin:/bin seedance run /usr/bin/ffmpeg -hide_banner -nostdin -y -i "$url" \
    -c copy "$T/out.mp4") >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "the installed seedance run serves Debian's /usr/bin/ffmpeg"
[ "$rc" -eq 0 ] || show_log "$T/ff.log"
clip_ok "$T/out.mp4" "the clip"
like "$(cat "$T/ff.log")" "\[seedance @ 0x[0-9a-f]+\] Attached to task task-unified-" "through the preloaded library"
is "$(emu_stat tasks)" 1 "one paid task"

done_testing
