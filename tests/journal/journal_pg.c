/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal in PostgreSQL (src/journal_pg.c) against a real server:
 * run by tests/journal/50-library.sh, which starts one and sets
 * SEEDANCE_JOURNAL (the database's owner) and SEEDANCE_TEST_PASSWORD.
 *
 * Connection strings and their passwords; which row is the request's as
 * submits are recorded, replaced by a new generation and undone; the lock
 * of a request between two clients; what is learnt after the connection
 * was lost; a task that ended; a damaged row; a schema newer than the
 * library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api.h"
#include "journal_entry.h"
#include "tap.h"

static const char *conninfo;
static PGconn *admin;       /* the test's own connection, to look and to meddle */

static char *sql1(const char *sql)
{
    static char value[512];
    PGresult *r = PQexec(admin, sql);

    snprintf(value, sizeof(value), "%s", PQresultStatus(r) == PGRES_TUPLES_OK &&
             PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "(none)");
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        printf("# %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return value;
}

static seedance_client *client(void)
{
    seedance_client *c = seedance_client_new();

    seedance_client_set_journal(c, conninfo);
    return c;
}

/* An entry sent at a fixed time by alice on render-07. */
static sd_journal_entry entry(const char *request, const char *key, int state,
                              const char *task_id)
{
    sd_journal_entry e = journal_entry(request, key, state, task_id);

    e.attempted = 1790000000;
    snprintf(e.rec.host, sizeof(e.rec.host), "render-07");
    snprintf(e.rec.user, sizeof(e.rec.user), "alice");
    snprintf(e.rec.model, sizeof(e.rec.model), "%s", SEEDANCE_MODEL_T2V);
    return e;
}

static int checks;
static int stop_soon(void *opaque)
{
    (void)opaque;
    return ++checks > 5;
}

static void test_conninfo(void)
{
    seedance_error err;
    seedance_job *j = seedance_job_new();
    const char *url = "seedance:?prompt=x&journal=postgresql%3A%2F%2Fbob%3Atopsecret%40db%2Fj";

    OK(sd_journal_pg_check("postgresql://bob@db.example:5433/journal", &err) == 0 &&
       sd_journal_pg_check("service=farm", &err) == 0 &&
       sd_journal_pg_check("host=/run/postgresql dbname=journal", &err) == 0,
       "URIs, services and key=value strings are taken");
    OK(sd_journal_pg_check("host='db password=topsecret", &err) == SEEDANCE_E_CONFIG &&
       !strstr(err.message, "topsecret") && strstr(err.message, "service=NAME"),
       "a string libpq does not take: refused without repeating it (%s)", err.message);
    OK(sd_journal_pg_has_password("postgresql://bob:topsecret@db/j") &&
       sd_journal_pg_has_password("host=db password=topsecret") &&
       sd_journal_pg_has_password("host=db sslpassword=topsecret") &&
       !sd_journal_pg_has_password("postgresql://bob@db/j") &&
       !sd_journal_pg_has_password("service=farm"), "passwords are found in either form");
    OK(seedance_job_parse_url(j, url) == SEEDANCE_E_INVALID &&
       strstr(seedance_last_error(seedance_job_client(j))->message, "not accepted in a URL") &&
       !strstr(seedance_last_error(seedance_job_client(j))->message, "topsecret"),
       "a password in a URL is refused without repeating it");
    OK(seedance_job_set(j, "journal", "postgresql://bob:topsecret@db/j",
                        SEEDANCE_FROM_PROGRAM) == 0,
       "a program may give one (as it may give the API key)");
    seedance_job_free(j);
}

/* submits recorded, replaced by a new generation, undone */
static void test_rows(void)
{
    seedance_client *c = client();
    sd_journal_entry a = entry("rows", "aaaa", SD_JOURNAL_SUBMITTING, NULL), b, got;
    int lock;
    char q[512];

    OK(sd_journal_lock(c, a.hash, &lock) == 0, "the request's lock is taken");
    OK(sd_journal_load(c, a.hash, &got) == 0, "an unknown request: no entry");
    OK(sd_journal_store(c, &a, "{\"prompt\":\"p\"}") == 0 &&
       sd_journal_load(c, a.hash, &got) == 1 && got.state == SD_JOURNAL_SUBMITTING &&
       got.attempted == 1790000000 && !strcmp(got.rec.host, "render-07") &&
       !strcmp(got.rec.user, "alice") && got.rec.estimate == -1,
       "recorded before the submit: state, time, host, user");
    snprintf(a.task_id, sizeof(a.task_id), "task-unified-1-a");
    a.state = SD_JOURNAL_SUBMITTED;
    a.rec.credits = 20.252;
    OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       got.state == SD_JOURNAL_SUBMITTED && !strcmp(got.task_id, "task-unified-1-a") &&
       got.rec.credits == 20.252, "then the task id and the reserved credits");
    snprintf(q, sizeof(q), "SELECT request->>'prompt' || ' ' || db_role FROM seedance.submits "
             "WHERE hash = '%s'", a.hash);
    OK(!strcmp(sql1(q), "p seedance"), "the row keeps the request and the role");

    b = entry("rows", "bbbb", SD_JOURNAL_SUBMITTING, NULL);
    OK(sd_journal_store(c, &b, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       !strcmp(got.idempotency_key, "bbbb"), "a new generation is the request's entry");
    snprintf(q, sizeof(q), "SELECT count(*) || ' ' || count(*) FILTER (WHERE is_current) "
             "FROM seedance.submits WHERE hash = '%s'", a.hash);
    OK(!strcmp(sql1(q), "2 1"), "the first task's row is kept, no longer current");
    OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       !strcmp(got.task_id, "task-unified-1-a") && !strcmp(sql1(q), "1 1"),
       "the new submit refused: the first entry is back, the attempt gone");
    sd_journal_unlock(c, lock);

    b = entry("rows, first time", "cccc", SD_JOURNAL_SUBMITTING, NULL);
    OK(sd_journal_lock(c, b.hash, &lock) == 0 && sd_journal_store(c, &b, NULL) == 0 &&
       sd_journal_remove(c, b.hash) == 0 && sd_journal_load(c, b.hash, &got) == 0,
       "a refused first submit: its row is removed");
    sd_journal_unlock(c, lock);
    OK(!strcmp(sql1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), "0"),
       "no lock is left");
    seedance_client_free(c);
}

/* two clients, one request: the second waits; an interrupt ends its wait */
static void test_lock(void)
{
    seedance_client *c = client(), *c2 = client();
    sd_journal_entry e = entry("lock", "kkkk", SD_JOURNAL_SUBMITTING, NULL);
    int l1, l2, rc;

    OK(sd_journal_lock(c, e.hash, &l1) == 0, "the first client takes the lock");
    seedance_client_set_interrupt(c2, stop_soon, NULL);
    rc = sd_journal_lock(c2, e.hash, &l2);
    OK(rc == SEEDANCE_E_INTERRUPTED, "the second waits until interrupted (rc %d: %s)", rc,
       seedance_last_error(c2)->message);
    OK(!strcmp(sql1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                    "NOT granted"), "0"), "its wait was cancelled in the server");
    sd_journal_unlock(c2, l2);
    sd_journal_unlock(c, l1);
    checks = 0;
    OK(sd_journal_lock(c2, e.hash, &l2) == 0 && checks <= 1,
       "released: the second client takes it at once");
    sd_journal_unlock(c2, l2);
    seedance_client_free(c2);
    seedance_client_free(c);
}

/* the connection lost between the submit and its reply */
static void test_lost(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("lost", "llll", SD_JOURNAL_SUBMITTING, NULL), got;
    int lock, rc;
    char q[256];

    sd_journal_lock(c, e.hash, &lock);
    sd_journal_store(c, &e, NULL);
    sql1("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
         "WHERE application_name = 'libseedance'");
    snprintf(e.task_id, sizeof(e.task_id), "task-unified-2-lost");
    e.state = SD_JOURNAL_SUBMITTED;
    rc = sd_journal_store(c, &e, NULL);
    OK(rc == SEEDANCE_E_JOURNAL && strstr(seedance_last_error(c)->message,
                                          "task task-unified-2-lost is recorded there once"),
       "the task id after the connection was lost: kept for later (%s)",
       seedance_last_error(c)->message);
    sd_journal_flush(c);
    snprintf(q, sizeof(q), "SELECT state || ' ' || task_id || ' ' || is_current FROM "
             "seedance.submits WHERE hash = '%s'", e.hash);
    OK(!strcmp(sql1(q), "submitted task-unified-2-lost true"),
       "written once the database answers again: still the request's entry");
    sd_journal_unlock(c, lock);
    OK(sd_journal_load(c, e.hash, &got) == 1 && !strcmp(got.task_id, "task-unified-2-lost"),
       "found by the next lookup");
    seedance_client_free(c);
}

static void test_ended_and_damaged(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("ended", "eeee", SD_JOURNAL_SUBMITTED, "task-unified-3-e"), got;
    const char *body = "{\"id\":\"task-unified-3-e\",\"status\":\"failed\",\"error\":"
                       "{\"code\":\"x\",\"message\":\"y\"}}";
    seedance_task *t = NULL;
    seedance_error err;
    int lock;
    char q[400], *path;

    sd_journal_lock(c, e.hash, &lock);
    sd_journal_store(c, &e, NULL);
    sd_journal_unlock(c, lock);
    sd_task_parse(body, strlen(body), &t, &err);
    sd_journal_task_ended(c, "task-unified-3-e", t);
    OK(sd_journal_load(c, e.hash, &got) == 0,
       "a failed task is forgotten: the request submits anew");
    snprintf(q, sizeof(q), "SELECT final_state || ' ' || (ended IS NOT NULL) FROM "
             "seedance.submits WHERE hash = '%s'", e.hash);
    OK(!strcmp(sql1(q), "failed true"), "its row says how it ended, for the ledger");
    seedance_task_free(t);

    e = entry("damaged", "dddd", SD_JOURNAL_SUBMITTED, "task-unified-4-d");
    sd_journal_lock(c, e.hash, &lock);
    sd_journal_store(c, &e, NULL);
    sd_journal_unlock(c, lock);
    snprintf(q, sizeof(q), "UPDATE seedance.submits SET task_id = 'task-unified-' || "
             "repeat('x', 120) WHERE hash = '%s'", e.hash);
    sql1(q);
    OK(sd_journal_load(c, e.hash, &got) == -1 && !*got.task_id,
       "an over-long task id: a damaged row, never a shorter id");
    path = sd_journal_path(c, e.hash);
    OK(path && strstr(path, e.hash) && strstr(path, "journal database"),
       "a damaged row is named by its request (%s)", path);
    free(path);
    seedance_client_free(c);
}

static void test_schema(void)
{
    seedance_client *c;
    sd_journal_entry got;
    char hash[65];

    sql1("UPDATE seedance.meta SET value = '7' WHERE name = 'schema_version'");
    c = client();
    sd_sha256_hex("x", 1, hash);
    OK(sd_journal_load(c, hash, &got) == -1 &&
       seedance_last_error(c)->code == SEEDANCE_E_JOURNAL &&
       strstr(seedance_last_error(c)->message, "version 7, newer than this libseedance"),
       "a schema newer than the library is refused: %s", seedance_last_error(c)->message);
    seedance_client_free(c);
    sql1("UPDATE seedance.meta SET value = '1' WHERE name = 'schema_version'");
}

int main(void)
{
    conninfo = getenv("SEEDANCE_JOURNAL");
    if (!conninfo || !(admin = PQconnectdb(conninfo)) || PQstatus(admin) != CONNECTION_OK) {
        OK(0, "a database to test with (SEEDANCE_JOURNAL)");
        return done_testing();
    }
    test_conninfo();
    test_rows();
    test_lock();
    test_lost();
    test_ended_and_damaged();
    test_schema();
    PQfinish(admin);
    return done_testing();
}
