# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers of the shared journal's tests (tests/journal/*.sh), after
# tests/lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/helpers.bash"
#
# pg_start starts a real PostgreSQL server of Debian's postgresql package:
# initdb into a fresh directory, listening on a Unix socket in it only (no
# TCP), stopped and removed when the test ends. As root the server runs as
# the postgres user (PostgreSQL refuses root). Every wait is bounded.

SD=$BIN/seedance
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=
PG_AS=()
# the role with a password, and its password: only scram-sha-256 lets it in
PG_PASSWORD=pw-$$-$RANDOM-secret

_pg_cleanup() {
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1
    fi
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
    PG_DIR=
}
trap '_pg_cleanup; _cleanup' EXIT

# pg_sql SQL   run SQL in the journal's database as its owner; rows on stdout
# (unaligned, '|' between columns)
pg_sql() {
    "$PG_BIN/psql" -h "$PG_DIR" -U seedance -d journal -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# pg_up   start the server of $PG_DIR (again)
pg_up() {
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off" \
        start >/dev/null 2>&1 || { tail -n 20 "$PG_DIR/server.log" >&2; return 1; }
}

# pg_down   stop it as an administrator would (connections are closed)
pg_down() {
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1
}

# pg_start   a new server and an empty database "journal" owned by the
# role seedance (trusted on the socket), and a role alice who must give
# $PG_PASSWORD; SEEDANCE_JOURNAL is exported naming it as seedance.
pg_start() {
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
        bail "no PostgreSQL server programs (Debian package postgresql)"
    # in /tmp: a Unix socket path is short, and the user postgres can reach it
    PG_DIR=$(mktemp -d /tmp/seedance-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$PG_DIR" || bail "cannot give $PG_DIR to the user postgres"
        PG_AS=(runuser -u postgres --)
    fi
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U seedance -A trust -E UTF8 \
        --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; bail "initdb failed"; }
    { echo "local journal alice scram-sha-256"; echo "local all all trust"; } \
        >"$PG_DIR/data/pg_hba.conf"
    pg_up || bail "the PostgreSQL server did not start"
    "$PG_BIN/psql" -h "$PG_DIR" -U seedance -d postgres -XAtq -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE journal" \
        -c "CREATE ROLE alice LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null ||
        bail "cannot create the test database"
    export SEEDANCE_JOURNAL="host=$PG_DIR dbname=journal user=seedance"
}

# wait_for WHAT COMMAND...   run COMMAND every 0.1 s until it succeeds (at
# most 60 s); a failed check when it never does
wait_for() {
    local what=$1 i
    shift
    for i in $(seq 1 600); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    not_ok "$what (waited 60 s)"
    return 1
}

# tasks_are N   the emulator has created N paid tasks
tasks_are() { [ "$(emu_stat tasks)" = "$1" ]; }

# ledger_json [PERIOD]   seedance ledger --json of the shared journal
ledger_json() { "$SD" ledger --json "${1:-today}" 2>"$T/ledger.err"; }

# used_credits   what the emulator's account has been billed
used_credits() {
    json_get "$(curl -sS -H "Authorization: Bearer $EMU_KEY" "$EMU_URL/v1/credits")" \
        .data.used_credits
}
