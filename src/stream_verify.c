/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The check of a .part kept from an earlier run before it is resumed.
 *
 * A part is a prefix of the clip only if nothing changed it on disk and
 * the server still has the same clip. Resuming it trusts both, and its
 * bytes are served as the clip's. So its last SD_VERIFY_BYTES are fetched
 * again with Range and compared with the disk: the same bytes resume the
 * part; other bytes, a reply that is not the 206 asked for, or a clip
 * shorter than the part discard it (the download starts from the first
 * byte, which costs a download, never wrong bytes). One request, from the
 * caller's thread, before the download thread starts: nothing of the part
 * is served before it is checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "stream.h"

#define SD_VERIFY_BYTES (64 * 1024)
#define SD_VERIFY_TIMEOUT 60L           /* seconds for the whole request */

/* The comparison under way. */
typedef struct verify {
    CURL *h;
    int fd;
    int64_t from, to;       /* the clip bytes compared: [from, to) */
    int64_t at;             /* the next one */
    long status;            /* of the current response */
    int64_t start, total;   /* its Content-Range (-1 absent) */
    int differ;             /* a byte differs */
    unsigned char buf[16384];
} verify;

static size_t on_header(char *buf, size_t size, size_t n, void *opaque)
{
    verify *v = opaque;
    size_t len = size * n;
    char line[256];

    snprintf(line, sizeof(line), "%.*s", (int)(len < 255 ? len : 255), buf);
    line[strcspn(line, "\r\n")] = '\0';
    if (!strncasecmp(line, "HTTP/", 5)) {
        const char *sp = strchr(line, ' ');
        v->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        v->start = v->total = -1;
    } else if (!strncasecmp(line, "Content-Range:", 14) &&
               sd_content_range(line + 14, &v->start, &v->total) < 0) {
        v->start = v->total = -1;
    }
    return len;
}

/* Compare a block of the reply with the part; stop (0) once all compared,
 * on a difference, or when the reply is not the range asked for. */
static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
    verify *v = opaque;
    size_t len = size * n, done = 0;

    if (v->status != 206 || v->start != v->from || (v->total >= 0 && v->total < v->to))
        return 0;
    while (done < len && v->at < v->to && !v->differ) {
        size_t k = len - done;
        ssize_t got;

        if ((int64_t)k > v->to - v->at)
            k = (size_t)(v->to - v->at);
        if (k > sizeof(v->buf))
            k = sizeof(v->buf);
        got = pread(v->fd, v->buf, k, (off_t)v->at);
        if (got != (ssize_t)k || memcmp(v->buf, data + done, k))
            v->differ = 1;
        done += k;
        v->at += (int64_t)k;
    }
    return v->at < v->to && !v->differ ? len : 0;
}

/* What compare() found. */
typedef enum part_verdict {
    PART_SAME,              /* the server sends the same bytes */
    PART_DIFFERS,           /* other bytes */
    PART_UNCHECKED,         /* the reply was not the range, or the transfer failed */
} part_verdict;

/* Fetch and compare. SEEDANCE_OK with the verdict in *pv, or
 * SEEDANCE_E_INTERRUPTED. */
static int compare(sd_stream *s, verify *v, part_verdict *pv)
{
    char range[64];
    CURLcode rc;

    *pv = PART_UNCHECKED;
    if (!(v->h = curl_easy_init()))
        return SEEDANCE_OK;
    sd_curl_setup(s->c, v->h);          /* the caller's interrupt callback */
    sd_result_url_setup(v->h, s->url, on_header, on_body, v);
    snprintf(range, sizeof(range), "%" PRId64 "-%" PRId64, v->from, v->to - 1);
    curl_easy_setopt(v->h, CURLOPT_RANGE, range);
    curl_easy_setopt(v->h, CURLOPT_TIMEOUT, SD_VERIFY_TIMEOUT);
    rc = curl_easy_perform(v->h);
    curl_easy_cleanup(v->h);
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return sd_fail_task(s->c, SEEDANCE_E_INTERRUPTED, s->task_id,
                            "task %s: interrupted while checking the partial download",
                            s->task_id);
    if (v->differ)
        *pv = PART_DIFFERS;
    else if (v->at == v->to)
        *pv = PART_SAME;
    return SEEDANCE_OK;
}

int sd_part_check(sd_stream *s)
{
    int64_t kept = s->main.end;
    part_verdict same;
    verify *v;
    int rc;

    if (kept <= 0 || !s->url)
        return SEEDANCE_OK;
    if (!(v = calloc(1, sizeof(*v))))
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id, NULL);
    v->fd = s->main.fd;
    v->to = kept;
    v->from = v->at = kept > SD_VERIFY_BYTES ? kept - SD_VERIFY_BYTES : 0;
    rc = compare(s, v, &same);
    free(v);
    if (rc || same == PART_SAME)
        return rc;
    if (same == PART_DIFFERS)
        sd_log(s->c, SEEDANCE_LOG_WARNING, "task %s: the partial download %s is not the "
               "server's clip (its last bytes differ); starting over", s->task_id,
               s->part_path);
    else
        sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: the partial download %s could not be "
               "checked against the server; starting over", s->task_id, s->part_path);
    if (ftruncate(s->main.fd, 0) < 0)
        return sd_fail_task(s->c, SEEDANCE_E_IO, s->task_id, "task %s: cannot truncate %s: %s",
                            s->task_id, s->part_path, strerror(errno));
    s->main.end = 0;
    return SEEDANCE_OK;
}
