/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Files API uploads of a task, deleted once the task has ended: the
 * service reads references when a task starts, and an account holds few
 * files. They are remembered in <cache_dir>/uploads/<task>.json (so that
 * a later process, a "seedance wait" or a rerun, deletes them when it
 * sees the task end), or in the client without a cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"

#define RECORD_MAX_BYTES (64L * 1024)

struct sd_pending {
    struct sd_pending *next;
    char task_id[96];
    int recorded;           /* in the cache too: the record is what is acted on */
    int n;
    char **ids;
};

static char *record_path(const seedance_client *c, const char *task_id)
{
    size_t n = strlen(c->cache_dir) + strlen(task_id) + 32;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/uploads/%s.json", c->cache_dir, task_id);
    return p;
}

static int write_record(seedance_client *c, const char *task_id, char *const *ids, int n)
{
    cJSON *o = cJSON_CreateObject(), *arr = o ? cJSON_AddArrayToObject(o, "file_ids") : NULL;
    char *path = record_path(c, task_id), *text = NULL, *dir = NULL;
    int rc = -1;

    for (int i = 0; arr && i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(ids[i]));
    if (arr && cJSON_AddStringToObject(o, "task_id", task_id) && path &&
        (text = cJSON_Print(o)) && (dir = strdup(path))) {
        *strrchr(dir, '/') = '\0';
        rc = sd_mkdirs(dir) < 0 || sd_write_file_atomic(path, text, strlen(text)) < 0 ? -1 : 0;
    }
    if (rc)
        sd_log(c, SEEDANCE_LOG_WARNING, "task %s: its uploads could not be recorded in %s "
               "(%s); they are deleted only when this program sees the task end", task_id,
               path ? path : "the cache", strerror(errno));
    free(dir);
    free(text);
    free(path);
    cJSON_Delete(o);
    return rc;
}

int sd_uploads_record(seedance_client *c, const char *task_id, char *const *ids, int n)
{
    struct sd_pending *p = calloc(1, sizeof(*p));

    if (!p || !(p->ids = calloc((size_t)n, sizeof(*p->ids)))) {
        free(p);
        return SEEDANCE_E_NOMEM;
    }
    p->recorded = c->cache && write_record(c, task_id, ids, n) == 0;
    snprintf(p->task_id, sizeof(p->task_id), "%s", task_id);
    for (int i = 0; i < n; i++)
        if ((p->ids[p->n] = strdup(ids[i])))
            p->n++;
    p->next = c->pending;
    c->pending = p;
    return SEEDANCE_OK;
}

void sd_uploads_delete(seedance_client *c, char *const *ids, int n)
{
    seedance_error keep = c->err;

    for (int i = 0; i < n; i++) {
        if (sd_upload_delete(c, ids[i]))
            sd_log(c, SEEDANCE_LOG_WARNING, "upload %s was not deleted: %s", ids[i],
                   c->err.message);
        else
            sd_log(c, SEEDANCE_LOG_DEBUG, "upload %s deleted", ids[i]);
    }
    c->err = keep;
}

/* The file ids of a task's record; *ids allocated (sd_media_list_free). */
static int read_record(seedance_client *c, const char *path, char ***ids)
{
    unsigned char *buf = NULL;
    size_t len, n = 0;
    cJSON *o, *arr, *it;

    *ids = NULL;
    if (sd_read_file(path, RECORD_MAX_BYTES, &buf, &len) < 0)
        return errno == ENOENT ? 0 : -1;
    o = cJSON_ParseWithLength((const char *)buf, len);
    free(buf);
    arr = cJSON_GetObjectItemCaseSensitive(o, "file_ids");
    if (!cJSON_IsArray(arr) || !(*ids = calloc((size_t)cJSON_GetArraySize(arr) + 1,
                                                sizeof(**ids)))) {
        cJSON_Delete(o);
        sd_log(c, SEEDANCE_LOG_WARNING, "%s is damaged: its uploads are left alone", path);
        return -1;
    }
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && ((*ids)[n] = strdup(it->valuestring)))
            n++;
    cJSON_Delete(o);
    return (int)n;
}

void sd_uploads_release(seedance_client *c, const char *task_id)
{
    struct sd_pending **pp = &c->pending;
    char *path, **ids;
    int n;

    while (*pp && strcmp((*pp)->task_id, task_id))
        pp = &(*pp)->next;
    if (*pp) {
        struct sd_pending *p = *pp;
        *pp = p->next;
        if (!p->recorded)
            sd_uploads_delete(c, p->ids, p->n);
        for (int i = 0; i < p->n; i++)
            free(p->ids[i]);
        free(p->ids);
        free(p);
    }
    if (!c->cache || !(path = record_path(c, task_id)))
        return;
    if ((n = read_record(c, path, &ids)) > 0) {
        sd_log(c, SEEDANCE_LOG_INFO, "task %s has ended: deleting its %d upload(s)", task_id, n);
        sd_uploads_delete(c, ids, n);
    }
    if (n >= 0 && unlink(path) < 0 && errno != ENOENT)
        sd_log(c, SEEDANCE_LOG_WARNING, "%s: %s", path, strerror(errno));
    sd_media_list_free(ids);
    free(path);
}

void sd_uploads_free(seedance_client *c)
{
    while (c->pending) {
        struct sd_pending *p = c->pending;
        c->pending = p->next;
        for (int i = 0; i < p->n; i++)
            free(p->ids[i]);
        free(p->ids);
        free(p);
    }
}
