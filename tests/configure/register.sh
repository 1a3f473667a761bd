#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ffmpeg/register.sh on pristine FFmpeg trees (every release tarball that
# ./configure downloaded into $B/downloads): the edits are made once and
# understood by FFmpeg's own configure, a second run changes nothing, a
# changed protocol source is copied again, filters get the declaration type
# of their libavfilter version, and an unknown layout fails clearly.
. "$(dirname "$0")/../lib.sh"

tarballs=$(ls "$B"/downloads/ffmpeg[-_]*.tar.xz 2>/dev/null || true)
if [ -z "$tarballs" ]; then
    skip "registration in FFmpeg trees" "no FFmpeg tarball in $B/downloads (run ./configure)"
    done_testing; exit
fi

# A copy of the project's registration inputs, so the test can change the
# protocol source and add a filter without touching the checkout.
proj=$T/proj
mkdir -p "$proj/ffmpeg/libavformat" "$proj/filters"
cp "$TOP/ffmpeg/register.sh" "$proj/ffmpeg/"
cp "$TOP/ffmpeg/libavformat/seedance.c" "$proj/ffmpeg/libavformat/"
reg=$proj/ffmpeg/register.sh

# Checksums and time stamps of every file registration may touch.
state() {
    (cd "$1" && for f in configure libavformat/protocols.c libavformat/Makefile \
            libavformat/seedance.c libavformat/img2dec.c libavfilter/allfilters.c libavfilter/Makefile \
            libavfilter/vsrc_fake.c; do
        [ -f "$f" ] && echo "$(md5sum <"$f" | cut -d' ' -f1) $(stat -c %Y "$f") $(stat -c %a "$f") $f"
    done)
}
count() { grep -cxF -- "$2" "$1" || true; }

for tb in $tarballs; do
    top=$(tar -tJf "$tb" | head -n 1 | cut -d/ -f1)
    v=${top#ffmpeg-}
    rm -rf "$T/$top"
    tar -xJf "$tb" -C "$T"
    src=$T/$top

    out=$("$reg" "$src" 2>&1); rc=$?
    is "$rc" 0 "$v: first registration succeeds"
    is "$(count "$src/libavformat/protocols.c" 'extern const URLProtocol ff_seedance_protocol;')" 1 \
        "$v: protocols.c declares ff_seedance_protocol once, in configure's form"
    is "$(count "$src/libavformat/Makefile" 'OBJS-$(CONFIG_SEEDANCE_PROTOCOL)         += seedance.o')" 1 \
        "$v: libavformat/Makefile builds seedance.o"
    is "$(count "$src/configure" 'seedance_protocol_deps="libseedance"')" 1 "$v: configure: protocol depends on libseedance"
    is "$(count "$src/configure" '    libseedance')" 1 "$v: configure: libseedance is an external library"
    is "$(count "$src/configure" 'enabled libseedance       && require_pkg_config libseedance seedance seedance.h seedance_client_new')" 1 \
        "$v: configure: libseedance found with pkg-config"
    check "$v: seedance.c copied" cmp "$proj/ffmpeg/libavformat/seedance.c" "$src/libavformat/seedance.c"
    is "$(grep -c '"seedance:", 9)) return 0;' "$src/libavformat/img2dec.c")" 1 \
        "$v: img2dec.c: the image2 demuxer does not take a seedance: URL for an image name"
    check "$v: FFmpeg's configure stays executable" test -x "$src/configure"

    # FFmpeg's configure itself sees the new switch and protocol.
    like "$(cd "$src" && ./configure --help 2>&1)" '^  --enable-libseedance ' "$v: ./configure --help lists --enable-libseedance"
    like "$(cd "$src" && ./configure --list-protocols 2>&1)" '(^|[[:space:]])seedance([[:space:]]|$)' \
        "$v: ./configure --list-protocols lists seedance"

    before=$(state "$src")
    out=$("$reg" "$src" 2>&1); rc=$?
    is "$rc" 0 "$v: second registration succeeds"
    like "$out" 'nothing changed' "$v: second registration reports nothing changed"
    is "$(state "$src")" "$before" "$v: second registration changes no file (content, time stamp, mode)"
    out=$("$reg" --quiet "$src" 2>&1)
    is "$out" "" "$v: --quiet prints nothing when nothing changed"

    # An edited protocol source is copied again, and only it.
    echo "/* edited */" >>"$proj/ffmpeg/libavformat/seedance.c"
    out=$("$reg" --quiet "$src" 2>&1)
    like "$out" 'libavformat/seedance.c: copied' "$v: a changed seedance.c is reported as copied"
    check "$v: the changed seedance.c is in the tree" cmp "$proj/ffmpeg/libavformat/seedance.c" "$src/libavformat/seedance.c"
    is "$(count "$src/libavformat/protocols.c" 'extern const URLProtocol ff_seedance_protocol;')" 1 "$v: still declared once"
    cp "$TOP/ffmpeg/libavformat/seedance.c" "$proj/ffmpeg/libavformat/"

    # Filters: "const FFFilter" from libavfilter 11 (FFmpeg 8.0) on, before
    # that "const AVFilter" (FFmpeg's configure ignores the wrong one).
    lavfi=$(sed -n 's/^#define LIBAVFILTER_VERSION_MAJOR  *\([0-9]*\).*/\1/p' "$src/libavfilter/version_major.h")
    if [ "$lavfi" -ge 11 ]; then type=FFFilter; else type=AVFilter; fi
    echo "/* a filter */" >"$proj/filters/vsrc_fake.c"
    out=$("$reg" "$src" 2>&1); rc=$?
    is "$rc" 0 "$v: registration with a filter succeeds"
    is "$(count "$src/libavfilter/allfilters.c" "extern const $type ff_vsrc_fake;")" 1 \
        "$v: libavfilter $lavfi: filter declared as const $type"
    is "$(count "$src/libavfilter/Makefile" 'OBJS-$(CONFIG_FAKE_FILTER) += vsrc_fake.o')" 1 "$v: libavfilter/Makefile builds the filter"
    like "$(cd "$src" && ./configure --list-filters 2>&1)" '(^|[[:space:]])fake([[:space:]]|$)' \
        "$v: ./configure --list-filters lists the filter"
    before=$(state "$src")
    "$reg" "$src" >/dev/null 2>&1
    is "$(state "$src")" "$before" "$v: with a filter, a second run changes nothing"
    rm -f "$proj/filters/vsrc_fake.c"

    # The project's filters: their shared sources copied and built with each
    # filter, the declaration type checked, stale lines of an earlier
    # registration fixed.
    cp "$TOP"/filters/*.c "$TOP"/filters/*.h "$proj/filters/"
    out=$("$reg" "$src" 2>&1); rc=$?
    is "$rc" 0 "$v: registration of the seedance filters succeeds"
    shared=$(cd "$proj/filters" && ls *.c | grep -vE '^[avfsinkrc]{2,5}_' | sed 's/\.c$/.o/' | tr '\n' ' ' | sed 's/ $//')
    for f in vsrc_seedance vf_seedance_extend vf_seedance_bridge vf_seedance_edit; do
        n=${f#*_} u=$(echo "${f#*_}" | tr a-z A-Z)
        is "$(count "$src/libavfilter/allfilters.c" "extern const $type ff_$f;")" 1 "$v: $f declared once as const $type"
        is "$(count "$src/libavfilter/Makefile" "OBJS-\$(CONFIG_${u}_FILTER) += $f.o $shared")" 1 \
            "$v: libavfilter/Makefile builds $f with the shared sources"
        is "$(count "$src/configure" "${n}_filter_deps=\"libseedance avcodec avformat swscale swresample\"")" 1 \
            "$v: configure: $n depends on libseedance and the libraries it uses"
    done
    for h in "$proj"/filters/*.h "$proj"/filters/seedance_*.c; do
        check "$v: $(basename "$h") copied" cmp "$h" "$src/libavfilter/$(basename "$h")"
    done
    lf=$(cd "$src" && ./configure --list-filters 2>&1)
    for n in seedance seedance_extend seedance_bridge seedance_edit; do
        like "$lf" "(^|[[:space:]])$n([[:space:]]|\$)" "$v: ./configure --list-filters lists $n"
    done
    before=$(state "$src")
    out=$("$reg" "$src" 2>&1)
    like "$out" 'nothing changed' "$v: with the filters, a second run changes nothing"
    if [ "$type" = FFFilter ]; then other=AVFilter; else other=FFFilter; fi
    sed -i "s/^extern const $type ff_vsrc_seedance;\$/extern const $other ff_vsrc_seedance;/" \
        "$src/libavfilter/allfilters.c"
    sed -i 's/^OBJS-\$(CONFIG_SEEDANCE_FILTER) += .*/OBJS-$(CONFIG_SEEDANCE_FILTER) += vsrc_seedance.o/' \
        "$src/libavfilter/Makefile"
    out=$("$reg" "$src" 2>&1); rc=$?
    is "$rc" 0 "$v: registration over stale lines succeeds"
    is "$(count "$src/libavfilter/allfilters.c" "extern const $other ff_vsrc_seedance;")" 0 \
        "$v: a declaration of the wrong type (const $other) is removed"
    is "$(count "$src/libavfilter/allfilters.c" "extern const $type ff_vsrc_seedance;")" 1 \
        "$v: and the right one is back"
    is "$(grep -c '^OBJS-$(CONFIG_SEEDANCE_FILTER) ' "$src/libavfilter/Makefile")" 1 \
        "$v: a stale Makefile line is replaced, not doubled"
    like "$(cd "$src" && ./configure --list-filters 2>&1)" '(^|[[:space:]])seedance([[:space:]]|$)' \
        "$v: ./configure --list-filters lists seedance again"
    rm -f "$proj"/filters/*

    # Unknown layouts fail naming the file and the anchor, before editing.
    rm -rf "$T/u" && mkdir "$T/u" && tar -xJf "$tb" -C "$T/u"
    u=$T/u/$top
    sed -i '/^extern const URLProtocol ff_file_protocol;$/d' "$u/libavformat/protocols.c"
    out=$("$reg" "$u" 2>&1); rc=$?
    isnt "$rc" 0 "$v: a missing anchor fails"
    like "$out" 'unknown FFmpeg layout: .*libavformat/protocols\.c: .*ff_file_protocol' \
        "$v: the error names the file and the expected anchor"
    rm -f "$u/libavformat/Makefile"
    out=$("$reg" "$u" 2>&1); rc=$?
    isnt "$rc" 0 "$v: a missing file fails"
    like "$out" 'unknown FFmpeg layout: .*libavformat/Makefile: file missing' "$v: the error names the missing file"
    rm -rf "$T/u" "$src"
done

# Versions older than 5.1 are refused.
mkdir -p "$T/old/libavformat" "$T/old/libavfilter"
touch "$T/old/configure" "$T/old/libavformat/Makefile" "$T/old/libavformat/protocols.c" \
      "$T/old/libavformat/img2dec.c" \
      "$T/old/libavfilter/Makefile" "$T/old/libavfilter/allfilters.c"
echo '#define LIBAVFORMAT_VERSION_MAJOR  58' >"$T/old/libavformat/version.h"
echo '#define LIBAVFILTER_VERSION_MAJOR   7' >"$T/old/libavfilter/version.h"
out=$("$reg" "$T/old" 2>&1); rc=$?
isnt "$rc" 0 "libavformat 58 (FFmpeg 4.x) is refused"
like "$out" 'too old.*5\.1' "the refusal names the oldest supported version"
check_fails "a directory that is not an FFmpeg tree fails" "$reg" "$T/proj"

done_testing
