/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection of a journal shared in PostgreSQL (journal_db.c), for the
 * journal's operations (journal_pg.c). Not installed.
 */
#ifndef SEEDANCE_JOURNAL_DB_H
#define SEEDANCE_JOURNAL_DB_H

#include <libpq-fe.h>

#include "api.h"

/* What could not be written while the database was out of reach. */
typedef struct sd_pending {
    int end;                    /* 0: an entry (e, request); 1: how e.task_id ended */
    sd_journal_entry e;
    char *request;
    char final_state[16];
    double credits;
} sd_pending;

/* A client's shared journal: c->jdb. */
struct sd_journal_db {
    PGconn *conn;
    char desc[512];             /* the database, for messages: never a password */
    char *secret[2];            /* password, sslpassword: scrubbed from libpq's messages */
    unsigned generation;        /* connections made so far */
    int held;                   /* a request's advisory lock is held ... */
    unsigned held_generation;   /* ... on this connection */
    int held_key;
    sd_pending *pending;
    size_t npending;
    double next_try;            /* sd_now() before which a lost database is not tried again */
};

/*
 * A working connection to the database of c->journal, with its session set
 * up and the schema checked: kept, or made anew (c->jdb allocated the
 * first time). 0, or -1 with SEEDANCE_E_JOURNAL (or _CONFIG, _NOMEM) in
 * c->err.
 */
int sd_db_open(seedance_client *c);
/* Is the request's lock held on the connection of now? */
int sd_db_locked(const seedance_client *c);
/* Close the connection and free c->jdb (the secrets wiped). */
void sd_db_free(seedance_client *c);

/*
 * Run sql with n text parameters (NULL: SQL NULL) on the open connection:
 * its result, or NULL with "journal database (DESC): WHAT: REASON" in
 * c->err. sd_db_exec: the same when the result is not needed, 0 or -1.
 */
PGresult *sd_db_run(seedance_client *c, const char *what, const char *sql, int n,
                    const char *const *v);
int sd_db_exec(seedance_client *c, const char *what, const char *sql, int n,
               const char *const *v);
/* End the transaction in progress, if any, without its changes. */
void sd_db_rollback(seedance_client *c);
/* "journal database (DESC): WHAT: WHY" (WHY scrubbed, on one line) into c->err; code. */
int sd_db_fail(seedance_client *c, int code, const char *what, const char *why);

#endif /* SEEDANCE_JOURNAL_DB_H */
