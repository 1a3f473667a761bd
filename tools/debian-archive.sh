# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by ./configure (the deb-src entry it fetches FFmpeg's source
# through) and tests/package (the clean Debian chroot the package is
# installed in): the Debian archive this machine's apt uses.

# The URIs (and keyring) of this machine's Debian archive entry: the one
# whose suite is a plain code name (not -security, -updates, -backports),
# from deb822 .sources files or the one-line sources.list format.
# Prints "URI [KEYRING]".
debian_archive() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
                    n = split(suites, s, " ")
                    for (i = 1; i <= n; i++)
                        if (s[i] !~ /[-\/]/) { split(uris, u, " "); print u[1], keyring; exit }
                }
                types = uris = suites = keyring = enabled = ""
            }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            { key = tolower($1); sub(/^[^:]*:[ \t]*/, ""); }
            key == "types:" { types = $0 }
            key == "uris:" { uris = $0 }
            key == "suites:" { suites = $0 }
            key == "signed-by:" { keyring = $0 }
            key == "enabled:" { enabled = tolower($0) }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            $1 != "deb" { next }
            {
                keyring = ""; i = 2
                if ($2 ~ /^\[/) {
                    for (; i <= NF; i++) {
                        if ($i ~ /^\[?signed-by=/) { keyring = $i; sub(/^\[?signed-by=/, "", keyring); sub(/\]$/, "", keyring) }
                        if ($i ~ /\]$/) { i++; break }
                    }
                }
                if ($(i + 1) !~ /[-\/]/) { print $i, keyring; exit }
            }
        ' "$f"
    done
}
