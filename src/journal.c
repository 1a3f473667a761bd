/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The submit journal: <cache_dir>/journal/<hash>.json maps a request (the
 * SHA-256 of its canonical JSON and the API base, never the key) to its
 * Idempotency-Key and, once known, its task id. Entries are written before
 * the submit and replaced atomically (temporary file, fsync, rename), with
 * mode 0600 in directories of mode 0700.
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

int sd_mkdirs(const char *path, seedance_error *err)
{
    char *p = strdup(path);
    int rc = SEEDANCE_OK;

    if (!p)
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char saved = *s;
            *s = '\0';
            if (mkdir(p, 0700) < 0 && errno != EEXIST) {
                rc = sd_error(err, SEEDANCE_E_IO,
                              "cannot create the directory %s: %s", p, strerror(errno));
                break;
            }
            *s = saved;
            if (!saved)
                break;
        }
    }
    free(p);
    return rc;
}

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

static void copy_str(char *dst, size_t size, const cJSON *v)
{
    snprintf(dst, size, "%s", cJSON_IsString(v) && v->valuestring ? v->valuestring : "");
}

int sd_journal_load(seedance_client *c, const char *hash, sd_journal_entry *e)
{
    char *path = sd_journal_path(c, hash), *buf = NULL;
    FILE *f = NULL;
    cJSON *o = NULL;
    long n;
    int found = 0;

    memset(e, 0, sizeof(*e));
    if (!path)
        return 0;
    if (!(f = fopen(path, "rb")))
        goto done;
    if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || n > JOURNAL_MAX_BYTES ||
        fseek(f, 0, SEEK_SET) < 0 || !(buf = malloc((size_t)n + 1)) ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is unreadable; ignored", path);
        goto done;
    }
    o = cJSON_ParseWithLength(buf, (size_t)n);
    copy_str(e->hash, sizeof(e->hash), cJSON_GetObjectItemCaseSensitive(o, "hash"));
    copy_str(e->idempotency_key, sizeof(e->idempotency_key),
             cJSON_GetObjectItemCaseSensitive(o, "idempotency_key"));
    copy_str(e->task_id, sizeof(e->task_id), cJSON_GetObjectItemCaseSensitive(o, "task_id"));
    copy_str(e->state, sizeof(e->state), cJSON_GetObjectItemCaseSensitive(o, "state"));
    if (!cJSON_IsObject(o) || strcmp(e->hash, hash) || !*e->idempotency_key) {
        sd_log(c, SEEDANCE_LOG_WARNING, "journal entry %s is damaged; ignored", path);
        memset(e, 0, sizeof(*e));
        goto done;
    }
    found = 1;
done:
    cJSON_Delete(o);
    free(buf);
    if (f)
        fclose(f);
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
    ok = ok && cJSON_AddStringToObject(o, "state", e->state);
    ok = ok && cJSON_AddStringToObject(o, "idempotency_key", e->idempotency_key);
    ok = ok && (*e->task_id ? cJSON_AddStringToObject(o, "task_id", e->task_id)
                            : cJSON_AddNullToObject(o, "task_id")) != NULL;
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
    char *dir = journal_dir(c), *path = sd_journal_path(c, e->hash), *tmp = NULL, *text = NULL;
    int fd = -1, rc = SEEDANCE_OK;
    size_t len, off = 0;

    if (!dir || !path || !(tmp = malloc(strlen(path) + 32)) ||
        !(text = entry_json(e, request_json, c->api_base ? c->api_base : ""))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    if ((rc = sd_mkdirs(dir, &c->err)))
        goto done;
    sprintf(tmp, "%s.tmp.%ld", path, (long)getpid());
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot write the journal entry %s: %s",
                     tmp, strerror(errno));
        goto done;
    }
    len = strlen(text);
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (off != len || fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot write the journal entry %s: %s",
                     tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        rc = sd_fail(c, SEEDANCE_E_IO, "cannot write the journal entry %s: %s",
                     path, strerror(errno));
        unlink(tmp);
    } else if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        /* the rename itself must survive a crash before the submit goes out */
        fsync(fd);
    }
done:
    if (fd >= 0)
        close(fd);
    free(text);
    free(tmp);
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
    if ((rc = sd_mkdirs(dir, &c->err)))
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
