/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local media through the Files API: the stream upload (multipart, the
 * file read from disk as it is sent, never whole in memory), its
 * data.file_url for the request and data.file_id to delete it once the
 * task no longer needs it. The Files API reports refusals as
 * {"success":false,"code":...,"msg":...}, sometimes with HTTP 200; a
 * refusal is told with what to do about it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define UPLOAD_PATH    "/api/v1/files/upload/stream"
#define DELETE_PATH    "/api/v1/files/"
#define UPLOAD_TIMEOUT 1800L    /* 100 MB on a slow line */

typedef struct sending {
    seedance_client *c;
    const char *what;       /* "video clip.mp4" */
    int64_t size;           /* of the file */
} sending;

/* The bytes of the body sent, told as bytes of the file (the multipart
 * body wraps it in a few hundred bytes). */
static void on_sent(void *opaque, int64_t sent, int64_t total)
{
    sending *s = opaque;
    seedance_progress p = sd_progress_event(SEEDANCE_EV_UPLOAD, NULL);

    p.file = s->what;
    p.size = s->size;
    p.sent = total > 0 && sent >= total ? s->size : sent < s->size ? sent : s->size;
    sd_progress(s->c, &p);
}

/* Does a refusal say the quota of files is full? */
static int quota_full(const char *msg)
{
    static const char *const words[] = { "quota", "limit", "too many files", "maximum", NULL };

    for (const char *p = msg; *p; p++)
        for (int i = 0; words[i]; i++)
            if (!strncasecmp(p, words[i], strlen(words[i])))
                return 1;
    return 0;
}

/* A refused upload, told with what to do (c->err holds the Files API's words). */
static int refused(seedance_client *c, const char *field, const char *name)
{
    char said[400];

    snprintf(said, sizeof(said), "%.399s", c->err.message);
    if (quota_full(said))
        return sd_fail(c, SEEDANCE_E_UPLOAD, "%s: the Files API refused %s: %s. Its quota of "
                       "files is full: delete uploads you no longer need (seedance files "
                       "lists them, seedance files --delete ID frees one), or give this %s "
                       "as an https URL; nothing was submitted", field, name, said, field);
    return sd_fail(c, SEEDANCE_E_UPLOAD, "%s: the Files API refused %s: %s. Give this %s as "
                   "an https URL the service can fetch instead; nothing was submitted", field,
                   name, said, field);
}

int sd_upload_media(seedance_client *c, const sd_local *l, const char *field,
                    const char *name, char **file_url, char **file_id)
{
    char what[300];
    sending s = { c, what, (int64_t)l->size };
    sd_http_file f = { l->path, l->data, l->size, name, l->mime, on_sent, &s };
    sd_http_req req = { .method = "POST", .base = SD_BASE_FILES, .path = UPLOAD_PATH,
                        .timeout = UPLOAD_TIMEOUT, .file = &f };
    sd_http_resp resp;
    int rc;

    *file_url = *file_id = NULL;
    snprintf(what, sizeof(what), "%s %s", field, l->path ? l->path : name);
    sd_log(c, SEEDANCE_LOG_INFO, "uploading %s (%zu bytes, %s)", what, l->size, l->mime);
    on_sent(&s, 0, (int64_t)l->size);
    rc = sd_http_call(c, &req, &resp);
    /* A refusal of the file itself (not of the key or the server) is
     * SEEDANCE_E_UPLOAD, whether it came with HTTP 200 or a 4xx. */
    if (rc == SEEDANCE_OK || ((rc == SEEDANCE_E_BAD_REQUEST || rc == SEEDANCE_E_TOO_LARGE ||
                               rc == SEEDANCE_E_QUOTA || rc == SEEDANCE_E_HTTP) && resp.body))
        rc = sd_upload_reply_parse(resp.body, resp.len, resp.status, file_url, file_id,
                                   &c->err);
    sd_http_resp_clear(&resp);
    if (rc == SEEDANCE_E_UPLOAD)
        return refused(c, field, l->path ? l->path : name);
    return rc;
}

int sd_upload_delete(seedance_client *c, const char *file_id)
{
    char path[160];
    sd_http_req req = { .method = "DELETE", .base = SD_BASE_FILES, .path = path };
    sd_http_resp resp;
    int rc;

    if (!seedance_task_id_valid(file_id))   /* the same alphabet: safe in a path */
        return sd_fail(c, SEEDANCE_E_INVALID, "'%.60s' is not a file id", file_id);
    snprintf(path, sizeof(path), DELETE_PATH "%s", file_id);
    rc = sd_http_call(c, &req, &resp);
    if (rc == SEEDANCE_OK && sd_upload_reply_parse(resp.body, resp.len, resp.status, NULL,
                                                   NULL, &c->err) == SEEDANCE_E_UPLOAD)
        rc = SEEDANCE_E_UPLOAD;
    sd_http_resp_clear(&resp);
    return rc;
}
