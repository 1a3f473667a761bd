/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client: configuration from the environment and the caller, and the
 * small services every other file uses (logging, interrupt, sleep, curl
 * defaults).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "api.h"

char *sd_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *strip_slashes(char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    return s;
}

static char *default_cache_dir(void)
{
    const char *v;
    char buf[4096];

    if ((v = env("SEEDANCE_CACHE_DIR")))
        return strdup(v);
    if ((v = env("XDG_CACHE_HOME")))
        snprintf(buf, sizeof(buf), "%s/seedance", v);
    else if ((v = env("HOME")))
        snprintf(buf, sizeof(buf), "%s/.cache/seedance", v);
    else
        snprintf(buf, sizeof(buf), ".seedance-cache");
    return strdup(buf);
}

/* Extract the host of an http(s) URL into host (brackets removed). */
static int url_host(const char *url, char *host, size_t size)
{
    const char *p = strstr(url, "://"), *end;
    size_t n;

    if (!p)
        return -1;
    p += 3;
    end = p + strcspn(p, "/?#");
    /* drop userinfo */
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            p = q + 1;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (!rb)
            return -1;
        p++;
        n = (size_t)(rb - p);
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        n = (size_t)((colon ? colon : end) - p);
    }
    if (n == 0 || n >= size)
        return -1;
    memcpy(host, p, n);
    host[n] = '\0';
    return 0;
}

int sd_url_is_loopback(const char *url)
{
    char host[256];
    struct in_addr a4;
    struct in6_addr a6;

    if (url_host(url, host, sizeof(host)) < 0)
        return 0;
    if (!strcasecmp(host, "localhost"))
        return 1;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}

int sd_check_base_url(const char *what, const char *url, seedance_error *e)
{
    char host[256];

    if (!strncasecmp(url, "https://", 8) && url_host(url, host, sizeof(host)) == 0)
        return SEEDANCE_OK;
    if (!strncasecmp(url, "http://", 7) && url_host(url, host, sizeof(host)) == 0) {
        if (sd_url_is_loopback(url))
            return SEEDANCE_OK;
        return sd_error(e, SEEDANCE_E_CONFIG,
                        "%s '%s' refused: plain http:// is allowed only for loopback "
                            "hosts (127.0.0.1, ::1, localhost); use https://", what, url);
    }
    return sd_error(e, SEEDANCE_E_CONFIG,
                    "%s '%s' is not a valid URL: expected https://HOST[:PORT]", what, url);
}

static int set_base(seedance_client *c, char **dst, const char *what, const char *url,
                    const char *envname, const char *def)
{
    char *v;

    if (!url || !*url)
        url = env(envname) ? env(envname) : def;
    if (sd_check_base_url(what, url, &c->err))
        return c->err.code;
    if (!(v = strip_slashes(strdup(url))))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    free(*dst);
    *dst = v;
    return SEEDANCE_OK;
}

/* Overwrite memory that held the key so that it does not linger. */
static void explicit_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

seedance_client *seedance_client_new(void)
{
    seedance_client *c = calloc(1, sizeof(*c));
    const char *v;

    if (!c)
        return NULL;
    c->cache = 1;
    c->timeout = SD_DEFAULT_TIMEOUT;
    c->max_credits = -1;
    if ((v = env("SEEDANCE_API_KEY")) || (v = env("EVOLINK_API_KEY")))
        c->api_key = strdup(v);
    c->cache_dir = default_cache_dir();
    /* A string that does not parse is reported by the first journal call. */
    if ((v = env("SEEDANCE_JOURNAL")) && !(c->journal = strdup(v))) {
        seedance_client_free(c);
        return NULL;
    }
    /* An environment base that fails the check is kept out: the error is
     * reported again by the first call that needs the base. */
    if (set_base(c, &c->api_base, "API base", NULL, "SEEDANCE_API_BASE",
                 SEEDANCE_DEFAULT_API_BASE))
        c->api_base = NULL;
    if (set_base(c, &c->files_base, "Files API base", NULL, "SEEDANCE_FILES_BASE",
                 SEEDANCE_DEFAULT_FILES_BASE))
        c->files_base = NULL;
    if (!c->cache_dir) {
        seedance_client_free(c);
        return NULL;
    }
    return c;
}

void seedance_client_free(seedance_client *c)
{
    if (!c)
        return;
    if (c->api_key) {
        explicit_wipe(c->api_key, strlen(c->api_key));
        free(c->api_key);
    }
    sd_uploads_free(c);
    free(c->api_base);
    free(c->files_base);
    free(c->cache_dir);
    sd_journal_close(c);
    if (c->journal) {
        explicit_wipe(c->journal, strlen(c->journal));
        free(c->journal);
    }
    free(c);
}

int seedance_client_set_api_key(seedance_client *c, const char *key)
{
    const char *v = key && *key ? key : (env("SEEDANCE_API_KEY") ? env("SEEDANCE_API_KEY")
                                                                 : env("EVOLINK_API_KEY"));
    char *dup = NULL;

    if (!c)
        return SEEDANCE_E_INVALID;
    if (v && !(dup = strdup(v)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    if (c->api_key) {
        explicit_wipe(c->api_key, strlen(c->api_key));
        free(c->api_key);
    }
    c->api_key = dup;
    return SEEDANCE_OK;
}

/* The first line of buf, blanks around it removed, in place. */
static char *first_line(char *buf)
{
    char *start = buf;
    size_t n;

    buf[strcspn(buf, "\r\n")] = '\0';
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    while (*start == ' ' || *start == '\t')
        start++;
    return start;
}

int seedance_client_set_api_key_file(seedance_client *c, const char *path)
{
    char buf[4096];
    struct stat sb;
    size_t n;
    FILE *f;
    int rc;

    if (!c)
        return SEEDANCE_E_INVALID;
    if (!path || !*path)
        return sd_fail(c, SEEDANCE_E_CONFIG, "api_key_file: no file name given");
    if (!(f = fopen(path, "r")))
        return sd_fail(c, SEEDANCE_E_CONFIG, "api_key_file: cannot read %s: %s", path,
                       strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
        sd_log(c, SEEDANCE_LOG_WARNING, "%s is readable by other users (chmod 600 it)", path);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (!*first_line(buf))
        rc = sd_fail(c, SEEDANCE_E_CONFIG, "api_key_file: %s holds no key", path);
    else
        rc = seedance_client_set_api_key(c, first_line(buf));
    explicit_wipe(buf, sizeof(buf));
    return rc;
}

int seedance_client_set_api_base(seedance_client *c, const char *url)
{
    if (!c)
        return SEEDANCE_E_INVALID;
    return set_base(c, &c->api_base, "API base", url, "SEEDANCE_API_BASE",
                    SEEDANCE_DEFAULT_API_BASE);
}

int seedance_client_set_files_base(seedance_client *c, const char *url)
{
    if (!c)
        return SEEDANCE_E_INVALID;
    return set_base(c, &c->files_base, "Files API base", url, "SEEDANCE_FILES_BASE",
                    SEEDANCE_DEFAULT_FILES_BASE);
}

int seedance_client_set_cache_dir(seedance_client *c, const char *dir)
{
    char *v;

    if (!c)
        return SEEDANCE_E_INVALID;
    if (!(v = dir && *dir ? strdup(dir) : default_cache_dir()))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    free(c->cache_dir);
    c->cache_dir = v;
    return SEEDANCE_OK;
}

int seedance_client_set_journal(seedance_client *c, const char *conninfo)
{
    const char *v = conninfo && *conninfo ? conninfo : env("SEEDANCE_JOURNAL");
    char *dup = NULL;
    int rc;

    if (!c)
        return SEEDANCE_E_INVALID;
    if (v && (rc = sd_journal_pg_check(v, &c->err)))
        return rc;
    if (v && !(dup = strdup(v)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    sd_journal_close(c);    /* another database, or the local journal, from now on */
    if (c->journal) {
        explicit_wipe(c->journal, strlen(c->journal));
        free(c->journal);
    }
    c->journal = dup;
    return SEEDANCE_OK;
}

void seedance_client_set_cache(seedance_client *c, int enabled)
{
    if (c)
        c->cache = !!enabled;
}

void seedance_client_set_timeout(seedance_client *c, double seconds)
{
    if (c)  /* NaN and <= 0: the default; an infinite wait: the longest one */
        c->timeout = !(seconds > 0) ? SD_DEFAULT_TIMEOUT
                                    : seconds < SD_MAX_TIMEOUT ? seconds : SD_MAX_TIMEOUT;
}

void seedance_client_set_probe(seedance_client *c, seedance_probe_cb cb, void *opaque)
{
    if (!c)
        return;
    c->probe_cb = cb;
    c->probe_opaque = opaque;
}

void seedance_client_set_max_credits(seedance_client *c, double max)
{
    if (c)  /* NaN and < 0: no limit */
        c->max_credits = max >= 0 ? max : -1;
}

void seedance_client_set_interrupt(seedance_client *c, seedance_interrupt_cb cb, void *opaque)
{
    if (!c)
        return;
    c->interrupt_cb = cb;
    c->interrupt_opaque = opaque;
}

void seedance_client_set_progress(seedance_client *c, seedance_progress_cb cb, void *opaque)
{
    if (!c)
        return;
    c->progress_cb = cb;
    c->progress_opaque = opaque;
}

void seedance_client_set_log(seedance_client *c, seedance_log_cb cb, void *opaque)
{
    if (!c)
        return;
    c->log_cb = cb;
    c->log_opaque = opaque;
}

const char *seedance_client_api_base(const seedance_client *c)
{
    return c ? c->api_base : NULL;
}

const char *seedance_client_cache_dir(const seedance_client *c)
{
    return c ? c->cache_dir : NULL;
}

void sd_log(seedance_client *c, int level, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    if (!c || !c->log_cb)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    c->log_cb(c->log_opaque, level, buf);
}

int sd_interrupted(seedance_client *c)
{
    return c && c->interrupt_cb && c->interrupt_cb(c->interrupt_opaque);
}

seedance_progress sd_progress_event(seedance_event ev, const char *task_id)
{
    seedance_progress p;

    memset(&p, 0, sizeof(p));
    p.event = ev;
    p.task_id = task_id;
    p.progress = -1;
    p.estimated_time = -1;
    p.next_poll = -1;
    p.size = -1;
    p.credits = -1;
    return p;
}

void sd_progress(seedance_client *c, const seedance_progress *p)
{
    if (c && c->progress_cb)
        c->progress_cb(c->progress_opaque, p);
}

double sd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sd_sleep(seedance_client *c, double seconds)
{
    double end = sd_now() + seconds;

    for (;;) {
        double left;
        struct timespec ts;

        if (sd_interrupted(c))
            return sd_fail(c, SEEDANCE_E_INTERRUPTED, "interrupted");
        left = end - sd_now();
        if (left <= 0)
            return SEEDANCE_OK;
        if (left > 0.05)
            left = 0.05;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)(left * 1e9);
        nanosleep(&ts, NULL);
    }
}

static int xferinfo(void *opaque, curl_off_t dltotal, curl_off_t dlnow,
                    curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return sd_interrupted(opaque) ? 1 : 0;
}

void sd_curl_setup(seedance_client *c, CURL *h)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_USERAGENT, SD_USER_AGENT);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, xferinfo);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
}
