/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The submit journal: <cache_dir>/journal/<hash>.json maps a request (the
 * SHA-256 of its canonical JSON and the API base, never the key) to its
 * Idempotency-Key and, once known, its task id. Entries are written before
 * the submit and replaced atomically (fsutil.c), with mode 0600 in
 * directories of mode 0700.
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

static char *journal_dir(const seedance_client *c)
{
    size_t n = strlen(c->cache_dir) + 16;
    char *d = malloc(n);

    if (d)
        snprintf(d, n, "%s/journal", c->cache_dir);
    return d;
}

char *sd_journal_path(const seedance_client *c, const char *hash)
{
    size_t n = strlen(c->cache_dir) + strlen(hash) + 32;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/journal/%s.json", c->cache_dir, hash);
    return p;
}

static const char *const state_names[] = {
    [SD_JOURNAL_SUBMITTING] = "submitting",
    [SD_JOURNAL_SUBMITTED] = "submitted",
    [SD_JOURNAL_UNCERTAIN] = "uncertain",
};

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
    /* an entry without its task id is never taken for a finished submit */
    e->state = *e->task_id ? SD_JOURNAL_SUBMITTED : SD_JOURNAL_SUBMITTING;
    if (!strcmp(state, state_names[SD_JOURNAL_UNCERTAIN]) && !*e->task_id)
        e->state = SD_JOURNAL_UNCERTAIN;
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

int sd_journal_load(seedance_client *c, const char *hash, sd_journal_entry *e)
{
    char *path = sd_journal_path(c, hash);
    unsigned char *buf = NULL;
    size_t n;
    cJSON *o = NULL;
    char why[128];
    int found = 0;

    memset(e, 0, sizeof(*e));
    if (!path)
        return 0;
    if (sd_read_file(path, JOURNAL_MAX_BYTES, &buf, &n) < 0) {
        if (errno != ENOENT) {
            sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is unreadable (%s)",
                   path, strerror(errno));
            found = -1;
        }
        goto done;
    }
    o = cJSON_ParseWithLength((const char *)buf, n);
    if (entry_parse(o, hash, e, why, sizeof(why)) < 0) {
        sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is damaged: %s", path, why);
        memset(e, 0, sizeof(*e));
        found = -1;
        goto done;
    }
    found = 1;
done:
    cJSON_Delete(o);
    free(buf);
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
    ok = ok && e->state >= SD_JOURNAL_SUBMITTING && e->state <= SD_JOURNAL_UNCERTAIN &&
         cJSON_AddStringToObject(o, "state", state_names[e->state]);
    ok = ok && cJSON_AddStringToObject(o, "idempotency_key", e->idempotency_key);
    ok = ok && (*e->task_id ? cJSON_AddStringToObject(o, "task_id", e->task_id)
                            : cJSON_AddNullToObject(o, "task_id")) != NULL;
    ok = ok && (!e->attempted || cJSON_AddNumberToObject(o, "attempted", (double)e->attempted));
    ok = ok && (!*e->failure || cJSON_AddStringToObject(o, "failure", e->failure));
    ok = ok && cJSON_AddNumberToObject(o, "updated", (double)time(NULL));
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

int sd_journal_store(seedance_client *c, const sd_journal_entry *e, const char *request_json)
{
    char *dir = journal_dir(c), *path = sd_journal_path(c, e->hash), *text = NULL;
    int rc = SEEDANCE_OK;

    if (!dir || !path ||
        !(text = entry_json(e, request_json, c->api_base ? c->api_base : ""))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    if (sd_mkdirs(dir) < 0)
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot create the journal directory %s: %s", dir,
                     strerror(errno));
    else if (sd_write_file_atomic(path, text, strlen(text)) < 0)
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot write the journal entry %s: %s", path,
                     strerror(errno));
done:
    free(text);
    free(path);
    free(dir);
    return rc;
}

int sd_journal_remove(seedance_client *c, const char *hash)
{
    char *path = sd_journal_path(c, hash);

    if (!path)
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    if (unlink(path) < 0 && errno != ENOENT)
        sd_log(c, SEEDANCE_LOG_WARNING, "cannot remove the journal entry %s: %s", path,
               strerror(errno));
    free(path);
    return SEEDANCE_OK;
}

int sd_journal_lock(seedance_client *c, const char *hash, int *fd)
{
    char *dir = journal_dir(c), *path = NULL;
    int rc = SEEDANCE_OK, warned = 0;

    *fd = -1;
    if (!dir || !(path = malloc(strlen(dir) + strlen(hash) + 16))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    if (sd_mkdirs(dir) < 0) {
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot create the journal directory %s: %s", dir,
                     strerror(errno));
        goto done;
    }
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

void sd_journal_unlock(int fd)
{
    if (fd >= 0)
        close(fd);  /* releases the lock */
}

/*
 * A task that failed or was cancelled is not billed: forget every journal
 * entry that points at it, so that running the same request again submits
 * a new task instead of attaching to the failure.
 */
void sd_journal_forget_task(seedance_client *c, const char *task_id)
{
    char *dir = journal_dir(c);
    struct dirent *d;
    DIR *dh;

    if (!c->cache || !dir || !(dh = opendir(dir))) {
        free(dir);
        return;
    }
    while ((d = readdir(dh))) {
        size_t n = strlen(d->d_name);
        char hash[65];
        sd_journal_entry e;

        if (n != 64 + 5 || strcmp(d->d_name + 64, ".json"))
            continue;
        memcpy(hash, d->d_name, 64);
        hash[64] = '\0';
        if (sd_journal_load(c, hash, &e) == 1 && !strcmp(e.task_id, task_id)) {
            sd_log(c, SEEDANCE_LOG_INFO, "journal: task %s ended without a clip; the same "
                   "request will be submitted anew", task_id);
            sd_journal_remove(c, hash);
        }
    }
    closedir(dh);
    free(dir);
}
