#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The journal in PostgreSQL, function by function (tests/journal/journal_pg.c),
# against a server of its own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

[ -x "$B/tests/journal-pg" ] || bail "no $B/tests/journal-pg: run make test-progs"
pg_start
"$B/tests/journal-pg"
