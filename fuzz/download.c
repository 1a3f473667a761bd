/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The result download: sd_stream_open_url(), reads and seeks, and
 * seedance_stream_save(), with the download threads of stream_fetch.c
 * talking to a scripted result server through the fake transport. This
 * reaches the static header and body callbacks (Content-Range,
 * Content-Length, Accept-Ranges, status lines after redirects), the resume
 * with Range, the 200-instead-of-206 skip, 416 handling, the side download
 * of a far seek, retries, and the commit of the cache file. The clock runs
 * 1000 times faster than real time (backoffs take milliseconds).
 *
 * The clip is a fixed function of the offset (make_clip()), so every byte
 * the library hands out can be checked.
 *
 * Input:
 *   byte 0     flags: 1 cache on, 2 a kept .part, 4 the .part is longer
 *              than the clip (stale), 8 a complete clip already cached
 *              (committed by the library: its record written), 16 that
 *              cached clip was truncated on disk since, 32 it was
 *              overwritten with other bytes, 64 the kept .part holds
 *              other bytes than the clip's
 *   bytes 1-2  clip size / 4 (1..262140 bytes)
 *   byte 3     length of the kept .part / cached clip (fraction of the size)
 *   byte 4     number of scripted replies (0..31), 5 bytes each:
 *              kind, parameter, drop after (2 bytes, x 64 bytes), flags
 *              kinds: 0 honest (206 for a Range, else 200), 1 ignores Range
 *              (200 + the whole clip), 2 an error status, 3 a failed
 *              connection, 4 a redirect then honest, 5 206 with a wrong
 *              start, 6 200 without Content-Length, 7 206 announcing
 *              another size, 8 raw Content-Range text from the input
 *              reply flags: 1 Accept-Ranges: bytes
 *   then       reader operations, 3 bytes each: 0 read N, 1 seek to
 *              offset, 2 seek from the end, 3 size
 * After the script the server is honest.
 *
 * Checks: every byte read and every saved byte is the clip's byte at that
 * offset; a save that succeeds has exactly the clip; a clip in the cache
 * (a committed .mp4) is exactly the clip unless the server lied; a cached
 * clip damaged on disk is never served and never stays in the cache; a
 * stale .part never becomes the clip; a finished download leaves no .part
 * behind; the result server never gets the API key.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "stream.h"

#define TASK "task-unified-1774857405-abc123"
#define API  "http://127.0.0.1:9"
#define URL  API "/results/" TASK ".mp4"
#define FRESH API "/results/" TASK ".mp4?fresh"
#define REPLY_SIZE 5
#define MAX_CLIP (65535 * 4)

enum { K_HONEST, K_NO_RANGE, K_STATUS, K_NETWORK, K_REDIRECT, K_BAD_START, K_NO_LENGTH,
       K_OTHER_SIZE, K_RAW_RANGE, K__COUNT };

static seedance_client *client;
static char cache_dir[512], out_path[512], clip_path[512], part_path[512];

typedef struct {
    pthread_mutex_t lock;
    const uint8_t *replies;
    int nreplies, next;
    int64_t size;           /* the clip's size */
    int dishonest;          /* a reply lied about the clip (atomic) */
} server;

static void lied(server *sv)
{
    __atomic_store_n(&sv->dishonest, 1, __ATOMIC_SEQ_CST);
}

static int honest(server *sv)
{
    return !__atomic_load_n(&sv->dishonest, __ATOMIC_SEQ_CST);
}

/* The clip: byte i is a fixed function of i (computed once). */
static uint8_t clip[MAX_CLIP + 1024];

static void make_clip(void)
{
    for (int64_t i = 0; i < (int64_t)sizeof(clip); i++)
        clip[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + (i >> 16) * 3 + 1);
}

static void fill(uint8_t *buf, int64_t from, size_t n)
{
    memcpy(buf, clip + from, n);
}

static int is_clip(const uint8_t *buf, int64_t from, size_t n)
{
    return from >= 0 && from + (int64_t)n <= (int64_t)sizeof(clip) && !memcmp(buf, clip + from, n);
}

static int header(fz_handle *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int header(fz_handle *h, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    return fz_header(h, line, (size_t)n);
}

/* The clip from byte from to the end, cut after drop bytes (0: not cut). */
static CURLcode body(fz_handle *h, int64_t from, int64_t end, int64_t drop)
{
    uint8_t buf[16384];
    int64_t stop = drop > 0 && from + drop < end ? from + drop : end;

    for (int64_t at = from; at < stop;) {
        size_t n = (size_t)(stop - at < (int64_t)sizeof(buf) ? stop - at : (int64_t)sizeof(buf));
        fill(buf, at, n);
        if (fz_body(h, buf, n))
            return h->abort_code;
        at += (int64_t)n;
    }
    return stop < end ? CURLE_PARTIAL_FILE : CURLE_OK;
}

static CURLcode reply(fz_handle *h, server *sv, const uint8_t *r)
{
    static const long statuses[] = { 403, 404, 416, 429, 500, 503, 400, 408, 302, 204 };
    static const CURLcode failures[] = { CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR,
        CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR,
        CURLE_TOO_MANY_REDIRECTS, CURLE_WEIRD_SERVER_REPLY };
    int kind = r ? r[0] % K__COUNT : K_HONEST, ranges = r ? r[4] & 1 : 1;
    int64_t n = sv->size, from = h->range ? strtoll(h->range, NULL, 10) : 0;
    int64_t drop = r ? (int64_t)(r[2] << 8 | r[3]) * 64 : 0;
    int ranged = h->range != NULL && kind != K_NO_RANGE && kind != K_NO_LENGTH;

    if (kind == K_NETWORK)
        return failures[r[1] % (sizeof(failures) / sizeof(failures[0]))];
    if (kind == K_REDIRECT) {
        if (header(h, "HTTP/1.1 302 Found") || header(h, "Location: /elsewhere.mp4") ||
            header(h, "Content-Length: 0") || fz_header(h, "", 0))
            return h->abort_code;
    }
    if (kind == K_STATUS) {
        long st = statuses[r[1] % (sizeof(statuses) / sizeof(statuses[0]))];
        h->status = st;
        if (st / 100 == 2)
            lied(sv);           /* "oops!" is not the clip */
        if (header(h, "HTTP/1.1 %ld Oops", st) || header(h, "Content-Length: 5") ||
            fz_header(h, "", 0) || fz_body(h, "oops!", 5))
            return h->abort_code;
        return CURLE_OK;
    }
    if (ranged && from >= n) {
        /* honest 416: the stored part is as long as the clip */
        h->status = 416;
        if (header(h, "HTTP/1.1 416 Range Not Satisfiable") ||
            header(h, "Content-Range: bytes */%" PRId64, n) || fz_header(h, "", 0))
            return h->abort_code;
        return CURLE_OK;
    }
    if (!ranged)
        from = 0;
    h->status = ranged ? 206 : 200;
    if (header(h, "HTTP/1.1 %ld %s", h->status, ranged ? "Partial Content" : "OK"))
        return h->abort_code;
    if (ranges && header(h, "Accept-Ranges: bytes"))
        return h->abort_code;
    if (ranged) {
        int64_t start = from, total = n;
        if (kind == K_BAD_START) {
            start = from + 1 + r[1];
            lied(sv);
        } else if (kind == K_OTHER_SIZE) {
            total = n + 1 + r[1];
            lied(sv);
        }
        if (kind == K_RAW_RANGE) {
            char raw[64];
            int len = snprintf(raw, sizeof(raw), "Content-Range: bytes %u%c%u/%u", r[1],
                               "-/ *x"[r[2] % 5], r[3], r[1] ^ r[3]);
            lied(sv);
            if (fz_header(h, raw, (size_t)len))
                return h->abort_code;
        } else if (header(h, "Content-Range: bytes %" PRId64 "-%" PRId64 "/%" PRId64, start,
                          total - 1, total)) {
            return h->abort_code;
        }
    }
    if (kind != K_NO_LENGTH && header(h, "Content-Length: %" PRId64, n - from))
        return h->abort_code;
    if (fz_header(h, "", 0))
        return h->abort_code;
    if (kind == K_NO_LENGTH && drop > 0 && drop < n && !(r[1] & 1)) {
        /* closed early without a length: nothing tells it from the end */
        lied(sv);
        return body(h, from, n, drop) == CURLE_PARTIAL_FILE ? CURLE_OK : h->abort_code;
    }
    return body(h, from, n, drop);
}

/* The task query of an expired link's refresh: the task with a fresh link. */
static CURLcode task_reply(fz_handle *h)
{
    static const char body[] = "{\"id\":\"" TASK "\",\"status\":\"completed\",\"results\":[\""
                               FRESH "\"]}";

    h->status = 200;
    if (header(h, "HTTP/1.1 200 OK") || header(h, "Content-Length: %zu", strlen(body)) ||
        fz_header(h, "", 0) || fz_body(h, body, strlen(body)))
        return h->abort_code;
    return CURLE_OK;
}

static CURLcode perform(fz_handle *h, void *opaque)
{
    server *sv = opaque;
    const uint8_t *r = NULL;

    if (h->url && !strcmp(h->url, API "/v1/tasks/" TASK))
        return task_reply(h);
    FZ_CHECK("key-to-cdn", !fz_request_header(h, "Authorization"),
             "the result download sends an Authorization header");
    FZ_CHECK("download-url", h->url && (!strcmp(h->url, URL) || !strcmp(h->url, FRESH)),
             "downloads %s", h->url);
    pthread_mutex_lock(&sv->lock);
    if (sv->next < sv->nreplies)
        r = sv->replies + REPLY_SIZE * sv->next++;
    pthread_mutex_unlock(&sv->lock);
    return reply(h, sv, r);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    snprintf(cache_dir, sizeof(cache_dir), "%s/cache", fz_tmpdir());
    snprintf(out_path, sizeof(out_path), "%s/out.mp4", fz_tmpdir());
    snprintf(clip_path, sizeof(clip_path), "%s/clips/%s.mp4", cache_dir, TASK);
    snprintf(part_path, sizeof(part_path), "%s/clips/%s.mp4.part", cache_dir, TASK);
    setenv("TMPDIR", fz_tmpdir(), 1);
    make_clip();
    if (!(client = seedance_client_new()) || seedance_client_set_api_key(client, FZ_API_KEY) ||
        seedance_client_set_cache_dir(client, cache_dir) || seedance_client_set_api_base(client, API))
        abort();
    seedance_client_set_log(client, fz_log_cb, NULL);
    return 0;
}

/* A file of the clip's bytes 0..len (garbage after the clip's end). */
static void put_file(const char *path, int64_t len)
{
    uint8_t *b = malloc(len > 0 ? (size_t)len : 1);
    char dir[600];

    fill(b, 0, (size_t)len);
    snprintf(dir, sizeof(dir), "%s/clips", cache_dir);
    if (sd_mkdirs(dir) || fz_write_file(path, b, (size_t)len))
        abort();
    free(b);
}

static void put_garbage(const char *path, int64_t len);

/* A complete clip committed the way the library commits it (its record
 * written), then changed on disk to len bytes (other bytes: garbage).
 * Returns the inode of what is left at clip_path. */
static ino_t put_committed(int64_t size, int64_t len, int garbage)
{
    struct stat st;
    sd_commit v;
    int fd;

    put_file(part_path, size);
    if ((fd = open(part_path, O_RDWR)) < 0 ||
        sd_cache_commit(fd, part_path, clip_path, size, NULL, &v) || v != SD_COMMITTED)
        abort();
    close(fd);
    if (len != size)
        put_file(clip_path, len);
    if (garbage)
        put_garbage(clip_path, len);
    if (stat(clip_path, &st))
        abort();
    return st.st_ino;
}

/* Overwrite a file with len bytes that are not the clip's. */
static void put_garbage(const char *path, int64_t len)
{
    uint8_t *b = malloc(len > 0 ? (size_t)len : 1);

    for (int64_t i = 0; i < len; i++)
        b[i] = (uint8_t)~clip[i];
    if (fz_write_file(path, b, (size_t)len))
        abort();
    free(b);
}

/* Reader operations; every byte read must be the clip's. */
static void reader(seedance_stream *s, const uint8_t *ops, size_t n, server *sv)
{
    int64_t size = sv->size;
    static uint8_t buf[70000];

    for (size_t i = 0; i + 3 <= n; i += 3) {
        int v = ops[i + 1] << 8 | ops[i + 2];
        int64_t pos, got;
        switch (ops[i] & 3) {
        case 0:
            pos = seedance_stream_seek(s, 0, SEEK_CUR);
            got = seedance_stream_read(s, buf, 1 + (size_t)v);
            FZ_CHECK("read-size", got <= 1 + v, "read %" PRId64 " of %d bytes", got, 1 + v);
            if (got > 0 && honest(sv))
                FZ_CHECK("read-bytes", is_clip(buf, pos, (size_t)got),
                         "read %" PRId64 " bytes at %" PRId64 " that are not the clip's",
                         got, pos);
            if (got == 0 && honest(sv))
                FZ_CHECK("read-eof", pos >= size, "end of stream at %" PRId64 " of %" PRId64,
                         pos, size);
            if (got < 0)
                return;
            break;
        case 1:
            got = seedance_stream_seek(s, (int64_t)v * 4, SEEK_SET);
            FZ_CHECK("seek-set", got == (int64_t)v * 4, "seek to %d gave %" PRId64, v * 4, got);
            break;
        case 2:
            got = seedance_stream_seek(s, -(int64_t)v, SEEK_END);
            if (got < 0 || !honest(sv))
                break;
            FZ_CHECK("seek-end", got == size - v, "seek to end-%d gave %" PRId64, v, got);
            break;
        case 3:
            got = seedance_stream_size(s);
            FZ_CHECK("size", got == -1 || got == size || !honest(sv), "size %" PRId64 " of a %" PRId64
                     "-byte clip", got, size);
            break;
        }
    }
}

/* The file at path is exactly the clip. */
static int file_is_clip(const char *path, int64_t size, int64_t *len)
{
    static uint8_t buf[MAX_CLIP + 1024];
    int fd = open(path, O_RDONLY);
    ssize_t n;

    *len = -1;
    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof(buf));
    close(fd);
    *len = n;
    return n == size && is_clip(buf, 0, (size_t)n);
}

/* One run: the input decoded, the cache prepared, what is expected. */
typedef struct run {
    int flags;
    server sv;
    const uint8_t *ops;     /* the reader operations */
    size_t nops;
    int cached_ok;          /* a cached clip is there and intact (or none) */
    int garbage;            /* it has other bytes, of the right length */
    int64_t damaged_len;    /* its length on disk when damaged */
    ino_t damaged;          /* its inode when damaged */
} run;

/* Decode the input (see the top). 0 when too short. */
static int decode(run *r, const uint8_t *data, size_t size)
{
    int nrep;

    if (size < 5)
        return 0;
    memset(r, 0, sizeof(*r));
    r->flags = data[0];
    r->cached_ok = 1;
    pthread_mutex_init(&r->sv.lock, NULL);
    r->sv.size = (int64_t)(data[1] << 8 | data[2]) * 4;
    if (r->sv.size == 0)
        r->sv.size = 1;
    nrep = data[4] % 32;
    if (5 + (size_t)nrep * REPLY_SIZE > size)
        nrep = (int)((size - 5) / REPLY_SIZE);
    r->sv.replies = data + 5;
    r->sv.nreplies = nrep;
    r->ops = data + 5 + (size_t)nrep * REPLY_SIZE;
    r->nops = size - 5 - (size_t)nrep * REPLY_SIZE;
    return 1;
}

/* The cache as the flags say: on or off, a committed clip damaged since,
 * a kept .part (len: byte 3 of the input). */
static void prepare_cache(run *r, uint8_t len)
{
    int64_t size = r->sv.size, part_len;

    fz_clear_dir(fz_tmpdir());
    seedance_client_set_cache(client, r->flags & 1);
    if ((r->flags & 1) && (r->flags & 8)) {
        /* committed as the library does (its record written), then damaged */
        r->damaged_len = r->flags & 16 ? size * len / 256 : size;
        r->damaged = put_committed(size, r->damaged_len, r->flags & 32);
        r->cached_ok = r->damaged_len == size && !(r->flags & 32);
        r->garbage = r->damaged_len == size && (r->flags & 32);
    }
    if ((r->flags & 1) && (r->flags & 2)) {
        part_len = r->flags & 4 ? size + 1 + len : size * len / 256;
        put_file(part_path, part_len);
        if (r->flags & 64)
            put_garbage(part_path, part_len);
    }
}

/* Read and save an open stream; a damaged cached clip is never served. */
static int use_stream(run *r, seedance_stream *s)
{
    int served = r->cached_ok || s->dest != SD_DEST_CLIP || s->url, rc = SEEDANCE_OK;
    int64_t len;

    FZ_CHECK(r->garbage ? "cached-clip-garbage" : "cached-clip-unchecked", served,
             "a cached clip that changed on disk (%s) is served as the clip",
             r->garbage ? "other bytes, same length" : "truncated");
    if (!served)
        return rc;
    reader(s, r->ops, r->nops, &r->sv);
    rc = seedance_stream_save(s, out_path);
    /* a stale longer .part has its own tag */
    if (rc == SEEDANCE_OK)
        FZ_CHECK((r->flags & 7) == 7 ? "stale-part-committed" : "save-exact",
                 file_is_clip(out_path, r->sv.size, &len) == 1 || !honest(&r->sv),
                 "the saved file (%" PRId64 " bytes) is not the %" PRId64 "-byte clip", len,
                 r->sv.size);
    fz_trace("save: %d %s", rc, rc ? seedance_last_error(client)->message : "");
    return rc;
}

/* Open the stream against the scripted server and use it. */
static int download(run *r)
{
    seedance_stream *s = NULL;
    int rc;

    fz_clock_mode(FZ_CLOCK_FAST, 1000);
    fz_transport(perform, &r->sv);
    rc = sd_stream_open_url(client, TASK, URL, &s);
    if (rc == SEEDANCE_OK) {
        rc = use_stream(r, s);
        seedance_stream_close(s);
    } else {
        fz_trace("open: %d %s", rc, seedance_last_error(client)->message);
        FZ_CHECK("open-fail", seedance_last_error(client)->code == rc &&
                 seedance_last_error(client)->message[0], "open failed with %d", rc);
    }
    fz_transport(NULL, NULL);
    fz_clock_mode(FZ_CLOCK_REAL, 1);
    return rc;
}

/* What the cache holds afterwards: the clip or nothing, never a damaged
 * clip or a stale part, and no .part next to a clip downloaded. */
static void check_cache(run *r, int rc)
{
    int64_t len;
    struct stat st;

    if (!(r->flags & 1))
        return;
    if (file_is_clip(clip_path, r->sv.size, &len) == 0 && len > 0) {
        if (!r->cached_ok && stat(clip_path, &st) == 0 && st.st_ino == r->damaged)
            FZ_CHECK(r->garbage ? "cached-clip-garbage" : "cached-clip-unchecked", 0,
                     "the damaged clip (%" PRId64 " bytes) stays in the cache", r->damaged_len);
        else if ((r->flags & 4) && (r->flags & 2))
            FZ_CHECK("stale-part-committed", 0, "a stale %" PRId64 "-byte .part became the "
                     "cached clip of %" PRId64 " bytes", len, r->sv.size);
        else
            FZ_CHECK("cache-clip-wrong", !honest(&r->sv), "the cache holds %" PRId64 " bytes "
                     "that are not the %" PRId64 "-byte clip", len, r->sv.size);
    }
    if (rc == SEEDANCE_OK && !(r->flags & 8))
        FZ_CHECK("part-left", access(part_path, F_OK) != 0 || access(clip_path, F_OK) != 0,
                 "both the clip and its .part are in the cache");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run r;
    int rc;

    if (!decode(&r, data, size))
        return 0;
    prepare_cache(&r, data[3]);
    rc = download(&r);
    check_cache(&r, rc);
    pthread_mutex_destroy(&r.sv.lock);
    return 0;
}
