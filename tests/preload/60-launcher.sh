#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# "seedance run" and the library around everything that is not a seedance:
# URL: other inputs give the same bytes as without it, the binding really
# goes to the library, programs it cannot serve are named before they run.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload

# --- other inputs are untouched -------------------------------------------
"$FFMPEG" -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=d=2:s=320x240 \
    -f lavfi -i sine=d=2 -c:v libx264 -preset ultrafast -c:a aac "$T/in.mp4"
a=$("$FFMPEG" -hide_banner -nostdin -loglevel error -i "$T/in.mp4" -map 0 -f md5 - 2>&1)
b=$(srun ffmpeg -hide_banner -nostdin -loglevel error -i "$T/in.mp4" -map 0 -f md5 - 2>&1)
like "$a" "^MD5=[0-9a-f]{32}$" "ffmpeg -i file.mp4 decodes to an MD5"
is "$b" "$a" "-i file.mp4: the same decoded MD5 with the launcher"
a=$("$FFMPEG" -hide_banner -nostdin -loglevel error -f lavfi -i testsrc=d=1 -f md5 - 2>&1)
b=$(srun ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i testsrc=d=1 -f md5 - 2>&1)
is "$b" "$a" "-f lavfi -i testsrc: the same MD5 with the launcher"
"$FFMPEG" -hide_banner -nostdin -loglevel error -y -i "$T/in.mp4" -c:v libx264 -preset ultrafast -c:a aac -fflags +bitexact -flags:v +bitexact -flags:a +bitexact "$T/plain.mp4"
srun ffmpeg -hide_banner -nostdin -loglevel error -y -i "$T/in.mp4" -c:v libx264 -preset ultrafast -c:a aac -fflags +bitexact -flags:v +bitexact -flags:a +bitexact "$T/run.mp4"
is "$(sha256sum <"$T/run.mp4")" "$(sha256sum <"$T/plain.mp4")" "a transcode writes the same file with the launcher"
a=$("$FFPROBE" -v error -show_format -show_streams "$T/in.mp4" 2>&1)
b=$(srun ffprobe -v error -show_format -show_streams "$T/in.mp4" 2>&1)
is "$b" "$a" "ffprobe reports the same with the launcher"
a=$("$FFMPEG" -hide_banner -nostdin -i "$T/nosuch.mp4" 2>&1; echo "rc=$?")
b=$(srun ffmpeg -hide_banner -nostdin -i "$T/nosuch.mp4" 2>&1; echo "rc=$?")
is "$b" "$a" "a missing file fails the same way"
a=$("$FFMPEG" -hide_banner -nostdin -i "nosuchscheme:x" 2>&1; echo "rc=$?")
b=$(srun ffmpeg -hide_banner -nostdin -i "nosuchscheme:x" 2>&1; echo "rc=$?")
is "$b" "$a" "an unknown protocol fails the same way"

# --- the binding and the library's shape ----------------------------------
log=$(LD_BIND_NOW=1 LD_DEBUG=bindings srun ffmpeg -hide_banner -version 2>&1 >/dev/null)
like "$log" "binding file ffmpeg \[0\] to [^ ]*libseedance-preload\.so \[0\]: normal symbol .avformat_open_input. \[LIBAVFORMAT_[0-9]+\]" \
    "ffmpeg's versioned avformat_open_input reference binds to the library's definition"
like "$log" "binding file [^ ]*libavfilter\.so[.0-9]* \[0\] to [^ ]*libseedance-preload\.so \[0\]: normal symbol .avformat_open_input." \
    "so does libavfilter's (movie=)"
needed=$(readelf -d "$PRELOAD_SO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
unlike "$needed" "libav" "the library links no libav* (it uses the program's: $needed)"
exported=$(nm -D --defined-only "$PRELOAD_SO" | awk '$2 == "T" { print $3 }' | sort | tr '\n' ' ')
is "$exported" "av_log avformat_close_input avformat_open_input avio_close avio_closep avio_open avio_open2 seedance_preload_libavformat_major " \
    "the library exports the interposed functions and its version query, nothing of libseedance"

# --- the launcher ----------------------------------------------------------
log=$(srun sh -c 'echo "$LD_PRELOAD"' 2>&1)
is "$log" "$(cd "$B/lib" && pwd -P)/libseedance-preload.so" "LD_PRELOAD names the library found next to the command"
log=$(LD_PRELOAD=/nonexistent/other.so srun sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
like "$log" "libseedance-preload\.so:/nonexistent/other\.so$" "the library goes first, an existing LD_PRELOAD stays after it"
check "a program without libavformat runs normally under the library" srun true
check_fails "its exit status is kept" srun false
srun sh -c 'exit 7'
is "$?" 7 "the program's own exit status is returned"
mkdir -p "$T/elsewhere"
cp "$PRELOAD_SO" "$T/elsewhere/"
log=$(SEEDANCE_PRELOAD=$T/elsewhere/libseedance-preload.so srun sh -c 'echo "$LD_PRELOAD"' 2>&1)
is "$log" "$(cd "$T/elsewhere" && pwd -P)/libseedance-preload.so" "SEEDANCE_PRELOAD names another copy"
log=$(SEEDANCE_PRELOAD=$T/nosuch.so srun true 2>&1)
is "$?" 1 "a SEEDANCE_PRELOAD that does not exist fails"
like "$log" "SEEDANCE_PRELOAD=.*nosuch\.so: no such library" "and says so"
log=$("$SEEDANCE" run 2>&1)
is "$?" 2 "no program: usage error"
like "$log" "run needs a PROGRAM" "naming what is missing"
log=$(srun no-such-program-here 2>&1)
is "$?" 127 "a program that is not there: 127"
like "$log" "no-such-program-here: command not found" "named"

# Programs that cannot be served are refused before they run, by name.
cat >"$T/hello.c" <<'C'
#include <stdio.h>
/* What libavformat's identification looks like inside a program. */
const char ident[] = "Lavf61.7.100";
int main(void) { puts(ident); return 0; }
C
if cc -static -o "$T/static" "$T/hello.c" 2>/dev/null; then
    log=$(srun "$T/static" 2>&1)
    is "$?" 126 "a statically linked program: 126"
    like "$log" "seedance run: .*/static is statically linked: no library can be preloaded" "it is named as statically linked"
    unlike "$log" "Lavf61" "it did not run"
else
    skip "a statically linked program is refused" "cc -static does not work here"
fi
cc -o "$T/lavf-inside" "$T/hello.c"
log=$(srun "$T/lavf-inside" 2>&1)
is "$?" 126 "a program with libavformat linked in: 126"
like "$log" "lavf-inside has libavformat linked into it" "it is named as such"
# An executable with libavformat and the seedance protocol inside (what
# this project's ffmpeg looks like to the check) runs as it is.
cat >"$T/builtin.c" <<'C'
#include <stdio.h>
const char ident[] = "Lavf61.7.100";
const char option[] = "seedance_cache_dir";   /* the protocol's AVOption name */
#include <stdlib.h>
int main(void)
{
    const char *p = getenv("LD_PRELOAD");
    printf("%s %s preload=%s\n", ident, option, p ? p : "none");
    return 0;
}
C
cc -o "$T/builtin" "$T/builtin.c"
log=$(srun "$T/builtin" 2>&1)
is "$?" 0 "a program with libavformat and the seedance protocol inside runs"
like "$log" "^Lavf61" "and is not refused"
like "$log" "preload=none$" "without the library preloaded: it has the protocol"
major=$(pkg-config --modversion libavformat | cut -d. -f1)
other=$((major + 2))
printf 'int avformat_version(void) { return %d << 16; }\n' "$other" >"$T/lavf.c"
cc -shared -fPIC -Wl,-soname,libavformat.so.$other -o "$T/libavformat.so.$other" "$T/lavf.c"
printf 'int avformat_version(void);\nint main(void) { return avformat_version() == 0; }\n' >"$T/uses.c"
cc -o "$T/uses-other" "$T/uses.c" "$T/libavformat.so.$other" -Wl,-rpath,"$T"
log=$(srun "$T/uses-other" 2>&1)
is "$?" 126 "a program on libavformat.so.$other: 126"
like "$log" "uses-other uses libavformat\.so\.$other, but libseedance-preload\.so was built for libavformat\.so\.$major" \
    "the two major versions are named"

# The library's own guard, for what the launcher cannot see (a script that
# starts the program): a stand-in libavformat of another major version, with
# just what the library looks up, and a program that opens two URLs with it.
cat >"$T/fake.c" <<C
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
int avformat_version(void) { return $other << 16; }
int avformat_open_input(void **ps, const char *url, void *fmt, void **opts)
{ (void)ps; (void)fmt; (void)opts; printf("real open %s\\n", url); return 0; }
void avformat_close_input(void **ps) { (void)ps; }
void *avformat_alloc_context(void) { return calloc(1, 4096); }
void avformat_free_context(void *s) { free(s); }
void av_vlog(void *ctx, int level, const char *fmt, va_list ap) { (void)ctx; (void)level; vprintf(fmt, ap); }
C
cat >"$T/opener.c" <<'C'
#include <stdio.h>
int avformat_open_input(void **ps, const char *url, void *fmt, void **opts);
int main(void)
{
    void *ctx = NULL;
    printf("ret %d\n", avformat_open_input(&ctx, "seedance:?prompt=never sent", NULL, NULL));
    printf("ret %d\n", avformat_open_input(&ctx, "file:other.mp4", NULL, NULL));
    return 0;
}
C
mkdir -p "$T/fake"
cc -shared -fPIC -Wl,-soname,libavformat.so.$other -o "$T/fake/libavformat.so.$other" "$T/fake.c"
cc -o "$T/opener" "$T/opener.c" "$T/fake/libavformat.so.$other" -Wl,-rpath,"$T/fake"
log=$(srun sh -c '"$0"' "$T/opener" 2>&1)
like "$log" "libseedance-preload was built for libavformat $major, this program uses libavformat $other" \
    "a seedance: URL in a program on another libavformat gets a clear error"
like "$log" "ret -38" "and AVERROR(ENOSYS), without calling the real function for it"
like "$log" "real open file:other.mp4" "other URLs still go to the real function"
unlike "$log" "real open seedance:" "the seedance: URL never reaches the real function"

done_testing
