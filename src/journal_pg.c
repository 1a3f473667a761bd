/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal in a PostgreSQL database that every machine of a team
 * shares, so that a request is paid once across machines as it is within
 * one (the connection and the schema: journal_db.c).
 *
 * seedance.submits holds one row per submit attempt; the row the request
 * finds ("is_current") is unique per request hash.
 *
 * Exactly once: a submit holds a session-level advisory lock on its
 * request hash from the lookup to the recorded reply. Other clients, on
 * any machine, wait for it (PostgreSQL queues them) and then find the task
 * id and attach, or find the row still "submitting": its submitter died
 * between sending and the reply (its session ended, and the lock with it),
 * which is the uncertain outcome. Every write is committed before the
 * next step (synchronous_commit on). Which row is current changes only
 * under the lock.
 *
 * The database unreachable before a submit fails it: nothing is sent. Lost
 * after the submit was recorded, what is learnt later (the task id, how
 * the task ended) is kept in memory and written once the database is back
 * (sd_journal_pg_flush() during the wait, at its end, at the latest when
 * the client is freed); such late writes never change which row is
 * current.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/poll.h>   /* src/poll.h is the poll schedule */

#include "journal_db.h"

#define LOCK_CLASS 1399153508       /* "Seed": the first key of a request's advisory lock */
#define RETRY_EVERY 5.0             /* seconds between two attempts to reach a lost database */
#define STORE_PARAMS 19

/* The columns an entry is read from, in the order of take_row(). */
#define COLUMNS \
    "hash, idempotency_key, state, coalesce(task_id, ''), " \
    "coalesce(extract(epoch FROM attempted)::bigint, 0), failure, host, os_user, db_role, " \
    "model, coalesce(duration, -1), coalesce(quality, ''), coalesce(estimate, -1), " \
    "coalesce(credits, -1), coalesce(final_state, ''), " \
    "coalesce(extract(epoch FROM ended)::bigint, 0)"

/* ------------------------------------------------------------------ */
/* Rows and entries                                                    */

/* A text value into dst: one that does not fit is a damaged row, never a
 * shorter value. */
static int take_text(const PGresult *res, int row, int col, char *dst, size_t size)
{
    const char *v = PQgetvalue(res, row, col);

    if (strlen(v) >= size)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Row row of a result of COLUMNS into e: 0, or -1 when it is damaged. */
static int take_row(const PGresult *res, int row, sd_journal_entry *e)
{
    sd_journal_record *r = &e->rec;
    char state[16];

    memset(e, 0, sizeof(*e));
    sd_journal_record_init(r);
    if (take_text(res, row, 0, e->hash, sizeof(e->hash)) ||
        take_text(res, row, 1, e->idempotency_key, sizeof(e->idempotency_key)) ||
        take_text(res, row, 2, state, sizeof(state)) ||
        take_text(res, row, 3, e->task_id, sizeof(e->task_id)) ||
        take_text(res, row, 5, e->failure, sizeof(e->failure)) ||
        take_text(res, row, 6, r->host, sizeof(r->host)) ||
        take_text(res, row, 7, r->user, sizeof(r->user)) ||
        take_text(res, row, 8, r->role, sizeof(r->role)) ||
        take_text(res, row, 9, r->model, sizeof(r->model)) ||
        take_text(res, row, 11, r->quality, sizeof(r->quality)) ||
        take_text(res, row, 14, r->final_state, sizeof(r->final_state)))
        return -1;
    e->attempted = strtoll(PQgetvalue(res, row, 4), NULL, 10);
    r->duration = atoi(PQgetvalue(res, row, 10));
    r->estimate = strtod(PQgetvalue(res, row, 12), NULL);
    r->credits = strtod(PQgetvalue(res, row, 13), NULL);
    r->ended = strtoll(PQgetvalue(res, row, 15), NULL, 10);
    e->state = sd_journal_state_of(state, e->task_id);
    if ((*e->task_id && !seedance_task_id_valid(e->task_id)) || !*e->idempotency_key)
        return -1;
    return 0;
}

int sd_journal_pg_load(seedance_client *c, const char *hash, sd_journal_entry *e)
{
    const char *p[] = { hash };
    PGresult *res;
    int found;

    memset(e, 0, sizeof(*e));
    if (sd_db_open(c) ||
        !(res = sd_db_run(c, "cannot read the journal", "SELECT " COLUMNS
                          " FROM seedance.submits WHERE hash = $1 AND is_current", 1, p)))
        return -1;
    found = PQntuples(res) > 0;
    if (found && take_row(res, 0, e) < 0) {
        sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s): the row of request %s is "
               "damaged", c->jdb->desc, hash);
        memset(e, 0, sizeof(*e));
        found = -1;
    }
    PQclear(res);
    return found;
}

/* The parameters of an entry's row, as text, for the statement of store(). */
typedef struct row_params {
    char attempted[24], duration[16], estimate[32], credits[32], ended[24];
    const char *v[STORE_PARAMS];
} row_params;

static void params_of(seedance_client *c, const sd_journal_entry *e, const char *request,
                      int current, row_params *p)
{
    const sd_journal_record *r = &e->rec;

    snprintf(p->attempted, sizeof(p->attempted), "%lld", (long long)e->attempted);
    snprintf(p->duration, sizeof(p->duration), "%d", r->duration);
    snprintf(p->estimate, sizeof(p->estimate), "%.17g", r->estimate);
    snprintf(p->credits, sizeof(p->credits), "%.17g", r->credits);
    snprintf(p->ended, sizeof(p->ended), "%lld", (long long)r->ended);
    p->v[0] = e->hash;
    p->v[1] = e->idempotency_key;
    p->v[2] = current ? "t" : "f";
    p->v[3] = sd_journal_state_name(e->state);
    p->v[4] = *e->task_id ? e->task_id : NULL;
    p->v[5] = e->attempted > 0 ? p->attempted : NULL;
    p->v[6] = e->failure;
    p->v[7] = c->api_base ? c->api_base : "";
    p->v[8] = request;
    p->v[9] = r->host;
    p->v[10] = r->user;
    p->v[11] = r->model;
    p->v[12] = r->duration >= 0 ? p->duration : NULL;
    p->v[13] = *r->quality ? r->quality : NULL;
    p->v[14] = r->estimate >= 0 ? p->estimate : NULL;
    p->v[15] = r->credits >= 0 ? p->credits : NULL;
    p->v[16] = *r->final_state ? r->final_state : NULL;
    p->v[17] = r->ended > 0 ? p->ended : NULL;
    p->v[18] = current ? "t" : "f";
}

/* Insert the row of an attempt, or update it (by its request and key).
 * $19: it becomes the current row; else which row is current is left. */
static const char store_sql[] =
    "INSERT INTO seedance.submits (hash, idempotency_key, is_current, state, task_id, "
    "  attempted, failure, api_base, request, host, os_user, model, duration, quality, "
    "  estimate, credits, final_state, ended) "
    "VALUES ($1, $2, $3, $4, $5, coalesce(to_timestamp($6::double precision), now()), $7, "
    "  $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, "
    "  to_timestamp($18::double precision)) "
    "ON CONFLICT (hash, idempotency_key) DO UPDATE SET "
    "  state = EXCLUDED.state, task_id = EXCLUDED.task_id, failure = EXCLUDED.failure, "
    "  credits = coalesce(EXCLUDED.credits, submits.credits), "
    "  request = coalesce(EXCLUDED.request, submits.request), "
    "  final_state = coalesce(submits.final_state, EXCLUDED.final_state), "
    "  ended = coalesce(submits.ended, EXCLUDED.ended), "
    "  is_current = submits.is_current OR $19::boolean, updated = now()";

/*
 * Under the request's lock: e becomes the current row. The current row of
 * another key stops being current; it is dropped instead when e's row
 * exists already (a refused submit is undone: that attempt created
 * nothing).
 */
static int store_locked(seedance_client *c, const sd_journal_entry *e, const char *request)
{
    const char *what = "cannot record the submit";
    const char *k[] = { e->hash, e->idempotency_key };
    row_params p;

    params_of(c, e, request, 1, &p);
    if (sd_db_exec(c, what, "BEGIN", 0, NULL) ||
        sd_db_exec(c, what, "DELETE FROM seedance.submits WHERE hash = $1 AND is_current AND "
                   "idempotency_key <> $2 AND state = 'submitting' AND task_id IS NULL AND "
                   "EXISTS (SELECT 1 FROM seedance.submits WHERE hash = $1 AND "
                   "idempotency_key = $2)", 2, k) ||
        sd_db_exec(c, what, "UPDATE seedance.submits SET is_current = false, updated = now() "
                   "WHERE hash = $1 AND is_current AND idempotency_key <> $2", 2, k) ||
        sd_db_exec(c, what, store_sql, STORE_PARAMS, p.v) ||
        sd_db_exec(c, what, "COMMIT", 0, NULL)) {
        sd_db_rollback(c);
        return -1;
    }
    return 0;
}

/* Without the lock (it was lost with the connection): the row of e's key
 * only, never which row is current. */
static int store_late(seedance_client *c, const sd_journal_entry *e, const char *request)
{
    row_params p;

    params_of(c, e, request, 0, &p);
    return sd_db_exec(c, "cannot record the submit", store_sql, STORE_PARAMS, p.v);
}

static int end_task(seedance_client *c, const char *task_id, const char *final_state,
                    double credits)
{
    char cr[32];
    const char *p[] = { task_id, final_state, credits >= 0 ? cr : NULL };
    PGresult *res;
    int forgotten;

    snprintf(cr, sizeof(cr), "%.17g", credits);
    if (!(res = sd_db_run(c, "cannot record how the task ended",
                          "UPDATE seedance.submits SET final_state = $2, ended = now(), "
                          "credits = coalesce(credits, $3::double precision), "
                          "is_current = is_current AND $2 = 'completed', updated = now() "
                          "WHERE task_id = $1 AND final_state IS NULL", 3, p)))
        return -1;
    forgotten = strcmp(final_state, "completed") && atoi(PQcmdTuples(res)) > 0;
    PQclear(res);
    if (forgotten)
        sd_log(c, SEEDANCE_LOG_INFO, "journal: task %s ended without a clip; the same "
               "request will be submitted anew", task_id);
    return 0;
}

/* ------------------------------------------------------------------ */
/* What waits for the database                                         */

static int defer(seedance_client *c, const sd_pending *x)
{
    struct sd_journal_db *db = c->jdb;
    sd_pending *v = realloc(db->pending, (db->npending + 1) * sizeof(*v));

    if (!v)
        return -1;
    db->pending = v;
    v[db->npending++] = *x;
    return 0;
}

static void pending_clear(sd_pending *x)
{
    free(x->request);
    x->request = NULL;
}

/* Write what waits, in order, while the database answers: 0 when all is written. */
static int write_pending(seedance_client *c)
{
    struct sd_journal_db *db = c->jdb;
    size_t done = 0;

    if (!db || !db->npending)
        return 0;
    if (sd_db_open(c) == 0)
        for (; done < db->npending; done++) {
            sd_pending *x = &db->pending[done];

            if (x->end ? end_task(c, x->e.task_id, x->final_state, x->credits)
                       : store_late(c, &x->e, x->request))
                break;
            if (!x->end && *x->e.task_id)
                sd_log(c, SEEDANCE_LOG_INFO, "journal database (%s) is back: task %s "
                       "recorded", db->desc, x->e.task_id);
            pending_clear(x);
        }
    memmove(db->pending, db->pending + done, (db->npending - done) * sizeof(*db->pending));
    db->npending -= done;
    db->next_try = sd_now() + RETRY_EVERY;
    return db->npending ? -1 : 0;
}

void sd_journal_pg_flush(seedance_client *c)
{
    seedance_error keep = c->err;

    if (c->jdb && c->jdb->npending && sd_now() >= c->jdb->next_try)
        write_pending(c);
    c->err = keep;
}

/* ------------------------------------------------------------------ */
/* The journal's operations                                            */

int sd_journal_pg_store(seedance_client *c, const sd_journal_entry *e, const char *request_json)
{
    sd_pending x = { .e = *e };
    char task[128];

    if (!sd_journal_state_name(e->state))
        return sd_fail(c, SEEDANCE_E_INVALID, "journal: an entry without a state");
    if (e->state == SD_JOURNAL_SUBMITTING) {
        /* before the submit: recorded now, under the lock, or nothing is sent */
        if (sd_db_open(c))
            return c->err.code;
        if (!sd_db_locked(c))
            return sd_fail(c, SEEDANCE_E_JOURNAL, "journal database (%s): the request's lock "
                           "was lost with the connection; nothing was submitted", c->jdb->desc);
        return store_locked(c, e, request_json) ? c->err.code : SEEDANCE_OK;
    }
    /* what waits goes first */
    if (write_pending(c) == 0 &&
        (sd_db_locked(c) ? store_locked(c, e, request_json) == 0
                         : sd_db_open(c) == 0 && store_late(c, e, request_json) == 0))
        return SEEDANCE_OK;
    if (!c->jdb)
        return c->err.code;
    /* after the submit: what the reply said waits for the database */
    if ((request_json && !(x.request = strdup(request_json))) || defer(c, &x)) {
        pending_clear(&x);
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    snprintf(task, sizeof(task), *e->task_id ? "task %s" : "this uncertain submit%s",
             e->task_id);
    return sd_fail(c, SEEDANCE_E_JOURNAL, "journal database (%s) out of reach: %s is recorded "
                   "there once it is back; until then other machines take this request for "
                   "an uncertain submit", c->jdb->desc, task);
}

int sd_journal_pg_remove(seedance_client *c, const char *hash)
{
    const char *p[] = { hash };

    if (!sd_db_locked(c))
        return sd_fail(c, SEEDANCE_E_JOURNAL, "journal database: the connection was lost: "
                       "the refused submit of request %s stays recorded as uncertain", hash);
    if (sd_db_exec(c, "cannot undo the refused submit",
                   "DELETE FROM seedance.submits WHERE hash = $1 AND is_current AND "
                   "state = 'submitting' AND task_id IS NULL", 1, p))
        return c->err.code;
    return SEEDANCE_OK;
}

/* Wait for the blocking lock statement sent, honouring the interrupt
 * callback: 1 granted, 0 interrupted (cancelled), -1 failed (c->err). */
static int lock_wait(seedance_client *c)
{
    PGconn *conn = c->jdb->conn;
    PGresult *res;
    int granted = 0, failed = 0, cancelled = 0;

    while (PQconsumeInput(conn) && PQisBusy(conn)) {
        struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };

        if (!cancelled && sd_interrupted(c)) {
            PGcancel *cn = PQgetCancel(conn);
            char buf[256];

            if (cn)
                PQcancel(cn, buf, sizeof(buf));
            PQfreeCancel(cn);
            cancelled = 1;
        }
        if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
            break;
    }
    while ((res = PQgetResult(conn))) {
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            granted = 1;
        else if (!cancelled && !failed++)
            sd_db_fail(c, SEEDANCE_E_JOURNAL, "cannot take the request's lock",
                       PQresultErrorMessage(res));
        PQclear(res);
    }
    if (!granted && !cancelled && !failed)
        sd_db_fail(c, SEEDANCE_E_JOURNAL, "cannot take the request's lock", PQerrorMessage(conn));
    return granted ? 1 : cancelled ? 0 : -1;
}

/* The second key of a request's advisory lock: the first 32 bits of its hash. */
static int lock_key(const char *hash)
{
    char first[9];

    snprintf(first, sizeof(first), "%.8s", hash);
    return (int)(int32_t)(uint32_t)strtoul(first, NULL, 16);
}

int sd_journal_pg_lock(seedance_client *c, const char *hash)
{
    struct sd_journal_db *db;
    char cls[16], key[16];
    const char *p[] = { cls, key };
    PGresult *res;
    int got;

    if (sd_db_open(c)) {
        char msg[sizeof(c->err.message)];

        snprintf(msg, sizeof(msg), "%s", c->err.message);
        return sd_fail(c, SEEDANCE_E_JOURNAL, "%.700s; nothing was submitted (a submit the "
                       "journal cannot record could be paid twice)", msg);
    }
    db = c->jdb;
    db->held_key = lock_key(hash);
    snprintf(cls, sizeof(cls), "%d", LOCK_CLASS);
    snprintf(key, sizeof(key), "%d", db->held_key);
    if (!(res = sd_db_run(c, "cannot take the request's lock",
                          "SELECT pg_try_advisory_lock($1::int, $2::int)", 2, p)))
        return c->err.code;
    got = !strcmp(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    if (!got) {
        sd_log(c, SEEDANCE_LOG_INFO, "the same request is being submitted by another client "
               "or machine; waiting for it");
        if (!PQsendQueryParams(db->conn, "SELECT pg_advisory_lock($1::int, $2::int)", 2, NULL,
                               p, NULL, NULL, 0))
            return sd_db_fail(c, SEEDANCE_E_JOURNAL, "cannot take the request's lock",
                              PQerrorMessage(db->conn));
        if ((got = lock_wait(c)) < 0)
            return c->err.code;
        if (!got)
            return sd_fail(c, SEEDANCE_E_INTERRUPTED, "interrupted while another client or "
                           "machine submitted the same request");
    }
    db->held = 1;
    db->held_generation = db->generation;
    return SEEDANCE_OK;
}

void sd_journal_pg_unlock(seedance_client *c)
{
    char cls[16], key[16];
    const char *p[] = { cls, key };
    seedance_error keep = c->err;

    if (!sd_db_locked(c)) {
        if (c->jdb)
            c->jdb->held = 0;
        return;
    }
    snprintf(cls, sizeof(cls), "%d", LOCK_CLASS);
    snprintf(key, sizeof(key), "%d", c->jdb->held_key);
    sd_db_exec(c, "cannot release the request's lock",
               "SELECT pg_advisory_unlock($1::int, $2::int)", 2, p);
    c->jdb->held = 0;
    c->err = keep;
}

void sd_journal_pg_task_ended(seedance_client *c, const char *task_id, const char *final_state,
                              double credits)
{
    sd_pending x = { .end = 1, .credits = credits };
    seedance_error keep = c->err;

    /* the end of a wait is worth a try even right after a failed one */
    if (c->jdb)
        c->jdb->next_try = 0;
    if (write_pending(c) == 0 && sd_db_open(c) == 0 &&
        end_task(c, task_id, final_state, credits) == 0) {
        c->err = keep;
        return;
    }
    snprintf(x.e.task_id, sizeof(x.e.task_id), "%s", task_id);
    snprintf(x.final_state, sizeof(x.final_state), "%s", final_state);
    if (c->jdb && defer(c, &x) == 0)
        sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s) out of reach: that task %s "
               "%s is recorded there once it is back", c->jdb->desc, task_id, final_state);
    c->err = keep;
}

int sd_journal_pg_list(seedance_client *c, int64_t from, int64_t to, sd_journal_entry **out,
                       size_t *n)
{
    char f[24], t[24];
    const char *p[] = { f, t };
    PGresult *res;
    int rows;

    snprintf(f, sizeof(f), "%lld", (long long)from);
    snprintf(t, sizeof(t), "%lld", (long long)to);
    if (sd_db_open(c) ||
        !(res = sd_db_run(c, "cannot read the journal",
                          "SELECT " COLUMNS " FROM seedance.submits "
                          "WHERE attempted >= to_timestamp($1::double precision) AND "
                          "attempted < to_timestamp($2::double precision) ORDER BY attempted, id",
                          2, p)))
        return c->err.code;
    rows = PQntuples(res);
    if (rows && !(*out = calloc((size_t)rows, sizeof(**out)))) {
        PQclear(res);
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    for (int i = 0; i < rows; i++)
        if (take_row(res, i, &(*out)[*n]) == 0)
            (*n)++;
        else
            sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s): a damaged row is left "
                   "out", c->jdb->desc);
    PQclear(res);
    return SEEDANCE_OK;
}

void sd_journal_pg_close(seedance_client *c)
{
    struct sd_journal_db *db = c->jdb;

    if (!db)
        return;
    db->next_try = 0;
    if (write_pending(c))
        for (size_t i = 0; i < db->npending; i++) {
            const sd_pending *x = &db->pending[i];

            if (x->end)
                sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s) out of reach: that task "
                       "%s %s is not recorded there", db->desc, x->e.task_id, x->final_state);
            else
                sd_log(c, SEEDANCE_LOG_WARNING, "journal database (%s) out of reach: %s%s is "
                       "not recorded there; other machines take this request for an uncertain "
                       "submit", db->desc, *x->e.task_id ? "task " : "the uncertain submit",
                       x->e.task_id);
        }
    for (size_t i = 0; i < db->npending; i++)
        pending_clear(&db->pending[i]);
    free(db->pending);
    db->pending = NULL;
    db->npending = 0;
    sd_db_free(c);
}
