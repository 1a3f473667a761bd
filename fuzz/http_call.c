/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * API calls: sd_http_call() against scripted replies (fake transport,
 * virtual clock), through the library's own header and body callbacks:
 * status lines, Retry-After, idempotency-replayed, error envelopes,
 * bodies cut short, failed connections, and the retry loop around them;
 * free calls (a task query) and calls made once (the paid submit).
 *
 * Input: 4 bytes of settings (method, once, idempotency key, deadline,
 * attempts, body chunk size, which base), then a script of replies
 * (fuzz.h).
 * Checks: no more attempts than allowed; at least 1 s between two
 * attempts, at most 60 s without a deadline, never a sleep past the
 * deadline; a call made once is never sent again after an attempt that
 * may have reached the server, unless that attempt got a 429 (the submit
 * is paid); when such an attempt failed otherwise than with a 4xx the
 * outcome is SEEDANCE_E_UNCERTAIN; a success is a 2xx with its body
 * NUL-terminated, a failure names its HTTP status; the key goes in the
 * Authorization header to the configured base only and never into a
 * message or a log line; "replayed" only when the server said so.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"

#define BASE  "http://127.0.0.1:9"
#define FILES "http://127.0.0.1:10"
#define MAX_RETRY_DELAY 60.0     /* without a deadline (api.h) */

static seedance_client *client;

typedef struct {
    fz_script script;
    int once;
    double last;          /* clock time of the previous attempt, -1 none */
    const char *base;
    int reached;          /* the previous attempt may have been carried out */
    int last_status;      /* HTTP status of the previous attempt, 0 none */
    int deadline;         /* the call has a deadline (it bounds the delays) */
} run;

static CURLcode perform(fz_handle *h, void *opaque)
{
    run *r = opaque;
    double now = fz_clock_now();
    char auth[128];
    CURLcode rc;

    fz_trace("attempt %d at %.3f s", r->script.requests + 1, now);
    if (r->last >= 0) {
        FZ_CHECK("retry-delay-min", now - r->last >= 1.0 - 1e-9,
                 "attempt %d only %.3f s after the previous one", r->script.requests + 1,
                 now - r->last);
        FZ_CHECK("retry-delay-bound", r->deadline || now - r->last <= MAX_RETRY_DELAY + 0.1,
                 "attempt %d %.1f s after the previous one", r->script.requests + 1,
                 now - r->last);
        if (r->once)
            FZ_CHECK("paid-retry", !r->reached, "the paid submit is sent again (attempt %d) "
                     "after an attempt that may have created a task", r->script.requests + 1);
    }
    r->last = now;
    snprintf(auth, sizeof(auth), "Bearer %s", FZ_API_KEY);
    FZ_CHECK("auth-header", fz_request_header(h, "Authorization") &&
             !strcmp(fz_request_header(h, "Authorization"), auth), "no or wrong Authorization");
    FZ_CHECK("auth-host", h->url && !strncmp(h->url, r->base, strlen(r->base)) &&
             h->url[strlen(r->base)] == '/', "the key goes to %s", h->url ? h->url : "(none)");
    rc = fz_script_perform(h, &r->script);
    r->last_status = rc == CURLE_OK ? (int)h->status : 0;
    r->reached = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
                 h->connect_time > 0 && !(rc == CURLE_OK && h->status == 429);
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    if (!(client = seedance_client_new()) || seedance_client_set_api_key(client, FZ_API_KEY) ||
        seedance_client_set_api_base(client, BASE) || seedance_client_set_files_base(client, FILES))
        abort();
    seedance_client_set_log(client, fz_log_cb, NULL);
    return 0;
}

static void check_failure(int rc, const sd_http_resp *resp, const run *r, int key_in)
{
    const seedance_error *e = seedance_last_error(client);

    FZ_CHECK("fail-code", e->code == rc && e->message[0], "failure %d, recorded %d", rc, e->code);
    if (rc == SEEDANCE_E_UNCERTAIN)
        FZ_CHECK("uncertain-flag", r->once && resp->uncertain && resp->failure[0],
                 "SEEDANCE_E_UNCERTAIN without the reply saying why (once %d)", r->once);
    else if (rc != SEEDANCE_E_NETWORK && rc != SEEDANCE_E_PROTOCOL && rc != SEEDANCE_E_NOMEM &&
             rc != SEEDANCE_E_INTERRUPTED)
        FZ_CHECK("fail-status", e->http_status == resp->status && resp->status >= 300,
                 "failure %d names HTTP %d, the reply was %ld", rc, e->http_status,
                 resp->status);
    if (r->once && r->reached && !(r->last_status >= 400 && r->last_status < 500))
        FZ_CHECK("uncertain-outcome", rc == SEEDANCE_E_UNCERTAIN,
                 "a submit that may have reached the server failed with %d (%s), not "
                 "SEEDANCE_E_UNCERTAIN", rc, e->message);
    if (!key_in)
        FZ_CHECK("key-in-message", !strstr(e->message, FZ_API_KEY), "the key is in: %s",
                 e->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double deadlines[4] = { 0, 30, 300, 3600 };
    sd_http_req req = { .path = "/v1/tasks/task-unified-1", .task_id = "task-unified-1" };
    sd_http_resp resp;
    run r;
    double start, limit;
    int rc, max, key_in;
    char *text;

    if (size < 4)
        return 0;
    req.method = data[0] & 1 ? "POST" : "GET";
    if (data[0] & 1)
        req.body = "{\"model\":\"seedance-2.0-fast-text-to-video\",\"prompt\":\"x\"}";
    if ((data[0] & 0x11) == 0x11) {
        req.once = 1;
        req.path = "/v1/videos/generations";
        req.task_id = NULL;
    }
    req.idempotency_key = data[0] & 2 ? "0123456789abcdef0123456789abcdef" : NULL;
    req.max_attempts = data[1] % 10;
    req.base = data[3] & 1 ? SD_BASE_FILES : SD_BASE_API;
    max = req.max_attempts > 0 ? req.max_attempts : 5;

    key_in = fz_key_in_input = fz_memmem(data, size, FZ_API_KEY);
    memset(&r, 0, sizeof(r));
    r.last = -1;
    r.once = req.once;
    r.base = req.base == SD_BASE_FILES ? FILES : BASE;
    fz_script_init(&r.script, data + 4, size - 4, 1 + (size_t)data[2] * 64);
    fz_clock_mode(FZ_CLOCK_VIRTUAL, 1);
    start = fz_clock_now();
    if (deadlines[(data[0] >> 2) & 3] > 0)
        req.deadline = start + deadlines[(data[0] >> 2) & 3];
    r.deadline = req.deadline > 0;
    /* to the deadline (plus the rounding of the fake clock's shortest sleep) */
    limit = req.deadline > 0 ? req.deadline - start + 0.01 : (max - 1) * (MAX_RETRY_DELAY + 0.1);
    fz_clock_limit(limit, "retry-past-deadline");
    fz_transport(perform, &r);

    rc = sd_http_call(client, &req, &resp);

    fz_transport(NULL, NULL);
    FZ_CHECK("attempts", r.script.requests <= max, "%d attempts, allowed %d",
             r.script.requests, max);
    if (rc == SEEDANCE_OK) {
        FZ_CHECK("ok-status", resp.status >= 200 && resp.status < 300, "success with HTTP %ld",
                 resp.status);
        FZ_CHECK("ok-body", resp.body && resp.body[resp.len] == '\0', "body not terminated");
    } else {
        check_failure(rc, &resp, &r, key_in);
    }
    if (resp.replayed) {
        text = fz_strndup(data, size);
        for (size_t i = 0; i < size; i++)
            text[i] = (char)tolower((unsigned char)text[i]);
        FZ_CHECK("replayed", fz_memmem(text, size, "idempotency-replayed"),
                 "replayed without the header");
        free(text);
    }
    sd_http_resp_clear(&resp);
    fz_clock_mode(FZ_CLOCK_REAL, 1);
    return 0;
}
