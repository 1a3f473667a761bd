/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The submit journal. It maps a request (the SHA-256 of its canonical JSON
 * and the API base, never the key) to its Idempotency-Key and, once known,
 * its task id, with what the ledger needs of the submit (ledger.c).
 *
 * Local, by default: <cache_dir>/journal/<hash>.json, written before the
 * submit and replaced atomically (fsutil.c), with mode 0600 in directories
 * of mode 0700; <hash>.lock serialises the submits of one request. Entries
 * that stopped being the one of their request (a new generation replaced
 * them, or their task ended without a clip) are kept for the ledger as
 * journal/past/<hash>.<idempotency key>.json.
 *
 * Shared, when the client's journal setting names a database: every
 * function below hands over to journal_pg.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"

#define JOURNAL_MAX_BYTES (1L * 1024 * 1024)
#define KEY_MAX 64      /* an idempotency key, in a past entry's name */

static char *journal_dir(const seedance_client *c)
{
    size_t n = strlen(c->cache_dir) + 16;
    char *d = malloc(n);

    if (d)
        snprintf(d, n, "%s/journal", c->cache_dir);
    return d;
}

static char *file_path(const seedance_client *c, const char *hash)
{
    size_t n = strlen(c->cache_dir) + strlen(hash) + 32;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/journal/%s.json", c->cache_dir, hash);
    return p;
}

/* journal/past/<hash>.<key>.json */
static char *past_path(const seedance_client *c, const char *hash, const char *key)
{
    size_t n = strlen(c->cache_dir) + strlen(hash) + strlen(key) + 32;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/journal/past/%s.%s.json", c->cache_dir, hash, key);
    return p;
}

static const char *const state_names[] = {
    [SD_JOURNAL_SUBMITTING] = "submitting",
    [SD_JOURNAL_SUBMITTED] = "submitted",
    [SD_JOURNAL_UNCERTAIN] = "uncertain",
};

const char *sd_journal_state_name(int state)
{
    return state >= SD_JOURNAL_SUBMITTING && state <= SD_JOURNAL_UNCERTAIN ? state_names[state]
                                                                           : NULL;
}

int sd_journal_state_of(const char *name, const char *task_id)
{
    /* an entry without its task id is never taken for a finished submit */
    if (*task_id)
        return SD_JOURNAL_SUBMITTED;
    return !strcmp(name, state_names[SD_JOURNAL_UNCERTAIN]) ? SD_JOURNAL_UNCERTAIN
                                                            : SD_JOURNAL_SUBMITTING;
}

/*
 * Copy the string field name of o to dst (size bytes), "" when absent. A
 * value that does not fit is a damaged entry, never a shorter one (a task
 * id cut short would attach to another task): -1 with the reason in why.
 */
static int copy_str(char *dst, size_t size, const cJSON *o, const char *name,
                    char *why, size_t why_size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    const char *str = cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
    size_t len = strlen(str);

    if (len >= size) {
        snprintf(why, why_size, "its %s is %zu characters long, at most %zu fit", name, len,
                 size - 1);
        *dst = '\0';
        return -1;
    }
    memcpy(dst, str, len + 1);
    return 0;
}

/* An entry's fields from its JSON; 0 when it is usable for hash, else -1
 * with the reason in why. */
static int entry_parse(const cJSON *o, const char *hash, sd_journal_entry *e, char *why,
                       size_t n)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "attempted");
    char state[16];

    snprintf(why, n, "it is not the entry of this request");
    if (!cJSON_IsObject(o)) {
        snprintf(why, n, "it is not a JSON object");
        return -1;
    }
    if (copy_str(e->hash, sizeof(e->hash), o, "hash", why, n) ||
        copy_str(e->idempotency_key, sizeof(e->idempotency_key), o, "idempotency_key", why, n) ||
        copy_str(e->task_id, sizeof(e->task_id), o, "task_id", why, n) ||
        copy_str(e->failure, sizeof(e->failure), o, "failure", why, n) ||
        copy_str(state, sizeof(state), o, "state", why, n))
        return -1;
    if (cJSON_IsNumber(t) && t->valuedouble > 0 && t->valuedouble < 1e15)
        e->attempted = (int64_t)t->valuedouble;
    e->state = sd_journal_state_of(state, e->task_id);
    if (*e->task_id && !seedance_task_id_valid(e->task_id)) {
        snprintf(why, n, "its task_id is not a task id");
        return -1;
    }
    if (!*e->idempotency_key) {
        snprintf(why, n, "it has no idempotency_key");
        return -1;
    }
    return strcmp(e->hash, hash) ? -1 : 0;
}

/* The entry of hash in the file at path: 1, 0 absent, -1 damaged. */
static int load_path(seedance_client *c, const char *path, const char *hash,
                     sd_journal_entry *e)
{
    unsigned char *buf = NULL;
    size_t n;
    cJSON *o = NULL;
    char why[128];
    int found = 0;

    memset(e, 0, sizeof(*e));
    if (sd_read_file(path, JOURNAL_MAX_BYTES, &buf, &n) < 0) {
        if (errno != ENOENT) {
            sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is unreadable (%s)",
                   path, strerror(errno));
            found = -1;
        }
        goto done;
    }
    o = cJSON_ParseWithLength((const char *)buf, n);
    if (entry_parse(o, hash, e, why, sizeof(why)) < 0 ||
        (sd_journal_record_from_json(o, &e->rec) < 0 &&
         snprintf(why, sizeof(why), "its record of the request is malformed") > 0)) {
        sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is damaged: %s", path, why);
        memset(e, 0, sizeof(*e));
        found = -1;
        goto done;
    }
    found = 1;
done:
    cJSON_Delete(o);
    free(buf);
    return found;
}

/* The entry of hash names task_id: its end is recorded there without a
 * search of the journal. */
static void note_task(seedance_client *c, const char *hash, const char *task_id)
{
    snprintf(c->journaled.task_id, sizeof(c->journaled.task_id), "%s", task_id);
    snprintf(c->journaled.hash, sizeof(c->journaled.hash), "%s", hash);
}

static int file_load(seedance_client *c, const char *hash, sd_journal_entry *e)
{
    char *path = file_path(c, hash);
    int found;

    if (!path) {
        memset(e, 0, sizeof(*e));
        return 0;
    }
    if ((found = load_path(c, path, hash, e)) == 1 && *e->task_id)
        note_task(c, hash, e->task_id);
    free(path);
    return found;
}

static char *entry_json(const sd_journal_entry *e, const char *request_json, const char *base)
{
    cJSON *o = cJSON_CreateObject(), *req = request_json ? cJSON_Parse(request_json) : NULL;
    char *out = NULL;
    int ok = o != NULL;

    ok = ok && cJSON_AddNumberToObject(o, "version", 1);
    ok = ok && cJSON_AddStringToObject(o, "hash", e->hash);
    ok = ok && cJSON_AddStringToObject(o, "api_base", base);
    ok = ok && sd_journal_state_name(e->state) &&
         cJSON_AddStringToObject(o, "state", sd_journal_state_name(e->state));
    ok = ok && cJSON_AddStringToObject(o, "idempotency_key", e->idempotency_key);
    ok = ok && (*e->task_id ? cJSON_AddStringToObject(o, "task_id", e->task_id)
                            : cJSON_AddNullToObject(o, "task_id")) != NULL;
    ok = ok && (!e->attempted || cJSON_AddNumberToObject(o, "attempted", (double)e->attempted));
    ok = ok && (!*e->failure || cJSON_AddStringToObject(o, "failure", e->failure));
    ok = ok && cJSON_AddNumberToObject(o, "updated", (double)time(NULL));
    ok = ok && sd_journal_record_to_json(&e->rec, o) == 0;
    if (ok && req) {
        cJSON_AddItemToObject(o, "request", req);
        req = NULL;
    }
    if (ok)
        out = cJSON_Print(o);
    cJSON_Delete(req);
    cJSON_Delete(o);
    return out;
}

/* Create journal/ (and journal/past/ when past): 0, or the failure in c->err. */
static int make_dirs(seedance_client *c, int past)
{
    char *dir = journal_dir(c), *path = dir ? malloc(strlen(dir) + 8) : NULL;
    int rc = SEEDANCE_OK;

    if (!path) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    } else {
        sprintf(path, "%s%s", dir, past ? "/past" : "");
        if (sd_mkdirs(path) < 0)
            rc = sd_fail(c, SEEDANCE_E_IO, "cannot create the journal directory %s: %s", path,
                         strerror(errno));
    }
    free(path);
    free(dir);
    return rc;
}

/* Copy the file at from to to (atomically): 0 or -1 with errno. */
static int copy_file(const char *from, const char *to)
{
    unsigned char *buf;
    size_t n;
    int rc;

    if (sd_read_file(from, JOURNAL_MAX_BYTES, &buf, &n) < 0)
        return -1;
    rc = sd_write_file_atomic(to, buf, n);
    free(buf);
    return rc;
}

/*
 * Before e becomes the entry of its request: the entry it replaces is kept
 * in past/ when it names another key (a new generation: it may have been
 * paid). *restored: e itself was in past/ (a refused submit is undone:
 * the attempt it replaces created nothing and is not kept).
 */
static int keep_replaced(seedance_client *c, const sd_journal_entry *e, const char *path,
                         char **restored)
{
    sd_journal_entry cur;
    char *keep = NULL;
    int rc = SEEDANCE_OK;

    *restored = past_path(c, e->hash, e->idempotency_key);
    if (!*restored)
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    if (access(*restored, F_OK) == 0)
        return SEEDANCE_OK;
    free(*restored);
    *restored = NULL;
    if (load_path(c, path, e->hash, &cur) != 1 ||
        !strcmp(cur.idempotency_key, e->idempotency_key) ||
        strlen(cur.idempotency_key) > KEY_MAX || strchr(cur.idempotency_key, '/'))
        return SEEDANCE_OK;
    if (!(keep = past_path(c, e->hash, cur.idempotency_key)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    if (!(rc = make_dirs(c, 1)) && copy_file(path, keep) < 0)
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot keep the journal entry %s as %s: %s", path, keep,
                     strerror(errno));
    free(keep);
    return rc;
}

static int file_store(seedance_client *c, const sd_journal_entry *e, const char *request_json)
{
    char *path = file_path(c, e->hash), *text = NULL, *restored = NULL;
    int rc = SEEDANCE_OK;

    if (!path ||
        !(text = entry_json(e, request_json, c->api_base ? c->api_base : ""))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    if ((rc = make_dirs(c, 0)) || (rc = keep_replaced(c, e, path, &restored)))
        goto done;
    if (sd_write_file_atomic(path, text, strlen(text)) < 0)
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot write the journal entry %s: %s", path,
                     strerror(errno));
    else if (restored)
        unlink(restored);
    if (!rc && *e->task_id)
        note_task(c, e->hash, e->task_id);
done:
    free(restored);
    free(text);
    free(path);
    return rc;
}

static int file_remove(seedance_client *c, const char *hash)
{
    char *path = file_path(c, hash);

    if (!path)
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    if (unlink(path) < 0 && errno != ENOENT)
        sd_log(c, SEEDANCE_LOG_WARNING, "cannot remove the journal entry %s: %s", path,
               strerror(errno));
    free(path);
    return SEEDANCE_OK;
}

static int file_lock(seedance_client *c, const char *hash, int *fd)
{
    char *dir = journal_dir(c), *path = NULL;
    int rc = SEEDANCE_OK, warned = 0;

    *fd = -1;
    if (!dir || !(path = malloc(strlen(dir) + strlen(hash) + 16))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    if ((rc = make_dirs(c, 0)))
        goto done;
    sprintf(path, "%s/%s.lock", dir, hash);
    if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot open the journal lock %s: %s",
                     path, strerror(errno));
        goto done;
    }
    /* Another process, or another client of this one, submits the same
     * request: wait for its task id. flock() locks belong to the open file,
     * so two clients in one process exclude each other too (fcntl() locks
     * belong to the process and would not). */
    while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            break;      /* no locking on this file system: go on without */
        if (!warned++)
            sd_log(c, SEEDANCE_LOG_INFO, "the same request is being submitted by another "
                   "client; waiting for it");
        if ((rc = sd_sleep(c, 0.1))) {
            close(*fd);
            *fd = -1;
            goto done;
        }
    }
done:
    free(path);
    free(dir);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Every entry, current and past                                      */

/* Called with each entry and its file; returns non-zero to stop. */
typedef int (*entry_fn)(seedance_client *c, const char *path, const sd_journal_entry *e,
                        void *opaque);

/* The hash of an entry's file name (<hash>.json, or <hash>.<key>.json in past/). */
static int name_hash(const char *name, int past, char hash[65])
{
    size_t n = strlen(name);

    if (n < 64 + 5 || strcmp(name + n - 5, ".json") ||
        strspn(name, "0123456789abcdef") != 64)
        return -1;
    if (past ? name[64] != '.' || n == 64 + 6 : n != 64 + 5)
        return -1;
    memcpy(hash, name, 64);
    hash[64] = '\0';
    return 0;
}

static int scan_dir(seedance_client *c, const char *dir, int past, entry_fn fn, void *opaque)
{
    struct dirent *d;
    DIR *dh = opendir(dir);
    int stop = 0;

    if (!dh)
        return 0;
    while (!stop && (d = readdir(dh))) {
        char hash[65], *path;
        sd_journal_entry e;

        if (name_hash(d->d_name, past, hash) < 0 ||
            !(path = malloc(strlen(dir) + strlen(d->d_name) + 2)))
            continue;
        sprintf(path, "%s/%s", dir, d->d_name);
        if (load_path(c, path, hash, &e) == 1)
            stop = fn(c, path, &e, opaque);
        free(path);
    }
    closedir(dh);
    return stop;
}

static void for_each_entry(seedance_client *c, entry_fn fn, void *opaque)
{
    char *dir = journal_dir(c), *past = dir ? malloc(strlen(dir) + 8) : NULL;

    if (past) {
        sprintf(past, "%s/past", dir);
        if (!scan_dir(c, dir, 0, fn, opaque))
            scan_dir(c, past, 1, fn, opaque);
    }
    free(past);
    free(dir);
}

/* Rewrite the entry at path with how its task ended: 0 or -1 (errno). */
static int mark_ended(const char *path, const char *final_state, double credits)
{
    unsigned char *buf = NULL;
    char *text = NULL;
    size_t n;
    cJSON *o = NULL;
    sd_journal_record rec;
    int rc = -1;

    if (sd_read_file(path, JOURNAL_MAX_BYTES, &buf, &n) < 0)
        return -1;
    if ((o = cJSON_ParseWithLength((const char *)buf, n)) &&
        sd_journal_record_from_json(o, &rec) == 0) {
        snprintf(rec.final_state, sizeof(rec.final_state), "%s", final_state);
        rec.ended = (int64_t)time(NULL);
        if (rec.credits < 0)
            rec.credits = credits;
        if (sd_journal_record_to_json(&rec, o) == 0 && (text = cJSON_Print(o)))
            rc = sd_write_file_atomic(path, text, strlen(text));
    }
    if (rc < 0 && !errno)
        errno = EINVAL;
    free(text);
    cJSON_Delete(o);
    free(buf);
    return rc;
}

typedef struct ending {
    const char *task_id, *final_state;
    double credits;
    int seen;       /* entries of the task found */
} ending;

/* An entry of the task that ended: its end recorded; without a clip, a
 * current entry goes to past/ (forgotten: the request submits anew). */
static int end_one(seedance_client *c, const char *path, const sd_journal_entry *e,
                   void *opaque)
{
    ending *x = opaque;
    int completed = !strcmp(x->final_state, "completed"), current = !strstr(path, "/past/");
    char *to;

    if (strcmp(e->task_id, x->task_id))
        return 0;
    x->seen++;
    if (*e->rec.final_state && (completed || !current))
        return 0;
    if (!*e->rec.final_state && mark_ended(path, x->final_state, x->credits) < 0)
        sd_log(c, SEEDANCE_LOG_WARNING, "cannot record in %s how task %s ended: %s", path,
               x->task_id, strerror(errno));
    if (completed || !current)
        return 0;
    sd_log(c, SEEDANCE_LOG_INFO, "journal: task %s ended without a clip; the same "
           "request will be submitted anew", x->task_id);
    if (make_dirs(c, 1) == SEEDANCE_OK &&
        (to = past_path(c, e->hash, e->idempotency_key))) {
        if (rename(path, to) < 0)
            unlink(path);
        free(to);
    } else {
        unlink(path);
    }
    return 0;
}

static void file_task_ended(seedance_client *c, const char *task_id, const char *final_state,
                            double credits)
{
    ending x = { task_id, final_state, credits, 0 };
    sd_journal_entry e;
    char *path;

    /* the entry this client submitted or attached with, else a search */
    if (!strcmp(c->journaled.task_id, task_id) &&
        (path = file_path(c, c->journaled.hash))) {
        if (load_path(c, path, c->journaled.hash, &e) == 1)
            end_one(c, path, &e, &x);
        free(path);
    }
    if (!x.seen)
        for_each_entry(c, end_one, &x);
}

typedef struct listing {
    int64_t from, to;
    sd_journal_entry *v;
    size_t n, size;
    int nomem;
} listing;

static int list_one(seedance_client *c, const char *path, const sd_journal_entry *e,
                    void *opaque)
{
    listing *l = opaque;

    (void)c;
    (void)path;
    if (e->attempted < l->from || e->attempted >= l->to)
        return 0;
    if (l->n == l->size) {
        size_t size = l->size ? 2 * l->size : 64;
        sd_journal_entry *v = realloc(l->v, size * sizeof(*v));

        if (!v) {
            l->nomem = 1;
            return 1;
        }
        l->v = v;
        l->size = size;
    }
    l->v[l->n++] = *e;
    return 0;
}

static int file_list(seedance_client *c, int64_t from, int64_t to, sd_journal_entry **out,
                     size_t *n)
{
    listing l = { .from = from, .to = to };

    for_each_entry(c, list_one, &l);
    if (l.nomem) {
        free(l.v);
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    *out = l.v;
    *n = l.n;
    return SEEDANCE_OK;
}

/* ------------------------------------------------------------------ */
/* The journal of the client: local or shared                         */

#define SHARED(c) ((c)->journal != NULL)

char *sd_journal_path(const seedance_client *c, const char *hash)
{
    const char *fmt = "the row of request %s in the journal database";
    char *p;

    if (!SHARED(c))
        return file_path(c, hash);
    if ((p = malloc(strlen(fmt) + strlen(hash))))
        sprintf(p, fmt, hash);
    return p;
}

int sd_journal_load(seedance_client *c, const char *hash, sd_journal_entry *e)
{
    return SHARED(c) ? sd_journal_pg_load(c, hash, e) : file_load(c, hash, e);
}

int sd_journal_store(seedance_client *c, const sd_journal_entry *e, const char *request_json)
{
    return SHARED(c) ? sd_journal_pg_store(c, e, request_json)
                     : file_store(c, e, request_json);
}

int sd_journal_remove(seedance_client *c, const char *hash)
{
    return SHARED(c) ? sd_journal_pg_remove(c, hash) : file_remove(c, hash);
}

int sd_journal_lock(seedance_client *c, const char *hash, int *lock)
{
    *lock = -1;
    return SHARED(c) ? sd_journal_pg_lock(c, hash) : file_lock(c, hash, lock);
}

void sd_journal_unlock(seedance_client *c, int lock)
{
    if (c && SHARED(c))
        sd_journal_pg_unlock(c);
    if (lock >= 0)
        close(lock);    /* releases the lock */
}

void sd_journal_task_ended(seedance_client *c, const char *task_id, const seedance_task *t)
{
    seedance_error keep = c->err;   /* the outcome of the wait */
    const char *final_state;

    if (!c->cache)
        return;
    switch (sd_task_state(t)) {
    case SD_TASK_SUCCEEDED: final_state = "completed"; break;
    case SD_TASK_FAILED:    final_state = "failed"; break;
    case SD_TASK_EXPIRED:   final_state = "expired"; break;
    default:                final_state = "cancelled"; break;
    }
    if (SHARED(c))
        sd_journal_pg_task_ended(c, task_id, final_state, seedance_task_credits_reserved(t));
    else
        file_task_ended(c, task_id, final_state, seedance_task_credits_reserved(t));
    c->err = keep;
}

void sd_journal_flush(seedance_client *c)
{
    if (SHARED(c))
        sd_journal_pg_flush(c);
}

int sd_journal_list(seedance_client *c, int64_t from, int64_t to, sd_journal_entry **out,
                    size_t *n)
{
    *out = NULL;
    *n = 0;
    return SHARED(c) ? sd_journal_pg_list(c, from, to, out, n) : file_list(c, from, to, out, n);
}

void sd_journal_name(seedance_client *c, char *buf, size_t size)
{
    if (SHARED(c))
        snprintf(buf, size, "journal database %s", sd_journal_pg_name(c));
    else
        snprintf(buf, size, "local journal %s/journal", c->cache_dir);
}

void sd_journal_close(seedance_client *c)
{
    if (c->jdb)
        sd_journal_pg_close(c);
}
