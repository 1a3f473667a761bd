/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the libFuzzer harnesses of libseedance (fuzz/NAME.c).
 *
 * The harnesses link the library built into the fuzz build's own object
 * directory with two seams (fuzz/build.mk):
 *
 *   the clock    clock_gettime(), nanosleep() and pthread_cond_timedwait()
 *                of the library go through fz_clock_*: real time, a virtual
 *                clock that only sleeps advance (deterministic, one thread),
 *                or real time sped up (the download thread and its reader);
 *   the network  the easy-handle calls of the library (curl_easy_init,
 *                _setopt, _perform, _getinfo, _reset, _cleanup; linked
 *                with --wrap) go to a
 *                fake transport that hands the harness's scripted replies
 *                to the library's own header and body callbacks, the way
 *                libcurl does. Everything else of libcurl is the real one.
 *
 * Logic checks abort with "fuzz check failed [TAG]: ...", which libFuzzer
 * reports as a crash with the input saved. FUZZ_IGNORE=TAG1,TAG2 turns
 * checks off by tag (to keep a long run going past a defect already known).
 */
#ifndef SEEDANCE_FUZZ_H
#define SEEDANCE_FUZZ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <curl/curl.h>

/* ------------------------------------------------------------------ */
/* Checks                                                             */

int fz_ignored(const char *tag);
void fz_fail(const char *tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define FZ_CHECK(tag, cond, ...) \
    do { \
        if (!(cond) && !fz_ignored(tag)) \
            fz_fail(tag, __VA_ARGS__); \
    } while (0)

/* printf to stderr when FUZZ_TRACE is set (to explain a reproducer). */
void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A private scratch directory for this process (created once). */
const char *fz_tmpdir(void);
/* rm -rf of the contents of dir (not dir itself). */
void fz_clear_dir(const char *dir);
/* Write size bytes to path (created 0600); 0 or -1. */
int fz_write_file(const char *path, const void *data, size_t size);

/* A NUL-terminated copy of data (caller frees). */
char *fz_strndup(const uint8_t *data, size_t size);

/* Does the n-byte buffer hold the NUL-terminated needle? */
int fz_memmem(const void *hay, size_t n, const char *needle);

/* The sentinel API key the harnesses give their clients: it must never
 * show up in an error message or a log line. */
#define FZ_API_KEY "sk-fuzz-SECRET-4b1d"

/* A log callback that checks every line for the key (opaque unused),
 * unless the harness's input holds the key itself (fz_key_in_input). */
extern int fz_key_in_input;
void fz_log_cb(void *opaque, int level, const char *msg);

/* Remove every SEEDANCE_* / EVOLINK_* variable from the environment. */
void fz_clean_env(void);

/* ------------------------------------------------------------------ */
/* Clock                                                              */

enum { FZ_CLOCK_REAL = 0, FZ_CLOCK_VIRTUAL, FZ_CLOCK_FAST };

/* Switch the library's monotonic clock. factor: speed-up of FZ_CLOCK_FAST. */
void fz_clock_mode(int mode, double factor);
/* The library's monotonic time in seconds. */
double fz_clock_now(void);
/* Virtual seconds slept (FZ_CLOCK_VIRTUAL) since the last fz_clock_mode(). */
double fz_clock_slept(void);
/* Abort (check TAG) once the virtual sleeps since fz_clock_mode() pass limit. */
void fz_clock_limit(double limit, const char *tag);

/* What the library calls instead of clock_gettime(), nanosleep() and
 * pthread_cond_timedwait() (renamed with -D in fuzz/build.mk). */
int fz_clock_gettime(clockid_t clk, struct timespec *ts);
int fz_nanosleep(const struct timespec *req, struct timespec *rem);
int fz_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs);

/* ------------------------------------------------------------------ */
/* Transport                                                          */

/* One easy handle of the library, as the fake transport sees it. */
typedef struct fz_handle {
    char *url, *range, *custom_request, *postfields;
    long post, followlocation, noprogress, maxredirs;
    curl_off_t postfieldsize;
    const struct curl_slist *headers;
    char *errorbuffer;
    curl_write_callback write_fn;
    void *write_data;
    curl_write_callback header_fn;
    void *header_data;
    curl_xferinfo_callback xferinfo_fn;
    void *xferinfo_data;
    /* what the perform answered */
    long status;
    curl_off_t connect_time;     /* microseconds; 0: never connected */
    curl_off_t content_length;   /* -1 unknown */
    int aborted;                 /* a callback stopped the transfer */
    CURLcode abort_code;
} fz_handle;

/* The harness answers one curl_easy_perform(). */
typedef CURLcode (*fz_perform_fn)(fz_handle *h, void *opaque);

/* Install (or with NULL remove) the transport. Without one, every
 * perform fails with CURLE_COULDNT_CONNECT. */
void fz_transport(fz_perform_fn fn, void *opaque);

/*
 * Helpers for a perform function, each in a buffer of exactly its size
 * (no terminating NUL), so that a callback reading past its length is
 * caught by ASan. Return 0, or -1 when a callback stopped the transfer
 * (h->abort_code is then what curl_easy_perform must return).
 */
int fz_header(fz_handle *h, const char *line, size_t len);   /* without CRLF: added */
int fz_body(fz_handle *h, const void *data, size_t len);
int fz_progress(fz_handle *h);

/* A header value of the request headers (HTTPHEADER), or NULL. */
const char *fz_request_header(const fz_handle *h, const char *name);

/* ------------------------------------------------------------------ */
/* Scripted HTTP exchanges (fuzz/script.c)                            */

/*
 * A script is a list of replies separated by the line "%%":
 *
 *   HTTP/1.1 429 Too Many Requests
 *   Retry-After: 3
 *
 *   {"error":{"code":"rate_limit_exceeded"}}
 *   %%
 *   HTTP/1.1 200 OK
 *   ...
 *
 * Header lines end at the first empty line (CRLF is added to each). A
 * reply "!N" is a transfer failing with curl code N before anything was
 * sent, "!Nc" one failing after the connection was made (what
 * sd_curl_unsent() tells apart); anything else that does not start with
 * "HTTP/" is a failed connection. After the last reply every further
 * request fails to connect.
 */
typedef struct fz_script {
    const uint8_t *data;
    size_t size, pos;
    int requests;           /* performs answered */
    size_t chunk;           /* body delivered in chunks of this size */
} fz_script;

void fz_script_init(fz_script *s, const uint8_t *data, size_t size, size_t chunk);
/* The perform function of a script (opaque: the fz_script). */
CURLcode fz_script_perform(fz_handle *h, void *opaque);

#endif /* SEEDANCE_FUZZ_H */
