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
#define SD_MAX_TIMEOUT (7 * 86400.0) /* the longest overall wait, seconds */
#define SD_USER_AGENT "libseedance/" SEEDANCE_VERSION

struct seedance_client {
    char *api_key;        /* never logged, never written to disk */
    char *api_base;       /* no trailing slash */
    char *files_base;     /* no trailing slash */
    char *cache_dir;
    int cache;            /* journal + clip cache on/off */
    char *journal;        /* libpq connection string of a shared journal, NULL: local;
                             may hold a password: never logged, never in a message */
    struct sd_journal_db *jdb;  /* its connection (journal_pg.c), NULL until used */
    struct {              /* the local journal's entry that last named a task */
        char task_id[96];
        char hash[65];
    } journaled;
    double timeout;       /* overall wait deadline in seconds */
    double max_credits;   /* refuse submits estimated above this; < 0 no limit */

    seedance_interrupt_cb interrupt_cb;
    void *interrupt_opaque;
    seedance_progress_cb progress_cb;
    void *progress_opaque;
    seedance_log_cb log_cb;
    void *log_opaque;
    seedance_probe_cb probe_cb;
    void *probe_opaque;

    seedance_error err;   /* last failure */

    struct sd_pending *pending; /* uploads of tasks not yet ended (uploads.c) */

    /* What the last submit reply said of its task, so that the wait that
     * follows starts from its estimate instead of an immediate query. */
    struct {
        char task_id[96];
        int progress, estimated_time;
        double credits;   /* usage.credits_reserved, -1 absent */
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

/*
 * A progress event of kind ev about task_id (may be NULL) with every other
 * field unknown: progress, estimated_time, next_poll and size -1, strings
 * NULL, elapsed 0. Callers fill in what they know.
 */
seedance_progress sd_progress_event(seedance_event ev, const char *task_id);

/* task.c ------------------------------------------------------------ */

/*
 * A task id is safe in a URL path and a file name (seedance_task_id_valid):
 * SEEDANCE_OK, or SEEDANCE_E_INVALID with a message naming the value.
 */
int sd_check_task_id(seedance_client *c, const char *id);
/*
 * What is wrong with id as a task id, for a message ("" when nothing):
 * the value (cut to 40 characters, each printable) and what is allowed.
 * Returns buf.
 */
const char *sd_task_id_problem(const char *id, char *buf, size_t size);

/* fsutil.c ---------------------------------------------------------- */
/* Every function returns 0 (or a file descriptor) or -1 with errno set. */

/*
 * mkdir -p: the directories created get mode 0700; every component that
 * exists already must be a directory (ENOTDIR otherwise).
 */
int sd_mkdirs(const char *path);

/*
 * Open a new temporary file next to path ("<path>.tmp-XXXXXX", mode 0600,
 * close-on-exec). *tmp receives its allocated name. Returns the fd.
 */
int sd_tmpfile_next_to(const char *path, char **tmp);

/*
 * Make a finished temporary file permanent: fsync it, rename it to path,
 * fsync the directory. Does not close fd.
 */
int sd_commit_file(int fd, const char *tmp, const char *path);

/* fsync the directory holding path, so that a rename in it survives a crash. */
int sd_sync_dir_of(const char *path);

/*
 * Replace path atomically with len bytes of data (mode 0600): a reader
 * sees the old content or the new one, never a mix, even after a crash.
 * The directory must exist.
 */
int sd_write_file_atomic(const char *path, const void *data, size_t len);

/*
 * Read a whole regular file of at most max bytes into *data (allocated,
 * NUL-terminated, free()) and *size. errno EFBIG when it is larger (*size
 * is its size then), EISDIR for a directory, ENODEV for anything else that
 * is not a regular file (a FIFO is not waited for).
 */
int sd_read_file(const char *path, size_t max, unsigned char **data, size_t *size);

/*
 * An anonymous spool file (created then unlinked at once) in dir, or in
 * $TMPDIR or /tmp when dir is NULL. Returns the fd.
 */
int sd_spool_file(const char *dir);

#endif /* SEEDANCE_INTERNAL_H */
