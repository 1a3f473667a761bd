/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance internals shared between the library's source files.
 * Not installed.
 */
#ifndef SEEDANCE_INTERNAL_H
#define SEEDANCE_INTERNAL_H

#include <stdarg.h>
#include <curl/curl.h>

#include "seedance.h"

#define SD_DEFAULT_TIMEOUT 3600.0   /* overall wait deadline, seconds */
#define SD_USER_AGENT "libseedance/" SEEDANCE_VERSION

struct seedance_client {
    char *api_key;        /* never logged, never written to disk */
    char *api_base;       /* no trailing slash */
    char *files_base;     /* no trailing slash */
    char *cache_dir;
    int cache;            /* journal + clip cache on/off */
    double timeout;       /* overall wait deadline in seconds */

    seedance_interrupt_cb interrupt_cb;
    void *interrupt_opaque;
    seedance_progress_cb progress_cb;
    void *progress_opaque;
    seedance_log_cb log_cb;
    void *log_opaque;

    seedance_error err;   /* last failure */

    /* What the last submit reply said of its task, so that the wait that
     * follows starts from its estimate instead of an immediate query. */
    struct {
        char task_id[96];
        int progress, estimated_time;
        double at;        /* sd_now() of the reply */
    } submitted;
};

/* error.c ----------------------------------------------------------- */

#ifdef __GNUC__
#define SD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SD_PRINTF(f, a)
#endif

/*
 * Record a failure in e (may be NULL) and return code. A NULL fmt gives the
 * code's own description. Callers must never pass the API key or an
 * Authorization header into a message.
 *   sd_error       a failure with no HTTP status and no task
 *   sd_task_error  a failure concerning a task
 *   sd_http_error  an HTTP failure: status, the API's error code, task (0/NULL if none)
 */
int sd_error(seedance_error *e, int code, const char *fmt, ...) SD_PRINTF(3, 4);
int sd_task_error(seedance_error *e, int code, const char *task_id, const char *fmt, ...)
    SD_PRINTF(4, 5);
int sd_http_error(seedance_error *e, int code, int http_status, const char *api_code,
                  const char *task_id, const char *fmt, ...) SD_PRINTF(6, 7);
int sd_error_vset(seedance_error *e, int code, int http_status, const char *api_code,
                  const char *task_id, const char *fmt, va_list ap);
void sd_error_clear(seedance_error *e);

/* The same, into the client's last error. */
#define sd_fail(c, ...)      sd_error(&(c)->err, __VA_ARGS__)
#define sd_fail_task(c, ...) sd_task_error(&(c)->err, __VA_ARGS__)
#define sd_fail_http(c, ...) sd_http_error(&(c)->err, __VA_ARGS__)

/* client.c ---------------------------------------------------------- */

void sd_log(seedance_client *c, int level, const char *fmt, ...) SD_PRINTF(3, 4);

/* Non-zero when the caller's interrupt callback asks to stop. */
int sd_interrupted(seedance_client *c);

/* Report a progress event to the caller's callback, if any. */
void sd_progress(seedance_client *c, const seedance_progress *p);

/*
 * Sleep up to seconds, checking the interrupt callback at least every
 * 100 ms. Returns SEEDANCE_OK or SEEDANCE_E_INTERRUPTED (error recorded).
 */
int sd_sleep(seedance_client *c, double seconds);

/* Monotonic clock in seconds. */
double sd_now(void);

/*
 * Common libcurl settings for every handle: TLS peer and host verified,
 * http/https only (redirects too), user agent, no signals, connect timeout,
 * an XFERINFO callback that aborts the transfer when the interrupt callback
 * fires. Never sets Authorization: that is for the API calls only.
 */
void sd_curl_setup(seedance_client *c, CURL *h);

/*
 * Check a base URL: https://, or http:// with a loopback host (127.0.0.0/8,
 * ::1, localhost). Returns SEEDANCE_OK or SEEDANCE_E_CONFIG (error in e).
 */
int sd_check_base_url(const char *what, const char *url, seedance_error *e);

/* Is the URL's host a loopback host? */
int sd_url_is_loopback(const char *url);

/* strdup that returns NULL for NULL. */
char *sd_strdup(const char *s);

#endif /* SEEDANCE_INTERNAL_H */
