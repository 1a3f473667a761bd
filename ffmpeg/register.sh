#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Registers the project's FFmpeg components in an unpacked FFmpeg source
# tree: copies the sources into it and edits FFmpeg's tables, Makefiles
# and configure so that "--enable-libseedance" builds them.
#
#   ffmpeg/register.sh [--quiet] FFMPEG_SOURCE_DIR
#
# --quiet: report only the changes made (nothing when there were none).
#
# FFmpeg has no plugin interface: protocols and filters are found through
# tables that FFmpeg's configure generates from libavformat/protocols.c
# and libavfilter/allfilters.c. Every edit here is
#   - idempotent: a line that is already there is not added again, a copy
#     that is already current is not made again (so a second run changes
#     nothing, not even a time stamp);
#   - anchored: it goes next to a line FFmpeg has had since 5.1; when that
#     anchor is missing the script stops with "unknown FFmpeg layout",
#     naming the file and the anchor, instead of producing a broken build;
#   - verified: the edited file is checked for the new line afterwards.
#
# The project sources are taken from the directory this script lives in:
#   ffmpeg/libavformat/seedance.c    the seedance: protocol
#   filters/<kind>_<name>.c          filters (libavfilter); other filters/*.c
#                                    and *.h: shared by the filters
set -eu

me=register.sh
quiet=0
[ "${1:-}" = "--quiet" ] && { quiet=1; shift; }
if [ $# -ne 1 ]; then
    echo "usage: ffmpeg/register.sh [--quiet] FFMPEG_SOURCE_DIR" >&2
    exit 2
fi
src=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

die()  { echo "$me: $*" >&2; exit 1; }
say()  { [ "$quiet" -eq 1 ] || echo "$me: $*"; }   # summaries (not with --quiet)
told() { echo "$me: $*"; }                        # a change made: always told
layout() { # layout FILE WHAT
    die "unknown FFmpeg layout: $src/$1: $2"
}

[ -d "$src" ] || die "FFmpeg source directory '$src' does not exist"
for f in configure libavformat/Makefile libavformat/protocols.c libavformat/img2dec.c \
         libavfilter/Makefile libavfilter/allfilters.c; do
    [ -f "$src/$f" ] || layout "$f" "file missing (is '$src' an FFmpeg source tree?)"
done

# --- versions ----------------------------------------------------------
# The library majors decide the form of some declarations. 5.1 has
# version_major.h; older trees keep the define in version.h.
lib_major() { # lib_major LIBDIR NAME
    for h in "$src/$1/version_major.h" "$src/$1/version.h"; do
        [ -f "$h" ] || continue
        v=$(sed -n "s/^#define LIB$2_VERSION_MAJOR  *\([0-9][0-9]*\).*/\1/p" "$h")
        [ -n "$v" ] && { echo "$v"; return 0; }
    done
    layout "$1/version_major.h" "no LIB$2_VERSION_MAJOR define"
}
lavf_major=$(lib_major libavformat AVFORMAT)
lavfi_major=$(lib_major libavfilter AVFILTER)
# libavformat 59 is FFmpeg 5.0/5.1, the oldest series the protocol supports.
[ "$lavf_major" -ge 59 ] ||
    die "FFmpeg with libavformat $lavf_major is too old: FFmpeg 5.1 (libavformat 59) or newer is needed"
say "FFmpeg tree $src: libavformat $lavf_major, libavfilter $lavfi_major"

# --- edit primitives ---------------------------------------------------
changed=0

# add_line FILE ANCHOR_ERE LINE [before]
# Adds LINE after (or before) the single line of FILE matching ANCHOR_ERE,
# unless FILE already has LINE. Fails naming FILE and the anchor when the
# anchor does not match exactly one line.
add_line() {
    f=$src/$1 anchor=$2 line=$3 where=${4:-after}
    grep -qxF -- "$line" "$f" && return 0
    n=$(grep -cE -- "$anchor" "$f" || true)
    [ "$n" -eq 1 ] ||
        layout "$1" "expected exactly one line matching /$anchor/ to add '$line' next to, found $n"
    # Passed through the environment: awk -v would interpret backslashes.
    RE=$anchor LINE=$line WHERE=$where awk '
        BEGIN { re = ENVIRON["RE"]; line = ENVIRON["LINE"]; where = ENVIRON["WHERE"] }
        $0 ~ re && where == "before" { print line }
        { print }
        $0 ~ re && where == "after"  { print line }
    ' "$f" >"$f.seedance-tmp"
    cat "$f.seedance-tmp" >"$f"    # keeps the file's mode (configure is executable)
    rm -f "$f.seedance-tmp"
    grep -qxF -- "$line" "$f" || die "$f: adding '$line' failed"
    told "$1: added '$line'"
    changed=$((changed + 1))
}

# copy_file FROM TO: copies only when the content differs, so that FFmpeg's
# make rebuilds the object exactly when the project's source changed.
copy_file() {
    [ -f "$1" ] || die "$1: missing"
    if ! cmp -s "$1" "$src/$2"; then
        cp "$1" "$src/$2"
        cmp -s "$1" "$src/$2" || die "$src/$2: copy failed"
        told "$2: copied from ${1#"$top"/}"
        changed=$((changed + 1))
    fi
}

# --- libseedance as an external library in FFmpeg's configure ----------
# Wired like libsrt: an --enable-libseedance switch (help text, the
# EXTERNAL_LIBRARY_LIST entry), found with pkg-config (seedance.pc).
add_line configure '^  --enable-libsrt +enable ' \
    '  --enable-libseedance     enable the seedance: protocol (Seedance 2.0 video generation) via libseedance [no]' before
add_line configure '^    \$EXTERNAL_LIBRARY_GPLV3_LIST$' '    libseedance'
add_line configure '^enabled libsrt +&& require_pkg_config ' \
    'enabled libseedance       && require_pkg_config libseedance seedance seedance.h seedance_client_new'

# --- the seedance: protocol (libavformat) -------------------------------
copy_file "$here/libavformat/seedance.c" libavformat/seedance.c
# FFmpeg's configure collects protocols with a regular expression over
# protocols.c: the declaration must have exactly this form.
add_line libavformat/protocols.c '^extern const URLProtocol ff_file_protocol;$' \
    'extern const URLProtocol ff_seedance_protocol;'
add_line libavformat/Makefile '^OBJS-\$\(CONFIG_FILE_PROTOCOL\) +\+= file\.o$' \
    'OBJS-$(CONFIG_SEEDANCE_PROTOCOL)         += seedance.o'
add_line configure '^libsrt_protocol_select="network"$' 'seedance_protocol_deps="libseedance"'

# The image2 demuxer claims, by its name alone, a URL that contains '?'
# and ends in an image extension, before any protocol is opened: it would
# read "seedance:?prompt=...&image=first.png" as a PNG (after generating
# it) or, when the image is bad, bury the protocol's error under "Could
# find no file or sequence with path ...". A seedance: URL is a video.
add_line libavformat/img2dec.c '^    if \(p->filename && ff_guess_image2_codec\(p->filename\)\) \{$' \
    '    if (p->filename && !strncmp(p->filename, "seedance:", 9)) return 0; // a generated video, whatever its name ends with' before

# --- filters (libavfilter) ----------------------------------------------
# Each filters/<kind>_<name>.c (kind: vsrc, asrc, avsrc, vf, af, ... as
# FFmpeg's configure reads them: two to five of the letters avfsinkrc)
# defines the filter ff_<kind>_<name>. The other filters/*.c are sources
# the filters share, and filters/*.h their headers: copied too, and built
# with every filter.
#
# allfilters.c declares filters as "const AVFilter" up to libavfilter 10
# (FFmpeg 7.1) and as "const FFFilter" from libavfilter 11 (FFmpeg 8.0) on.
# FFmpeg's configure skips a declaration of the wrong type without a word
# (the filter is then simply missing), so the type is checked against the
# tree's own declaration of testsrc, and a declaration of the other type
# (left by an earlier registration) is removed.
if [ "$lavfi_major" -ge 11 ]; then
    filter_type=FFFilter other_type=AVFilter
else
    filter_type=AVFilter other_type=FFFilter
fi
tree_type=$(sed -n 's/^extern const \([A-Za-z]*\) ff_vsrc_testsrc;$/\1/p' "$src/libavfilter/allfilters.c")
[ "$tree_type" = "$filter_type" ] ||
    layout libavfilter/allfilters.c "libavfilter $lavfi_major should declare filters as 'const $filter_type', the tree declares testsrc as '${tree_type:-nothing}'"

# put_line FILE KEY ANCHOR_ERE LINE: the line of FILE starting with KEY
# (fixed text) becomes LINE; without one, LINE is added after the anchor.
put_line() {
    f=$src/$1 key=$2
    grep -qxF -- "$4" "$f" && [ "$(grep -cF -- "$key" "$f")" -eq 1 ] && return 0
    if grep -qF -- "$key" "$f"; then
        KEY=$key LINE=$4 awk '
            BEGIN { key = ENVIRON["KEY"]; line = ENVIRON["LINE"] }
            index($0, key) == 1 { if (!done) print line; done = 1; next }
            { print }
        ' "$f" >"$f.seedance-tmp"
        cat "$f.seedance-tmp" >"$f"
        rm -f "$f.seedance-tmp"
        grep -qxF -- "$4" "$f" || die "$f: replacing the line starting with '$key' failed"
        told "$1: set '$4'"
        changed=$((changed + 1))
    else
        add_line "$1" "$3" "$4"
    fi
}

# drop_line FILE LINE: removes every copy of LINE.
drop_line() {
    f=$src/$1
    grep -qxF -- "$2" "$f" || return 0
    grep -vxF -- "$2" "$f" >"$f.seedance-tmp" || true
    cat "$f.seedance-tmp" >"$f"
    rm -f "$f.seedance-tmp"
    ! grep -qxF -- "$2" "$f" || die "$f: removing '$2' failed"
    told "$1: removed '$2'"
    changed=$((changed + 1))
}

is_filter() { # is_filter BASENAME
    echo "$1" | grep -qE '^[avfsinkrc]{2,5}_[a-z0-9_]+$'
}

shared=
for c in "$top"/filters/*.c "$top"/filters/*.h; do
    [ -f "$c" ] || continue
    file=$(basename "$c")
    base=${file%.*}
    is_filter "$base" && [ "${file##*.}" = c ] && continue
    copy_file "$c" "libavfilter/$file"
    [ "${file##*.}" = c ] && shared="$shared $base.o"
done
for c in "$top"/filters/*.c; do
    [ -f "$c" ] || continue
    base=$(basename "$c" .c)          # e.g. vsrc_seedance
    is_filter "$base" || continue
    name=${base#*_}                    # e.g. seedance
    upper=$(echo "$name" | tr 'a-z' 'A-Z')
    copy_file "$c" "libavfilter/$base.c"
    drop_line libavfilter/allfilters.c "extern const $other_type ff_$base;"
    add_line libavfilter/allfilters.c "^extern const $filter_type ff_vsrc_testsrc;\$" \
        "extern const $filter_type ff_$base;"
    put_line libavfilter/Makefile "OBJS-\$(CONFIG_${upper}_FILTER) " \
        '^OBJS-\$\(CONFIG_TESTSRC_FILTER\) +\+= vsrc_testsrc\.o$' \
        "OBJS-\$(CONFIG_${upper}_FILTER) += $base.o$shared"
    put_line configure "${name}_filter_deps=" '^movie_filter_deps="avcodec avformat"$' \
        "${name}_filter_deps=\"libseedance avcodec avformat swscale swresample\""
    # what FFmpeg's configure reads from allfilters.c (its own expression)
    sed -n "s/^extern const $filter_type ff_\([avfsinkrc]\{2,5\}\)_\(.*\);/\2/p" \
        "$src/libavfilter/allfilters.c" | grep -qxF -- "$name" ||
        die "$src/libavfilter/allfilters.c: FFmpeg's configure would not find filter '$name'"
done

if [ "$changed" -eq 0 ]; then
    say "already registered, nothing changed"
else
    say "$changed change(s) made"
fi
