/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * API calls over libcurl: Bearer auth sent only to the configured API and
 * Files API bases (no redirects are followed, so it goes nowhere else),
 * JSON replies, the error envelope turned into a distinct seedance_code,
 * and retries with backoff on network errors, 429 and 5xx that honour
 * Retry-After (seconds or an HTTP date).
 */
#include <ctype.h>
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
        return *end ? -1 : v;
    }
    if ((t = curl_getdate(value, NULL)) == (time_t)-1)
        return -1;
    return t > now ? (double)(t - now) : 0.0;
}

double sd_backoff(int attempt)
{
    double d = 1.0;

    while (--attempt > 0 && d < MAX_BACKOFF)
        d *= 2;
    return d < MAX_BACKOFF ? d : MAX_BACKOFF;
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

typedef struct {
    sd_http_resp *resp;
    size_t cap;
    int overflow;
    char retry_after[128];
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
    sink *s = opaque;
    size_t len = size * n;
    sd_http_resp *r = s->resp;

    if (r->len + len > (size_t)MAX_REPLY_BYTES) {
        s->overflow = 1;
        return 0;
    }
    if (r->len + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        char *b;
        while (cap < r->len + len + 1)
            cap *= 2;
        if (!(b = realloc(r->body, cap)))
            return 0;
        r->body = b;
        s->cap = cap;
    }
    memcpy(r->body + r->len, data, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *opaque)
{
    sink *s = opaque;
    size_t len = size * n;

    if (len > 12 && !strncasecmp(data, "Retry-After:", 12)) {
        size_t v = len - 12 < sizeof(s->retry_after) - 1 ? len - 12 : sizeof(s->retry_after) - 1;
        memcpy(s->retry_after, data + 12, v);
        s->retry_after[v] = '\0';
        s->retry_after[strcspn(s->retry_after, "\r\n")] = '\0';
    } else if (len > 21 && !strncasecmp(data, "idempotency-replayed:", 21)) {
        const char *v = data + 21;
        while (*v == ' ')
            v++;
        if (!strncasecmp(v, "true", 4))
            s->resp->replayed = 1;
    }
    return len;
}

static int retryable_curl(CURLcode cc)
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

/* The error of an HTTP reply, in c->err. */
static int http_error(seedance_client *c, const sd_http_req *req, const sd_http_resp *resp,
                      int attempts)
{
    sd_api_error ae;
    char detail[900] = "", tail[160] = "";
    int code = sd_http_code(resp->status);

    if (sd_api_error_parse(resp->body, resp->len, &ae) == 0) {
        snprintf(detail, sizeof(detail), ": %s%s%s%s%s%s", ae.code, *ae.code ? ": " : "",
                 *ae.message ? ae.message : "(no message)",
                 *ae.suggestion ? " (" : "", ae.suggestion, *ae.suggestion ? ")" : "");
    } else if (resp->status >= 300) {
        snprintf(detail, sizeof(detail), ": no error details in the reply");
    }
    if (req->task_id)
        snprintf(tail, sizeof(tail), " [task %s]", req->task_id);
    if (attempts > 1)
        snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " after %d attempts",
                 attempts);
    return sd_fail_http(c, code, (int)resp->status, *ae.code ? ae.code : NULL, req->task_id,
                        "HTTP %ld from %s %s%s%s", resp->status, req->method, req->path, detail,
                   tail);
}

int sd_http_call(seedance_client *c, const sd_http_req *req, sd_http_resp *resp)
{
    const char *base = req->base == SD_BASE_FILES ? c->files_base : c->api_base;
    int max = req->max_attempts > 0 ? req->max_attempts : DEFAULT_ATTEMPTS;
    struct curl_slist *hdrs = NULL;
    char *url = NULL, *auth = NULL, errbuf[CURL_ERROR_SIZE];
    CURL *h = NULL;
    int rc, attempt;
    sink s;

    memset(resp, 0, sizeof(*resp));
    if ((rc = sd_http_ready(c, req->base)))
        return rc;
    if (!(url = malloc(strlen(base) + strlen(req->path) + 1)) ||
        !(auth = malloc(strlen(c->api_key) + 32)) || !(h = curl_easy_init())) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    strcpy(url, base);
    strcat(url, req->path);
    sprintf(auth, "Authorization: Bearer %s", c->api_key);
    hdrs = curl_slist_append(hdrs, auth);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (req->body)
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    if (req->idempotency_key) {
        char ik[128];
        snprintf(ik, sizeof(ik), "Idempotency-Key: %s", req->idempotency_key);
        hdrs = curl_slist_append(hdrs, ik);
    }
    if (!hdrs) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }

    for (attempt = 1;; attempt++) {
        CURLcode cc;
        double delay, left;
        long timeout = req->timeout > 0 ? req->timeout : DEFAULT_TIMEOUT;
        seedance_progress p;

        curl_easy_reset(h);
        sd_curl_setup(c, h);
        /* never print headers: the Authorization header holds the key */
        curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_URL, url);
        /* A plain http:// base is a loopback host (sd_check_base_url): never
         * hand it, and the key in clear text, to an http_proxy/ALL_PROXY. */
        if (!strncasecmp(url, "http://", 7))
            curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        if (req->deadline > 0) {
            left = req->deadline - sd_now();
            if (left < timeout)
                timeout = left > 1 ? (long)left + 1 : 2;
        }
        curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
        if (!strcmp(req->method, "POST")) {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)(req->body ? strlen(req->body) : 0));
        } else if (strcmp(req->method, "GET")) {
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        }
        sd_http_resp_clear(resp);
        memset(&s, 0, sizeof(s));
        s.resp = resp;
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
        errbuf[0] = '\0';

        cc = curl_easy_perform(h);
        if (cc == CURLE_ABORTED_BY_CALLBACK && sd_interrupted(c)) {
            rc = sd_fail_task(c, SEEDANCE_E_INTERRUPTED, req->task_id, "interrupted");
            goto done;
        }
        if (cc == CURLE_OK && s.overflow)
            cc = CURLE_WRITE_ERROR;
        if (cc == CURLE_WRITE_ERROR && s.overflow) {
            rc = sd_fail_task(c, SEEDANCE_E_PROTOCOL, req->task_id,
                              "reply to %s %s is larger than %ld bytes", req->method, req->path,
                         MAX_REPLY_BYTES);
            goto done;
        }
        if (cc != CURLE_OK) {
            rc = sd_fail_task(c, SEEDANCE_E_NETWORK, req->task_id,
                              "%s %s%s failed: %s%s", req->method, base, req->path,
                         *errbuf ? errbuf : curl_easy_strerror(cc),
                         attempt > 1 ? " (retries exhausted)" : "");
            if (!retryable_curl(cc))
                goto done;
        } else {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
            if (resp->status >= 200 && resp->status < 300) {
                if (!resp->body && !(resp->body = calloc(1, 1))) {
                    rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
                    goto done;
                }
                rc = SEEDANCE_OK;
                goto done;
            }
            rc = http_error(c, req, resp, attempt);
            if (resp->status != 429 && resp->status < 500)
                goto done;
        }

        /* a retry: never sooner than Retry-After asks */
        if (attempt >= max)
            goto done;
        delay = sd_retry_after_parse(s.retry_after, time(NULL));
        if (delay < 0)
            delay = sd_backoff(attempt);
        else if (delay < MIN_RETRY_DELAY)
            delay = MIN_RETRY_DELAY;    /* "Retry-After: 0" is no licence to hammer */
        if (req->deadline > 0 && sd_now() + delay > req->deadline)
            goto done;
        sd_log(c, SEEDANCE_LOG_INFO, "%s; retrying in %.1f s", c->err.message, delay);
        memset(&p, 0, sizeof(p));
        p.event = SEEDANCE_EV_RETRY;
        p.task_id = req->task_id;
        p.progress = -1;
        p.estimated_time = -1;
        p.next_poll = delay;
        p.size = -1;
        sd_progress(c, &p);
        if ((rc = sd_sleep(c, delay)))
            goto done;
    }
done:
    if (auth) {
        volatile char *v = auth;
        while (*v)
            *v++ = 0;
    }
    free(auth);
    free(url);
    curl_slist_free_all(hdrs);
    if (h)
        curl_easy_cleanup(h);
    return rc;
}
