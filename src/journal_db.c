/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection of a journal shared in PostgreSQL (libpq), for
 * journal_pg.c: connection strings (checked, described for people without
 * their password, the password scrubbed from libpq's messages), the
 * connection and its session, statements, and the schema "seedance",
 * which the library creates and versions itself: seedance.meta holds its
 * version; a newer one than this library knows is refused, an older one
 * brought up to date under a transaction-scoped advisory lock, by the
 * first role that may change it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_db.h"

#define SCHEMA_VERSION 1
#define SCHEMA_LOCK "5567382719716474"  /* the advisory lock of schema changes */

/* The schema, from each version to the next. */
static const char *const migrations[SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE seedance.submits ("
    "  id bigserial PRIMARY KEY,"
    "  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),"
    "  idempotency_key text NOT NULL,"
    "  is_current boolean NOT NULL,"
    "  state text NOT NULL CHECK (state IN ('submitting', 'submitted', 'uncertain')),"
    "  task_id text,"
    "  attempted timestamptz NOT NULL,"
    "  failure text NOT NULL DEFAULT '',"
    "  api_base text NOT NULL,"
    "  request jsonb,"
    "  host text NOT NULL,"
    "  os_user text NOT NULL,"
    "  db_role text NOT NULL DEFAULT current_user,"
    "  model text NOT NULL,"
    "  duration integer,"
    "  quality text,"
    "  estimate double precision,"
    "  credits double precision,"
    "  final_state text CHECK (final_state IN ('completed', 'failed', 'cancelled', 'expired')),"
    "  ended timestamptz,"
    "  updated timestamptz NOT NULL DEFAULT now(),"
    "  UNIQUE (hash, idempotency_key));"
    "CREATE UNIQUE INDEX submits_current ON seedance.submits (hash) WHERE is_current;"
    "CREATE INDEX submits_task ON seedance.submits (task_id);"
    "CREATE INDEX submits_attempted ON seedance.submits (attempted);"
    "COMMENT ON TABLE seedance.submits IS 'libseedance: one row per paid submit attempt';",
};

/* ------------------------------------------------------------------ */
/* Connection strings                                                  */

static int secret_keyword(const char *k)
{
    return !strcmp(k, "password") || !strcmp(k, "sslpassword");
}

int sd_journal_pg_check(const char *conninfo, seedance_error *err)
{
    PQconninfoOption *o = PQconninfoParse(conninfo, NULL);

    if (!o)     /* libpq's reason would quote the string, password included */
        return sd_error(err, SEEDANCE_E_CONFIG, "journal: not a connection string libpq "
                        "takes: expected postgresql://[USER@]HOST[:PORT]/DBNAME, or "
                        "KEY=VALUE pairs such as service=NAME or host=HOST dbname=NAME");
    PQconninfoFree(o);
    return SEEDANCE_OK;
}

int sd_journal_pg_has_password(const char *conninfo)
{
    PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
    int has = 0;

    for (PQconninfoOption *p = o; p && p->keyword; p++)
        has |= secret_keyword(p->keyword) && p->val && *p->val;
    PQconninfoFree(o);
    return has;
}

/* "service=farm", "host=db port=5432 dbname=seedance user=alice": no password. */
static void describe(struct sd_journal_db *db, const char *conninfo)
{
    static const char *const shown[] = { "service", "host", "hostaddr", "port", "dbname",
                                         "user" };
    PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
    size_t n = 0;

    db->desc[0] = '\0';
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        for (PQconninfoOption *p = o; p && p->keyword; p++)
            if (!strcmp(p->keyword, shown[i]) && p->val && *p->val && n < sizeof(db->desc))
                n += (size_t)snprintf(db->desc + n, sizeof(db->desc) - n, "%s%s=%s",
                                      n ? " " : "", p->keyword, p->val);
    for (PQconninfoOption *p = o; p && p->keyword; p++)
        if (secret_keyword(p->keyword) && p->val && *p->val)
            db->secret[!strcmp(p->keyword, "sslpassword")] = strdup(p->val);
    if (!db->desc[0])
        snprintf(db->desc, sizeof(db->desc), "libpq's default database");
    PQconninfoFree(o);
}

const char *sd_journal_pg_name(seedance_client *c)
{
    static const char unknown[] = "(a connection string libpq does not take)";

    if (!c->jdb && !sd_journal_pg_check(c->journal, NULL)) {
        if (!(c->jdb = calloc(1, sizeof(*c->jdb))))
            return unknown;
        describe(c->jdb, c->journal);
    }
    return c->jdb ? c->jdb->desc : unknown;
}

/* A message of libpq on one line (size >= 4): its lines joined by "; ",
 * blanks collapsed, the secrets of the connection string replaced by "***". */
static void scrub(const struct sd_journal_db *db, const char *msg, char *out, size_t size)
{
    size_t n = 0;

    while (*msg && n + 4 < size) {
        char ch = *msg;
        size_t skip = 0;

        for (int i = 0; i < 2; i++)
            if (db->secret[i] && !strncmp(msg, db->secret[i], strlen(db->secret[i])))
                skip = strlen(db->secret[i]);
        if (skip) {
            memcpy(out + n, "***", 3);
            n += 3;
            msg += skip;
            continue;
        }
        msg++;
        if (ch == '\n' && *msg) {     /* a line ends, another follows */
            while (n > 0 && out[n - 1] == ' ')
                n--;
            if (n > 0 && !strchr(";:.", out[n - 1]))
                out[n++] = ';';
        }
        if (ch == '\n' || ch == '\r' || ch == '\t')
            ch = ' ';
        if (ch != ' ' || (n > 0 && out[n - 1] != ' '))
            out[n++] = ch;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

int sd_db_fail(seedance_client *c, int code, const char *what, const char *why)
{
    char clean[600];

    scrub(c->jdb, why ? why : "", clean, sizeof(clean));
    return sd_fail(c, code, "journal database (%s): %s%s%s", c->jdb->desc, what,
                   *clean ? ": " : "", clean);
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

PGresult *sd_db_run(seedance_client *c, const char *what, const char *sql, int n,
                    const char *const *v)
{
    PGresult *res = PQexecParams(c->jdb->conn, sql, n, NULL, v, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);

    if (res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK))
        return res;
    sd_db_fail(c, SEEDANCE_E_JOURNAL, what,
               res ? PQresultErrorMessage(res) : PQerrorMessage(c->jdb->conn));
    PQclear(res);
    return NULL;
}

int sd_db_exec(seedance_client *c, const char *what, const char *sql, int n,
               const char *const *v)
{
    PGresult *res = sd_db_run(c, what, sql, n, v);

    PQclear(res);
    return res ? 0 : -1;
}

void sd_db_rollback(seedance_client *c)
{
    if (PQtransactionStatus(c->jdb->conn) != PQTRANS_IDLE)
        PQclear(PQexec(c->jdb->conn, "ROLLBACK"));
}

/* Create or bring up to date the schema, under its advisory lock. */
static int migrate(seedance_client *c)
{
    const char *what = "cannot create or update the schema seedance (a role that may create "
                       "it in this database must run any seedance command once; see "
                       "seedance-journal(1))";
    PGresult *res;
    int version = 0, rc = -1;

    if (sd_db_exec(c, what, "BEGIN", 0, NULL) ||
        sd_db_exec(c, what, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", 0, NULL) ||
        sd_db_exec(c, what, "CREATE SCHEMA IF NOT EXISTS seedance", 0, NULL) ||
        sd_db_exec(c, what, "CREATE TABLE IF NOT EXISTS seedance.meta "
                   "(name text PRIMARY KEY, value text NOT NULL)", 0, NULL) ||
        !(res = sd_db_run(c, what, "SELECT value::int FROM seedance.meta "
                          "WHERE name = 'schema_version'", 0, NULL)))
        goto done;
    if (PQntuples(res) == 1)
        version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    for (; version < SCHEMA_VERSION; version++) {
        PGresult *r = PQexec(c->jdb->conn, migrations[version]);

        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            sd_db_fail(c, SEEDANCE_E_JOURNAL, what, PQresultErrorMessage(r));
            PQclear(r);
            goto done;
        }
        PQclear(r);
        sd_log(c, SEEDANCE_LOG_INFO, "journal database (%s): schema seedance at version %d",
               c->jdb->desc, version + 1);
    }
    {
        char v[16];
        const char *p[] = { v };

        snprintf(v, sizeof(v), "%d", SCHEMA_VERSION);
        if (sd_db_exec(c, what, "INSERT INTO seedance.meta VALUES ('schema_version', $1) "
                       "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", 1, p) ||
            sd_db_exec(c, what, "COMMIT", 0, NULL))
            goto done;
    }
    rc = 0;
done:
    sd_db_rollback(c);
    return rc;
}

/* The schema is the one this library knows: 0, or -1 (c->err). */
static int check_schema(seedance_client *c)
{
    PGresult *res = PQexec(c->jdb->conn, "SELECT value FROM seedance.meta "
                                         "WHERE name = 'schema_version'");
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    int version = -1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        version = atoi(PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) != PGRES_TUPLES_OK && state &&
             strcmp(state, "42P01") && strcmp(state, "3F000")) {  /* not "no such table" */
        sd_db_fail(c, SEEDANCE_E_JOURNAL, "cannot read the journal's schema version",
                   PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    if (version == SCHEMA_VERSION)
        return 0;
    if (version > SCHEMA_VERSION) {
        sd_fail(c, SEEDANCE_E_JOURNAL, "journal database (%s): the schema seedance is at "
                "version %d, newer than this libseedance knows (%d): update libseedance on "
                "this machine", c->jdb->desc, version, SCHEMA_VERSION);
        return -1;
    }
    return migrate(c);
}

static void on_notice(void *opaque, const char *msg)
{
    seedance_client *c = opaque;
    char clean[600];

    scrub(c->jdb, msg, clean, sizeof(clean));
    sd_log(c, SEEDANCE_LOG_DEBUG, "journal database: %s", clean);
}

int sd_db_open(seedance_client *c)
{
    /* defaults first: the connection string overrides them */
    static const char *const keys[] = { "application_name", "connect_timeout",
                                        "keepalives_idle", "keepalives_interval",
                                        "keepalives_count", "dbname", NULL };
    const char *vals[] = { "libseedance", "10", "30", "10", "3", c->journal, NULL };
    struct sd_journal_db *db = c->jdb;

    if (!db) {
        if (sd_journal_pg_check(c->journal, &c->err))
            return -1;      /* $SEEDANCE_JOURNAL, not checked when read */
        if (!(db = c->jdb = calloc(1, sizeof(*db)))) {
            sd_fail(c, SEEDANCE_E_NOMEM, NULL);
            return -1;
        }
        describe(db, c->journal);
    }
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    if (db->conn) {
        if (db->held)
            sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s): the connection was lost "
                   "while a submit held its lock", db->desc);
        PQfinish(db->conn);
        db->held = 0;
    }
    db->conn = PQconnectdbParams(keys, vals, 1);
    db->generation++;
    if (!db->conn) {
        sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        return -1;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        sd_db_fail(c, SEEDANCE_E_JOURNAL, "cannot be reached", PQerrorMessage(db->conn));
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    PQsetNoticeProcessor(db->conn, on_notice, c);
    /* a recorded submit survives a crash of the server; a machine that
     * vanishes is noticed by the server within about a minute */
    if (sd_db_exec(c, "cannot set up the session",
                   "SELECT set_config('synchronous_commit', 'on', false), "
                   "set_config('tcp_keepalives_idle', '30', false), "
                   "set_config('tcp_keepalives_interval', '10', false), "
                   "set_config('tcp_keepalives_count', '3', false)", 0, NULL) ||
        check_schema(c)) {
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    sd_log(c, SEEDANCE_LOG_DEBUG, "journal database (%s): connected", db->desc);
    return 0;
}

int sd_db_locked(const seedance_client *c)
{
    const struct sd_journal_db *db = c->jdb;

    return db && db->held && db->held_generation == db->generation && db->conn &&
           PQstatus(db->conn) == CONNECTION_OK;
}

void sd_db_free(seedance_client *c)
{
    struct sd_journal_db *db = c->jdb;

    if (!db)
        return;
    PQfinish(db->conn);
    for (int i = 0; i < 2; i++)
        if (db->secret[i]) {
            memset(db->secret[i], 0, strlen(db->secret[i]));
            free(db->secret[i]);
        }
    free(db->pending);
    free(db);
    c->jdb = NULL;
}
