#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A team's setup: the database's owner creates the schema once (any
# seedance command), then grants a user's role what the journal needs. A
# role that may not create the schema is told so, and nothing is paid.
# The role alice logs in with a password: from $SEEDANCE_JOURNAL it works,
# and the password never appears in a log line, an error message, a file
# of the cache or the ledger; given on the command line it is refused
# without being repeated.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 0.4 --credits 100000
pg_start
owner=$SEEDANCE_JOURNAL
alice="postgresql://alice:$PG_PASSWORD@/journal?host=$PG_DIR"
no_password() { # no_password FILE DESCRIPTION
    if grep -q -- "$PG_PASSWORD" "$1"; then
        not_ok "$2" "the password is in $1:" "$(grep -- "$PG_PASSWORD" "$1" | head -n 3)"
    else ok "$2"; fi
}
gen() { # gen LOG [OPTIONS...]   seedance generate -v of one request as alice
    local log=$1
    shift
    SEEDANCE_JOURNAL=$alice "$SD" generate "a paper boat" --duration 4 --quality 480p \
        -o "$T/boat.mp4" -v "$@" >"$log" 2>&1
}

# before the schema exists, alice may not create it
gen "$T/noschema.log"
is "$?" 1 "a role that may not create the schema: the generate fails"
like "$(cat "$T/noschema.log")" "cannot create or update the schema seedance .*permission denied" \
    "it says the schema cannot be created, and why"
is "$(emu_stat submits)" 0 "nothing was submitted"
no_password "$T/noschema.log" "the password is not in that message"

# the owner creates it; alice's role is granted what the journal needs
run_ok "$T/owner.log" "the owner's first command creates the schema" "$SD" ledger
pg_sql "GRANT USAGE ON SCHEMA seedance TO alice;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA seedance TO alice;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA seedance TO alice" >/dev/null
gen "$T/alice.log"
is "$?" 0 "alice, password in \$SEEDANCE_JOURNAL: the clip is generated"
like "$(cat "$T/alice.log")" "journal database \(host=$PG_DIR dbname=journal user=alice\)" \
    "the log names the database and the role"
no_password "$T/alice.log" "the password is in none of its log lines"
grep -rlq -- "$PG_PASSWORD" "$T/cache" && not_ok "nor in any file of the cache" ||
    ok "nor in any file of the cache"
is "$(pg_sql "SELECT db_role || ' ' || os_user FROM seedance.submits")" "alice $(id -un)" \
    "the row records the database role and the user"
SEEDANCE_JOURNAL=$owner "$SD" ledger --json >"$T/ledger.json" 2>/dev/null
is "$(json_get "$(cat "$T/ledger.json")" .entries[0].role)" alice "the ledger shows the role"

# a wrong password, and a stopped server: the messages keep the password out
SEEDANCE_JOURNAL="postgresql://alice:wrong-$PG_PASSWORD-x@/journal?host=$PG_DIR" \
    "$SD" generate "another boat" --duration 4 --quality 480p -o "$T/x.mp4" -v >"$T/wrong.log" 2>&1
is "$?" 1 "a wrong password: the generate fails"
like "$(cat "$T/wrong.log")" "password authentication failed for user \"?alice" "it says why"
no_password "$T/wrong.log" "without the password"
pg_down
gen "$T/down.log" --new
is "$?" 1 "the server stopped: the generate fails"
like "$(cat "$T/down.log")" "cannot be reached" "it says the database cannot be reached"
no_password "$T/down.log" "without the password"
pg_up || bail "the server did not start again"

# on the command line: refused, not repeated
"$SD" generate "a third boat" --journal "$alice" -o "$T/y.mp4" >"$T/cmdline.log" 2>&1
is "$?" 2 "a password on the command line is refused"
like "$(cat "$T/cmdline.log")" "journal: a connection string with a password is not accepted on the command line" \
    "it says why and where the password goes instead"
no_password "$T/cmdline.log" "without repeating it"
SEEDANCE_JOURNAL= "$SD" generate "a third boat" --journal "$owner" -o "$T/y.mp4" -q >"$T/cmd2.log" 2>&1
is "$?" 0 "a connection string without a password is taken on the command line"
is "$(emu_stat submits)" 2 "two submits in all (alice's and the last)"
done_testing
