/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * API calls over libcurl: Bearer auth sent only to the configured API and
 * Files API bases (no redirects are followed, so it goes nowhere else),
 * JSON replies, the error envelope turned into a distinct seedance_code,
 * and retries with backoff that honour Retry-After (seconds or an HTTP
 * date, clamped).
 *
 * What is retried depends on whether repeating the call is free:
 *   free calls (task queries, uploads, credits): network errors, 429, 5xx;
 *   a call made once (sd_http_req.once: the paid submit): only when it
 *   provably created nothing, that is the request never reached the server
 *   (sd_curl_unsent) or the server refused it with 429. Any other failure
 *   after the request may have been sent is SEEDANCE_E_UNCERTAIN.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"

#define DEFAULT_ATTEMPTS  5
#define DEFAULT_TIMEOUT   60L
#define MAX_REPLY_BYTES   (16L * 1024 * 1024)
#define MAX_BACKOFF       30.0
#define MIN_RETRY_DELAY   1.0     /* at most about one retry a second */
#define MAX_DELAY_NO_DEADLINE 60.0

int sd_http_code(long status)
{
    if (status >= 200 && status < 300)
        return SEEDANCE_OK;
    switch (status) {
    case 400: return SEEDANCE_E_BAD_REQUEST;
    case 401: return SEEDANCE_E_AUTH;
    case 402: return SEEDANCE_E_QUOTA;
    case 403: return SEEDANCE_E_FORBIDDEN;
    case 404: return SEEDANCE_E_NOT_FOUND;
    case 413: return SEEDANCE_E_TOO_LARGE;
    case 429: return SEEDANCE_E_RATE_LIMIT;
    }
    return status >= 500 && status < 600 ? SEEDANCE_E_SERVER : SEEDANCE_E_HTTP;
}

double sd_retry_after_parse(const char *value, time_t now)
{
    char *end;
    double v;
    time_t t;

    while (value && isspace((unsigned char)*value))
        value++;
    if (!value || !*value)
        return -1;
    if (isdigit((unsigned char)*value)) {
        v = strtod(value, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (*end || isnan(v) || v < 0)
            return -1;
        return v < SD_RETRY_AFTER_MAX ? v : SD_RETRY_AFTER_MAX;   /* 1e999 is inf */
    }
    if ((t = curl_getdate(value, NULL)) == (time_t)-1)
        return -1;
    if (t <= now)
        return 0.0;
    v = difftime(t, now);
    return v < SD_RETRY_AFTER_MAX ? v : SD_RETRY_AFTER_MAX;
}

double sd_backoff(int attempt)
{
    double d = 1.0;

    for (int i = 1; i < attempt && d < MAX_BACKOFF; i++)
        d *= 2;
    return d < MAX_BACKOFF ? d : MAX_BACKOFF;
}

/* The value of header "name:" in the line data[0..len), trimmed, into out. 0 if it is not that header. */
static int header_value(const char *data, size_t len, const char *name, char *out, size_t size)
{
    size_t n = strlen(name), v;

    if (len < n || strncasecmp(data, name, n))
        return 0;
    data += n;
    len -= n;
    while (len > 0 && (*data == ' ' || *data == '\t')) {
        data++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)data[len - 1]))
        len--;
    v = len < size - 1 ? len : size - 1;
    memcpy(out, data, v);
    out[v] = '\0';
    return 1;
}

void sd_http_header(const char *data, size_t len, char *retry_after, size_t size, int *replayed)
{
    char v[16];

    if (!data)
        return;
    if (retry_after && size > 0 && header_value(data, len, "Retry-After:", retry_after, size))
        return;
    if (replayed && header_value(data, len, "idempotency-replayed:", v, sizeof(v)) &&
        !strcasecmp(v, "true"))
        *replayed = 1;
}

int sd_curl_retryable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT: case CURLE_SEND_ERROR: case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE: case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: case CURLE_SSL_CONNECT_ERROR:
        return 1;
    default:
        return 0;
    }
}

int sd_curl_unsent(CURL *h, CURLcode cc, int tls)
{
    curl_off_t t = -1;

    switch (cc) {
    case CURLE_OK:
        return 0;
    case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT: case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE:
    case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT:
        return 1;   /* failures before or during the connection and its handshake */
    default:
        break;
    }
    /* Any other failure (a timeout, an interrupt): nothing was sent while the
     * connection, and for https its TLS handshake, was not complete. Only
     * meaningful for a transfer on a new connection (sd_http_req.once). */
    if (!h || curl_easy_getinfo(h, tls ? CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T,
                                &t) != CURLE_OK)
        return 0;
    return t == 0;
}

/* What a failed transfer did, in words, for an uncertain outcome. */
static void describe_curl(CURLcode cc, long timeout, char *out, size_t size)
{
    switch (cc) {
    case CURLE_GOT_NOTHING:
        snprintf(out, size, "the connection closed before the reply");
        break;
    case CURLE_RECV_ERROR:
        snprintf(out, size, "the connection broke before the reply");
        break;
    case CURLE_SEND_ERROR:
        snprintf(out, size, "the connection broke while the request was sent");
        break;
    case CURLE_PARTIAL_FILE:
        snprintf(out, size, "the reply was cut short");
        break;
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(out, size, "no reply within %ld s", timeout);
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        snprintf(out, size, "interrupted before the reply");
        break;
    default:
        snprintf(out, size, "%s", curl_easy_strerror(cc));
    }
}

int sd_http_ready(seedance_client *c, int base)
{
    const char *b = base == SD_BASE_FILES ? c->files_base : c->api_base;

    if (!b) {
        const char *env = getenv(base == SD_BASE_FILES ? "SEEDANCE_FILES_BASE"
                                                       : "SEEDANCE_API_BASE");
        if (env && sd_check_base_url(base == SD_BASE_FILES ? "Files API base" : "API base",
                                     env, &c->err))
            return c->err.code;
        return sd_fail(c, SEEDANCE_E_CONFIG, "no usable %s",
                       base == SD_BASE_FILES ? "Files API base" : "API base");
    }
    if (!c->api_key || !*c->api_key)
        return sd_fail(c, SEEDANCE_E_CONFIG,
                       "no API key: set SEEDANCE_API_KEY or EVOLINK_API_KEY");
    for (const char *p = c->api_key; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return sd_fail(c, SEEDANCE_E_CONFIG,
                           "the API key contains white space or control characters");
    return SEEDANCE_OK;
}

void sd_http_resp_clear(sd_http_resp *resp)
{
    if (!resp)
        return;
    free(resp->body);
    memset(resp, 0, sizeof(*resp));
}

/* ------------------------------------------------------------------ */
/* One call                                                           */

typedef struct call {
    seedance_client *c;
    const sd_http_req *req;
    sd_http_resp *resp;
    const char *base;
    char *url, *auth;
    struct curl_slist *hdrs;
    CURL *h;
    long timeout;           /* of the current attempt, seconds */
    size_t cap;             /* of resp->body */
    int overflow;
    char retry_after[128];
    char errbuf[CURL_ERROR_SIZE];
} call;

static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
    call *k = opaque;
    size_t len = size * n;
    sd_http_resp *r = k->resp;

    if (r->len + len > (size_t)MAX_REPLY_BYTES) {
        k->overflow = 1;
        return 0;
    }
    if (r->len + len + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 4096;
        char *b;
        while (cap < r->len + len + 1)
            cap *= 2;
        if (!(b = realloc(r->body, cap)))
            return 0;
        r->body = b;
        k->cap = cap;
    }
    memcpy(r->body + r->len, data, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *opaque)
{
    call *k = opaque;

    sd_http_header(data, size * n, k->retry_after, sizeof(k->retry_after), &k->resp->replayed);
    return size * n;
}

/* The URL, the Authorization line and the headers of every attempt. */
static int call_open(call *k)
{
    const sd_http_req *req = k->req;
    seedance_client *c = k->c;
    size_t n = strlen(k->base) + strlen(req->path) + 1;

    if (!(k->url = malloc(n)) || !(k->auth = malloc(strlen(c->api_key) + 32)) ||
        !(k->h = curl_easy_init()))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    snprintf(k->url, n, "%s%s", k->base, req->path);
    sprintf(k->auth, "Authorization: Bearer %s", c->api_key);
    k->hdrs = curl_slist_append(k->hdrs, k->auth);
    k->hdrs = curl_slist_append(k->hdrs, "Accept: application/json");
    k->hdrs = curl_slist_append(k->hdrs, "Expect:");
    if (req->body)
        k->hdrs = curl_slist_append(k->hdrs, "Content-Type: application/json");
    if (req->idempotency_key) {
        char ik[128];
        snprintf(ik, sizeof(ik), "Idempotency-Key: %s", req->idempotency_key);
        k->hdrs = curl_slist_append(k->hdrs, ik);
    }
    return k->hdrs ? SEEDANCE_OK : sd_fail(c, SEEDANCE_E_NOMEM, NULL);
}

static void call_close(call *k)
{
    if (k->auth) {
        volatile char *v = k->auth;
        while (*v)
            *v++ = 0;
    }
    free(k->auth);
    free(k->url);
    curl_slist_free_all(k->hdrs);
    if (k->h)
        curl_easy_cleanup(k->h);
}

/* The options of one attempt. */
static void call_setup(call *k)
{
    const sd_http_req *req = k->req;
    CURL *h = k->h;

    curl_easy_reset(h);
    sd_curl_setup(k->c, h);
    /* never print headers: the Authorization header holds the key */
    curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_URL, k->url);
    /* A plain http:// base is a loopback host (sd_check_base_url): never
     * hand it, and the key in clear text, to an http_proxy/ALL_PROXY. */
    if (!strncasecmp(k->url, "http://", 7))
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    /* a call made once gets a new connection every attempt, so that its
     * connect time tells whether anything was sent (sd_curl_unsent) */
    if (req->once) {
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, k->hdrs);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, k->errbuf);
    k->timeout = req->timeout > 0 ? req->timeout : DEFAULT_TIMEOUT;
    if (req->deadline > 0) {
        double left = req->deadline - sd_now();
        if (left < k->timeout)
            k->timeout = left > 1 ? (long)left + 1 : 2;
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT, k->timeout);
    if (!strcmp(req->method, "POST")) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(req->body ? strlen(req->body) : 0));
    } else if (strcmp(req->method, "GET")) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
}

/* A call made once whose request may have reached the server: no retry. */
static int uncertain(call *k, int http_status, const char *api_code, const char *what)
{
    sd_http_resp *r = k->resp;

    r->uncertain = 1;
    snprintf(r->failure, sizeof(r->failure), "%s", what);
    return sd_fail_http(k->c, SEEDANCE_E_UNCERTAIN, http_status, api_code, k->req->task_id,
                        "%s %s%s: %s: it may have been carried out", k->req->method, k->base,
                        k->req->path, what);
}

/* A transfer that failed; *retry set when another attempt may follow. */
static int transport_failure(call *k, CURLcode cc, int attempt, int *retry)
{
    const sd_http_req *req = k->req;
    char what[160];

    if (cc == CURLE_WRITE_ERROR && k->overflow) {
        snprintf(what, sizeof(what), "a reply larger than %ld bytes", MAX_REPLY_BYTES);
        if (req->once)
            return uncertain(k, 0, NULL, what);
        return sd_fail_task(k->c, SEEDANCE_E_PROTOCOL, req->task_id, "reply to %s %s is %s",
                            req->method, req->path, what);
    }
    if (req->once && !sd_curl_unsent(k->h, cc, !strncasecmp(k->url, "https://", 8))) {
        describe_curl(cc, k->timeout, what, sizeof(what));
        return uncertain(k, 0, NULL, what);
    }
    if (cc == CURLE_ABORTED_BY_CALLBACK && sd_interrupted(k->c))
        return sd_fail_task(k->c, SEEDANCE_E_INTERRUPTED, req->task_id, "interrupted");
    *retry = sd_curl_retryable(cc);
    return sd_fail_task(k->c, SEEDANCE_E_NETWORK, req->task_id, "%s %s%s failed: %s%s",
                        req->method, k->base, req->path,
                        *k->errbuf ? k->errbuf : curl_easy_strerror(cc),
                        attempt > 1 ? " (retries exhausted)" : "");
}

/* The error of an HTTP reply that is not 2xx; *retry set when another attempt may follow. */
static int status_failure(call *k, int attempt, int *retry)
{
    const sd_http_req *req = k->req;
    const sd_http_resp *resp = k->resp;
    sd_api_error ae;
    char detail[900] = "", tail[160] = "", what[160];
    long st = resp->status;

    if (sd_api_error_parse(resp->body, resp->len, &ae) == 0)
        snprintf(detail, sizeof(detail), ": %s%s%s%s%s%s", ae.code, *ae.code ? ": " : "",
                 *ae.message ? ae.message : "(no message)",
                 *ae.suggestion ? " (" : "", ae.suggestion, *ae.suggestion ? ")" : "");
    else
        snprintf(detail, sizeof(detail), ": no error details in the reply");
    /* 429 refuses the request outright; other 4xx refuse it for good */
    if (req->once && st != 429 && !(st >= 400 && st < 500)) {
        snprintf(what, sizeof(what), "HTTP %ld%s%s%s", st, *ae.code ? " (" : "", ae.code,
                 *ae.code ? ")" : "");
        return uncertain(k, (int)st, *ae.code ? ae.code : NULL, what);
    }
    *retry = st == 429 || (st >= 500 && !req->once);
    if (req->task_id)
        snprintf(tail, sizeof(tail), " [task %s]", req->task_id);
    if (attempt > 1)
        snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " after %d attempts",
                 attempt);
    return sd_fail_http(k->c, sd_http_code(st), (int)st, *ae.code ? ae.code : NULL,
                        req->task_id, "HTTP %ld from %s %s%s%s", st, req->method, req->path,
                        detail, tail);
}

/* One attempt: SEEDANCE_OK on 2xx, else the error and whether to retry. */
static int call_attempt(call *k, int attempt, int *retry)
{
    CURLcode cc;

    *retry = 0;
    call_setup(k);
    sd_http_resp_clear(k->resp);
    k->cap = 0;
    k->overflow = 0;
    k->retry_after[0] = k->errbuf[0] = '\0';
    cc = curl_easy_perform(k->h);
    if (cc == CURLE_OK && k->overflow)
        cc = CURLE_WRITE_ERROR;
    if (cc != CURLE_OK)
        return transport_failure(k, cc, attempt, retry);
    curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &k->resp->status);
    if (k->resp->status < 200 || k->resp->status >= 300)
        return status_failure(k, attempt, retry);
    if (!k->resp->body && !(k->resp->body = calloc(1, 1)))
        return sd_fail(k->c, SEEDANCE_E_NOMEM, NULL);
    return SEEDANCE_OK;
}

/* Seconds to wait before attempt+1, or -1 when no retry fits before the deadline. */
static double retry_delay(const call *k, int attempt)
{
    double delay = sd_retry_after_parse(k->retry_after, time(NULL));
    double cap = MAX_DELAY_NO_DEADLINE;

    if (delay < 0)
        delay = sd_backoff(attempt);
    else if (delay < MIN_RETRY_DELAY)
        delay = MIN_RETRY_DELAY;    /* "Retry-After: 0" is no licence to hammer */
    if (k->req->deadline > 0) {
        cap = k->req->deadline - sd_now();
        if (delay > cap)
            return -1;              /* the deadline comes first: never sleep past it */
    }
    return delay < cap ? delay : cap;
}

int sd_http_call(seedance_client *c, const sd_http_req *req, sd_http_resp *resp)
{
    int max = req->max_attempts > 0 ? req->max_attempts : DEFAULT_ATTEMPTS;
    call k = { .c = c, .req = req, .resp = resp };
    int rc, retry;

    memset(resp, 0, sizeof(*resp));
    k.base = req->base == SD_BASE_FILES ? c->files_base : c->api_base;
    if ((rc = sd_http_ready(c, req->base)) || (rc = call_open(&k)))
        goto done;
    for (int attempt = 1;; attempt++) {
        seedance_progress p;
        double delay;

        if ((rc = call_attempt(&k, attempt, &retry)) == SEEDANCE_OK || !retry ||
            attempt >= max || (delay = retry_delay(&k, attempt)) < 0)
            break;
        /* the cause is said when the trouble starts; the retries that follow, verbosely */
        sd_log(c, attempt == 1 ? SEEDANCE_LOG_WARNING : SEEDANCE_LOG_INFO,
               "%s; retrying in %.1f s", c->err.message, delay);
        p = sd_progress_event(SEEDANCE_EV_RETRY, req->task_id);
        p.next_poll = delay;
        sd_progress(c, &p);
        if ((rc = sd_sleep(c, delay)))
            break;
    }
done:
    call_close(&k);
    return rc;
}
