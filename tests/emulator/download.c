/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Result files (/results/ID.mp4, like a CDN: no auth) and uploaded files
 * (/files/ID/NAME): GET and HEAD, Accept-Ranges, a single byte range
 * (206 + Content-Range, 416 when unsatisfiable), expired links (403), and
 * the CDN lag: a new result link answers 404 (cdn_lag_status) for cdn_lag
 * seconds after its task completed, as a CDN does until the file reaches it.
 * Bodies are streamed from disk in blocks, so a bandwidth limit or a
 * dropped connection happens in the middle of a real transfer.
 */
#include "download.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

struct stream {
    int fd;
    int64_t start, end;     /* file offsets [start, end) */
    int64_t drop_after;
    int64_t *sent;
    /* bandwidth pacing: bytes from pace_pos on are due at pace_t0 + their
     * count / pace_bps (reset when the limit changes) */
    int64_t pace_bps;
    uint64_t pace_pos;
    double pace_t0;
};

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream *s = cls;
    if (EMU_STOPPING())
        return MHD_CONTENT_READER_END_WITH_ERROR;
    int64_t off = s->start + (int64_t)pos;
    if (off >= s->end)
        return MHD_CONTENT_READER_END_OF_STREAM;
    int64_t n = s->end - off;
    if (n > (int64_t)max)
        n = (int64_t)max;
    if (s->drop_after >= 0) {
        int64_t left = s->drop_after - (int64_t)pos;
        if (left <= 0)
            return MHD_CONTENT_READER_END_WITH_ERROR;   /* closes the connection */
        if (n > left)
            n = left;
    }
    emu_lock();
    int64_t bps = E.cfg.bandwidth;
    emu_unlock();
    if (bps > 0) {
        /* paced against the transfer's start, not block by block: the
         * sleeps' own overhead does not slow a fast link down */
        int64_t chunk = bps / 20 > 0 ? bps / 20 : 1;     /* ~50 ms of data */
        if (n > chunk)
            n = chunk;
        if (s->pace_bps != bps) {
            s->pace_bps = bps;
            s->pace_pos = pos;
            s->pace_t0 = now_mono();
        }
        double due = s->pace_t0 + (double)(pos - s->pace_pos + (uint64_t)n) / (double)bps;
        double ahead = due - now_mono();
        if (ahead > 0 && emu_sleep(ahead))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    } else {
        s->pace_bps = 0;
    }
    ssize_t k;
    do
        k = pread(s->fd, out, (size_t)n, off);
    while (k < 0 && errno == EINTR);
    if (k <= 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    *s->sent += k;
    return k;
}

static void stream_free(void *cls)
{
    struct stream *s = cls;
    close(s->fd);
    free(s);
}

/* Parses a Range header against size. Returns 0 (serve everything),
 * 1 (serve [*a, *b]) or -1 (unsatisfiable). Malformed or multi-range
 * headers are ignored, as RFC 9110 allows. */
static int parse_range(const char *h, int64_t size, int64_t *a, int64_t *b)
{
    if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    char *end;
    while (*p == ' ')
        p++;
    if (*p == '-') {                          /* suffix: last N bytes */
        errno = 0;
        long long n = strtoll(p + 1, &end, 10);
        if (errno || end == p + 1 || *end || n < 0)
            return 0;
        if (n == 0 || size == 0)
            return -1;
        *a = n >= size ? 0 : size - n;
        *b = size - 1;
        return 1;
    }
    if (*p < '0' || *p > '9')
        return 0;
    errno = 0;
    long long first = strtoll(p, &end, 10);
    if (errno || *end != '-')
        return 0;
    p = end + 1;
    long long last = size - 1;
    if (*p) {
        if (*p < '0' || *p > '9')
            return 0;
        last = strtoll(p, &end, 10);
        if (errno || *end || last < first)
            return 0;
    }
    if (first >= size)
        return -1;
    if (last >= size)
        last = size - 1;
    *a = first;
    *b = last;
    return 1;
}

static const char *mime_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return "application/octet-stream";
    if (!strcasecmp(dot, ".mp4")) return "video/mp4";
    if (!strcasecmp(dot, ".png")) return "image/png";
    if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg")) return "image/jpeg";
    if (!strcasecmp(dot, ".webp")) return "image/webp";
    return "application/octet-stream";
}

/* The local file behind a result URL; NULL with an error reply. */
static char *result_file(const char *path, reply *r)
{
    const char *id = path + strlen("/results/");
    size_t n = strlen(id);
    if (n < 5 || strcmp(id + n - 4, ".mp4")) {
        reply_error(r, 404, "not_found", "invalid_request_error", NULL, "No such file: %s", path);
        return NULL;
    }
    char tid[64];
    snprintf(tid, sizeof tid, "%.*s", (int)(n - 4 < 63 ? n - 4 : 63), id);
    char *file = NULL;
    emu_lock();
    double now = now_mono();
    task *t = task_find(tid);
    if (t)
        task_update(t, now);
    if (!t || t->final_status != ST_COMPLETED || !t->file)
        reply_error(r, 404, "not_found", "invalid_request_error", NULL, "No such file: %s", path);
    else if (task_link_expired(t, now))
        reply_error(r, 403, "link_expired", "invalid_request_error", NULL,
                    "This result link has expired (links live %.0f s after completion)",
                    E.cfg.link_ttl);
    else if (now < t->completed_at + E.cfg.cdn_lag)
        reply_cdn_error(r, E.cfg.cdn_lag_status);   /* not on the CDN yet */
    else
        file = xstrdup(t->file);
    emu_unlock();
    return file;
}

struct MHD_Response *download_response(const download_request *dr, reply *r)
{
    char *file = !strncmp(dr->path, "/results/", 9) ? result_file(dr->path, r)
                                                      : files_local_path(dr->path);
    if (!file) {
        if (!r->body.len)
            reply_error(r, 404, "not_found", "invalid_request_error", NULL, "No such file: %s", dr->path);
        *dr->status = r->status;
        return NULL;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 404, "not_found", "invalid_request_error", NULL, "No such file: %s", dr->path);
        *dr->status = r->status;
        free(file);
        return NULL;
    }
    int64_t size = st.st_size, a = 0, b = size - 1;
    int rng = parse_range(dr->range, size, &a, &b);
    char tmp[128];
    if (rng < 0) {
        close(fd);
        reply_error(r, 416, "range_not_satisfiable", "invalid_request_error", NULL,
                    "Range '%s' is outside the file (%" PRId64 " bytes)", dr->range, size);
        snprintf(tmp, sizeof tmp, "bytes */%" PRId64, size);
        reply_header(r, "Content-Range", tmp);
        reply_header(r, "Accept-Ranges", "bytes");
        *dr->status = 416;
        free(file);
        return NULL;
    }
    struct stream *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        free(file);
        reply_status_error(r, 500);
        *dr->status = 500;
        return NULL;
    }
    s->fd = fd;
    s->start = rng ? a : 0;
    s->end = rng ? b + 1 : size;
    s->drop_after = faults_for_transfer(dr->path);
    s->sent = dr->sent;
    struct MHD_Response *resp = MHD_create_response_from_callback(
        (uint64_t)(s->end - s->start), 64 * 1024, reader, s, stream_free);
    if (!resp) {
        stream_free(s);
        free(file);
        reply_status_error(r, 500);
        *dr->status = 500;
        return NULL;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime_of(file));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    snprintf(tmp, sizeof tmp, "\"%" PRIx64 "-%" PRIx64 "\"", (uint64_t)size, (uint64_t)st.st_mtime);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, tmp);
    if (rng) {
        snprintf(tmp, sizeof tmp, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, a, b, size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, tmp);
    }
    *dr->status = rng ? 206 : 200;
    free(file);
    return resp;
}
