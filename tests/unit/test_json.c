/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON parsing and the HTTP helpers (src/json.c, src/task.c, src/http.c):
 * task replies with their variants (statuses, id fields, result shapes,
 * error shapes), malformed replies, error envelopes, Files API replies,
 * Retry-After, header lines, backoff, libcurl failure classes and status
 * codes. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "tap.h"

#define ERR429 "{\"error\":{\"code\":429,\"message\":\"slow\"}}"
#define FILESERR "{\"success\":false,\"code\":400,\"msg\":\"bad image\"}"
#define URL "https://cdn.example.com/v.mp4"

static seedance_task *parse(const char *s, int *rc, seedance_error *e)
{
    seedance_task *t = NULL;
    *rc = sd_task_parse(s, strlen(s), &t, e);
    return t;
}

/* The state of a reply {"id":..., "status": <status>}. */
static int state_of(const char *status_json)
{
    char body[256];
    seedance_task *t;
    seedance_error e;
    int rc, st;

    snprintf(body, sizeof(body), "{\"id\":\"task-unified-s\",\"status\":%s,"
             "\"results\":[\"" URL "\"]}", status_json);
    if (!(t = parse(body, &rc, &e)))
        return -1;
    st = sd_task_state(t);
    if ((st != SD_TASK_RUNNING) != seedance_task_is_final(t) ||
        (st == SD_TASK_SUCCEEDED) != (seedance_task_result_url(t) != NULL))
        st = -2;    /* the accessors disagree with the classification */
    seedance_task_free(t);
    return st;
}

static void test_completed(void)
{
    seedance_task *t;
    seedance_error e;
    int rc;

    t = parse("{\"id\":\"task-unified-1-abc\",\"object\":\"video.generation.task\",\"created\":1,"
              "\"model\":\"seedance-2.0-fast-text-to-video\",\"status\":\"completed\",\"progress\":100,"
              "\"results\":[\"" URL "\"],\"task_info\":{\"can_cancel\":false}}",
              &rc, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-1-abc") &&
       !strcmp(seedance_task_status(t), "completed") && seedance_task_progress(t) == 100 &&
       seedance_task_is_final(t) && !strcmp(seedance_task_result_url(t), URL) &&
       !strcmp(seedance_task_model(t), "seedance-2.0-fast-text-to-video") &&
       seedance_task_estimated_time(t) == -1 && strstr(seedance_task_json(t), "\"results\""),
       "completed reply, results[0] a string");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-5\",\"status\":\"processing\",\"progress\":65,"
              "\"task_info\":{\"can_cancel\":true,\"estimated_time\":42}}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == 65 && seedance_task_estimated_time(t) == 42 &&
       !seedance_task_is_final(t) && seedance_task_result_url(t) == NULL,
       "processing reply: progress and estimated_time");
    seedance_task_free(t);
}

static void test_statuses(void)
{
    static const struct { const char *json; int state; } cases[] = {
        { "\"completed\"", SD_TASK_SUCCEEDED }, { "\"succeeded\"", SD_TASK_SUCCEEDED },
        { "\"success\"", SD_TASK_SUCCEEDED },   { "\" Completed \"", SD_TASK_SUCCEEDED },
        { "\"SUCCEEDED\"", SD_TASK_SUCCEEDED }, { "\"failed\"", SD_TASK_FAILED },
        { "\"FAILED\\n\"", SD_TASK_FAILED },    { "\"cancelled\"", SD_TASK_CANCELLED },
        { "\"canceled\"", SD_TASK_CANCELLED },  { "\"Cancelled\"", SD_TASK_CANCELLED },
        { "\"expired\"", SD_TASK_EXPIRED },     { "\"\\tExpired\"", SD_TASK_EXPIRED },
        { "\"pending\"", SD_TASK_RUNNING },     { "\"queued\"", SD_TASK_RUNNING },
        { "\"running\"", SD_TASK_RUNNING },     { "\"processing\"", SD_TASK_RUNNING },
        { "\"\"", SD_TASK_RUNNING },            { "\"   \"", SD_TASK_RUNNING },
        { "\"complete\"", SD_TASK_RUNNING },    { "\"failed!\"", SD_TASK_RUNNING },
        { "\"completed_ok\"", SD_TASK_RUNNING }, { "7", SD_TASK_RUNNING },
        { "null", SD_TASK_RUNNING },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        OK(state_of(cases[i].json) == cases[i].state, "status %s: state %d (got %d)",
           cases[i].json, cases[i].state, state_of(cases[i].json));
    OK(sd_status_state(NULL) == SD_TASK_RUNNING && sd_task_state(NULL) == SD_TASK_RUNNING &&
       !seedance_task_is_final(NULL) && !seedance_task_result_url(NULL),
       "NULL status and task: running, no URL");
    {
        seedance_task *t;
        seedance_error e;
        int rc;
        t = parse("{\"id\":\"task-unified-6\"}", &rc, &e);
        OK(rc == 0 && t && sd_task_state(t) == SD_TASK_RUNNING && !seedance_task_is_final(t),
           "no status at all: still running");
        seedance_task_free(t);
    }
}

static void test_ids(void)
{
    seedance_task *t;
    seedance_error e;
    const char *p = "{\"status\":\"processing\",\"progress\":65,\"task_info\":{\"can_cancel\":true}}";
    int rc;

    t = parse("{\"task_id\":\"task-unified-tid\",\"status\":\"pending\"}", &rc, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-tid"), "the id as task_id");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-a\",\"task_id\":\"task-unified-b\",\"status\":\"pending\"}",
              &rc, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-a"), "id preferred to task_id");
    seedance_task_free(t);
    t = parse("{\"id\":\"\",\"task_id\":\"task-unified-b\"}", &rc, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-b"), "an empty id: task_id");
    seedance_task_free(t);
    /* the documented processing example carries no id */
    t = NULL;
    rc = sd_task_parse_for(p, strlen(p), "task-unified-7-known", &t, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-7-known") &&
       seedance_task_progress(t) == 65 && !seedance_task_is_final(t),
       "a task query reply without id takes the id asked for");
    seedance_task_free(t);
    t = parse(p, &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "a reply without id and none asked for is malformed");
    t = parse("{\"id\":7,\"task_id\":null,\"status\":\"pending\"}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t && strstr(e.message, "id"), "ids that are not strings");
    p = "{\"task_id\":\"task-unified-sub\",\"status\":\"completed\"}";
    rc = sd_submit_reply_parse(p, strlen(p), &t, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-sub") &&
       !seedance_task_result_url(t), "a submit reply needs only its task id");
    seedance_task_free(t);
    rc = sd_submit_reply_parse("{\"status\":\"pending\"}", 21, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "a submit reply without a task id is malformed");
    rc = sd_submit_reply_parse(NULL, 0, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "no reply body at all is malformed");
}

static void test_result_shapes(void)
{
    static const char *const shapes[] = {
        "\"results\":[\"" URL "\"]",
        "\"results\":[{\"url\":\"" URL "\"}]",
        "\"result_data\":[{\"video_url\":\"" URL "\"}]",
        "\"output\":{\"video_url\":\"" URL "\"}",
        "\"content\":{\"video_url\":\"" URL "\"}",
        "\"data\":{\"video_url\":\"" URL "\"}",
        "\"video_url\":\"" URL "\"",
        "\"url\":\"" URL "\"",
        "\"results\":[\"\",{\"url\":\"" URL "\"}]",
        "\"results\":[],\"result_data\":[{\"video_url\":\"\"},{\"video_url\":\"" URL "\"}]",
        "\"results\":{\"url\":\"https://no/1\"},\"data\":{\"video_url\":\"" URL "\"}",
    };
    /* earlier shapes win over later ones */
    static const char *const orders[] = {
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\",\"data\":{\"video_url\":\"https://z/6\"},"
        "\"content\":{\"video_url\":\"https://z/5\"},\"output\":{\"video_url\":\"https://z/4\"},"
        "\"result_data\":[{\"video_url\":\"https://z/3\"}],\"results\":[{\"url\":\"https://z/1\"}]",
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\",\"data\":{\"video_url\":\"https://z/6\"},"
        "\"content\":{\"video_url\":\"https://z/5\"},\"output\":{\"video_url\":\"https://z/4\"},"
        "\"result_data\":[{\"video_url\":\"https://z/3\"}]",
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\",\"data\":{\"video_url\":\"https://z/6\"},"
        "\"content\":{\"video_url\":\"https://z/5\"},\"output\":{\"video_url\":\"https://z/4\"}",
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\",\"data\":{\"video_url\":\"https://z/6\"},"
        "\"content\":{\"video_url\":\"https://z/5\"}",
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\",\"data\":{\"video_url\":\"https://z/6\"}",
        "\"url\":\"https://z/8\",\"video_url\":\"https://z/7\"",
    };
    static const char *const want[] = { "https://z/1", "https://z/3", "https://z/4",
                                         "https://z/5", "https://z/6", "https://z/7" };
    char body[1024];
    seedance_task *t;
    seedance_error e;
    int rc;

    for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
        snprintf(body, sizeof(body), "{\"id\":\"task-unified-r\",\"status\":\"succeeded\",%s}",
                 shapes[i]);
        t = parse(body, &rc, &e);
        OK(rc == 0 && t && seedance_task_result_url(t) &&
           !strcmp(seedance_task_result_url(t), URL), "result shape %s", shapes[i]);
        seedance_task_free(t);
    }
    for (size_t i = 0; i < sizeof(orders) / sizeof(*orders); i++) {
        snprintf(body, sizeof(body), "{\"id\":\"task-unified-r\",\"status\":\"completed\",%s}",
                 orders[i]);
        t = parse(body, &rc, &e);
        OK(rc == 0 && t && !strcmp(seedance_task_result_url(t), want[i]),
           "shape order: %s wins (got %s)", want[i], t ? seedance_task_result_url(t) : "-");
        seedance_task_free(t);
    }
    t = parse("{\"id\":\"task-unified-x\",\"status\":\"completed\",\"results\":[]}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "result URL") &&
       !strcmp(e.task_id, "task-unified-x"),
       "completed without a URL: protocol error naming the task (%s)", e.message);
    t = parse("{\"id\":\"task-unified-x\",\"status\":\"Success\",\"results\":[{\"uri\":1}]}",
              &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL, "success with a result object without url: protocol error");
    t = parse("{\"id\":\"task-unified-x\",\"status\":\"processing\",\"url\":\"" URL "\"}", &rc, &e);
    OK(rc == 0 && t && !seedance_task_result_url(t), "no result URL while running");
    seedance_task_free(t);
}

static void test_task_errors(void)
{
    seedance_task *t;
    seedance_error e;
    int rc;

    t = parse("{\"id\":\"task-unified-8\",\"status\":\"failed\",\"progress\":0,\"error\":"
              "{\"code\":\"content_policy_violation\",\"message\":\"Blocked.\"}}", &rc, &e);
    OK(rc == 0 && seedance_task_is_final(t) &&
       !strcmp(seedance_task_error_code(t), "content_policy_violation") &&
       !strcmp(seedance_task_error_message(t), "Blocked.") && !seedance_task_result_url(t),
       "failed reply: error code and message");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-9\",\"status\":\"failed\",\"error\":{\"code\":5001,\"message\":\"m\"}}", &rc, &e);
    OK(rc == 0 && !strcmp(seedance_task_error_code(t), "5001"), "integer error code as text");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-9\",\"status\":\"expired\",\"error\":\"too late\"}", &rc, &e);
    OK(rc == 0 && sd_task_state(t) == SD_TASK_EXPIRED && !seedance_task_error_code(t) &&
       !strcmp(seedance_task_error_message(t), "too late"), "a bare string error");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-9\",\"status\":\"canceled\",\"error\":[1]}", &rc, &e);
    OK(rc == 0 && sd_task_state(t) == SD_TASK_CANCELLED && !seedance_task_error_code(t) &&
       !seedance_task_error_message(t), "an error of another type is no error text");
    seedance_task_free(t);
    OK(!seedance_task_id(NULL) && !seedance_task_status(NULL) && !seedance_task_model(NULL) &&
       seedance_task_progress(NULL) == -1 && seedance_task_estimated_time(NULL) == -1 &&
       !seedance_task_json(NULL) && !seedance_task_error_code(NULL) &&
       !seedance_task_error_message(NULL), "task accessors of NULL");
    seedance_task_free(NULL);
}

static void test_malformed(void)
{
    seedance_task *t;
    seedance_error e;
    int rc;

    t = parse("not json", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "not JSON: protocol error (%s)", e.message);
    t = parse("[1,2]", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL, "an array: protocol error");
    t = parse("{\"status\":\"processing\"}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "id"), "no id: protocol error (%s)", e.message);
    t = parse("{\"id\":\"t\",\"status\":\"processing\",\"progress\":\"50\"}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == -1, "progress not a number: unknown");
    seedance_task_free(t);
    t = parse("{\"id\":\"t\",\"status\":\"processing\",\"progress\":250}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == 100, "progress clamped to 100");
    seedance_task_free(t);
}

static void test_envelopes(void)
{
    const char *okr = "{\"success\":true,\"code\":200,\"msg\":\"ok\",\"data\":{\"file_id\":\"file_abc123\","
                      "\"file_url\":\"https://files.example/a.png\"}}";
    const char *bad = "{\"success\":false,\"code\":413,\"msg\":\"File too large\"}";
    sd_api_error ae;
    seedance_error e;
    char *url, *id;

    OK(sd_api_error_parse("{\"error\":{\"code\":\"insufficient_quota\",\"message\":\"Top up.\","
                          "\"type\":\"insufficient_quota\",\"fallback_suggestion\":\"try later\"}}",
                          200, &ae) == 0, "error envelope found");
    OK(!strcmp(ae.code, "insufficient_quota") && !strcmp(ae.message, "Top up.") &&
       !strcmp(ae.suggestion, "try later"), "code, message and fallback_suggestion");
    OK(sd_api_error_parse(ERR429, strlen(ERR429), &ae) == 0 &&
       !strcmp(ae.code, "429"), "integer error code");
    OK(sd_api_error_parse("<html>Bad gateway</html>", 24, &ae) == -1, "HTML body: no envelope");
    OK(sd_api_error_parse(FILESERR, strlen(FILESERR), &ae) == 0 &&
       !strcmp(ae.code, "400") && !strcmp(ae.message, "bad image"), "Files API error envelope");
    OK(sd_upload_reply_parse(okr, strlen(okr), 200, &url, &id, &e) == 0 &&
       !strcmp(url, "https://files.example/a.png") && id && !strcmp(id, "file_abc123"),
       "upload reply: data.file_url and data.file_id");
    free(url);
    free(id);
    OK(sd_upload_reply_parse(bad, strlen(bad), 200, &url, &id, &e) == SEEDANCE_E_UPLOAD &&
       !url && !id && strstr(e.message, "File too large") && !strcmp(e.api_code, "413"),
       "upload refused with HTTP 200: %s", e.message);
    OK(sd_upload_reply_parse("{\"success\":true}", 16, 200, &url, &id, &e) == SEEDANCE_E_PROTOCOL,
       "upload success without file_url: protocol error");
    OK(sd_upload_reply_parse("{\"success\":true}", 16, 200, NULL, NULL, &e) == 0,
       "a delete's reply: success is enough");
}

static void test_http_codes(void)
{
    OK(sd_http_code(200) == 0 && sd_http_code(400) == SEEDANCE_E_BAD_REQUEST &&
       sd_http_code(401) == SEEDANCE_E_AUTH && sd_http_code(402) == SEEDANCE_E_QUOTA &&
       sd_http_code(403) == SEEDANCE_E_FORBIDDEN && sd_http_code(404) == SEEDANCE_E_NOT_FOUND &&
       sd_http_code(413) == SEEDANCE_E_TOO_LARGE && sd_http_code(429) == SEEDANCE_E_RATE_LIMIT &&
       sd_http_code(500) == SEEDANCE_E_SERVER && sd_http_code(503) == SEEDANCE_E_SERVER &&
       sd_http_code(418) == SEEDANCE_E_HTTP && sd_http_code(LONG_MIN) == SEEDANCE_E_HTTP &&
       sd_http_code(LONG_MAX) == SEEDANCE_E_HTTP, "HTTP statuses map to distinct codes");
    OK(sd_backoff(1) == 1 && sd_backoff(2) == 2 && sd_backoff(3) == 4 && sd_backoff(10) == 30 &&
       sd_backoff(0) == 1 && sd_backoff(INT_MIN) == 1 && sd_backoff(INT_MAX) == 30,
       "backoff 1, 2, 4 ... capped at 30 s; any attempt number");
    OK(strcmp(seedance_strerror(SEEDANCE_E_UNCERTAIN), "unknown error") &&
       strcmp(seedance_strerror(SEEDANCE_E_TASK_EXPIRED), "unknown error") &&
       !strcmp(seedance_strerror(SEEDANCE_E__LAST), "unknown error") &&
       !strcmp(seedance_strerror(INT_MIN), "unknown error") &&
       !strcmp(seedance_strerror(-SEEDANCE_E_UNCERTAIN), seedance_strerror(SEEDANCE_E_UNCERTAIN)),
       "every code has its text; others are unknown");
}

static void test_retry_after(void)
{
    const double max = SD_RETRY_AFTER_MAX;

    OK(sd_retry_after_parse(" 3", 0) == 3.0 && sd_retry_after_parse("0", 0) == 0.0 &&
       sd_retry_after_parse("7 \r\n", 0) == 7.0, "Retry-After in seconds");
    OK(sd_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10.0,
       "Retry-After as an HTTP date");
    OK(sd_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0.0,
       "Retry-After date in the past: 0");
    OK(sd_retry_after_parse("1e999", 0) == max, "1e999 (infinite) clamped to %.0f s", max);
    OK(sd_retry_after_parse("99999999999999999999999", 0) == max, "a huge number clamped");
    OK(sd_retry_after_parse("Fri, 01 Jan 2100 00:00:00 GMT", 1445412490) == max,
       "a date 85 years ahead clamped");
    OK(sd_retry_after_parse("soon", 0) < 0 && sd_retry_after_parse("", 0) < 0 &&
       sd_retry_after_parse(NULL, 0) < 0 && sd_retry_after_parse("-5", 0) < 0 &&
       sd_retry_after_parse("nan", 0) < 0 && sd_retry_after_parse("NaN", 0) < 0 &&
       sd_retry_after_parse("inf", 0) < 0 && sd_retry_after_parse("3 s", 0) < 0 &&
       sd_retry_after_parse("  ", 0) < 0, "negative, NaN and garbage ignored");
}

/* A header line in a buffer of exactly its length (ASan sees any overrun). */
static void header(const char *line, char *ra, size_t size, int *replayed)
{
    size_t n = strlen(line);
    char *b = malloc(n ? n : 1);

    memcpy(b, line, n);
    sd_http_header(b, n, ra, size, replayed);
    free(b);
}

static void test_header_lines(void)
{
    char ra[16];
    int rep = 0;

    header("Retry-After: 12\r\n", ra, sizeof(ra), &rep);
    OK(!strcmp(ra, "12") && !rep, "Retry-After value, trimmed");
    header("retry-after:\t  Wed, 21 Oct 2015 07:28:00 GMT\r\n", ra, sizeof(ra), &rep);
    OK(!strcmp(ra, "Wed, 21 Oct 201"), "a long value truncated to the buffer (%s)", ra);
    strcpy(ra, "x");
    header("Retry-After:", ra, sizeof(ra), &rep);
    OK(!strcmp(ra, ""), "an empty value with no line end");
    header("idempotency-replayed:", ra, sizeof(ra), &rep);
    OK(!rep, "idempotency-replayed: without a value and without a line end");
    header("idempotency-replayed:     ", ra, sizeof(ra), &rep);
    OK(!rep, "idempotency-replayed: blanks only, no line end");
    header("idempotency-replayed: tru", ra, sizeof(ra), &rep);
    OK(!rep, "a truncated 'tru' is not true");
    header("idempotency-replayed: trueish\r\n", ra, sizeof(ra), &rep);
    OK(!rep, "'trueish' is not true");
    header("Idempotency-Replayed: TRUE", ra, sizeof(ra), &rep);
    OK(rep, "'TRUE' without a line end is true");
    rep = 0;
    header("idempotency", ra, sizeof(ra), &rep);
    header("Retry", ra, sizeof(ra), &rep);
    header("", ra, sizeof(ra), &rep);
    OK(!rep, "short lines that are prefixes of the names are ignored");
    sd_http_header(NULL, 5, ra, sizeof(ra), &rep);
    sd_http_header("Retry-After: 1", 14, NULL, 0, NULL);
    sd_http_header("idempotency-replayed: true", 26, NULL, 0, NULL);
    OK(1, "NULL arguments are no crash");
}

static void test_curl_classes(void)
{
    static const CURLcode unsent[] = { CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
        CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION };
    static const CURLcode maybe[] = { CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
        CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT, CURLE_ABORTED_BY_CALLBACK,
        CURLE_WRITE_ERROR, CURLE_HTTP2_STREAM, CURLE_OK };
    int good = 1;

    for (size_t i = 0; i < sizeof(unsent) / sizeof(*unsent); i++)
        good &= sd_curl_unsent(NULL, unsent[i], 1) && sd_curl_unsent(NULL, unsent[i], 0);
    OK(good, "name resolution, connection and TLS handshake failures: nothing sent");
    good = 1;
    for (size_t i = 0; i < sizeof(maybe) / sizeof(*maybe); i++)
        good &= !sd_curl_unsent(NULL, maybe[i], 1);
    OK(good, "timeouts, resets, closed connections, interrupts: maybe sent (no handle to tell)");
    OK(sd_curl_retryable(CURLE_COULDNT_CONNECT) && sd_curl_retryable(CURLE_OPERATION_TIMEDOUT) &&
       sd_curl_retryable(CURLE_GOT_NOTHING) && sd_curl_retryable(CURLE_PARTIAL_FILE) &&
       !sd_curl_retryable(CURLE_OK) && !sd_curl_retryable(CURLE_PEER_FAILED_VERIFICATION) &&
       !sd_curl_retryable(CURLE_URL_MALFORMAT) && !sd_curl_retryable(CURLE_ABORTED_BY_CALLBACK),
       "free calls retry network failures, not certificate or usage errors");
}

int main(void)
{
    test_completed();
    test_statuses();
    test_ids();
    test_result_shapes();
    test_task_errors();
    test_malformed();
    test_envelopes();
    test_http_codes();
    test_retry_after();
    test_header_lines();
    test_curl_classes();
    return done_testing();
}
