/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One download of a result URL into a file, in its own thread.
 *
 * Why a thread and not a multi handle driven from read(): the download
 * must go on at network speed while the caller is busy elsewhere (FFmpeg
 * decodes and encodes between two reads), so that the clip reaches the
 * cache even when the consumer is slow, and so that "wait for the
 * download" (a seek without Range support) is simply a wait on a
 * condition variable. The thread copies every received block to the
 * download's ring, which a writer thread stores in the file behind it
 * (stream_ring.c), and wakes the reader once a batch of what it waits for
 * has arrived; the reader sleeps on the stream's condition variable in
 * slices of at most 100 ms to check the caller's interrupt callback.
 * Nothing busy-loops.
 *
 * The thread never calls the caller's callbacks (interrupt, progress, log)
 * and never touches the client: those are not thread safe. It records its
 * state and its error in the sd_fetch, under the stream's mutex, and the
 * reader reports them.
 *
 * A dropped connection resumes with "Range: bytes=N-" from the last byte
 * received. A server that answers 200 to that sends the whole clip again:
 * the bytes already stored are skipped. Errors the result URL may answer
 * for a short time (404 right after completion, while the file reaches
 * the CDN; 408, 425, 429, 5xx) and network errors are retried with
 * backoff (0.5, 1, 2, 4, 8, 8 ... s) for SD_FETCH_WINDOW seconds without
 * a byte received. 403 means the link expired (24 h after completion):
 * the reader then asks the task for a fresh one (stream.c). The URL is a
 * CDN link: no Authorization header is ever sent to it.
 *
 * The main download's stored part is only ever a prefix of the clip: a
 * part longer than the clip the server announces is discarded, and the
 * clip is complete only when exactly the announced size is stored.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "stream.h"

#define SD_FETCH_WINDOW 60.0     /* retry this long without a byte received */
#define SD_FETCH_BACKOFF_MIN 0.5
#define SD_FETCH_BACKOFF_MAX 8.0
#define SD_FETCH_STALL_SECONDS 30L  /* no byte for this long: reconnect */
#define SD_FETCH_BUFFER (64L * 1024)   /* libcurl's receive buffer */

/* Record a failure that ends the download (lock held or thread-local). */
#define fetch_fail(f, ...) sd_http_error(&(f)->err, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Response headers                                                   */

/* Parse "bytes A-B/T" or "bytes * /T" (without the space); -1 parts when absent. */
static int parse_content_range(const char *v, int64_t *start, int64_t *total)
{
    long long a, b, t;

    *start = -1;
    *total = -1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (strncasecmp(v, "bytes", 5))
        return -1;
    v += 5;
    while (*v == ' ' || *v == '\t')
        v++;
    if (*v == '*') {
        if (sscanf(v, "*/%lld", &t) == 1 && t >= 0)
            *total = t;
        return 0;
    }
    if (sscanf(v, "%lld-%lld/%lld", &a, &b, &t) == 3 && a >= 0 && b >= a && t > b) {
        *start = a;
        *total = t;
        return 0;
    }
    if (sscanf(v, "%lld-%lld/*", &a, &b) == 2 && a >= 0 && b >= a) {
        *start = a;
        return 0;
    }
    return -1;
}

/* A 206: it must start where asked. Its total in *total. Lock held. */
static int ready_partial(sd_fetch *f, int64_t *total)
{
    sd_stream *s = f->s;
    const char *cr = f->resp_cr;
    int64_t start;

    sd_assert_locked(s);
    if (!cr[0] || parse_content_range(cr, &start, total) < 0 || start != f->resp_start)
        return fetch_fail(f, SEEDANCE_E_PROTOCOL, 206, NULL, s->task_id,
                          "task %s: the result server answered a download from byte %" PRId64
                          " with an unusable Content-Range '%.80s'", s->task_id,
                          f->resp_start, cr);
    f->skip = 0;
    s->ranges = 1;
    return 0;
}

/* A 200 (or another 2xx): the whole clip from its first byte, of length
 * clen (-1 unknown). What the main download holds already is skipped,
 * unless it is longer than the clip: then it is no prefix of it and the
 * download starts over. Without any announced length nothing shows that
 * the part is no longer than the clip, so it is written again from the
 * first byte (the tail beyond the clip's end is cut when the download
 * completes, fetch_end_unlock). A side download is useless without Range.
 * Lock held (released while the ring is emptied for a start over). */
static int ready_whole_wait(sd_fetch *f, curl_off_t clen, int64_t *total)
{
    sd_stream *s = f->s;

    sd_assert_locked(s);
    if (!f->is_main) {
        s->ranges = 0;
        return fetch_fail(f, SEEDANCE_E_HTTP, (int)f->resp_status, NULL, s->task_id,
                          "task %s: the result server ignored a Range request", s->task_id);
    }
    *total = clen >= 0 ? (int64_t)clen : -1;
    if (*total >= 0 && f->resp_start > *total && s->size < 0) {
        sd_ring_wait_reset(f, f->origin);
        f->resp_start = f->origin;
        if (ftruncate(f->fd, 0) < 0)
            return fetch_fail(f, SEEDANCE_E_IO, 0, NULL, s->task_id,
                              "task %s: cannot truncate the partial download: %s",
                              s->task_id, strerror(errno));
    } else if (*total < 0 && s->size < 0 && f->resp_start > f->origin) {
        sd_ring_wait_reset(f, f->origin);
        f->resp_start = f->origin;
    }
    f->skip = f->resp_start - f->origin;
    if (f->resp_ranges)
        s->ranges = 1;
    return 0;
}

/* The headers of a 2xx response are complete: check them (lock taken here). */
static void response_ready(sd_fetch *f)
{
    sd_stream *s = f->s;
    int64_t total = -1;
    curl_off_t clen = -1;
    int announce = 0;

    curl_easy_getinfo(f->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
    sd_lock(s);
    if (f->resp_status == 206 ? ready_partial(f, &total) : ready_whole_wait(f, clen, &total))
        goto out;
    if (total >= 0) {
        if (sd_stream_set_size(s, f, total, 1, f->resp_status))
            goto out;
        announce = f->is_main && s->dest == SD_DEST_PART && !s->announced;
        s->announced |= announce;
    }
    f->resp_total = s->size;
    f->resp_ok = 1;
    sd_fetch_set_state(f, SD_RECEIVING);
    if (f->is_main) {
        f->starts++;
        f->start_at = f->resp_start + f->skip;
    }
out:
    pthread_cond_broadcast(&s->cond);
    sd_unlock(s);
    /* for the processes following this download (stream_follow.c) */
    if (announce)
        sd_cache_put_total(s->cache_path, total);
}

static size_t on_header(char *buf, size_t size, size_t n, void *opaque)
{
    sd_fetch *f = opaque;
    size_t len = size * n;
    char line[256];
    size_t l = len < sizeof(line) - 1 ? len : sizeof(line) - 1;

    memcpy(line, buf, l);
    line[l] = '\0';
    line[strcspn(line, "\r\n")] = '\0';

    if (!strncasecmp(line, "HTTP/", 5)) {
        /* a new response (after a redirect, or the first one) */
        const char *sp = strchr(line, ' ');
        f->resp_status = sp ? strtol(sp + 1, NULL, 10) : 0;
        f->resp_ranges = 0;
        f->resp_ok = 0;
        f->resp_cr[0] = '\0';
    } else if (!strncasecmp(line, "Content-Range:", 14)) {
        snprintf(f->resp_cr, sizeof(f->resp_cr), "%.120s", line + 14);
    } else if (!strncasecmp(line, "Accept-Ranges:", 14)) {
        f->resp_ranges = strstr(line + 14, "bytes") != NULL;
    } else if (line[0] == '\0') {
        /* end of a header block: only 200 and 206 carry the clip (a 204
         * or another 2xx is refused by judge()) */
        if (f->resp_status == 200 || f->resp_status == 206)
            response_ready(f);
    }
    return len;
}

/* ------------------------------------------------------------------ */
/* Body                                                               */

static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
    sd_fetch *f = opaque;
    sd_stream *s = f->s;
    size_t len = size * n;
    int stop;

    if (!f->resp_ok) {
        /* the body of an error or a refused reply: not part of the clip */
        sd_lock(s);
        stop = f->err.code != 0 || f->abort;
        sd_unlock(s);
        return stop ? 0 : len;
    }
    if (f->skip > 0) {
        size_t k = (int64_t)len < f->skip ? len : (size_t)f->skip;
        f->skip -= (int64_t)k;
        data += k;
        len -= k;
        if (!len)
            return size * n;
    }
    /* f->end: only this thread moves it */
    if (f->resp_total >= 0 && f->end + (int64_t)len > f->resp_total) {
        sd_lock(s);
        fetch_fail(f, SEEDANCE_E_PROTOCOL, (int)f->resp_status, NULL, s->task_id,
                   "task %s: the result server sent more than the announced %" PRId64
                   " bytes", s->task_id, f->resp_total);
        pthread_cond_broadcast(&s->cond);
        sd_unlock(s);
        return 0;
    }
    return sd_ring_put(f, data, len) ? 0 : size * n;
}

/* Replaces the client's XFERINFO check: the caller's interrupt callback
 * belongs to the caller's thread; this one only obeys the stream. Called
 * after every pass of libcurl's receive loop (and at least once a second):
 * the writer then stores what a pause left in the ring. */
static int on_xferinfo(void *opaque, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    sd_fetch *f = opaque;

    (void)dt; (void)dn; (void)ut; (void)un;
    sd_ring_nudge(f);
    return atomic_load(&f->abort);
}

/* ------------------------------------------------------------------ */
/* The thread                                                         */

/* HTTP statuses the result URL may answer for a short while. */
static int status_retryable(long st)
{
    return st == 404 || st == 408 || st == 425 || st == 429 || (st >= 500 && st <= 599);
}

/* Wait up to seconds unless asked to stop (lock held; released while
 * waiting). Returns f->abort. */
static int backoff_wait(sd_fetch *f, double seconds)
{
    double until = sd_now() + seconds;

    sd_assert_locked(f->s);
    while (!f->abort) {
        double left = until - sd_now();
        if (left <= 0)
            break;
        sd_stream_wait(f->s, left);
    }
    return f->abort;
}

/* One attempt: GET from f->end. Returns the curl code, the status in *st. */
static CURLcode attempt(sd_fetch *f, int64_t from, long *st)
{
    char range[64];
    CURLcode rc;

    f->resp_start = from;
    f->resp_status = 0;
    f->resp_ok = 0;
    f->resp_ranges = 0;
    f->resp_cr[0] = '\0';
    f->resp_total = -1;
    f->skip = 0;
    if (from > 0) {
        snprintf(range, sizeof(range), "%" PRId64 "-", from);
        curl_easy_setopt(f->h, CURLOPT_RANGE, range);
    } else {
        curl_easy_setopt(f->h, CURLOPT_RANGE, NULL);
    }
    rc = curl_easy_perform(f->h);
    *st = 0;
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, st);
    return rc;
}

/* What an attempt leads to. */
enum { GO_ON, COMPLETE, FAILED };

/* A 2xx response ended: the whole clip, or a drop to resume (lock held). */
static int judge_body(sd_fetch *f, char *last, size_t n)
{
    sd_stream *s = f->s;

    sd_assert_locked(s);
    if (s->size < 0)            /* no length announced: the end is the end */
        return sd_stream_set_size(s, f, f->end, 0, f->resp_status) ? FAILED : COMPLETE;
    if (f->end == s->size)
        return COMPLETE;
    snprintf(last, n, "connection closed after byte %" PRId64 " of %" PRId64, f->end, s->size);
    return GO_ON;
}

/*
 * 416 to a resume of the main download from byte from (lock held;
 * released while the ring is emptied for a start over). The length in its
 * Content-Range is the clip's like any other (sd_stream_set_size: a
 * length other than the one announced before is a changed clip, never a
 * shorter one). It is the stored part's length: the part is the whole
 * clip. Else, with the clip's length known, the server refuses bytes it
 * has: it failed. Else the stored part is longer than the clip (a kept
 * part, not a prefix of it): start over.
 */
static int judge_416_wait(sd_fetch *f, int64_t from, char *last, size_t n)
{
    sd_stream *s = f->s;
    int64_t start, total = -1;

    sd_assert_locked(s);
    if (parse_content_range(f->resp_cr, &start, &total) < 0)
        total = -1;
    if (total >= 0 && sd_stream_set_size(s, f, total, 1, 416))
        return FAILED;
    if (total == from)
        return COMPLETE;
    if (s->size >= 0) {
        fetch_fail(f, SEEDANCE_E_PROTOCOL, 416, NULL, s->task_id,
                   "task %s: the result server refused the bytes from %" PRId64 " of a %"
                   PRId64 "-byte clip (HTTP 416)", s->task_id, from, s->size);
        return FAILED;
    }
    sd_ring_wait_reset(f, 0);
    if (ftruncate(f->fd, 0) < 0) {
        fetch_fail(f, SEEDANCE_E_IO, 0, NULL, s->task_id,
                   "task %s: cannot truncate the partial download: %s", s->task_id,
                   strerror(errno));
        return FAILED;
    }
    snprintf(last, n, "HTTP 416 for the stored part; starting over");
    return GO_ON;
}

/* Judge one attempt (lock held; released while the ring is emptied for
 * a start over); *last says why another one follows. */
static int judge_wait(sd_fetch *f, CURLcode rc, long st, int64_t from, char *last, size_t n)
{
    const char *id = f->s->task_id;

    sd_assert_locked(f->s);
    if (rc == CURLE_OK && f->resp_ok)
        return judge_body(f, last, n);
    if (rc == CURLE_OK && st == 403) {
        fetch_fail(f, SEEDANCE_E_EXPIRED, 403, NULL, id,
                   "task %s: the result link expired (result links last 24 h after "
                   "completion) and no complete cached copy exists (HTTP 403)", id);
        return FAILED;
    }
    if (rc == CURLE_OK && st == 416 && f->is_main && from > 0)
        return judge_416_wait(f, from, last, n);
    if (rc == CURLE_OK && !status_retryable(st)) {
        fetch_fail(f, st >= 200 && st < 300 ? SEEDANCE_E_PROTOCOL : SEEDANCE_E_HTTP, (int)st,
                   NULL, id, "task %s: the result download failed with HTTP %ld", id, st);
        return FAILED;
    }
    if (rc == CURLE_OK) {
        snprintf(last, n, "HTTP %ld", st);
    } else if (sd_curl_retryable(rc)) {
        snprintf(last, n, "%s", curl_easy_strerror(rc));
    } else {
        fetch_fail(f, SEEDANCE_E_NETWORK, (int)st, NULL, id,
                   "task %s: the result download failed: %s", id, curl_easy_strerror(rc));
        return FAILED;
    }
    return GO_ON;
}

/* Failed attempts in a row (without a byte received) and since when. */
typedef struct retries {
    int failures;
    double since;
} retries;

/*
 * Before the next attempt: reconnect at once after a drop that brought
 * data; otherwise back off (doubling up to SD_FETCH_BACKOFF_MAX) for as
 * long as the retry window allows. Lock held (released while waiting).
 * 0 to go on.
 */
static int retry_wait(sd_fetch *f, retries *r, int64_t from, long st, const char *last)
{
    double delay;

    sd_assert_locked(f->s);
    if (f->end > from)
        r->failures = 0;
    if (r->failures++ == 0)
        r->since = sd_now();
    delay = r->failures == 1 && f->end > from ? 0 :
            SD_FETCH_BACKOFF_MIN * (double)(1 << (r->failures < 8 ? r->failures - 1 : 7));
    if (delay > SD_FETCH_BACKOFF_MAX)
        delay = SD_FETCH_BACKOFF_MAX;
    if (sd_now() + delay - r->since > SD_FETCH_WINDOW) {
        fetch_fail(f, st >= 500 ? SEEDANCE_E_SERVER : st >= 400 ? SEEDANCE_E_HTTP
                                                                 : SEEDANCE_E_NETWORK,
                   (int)st, NULL, f->s->task_id,
                   "task %s: the result download failed for %.0f s (%d attempts; last: %s); "
                   "%" PRId64 " bytes kept, run again to resume", f->s->task_id,
                   sd_now() - r->since, r->failures, last, f->end);
        return -1;
    }
    return backoff_wait(f, delay);
}

/* A complete main download: the file holds exactly the clip, cut after
 * its end when a discarded part was longer (lock held). 0 or -1. */
static int cut_to_clip(sd_fetch *f)
{
    sd_stream *s = f->s;
    struct stat st;

    sd_assert_locked(s);
    if (fstat(f->fd, &st) == 0 && st.st_size <= f->end - f->origin)
        return 0;
    if (ftruncate(f->fd, (off_t)(f->end - f->origin)) == 0)
        return 0;
    fetch_fail(f, SEEDANCE_E_IO, 0, NULL, s->task_id, "task %s: cannot truncate the "
               "downloaded clip: %s", s->task_id, strerror(errno));
    return -1;
}

/* The thread's end: store what the ring holds, commit a complete main
 * download, report (lock held; released on the way and at the end). */
static void fetch_end_unlock(sd_fetch *f, int complete)
{
    sd_stream *s = f->s;

    sd_assert_locked(s);
    sd_ring_finish_relock(f);
    if (f->err.code)
        complete = 0;           /* the last write failed */
    /* Stopped after the last byte arrived (the reader can take the whole
     * clip and close before curl_easy_perform returns): still complete. */
    if (!complete && !f->err.code && sd_fetch_ready(f) && s->size >= 0 && f->end == s->size)
        complete = 1;
    if (complete && f->is_main && cut_to_clip(f) < 0)
        complete = 0;
    sd_unlock(s);
    if (complete && f->is_main)
        sd_stream_main_complete(s);
    sd_lock(s);
    if (!complete && !f->err.code)
        fetch_fail(f, SEEDANCE_E_INTERRUPTED, 0, NULL, s->task_id,
                   "task %s: download stopped", s->task_id);
    sd_fetch_set_state(f, complete ? SD_COMPLETE : SD_FAILED);
    sd_unlock(s);
}

static void *fetch_thread(void *opaque)
{
    sd_fetch *f = opaque;
    sd_stream *s = f->s;
    retries r = { 0, 0 };
    int verdict = GO_ON;
    char last[160] = "";

    sd_lock(s);
    while (!f->abort && !f->err.code) {
        int64_t from = f->end;
        long st;
        CURLcode rc;

        if (s->size >= 0 && from == s->size && sd_fetch_ready(f)) {
            verdict = COMPLETE;
            break;
        }
        sd_unlock(s);
        rc = attempt(f, from, &st);
        sd_lock(s);
        if (f->abort || f->err.code)
            break;
        if ((verdict = judge_wait(f, rc, st, from, last, sizeof(last))) != GO_ON ||
            retry_wait(f, &r, from, st, last))
            break;
    }
    fetch_end_unlock(f, verdict == COMPLETE);
    return NULL;
}

int sd_content_range(const char *v, int64_t *start, int64_t *total)
{
    return parse_content_range(v, start, total);
}

int sd_thread_start(sd_stream *s, pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc)
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id,
                            "task %s: cannot start the download thread: %s", s->task_id,
                            strerror(rc));
    return SEEDANCE_OK;
}

void sd_result_url_setup(CURL *h, const char *url, curl_write_callback on_header,
                         curl_write_callback on_body, void *opaque)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, opaque);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, opaque);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    /* a redirect never leaves TLS: an https link stays https */
    if (!strncasecmp(url, "https://", 8))
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
    /* the clip as stored: no transfer decoding that would change offsets */
    curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
}

int sd_fetch_start(sd_fetch *f)
{
    sd_stream *s = f->s;
    int rc;

    if (!(f->h = curl_easy_init()))
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id, NULL);
    sd_curl_setup(s->c, f->h);
    sd_result_url_setup(f->h, s->url, on_header, on_body, f);
    curl_easy_setopt(f->h, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
    curl_easy_setopt(f->h, CURLOPT_XFERINFODATA, f);
    curl_easy_setopt(f->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(f->h, CURLOPT_LOW_SPEED_TIME, SD_FETCH_STALL_SECONDS);
    /* the clip as stored: no transfer decoding that would change offsets */
    curl_easy_setopt(f->h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    /* receives of 64 KB: few system calls per byte, and a block still in
     * the cache when it is copied to the ring (the body comes in pieces of
     * 16 KB, which the ring gathers for the file) */
    curl_easy_setopt(f->h, CURLOPT_BUFFERSIZE, SD_FETCH_BUFFER);
    if ((rc = sd_ring_start(f))) {
        curl_easy_cleanup(f->h);
        f->h = NULL;
        return rc;
    }
    sd_lock(s);
    sd_fetch_set_state(f, SD_CONNECTING);
    sd_unlock(s);

    if ((rc = sd_thread_start(s, &f->thread, fetch_thread, f))) {
        sd_ring_free(f);
        curl_easy_cleanup(f->h);
        f->h = NULL;
        sd_lock(s);
        f->err = s->c->err;
        sd_fetch_set_state(f, SD_FAILED);
        sd_unlock(s);
        return rc;
    }
    f->running = 1;
    return SEEDANCE_OK;
}

void sd_fetch_stop(sd_fetch *f)
{
    sd_assert_unlocked(f->s);
    if (f->running) {
        sd_lock(f->s);
        f->abort = 1;
        pthread_cond_broadcast(&f->s->cond);
        sd_unlock(f->s);
        pthread_join(f->thread, NULL);
        f->running = 0;
    }
    sd_ring_free(f);
    if (f->h) {
        curl_easy_cleanup(f->h);
        f->h = NULL;
    }
}
