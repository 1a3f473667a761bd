/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seams of the fuzz build (see fuzz.h): checks and scratch files, the
 * library's clock, and a fake libcurl easy interface that plays replies
 * the harness scripts into the library's own callbacks.
 *
 * Not compiled with the -D renames of the library, so the real
 * clock_gettime(), nanosleep() and pthread_cond_timedwait() are at hand;
 * the curl_easy_* calls of the library reach __wrap_curl_easy_* through
 * the linker's --wrap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* ------------------------------------------------------------------ */
/* Checks and scratch files                                           */

int fz_ignored(const char *tag)
{
    const char *list = getenv("FUZZ_IGNORE");
    size_t n = strlen(tag);

    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ", ");
        if (len == n && !strncmp(p, tag, n))
            return 1;
        p += len;
        p += strspn(p, ", ");
    }
    return 0;
}

void fz_fail(const char *tag, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "fuzz check failed [%s]: ", tag);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(FUZZ_IGNORE=%s skips this check)\n", tag);
    abort();
}

void fz_trace(const char *fmt, ...)
{
    static int on = -1;
    va_list ap;

    if (on < 0)
        on = getenv("FUZZ_TRACE") != NULL;
    if (!on)
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static char tmp_root[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag;
    if (ftw->level > 0)
        remove(path);
    return 0;
}

void fz_clear_dir(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_tmp_root(void)
{
    if (tmp_root[0]) {
        fz_clear_dir(tmp_root);
        rmdir(tmp_root);
    }
}

const char *fz_tmpdir(void)
{
    if (!tmp_root[0]) {
        const char *base = getenv("FUZZ_TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        if (!base || !*base)
            base = "/tmp";
        snprintf(tmp_root, sizeof(tmp_root), "%s/seedance-fuzz.XXXXXX", base);
        if (!mkdtemp(tmp_root)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_tmp_root);
    }
    return tmp_root;
}

int fz_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (!f)
        return -1;
    ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

char *fz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int fz_memmem(const void *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

int fz_key_in_input;

void fz_log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (!fz_key_in_input)
        FZ_CHECK("key-in-log", !strstr(msg, FZ_API_KEY), "the API key is in a log line: %s", msg);
    FZ_CHECK("log-level", level >= 0 && level <= 3, "log level %d", level);
}

void fz_clean_env(void)
{
    extern char **environ;
    char name[256];

    for (int again = 1; again;) {
        again = 0;
        for (char **e = environ; e && *e; e++) {
            if (strncmp(*e, "SEEDANCE_", 9) && strncmp(*e, "EVOLINK_", 8))
                continue;
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(*e, "="), *e);
            unsetenv(name);
            again = 1;
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Clock                                                              */

static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static int clock_mode;
static double vnow = 1000.0;     /* FZ_CLOCK_VIRTUAL: the time */
static double slept, slept_limit = -1;
static const char *limit_tag = "sleep-bound";
static double fast_factor = 1, fast_r0, fast_v0;
static unsigned long sleeps, reads;    /* reads: clock reads since the last sleep */

static double real_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct timespec to_ts(double t)
{
    struct timespec ts;

    if (t < 0)
        t = 0;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

double fz_clock_now(void)
{
    double t;

    pthread_mutex_lock(&clock_lock);
    if (clock_mode == FZ_CLOCK_VIRTUAL)
        t = vnow;
    else if (clock_mode == FZ_CLOCK_FAST)
        t = fast_v0 + (real_mono() - fast_r0) * fast_factor;
    else
        t = real_mono();
    pthread_mutex_unlock(&clock_lock);
    return t;
}

/* Where the virtual clock starts each run: FUZZ_CLOCK_START seconds
 * (default 1000; a machine up for years has a monotonic clock near 1e8). */
static double virtual_start(void)
{
    const char *v = getenv("FUZZ_CLOCK_START");
    return v && *v ? strtod(v, NULL) : 1000.0;
}

void fz_clock_mode(int mode, double factor)
{
    double now = fz_clock_now();

    pthread_mutex_lock(&clock_lock);
    clock_mode = mode;
    /* every virtual run starts at the same time: runs are reproducible */
    vnow = mode == FZ_CLOCK_VIRTUAL ? virtual_start() : now;
    fast_v0 = now;
    fast_r0 = real_mono();
    fast_factor = factor > 0 ? factor : 1;
    slept = 0;
    slept_limit = -1;
    sleeps = reads = 0;
    pthread_mutex_unlock(&clock_lock);
}

double fz_clock_slept(void)
{
    return slept;
}

void fz_clock_limit(double limit, const char *tag)
{
    slept_limit = limit;
    limit_tag = tag;
}

/* Advance the virtual clock by d seconds of sleep. */
static void virtual_sleep(double d, const char *what)
{
    FZ_CHECK("sleep-value", isfinite(d) && d >= 0, "%s of %g s", what, d);
    if (d < 1e-6)
        d = 1e-6;       /* a real sleep always takes a little time */
    if (reads > 50)
        fz_trace("%lu clock reads before a sleep of %g s", reads, d);
    reads = 0;
    vnow += d;
    slept += d;
    FZ_CHECK("sleep-loop", ++sleeps < 20000000UL, "%lu sleeps in one run: an endless wait",
             sleeps);
    if (slept_limit >= 0)
        FZ_CHECK(limit_tag, slept <= slept_limit,
                 "the library slept %.3f s in all, more than the bound of %.3f s",
                 slept, slept_limit);
}

int fz_clock_gettime(clockid_t clk, struct timespec *ts)
{
    if (clk != CLOCK_MONOTONIC || clock_mode == FZ_CLOCK_REAL)
        return clock_gettime(clk, ts);
    if (clock_mode == FZ_CLOCK_VIRTUAL) {
        /* reading the clock takes a little time too; a loop that only reads
         * it, never sleeping, is a busy loop */
        vnow += ++reads < 10000 ? 1e-7 : 1e-3;   /* (past the check: end the spin soon) */
        FZ_CHECK("busy-loop", reads < 10000, "the clock was read %lu times without a "
                 "sleep in between: a busy loop", reads);
    }
    *ts = to_ts(fz_clock_now());
    return 0;
}

int fz_nanosleep(const struct timespec *req, struct timespec *rem)
{
    double d = (double)req->tv_sec + (double)req->tv_nsec / 1e9;
    struct timespec r;

    if (clock_mode == FZ_CLOCK_REAL)
        return nanosleep(req, rem);
    FZ_CHECK("sleep-value", req->tv_sec >= 0 && req->tv_nsec >= 0 && req->tv_nsec < 1000000000L,
             "nanosleep(%lld s, %ld ns)", (long long)req->tv_sec, req->tv_nsec);
    if (clock_mode == FZ_CLOCK_VIRTUAL) {
        virtual_sleep(d, "a sleep");
        return 0;
    }
    r = to_ts(d / fast_factor);
    return nanosleep(&r, rem);
}

int fz_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs)
{
    double t = (double)abs->tv_sec + (double)abs->tv_nsec / 1e9;
    struct timespec r;

    if (clock_mode == FZ_CLOCK_REAL)
        return pthread_cond_timedwait(cond, mutex, abs);
    if (clock_mode == FZ_CLOCK_VIRTUAL) {
        /* one thread: nobody can signal, so the wait times out */
        double d = t - vnow;
        virtual_sleep(d > 0 ? d : 0, "a timed wait");
        return ETIMEDOUT;
    }
    r = to_ts(fast_r0 + (t - fast_v0) / fast_factor);
    return pthread_cond_timedwait(cond, mutex, &r);
}

/* ------------------------------------------------------------------ */
/* Transport                                                          */

static fz_perform_fn transport_fn;
static void *transport_opaque;

void fz_transport(fz_perform_fn fn, void *opaque)
{
    transport_fn = fn;
    transport_opaque = opaque;
}

static void handle_clear(fz_handle *h)
{
    free(h->url);
    free(h->range);
    free(h->custom_request);
    memset(h, 0, sizeof(*h));
    h->noprogress = 1;
    h->content_length = -1;
}

CURL *__wrap_curl_easy_init(void);
void __wrap_curl_easy_cleanup(CURL *c);
void __wrap_curl_easy_reset(CURL *c);
CURLcode __wrap_curl_easy_setopt(CURL *c, CURLoption opt, ...);
CURLcode __wrap_curl_easy_perform(CURL *c);
CURLcode __wrap_curl_easy_getinfo(CURL *c, CURLINFO info, ...);

CURL *__wrap_curl_easy_init(void)
{
    fz_handle *h = calloc(1, sizeof(*h));

    if (h)
        handle_clear(h);
    return (CURL *)h;
}

void __wrap_curl_easy_cleanup(CURL *c)
{
    if (c) {
        handle_clear((fz_handle *)c);
        free(c);
    }
}

void __wrap_curl_easy_reset(CURL *c)
{
    handle_clear((fz_handle *)c);
}

static void set_string(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? strdup(v) : NULL;      /* libcurl copies strings */
}

typedef void (*any_fn)(void);

CURLcode __wrap_curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
    fz_handle *h = (fz_handle *)c;
    va_list ap;

    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT) {
        long v = va_arg(ap, long);
        if (opt == CURLOPT_POST)
            h->post = v;
        else if (opt == CURLOPT_FOLLOWLOCATION)
            h->followlocation = v;
        else if (opt == CURLOPT_NOPROGRESS)
            h->noprogress = v;
        else if (opt == CURLOPT_MAXREDIRS)
            h->maxredirs = v;
    } else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
        void *p = va_arg(ap, void *);
        switch (opt) {
        case CURLOPT_URL: set_string(&h->url, p); break;
        case CURLOPT_RANGE: set_string(&h->range, p); break;
        case CURLOPT_CUSTOMREQUEST: set_string(&h->custom_request, p); break;
        case CURLOPT_POSTFIELDS: h->postfields = p; break;   /* not copied */
        case CURLOPT_HTTPHEADER: h->headers = p; break;
        case CURLOPT_ERRORBUFFER: h->errorbuffer = p; break;
        case CURLOPT_WRITEDATA: h->write_data = p; break;
        case CURLOPT_HEADERDATA: h->header_data = p; break;
        case CURLOPT_XFERINFODATA: h->xferinfo_data = p; break;
        default: break;
        }
    } else if (opt < CURLOPTTYPE_OFF_T) {
        any_fn f = va_arg(ap, any_fn);
        if (opt == CURLOPT_WRITEFUNCTION)
            h->write_fn = (curl_write_callback)f;
        else if (opt == CURLOPT_HEADERFUNCTION)
            h->header_fn = (curl_write_callback)f;
        else if (opt == CURLOPT_XFERINFOFUNCTION)
            h->xferinfo_fn = (curl_xferinfo_callback)f;
    } else if (opt < CURLOPTTYPE_BLOB) {
        curl_off_t v = va_arg(ap, curl_off_t);
        if (opt == CURLOPT_POSTFIELDSIZE_LARGE)
            h->postfieldsize = v;
    }
    va_end(ap);
    return CURLE_OK;
}

CURLcode __wrap_curl_easy_perform(CURL *c)
{
    fz_handle *h = (fz_handle *)c;
    CURLcode rc;

    h->status = 0;
    h->content_length = -1;
    h->connect_time = 0;
    h->aborted = 0;
    h->abort_code = CURLE_OK;
    if (!transport_fn)
        rc = CURLE_COULDNT_CONNECT;
    else
        rc = transport_fn(h, transport_opaque);
    if (h->aborted)
        rc = h->abort_code;
    if (rc != CURLE_OK && h->errorbuffer)
        snprintf(h->errorbuffer, CURL_ERROR_SIZE, "fake transport: %s", curl_easy_strerror(rc));
    return rc;
}

CURLcode __wrap_curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
    fz_handle *h = (fz_handle *)c;
    CURLcode rc = CURLE_OK;
    va_list ap;

    va_start(ap, info);
    if (info == CURLINFO_RESPONSE_CODE)
        *va_arg(ap, long *) = h->status;
    else if (info == CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
        *va_arg(ap, curl_off_t *) = h->content_length;
    else if (info == CURLINFO_CONNECT_TIME_T || info == CURLINFO_APPCONNECT_TIME_T)
        *va_arg(ap, curl_off_t *) = h->connect_time;
    else
        rc = CURLE_UNKNOWN_OPTION;
    va_end(ap);
    return rc;
}

int fz_progress(fz_handle *h)
{
    if (h->aborted)
        return -1;
    if (!h->noprogress && h->xferinfo_fn &&
        h->xferinfo_fn(h->xferinfo_data, 0, 0, 0, 0) != 0) {
        h->aborted = 1;
        h->abort_code = CURLE_ABORTED_BY_CALLBACK;
        return -1;
    }
    return 0;
}

/*
 * Hand data and then tail to a write callback of the library, together in
 * a buffer of exactly their size (a read past it is ASan's); a callback
 * that takes less stops the transfer, as in libcurl.
 */
static int hand_over(fz_handle *h, curl_write_callback fn, void *opaque, const void *data,
                     size_t len, const char *tail)
{
    size_t n = len + strlen(tail), got;
    char *buf = malloc(n);

    if (!buf)
        abort();
    memcpy(buf, data, len);
    memcpy(buf + len, tail, n - len);
    got = fn(buf, 1, n, opaque);
    free(buf);
    if (got != n) {
        h->aborted = 1;
        h->abort_code = CURLE_WRITE_ERROR;
        return -1;
    }
    return 0;
}

int fz_header(fz_handle *h, const char *line, size_t len)
{
    if (h->aborted)
        return -1;
    if (len >= 16 && !strncasecmp(line, "Content-Length:", 15)) {
        char tmp[64], *end;
        long long v;
        snprintf(tmp, sizeof(tmp), "%.*s", (int)(len - 15 < 63 ? len - 15 : 63), line + 15);
        errno = 0;
        v = strtoll(tmp, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        h->content_length = !errno && end != tmp && !*end && v >= 0 ? v : -1;
    } else if (len >= 5 && !strncmp(line, "HTTP/", 5)) {
        h->content_length = -1;        /* a new response */
    }
    if (!h->header_fn)
        return 0;
    return hand_over(h, h->header_fn, h->header_data, line, len, "\r\n");
}

int fz_body(fz_handle *h, const void *data, size_t len)
{
    if (h->aborted)
        return -1;
    if (!len || !h->write_fn)
        return fz_progress(h);
    if (hand_over(h, h->write_fn, h->write_data, data, len, ""))
        return -1;
    return fz_progress(h);
}

const char *fz_request_header(const fz_handle *h, const char *name)
{
    size_t n = strlen(name);

    for (const struct curl_slist *l = h->headers; l; l = l->next)
        if (!strncasecmp(l->data, name, n) && l->data[n] == ':') {
            const char *v = l->data + n + 1;
            while (*v == ' ')
                v++;
            return v;
        }
    return NULL;
}
