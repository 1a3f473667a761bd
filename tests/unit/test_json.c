/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON parsing and the HTTP helpers (src/json.c, src/http.c): task replies
 * with their variants, malformed replies, error envelopes, Files API
 * replies, Retry-After, backoff and status codes. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "tap.h"

#define ERR429 "{\"error\":{\"code\":429,\"message\":\"slow\"}}"
#define FILESERR "{\"success\":false,\"code\":400,\"msg\":\"bad image\"}"

static seedance_task *parse(const char *s, int *rc, seedance_error *e)
{
    seedance_task *t = NULL;
    *rc = sd_task_parse(s, strlen(s), &t, e);
    return t;
}

int main(void)
{
    seedance_task *t;
    seedance_error e;
    sd_api_error ae;
    char *url;
    int rc;

    t = parse("{\"id\":\"task-unified-1-abc\",\"object\":\"video.generation.task\",\"created\":1,"
              "\"model\":\"seedance-2.0-fast-text-to-video\",\"status\":\"completed\",\"progress\":100,"
              "\"results\":[\"https://cdn.example.com/v.mp4\"],\"task_info\":{\"can_cancel\":false}}",
              &rc, &e);
    OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-1-abc") &&
       !strcmp(seedance_task_status(t), "completed") && seedance_task_progress(t) == 100 &&
       seedance_task_is_final(t) &&
       !strcmp(seedance_task_result_url(t), "https://cdn.example.com/v.mp4") &&
       !strcmp(seedance_task_model(t), "seedance-2.0-fast-text-to-video") &&
       seedance_task_estimated_time(t) == -1 && strstr(seedance_task_json(t), "\"results\""),
       "completed reply, results[0] a string");
    seedance_task_free(t);

    t = parse("{\"id\":\"task-unified-2\",\"status\":\"completed\",\"results\":[{\"url\":\"https://x/o.mp4\"}]}", &rc, &e);
    OK(rc == 0 && !strcmp(seedance_task_result_url(t), "https://x/o.mp4"), "results[0] an object {url}");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-3\",\"status\":\"completed\",\"result_data\":[{\"video_url\":\"https://x/r.mp4\"}]}", &rc, &e);
    OK(rc == 0 && !strcmp(seedance_task_result_url(t), "https://x/r.mp4"), "result_data[].video_url");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-4\",\"status\":\"completed\",\"results\":[\"https://a/1.mp4\"],"
              "\"result_data\":[{\"video_url\":\"https://b/2.mp4\"}]}", &rc, &e);
    OK(rc == 0 && !strcmp(seedance_task_result_url(t), "https://a/1.mp4"), "results preferred over result_data");
    seedance_task_free(t);

    t = parse("{\"id\":\"task-unified-5\",\"status\":\"processing\",\"progress\":65,"
              "\"task_info\":{\"can_cancel\":true,\"estimated_time\":42}}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == 65 && seedance_task_estimated_time(t) == 42 &&
       !seedance_task_is_final(t) && seedance_task_result_url(t) == NULL,
       "processing reply: progress and estimated_time");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-6\",\"status\":\"queued\"}", &rc, &e);
    OK(rc == 0 && !seedance_task_is_final(t) && seedance_task_progress(t) == -1,
       "unknown status 'queued' is not final");
    seedance_task_free(t);
    t = parse("{\"id\":\"task-unified-7\",\"status\":\"cancelled\"}", &rc, &e);
    OK(rc == 0 && seedance_task_is_final(t), "cancelled is final");
    seedance_task_free(t);

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

    /* malformed */
    t = parse("not json", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "not JSON: protocol error (%s)", e.message);
    t = parse("[1,2]", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL, "an array: protocol error");
    t = parse("{\"status\":\"processing\"}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "id"), "no id: protocol error (%s)", e.message);
    t = parse("{\"id\":\"task-unified-x\",\"status\":7}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "status"), "status not a string: protocol error");
    t = parse("{\"id\":\"task-unified-x\",\"status\":\"completed\",\"results\":[]}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "result URL") && !strcmp(e.task_id, "task-unified-x"),
       "completed without a URL: protocol error naming the task (%s)", e.message);
    t = parse("{\"id\":\"task-unified-x\",\"status\":\"completed\",\"results\":[{\"uri\":1}]}", &rc, &e);
    OK(rc == SEEDANCE_E_PROTOCOL, "completed with a result object without url: protocol error");
    t = parse("{\"id\":\"t\",\"status\":\"processing\",\"progress\":\"50\"}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == -1, "progress not a number: unknown");
    seedance_task_free(t);
    t = parse("{\"id\":\"t\",\"status\":\"processing\",\"progress\":250}", &rc, &e);
    OK(rc == 0 && seedance_task_progress(t) == 100, "progress clamped to 100");
    seedance_task_free(t);

    /* error envelopes */
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

    /* Files API replies */
    {
        const char *okr = "{\"success\":true,\"code\":200,\"msg\":\"ok\",\"data\":{\"file_id\":\"f\","
                          "\"file_url\":\"https://files.example/a.png\"}}";
        const char *bad = "{\"success\":false,\"code\":413,\"msg\":\"File too large\"}";
        OK(sd_upload_reply_parse(okr, strlen(okr), 200, &url, &e) == 0 &&
           !strcmp(url, "https://files.example/a.png"), "upload reply: data.file_url");
        free(url);
        OK(sd_upload_reply_parse(bad, strlen(bad), 200, &url, &e) == SEEDANCE_E_UPLOAD &&
           !url && strstr(e.message, "File too large") && !strcmp(e.api_code, "413"),
           "upload refused with HTTP 200: %s", e.message);
        OK(sd_upload_reply_parse("{\"success\":true}", 16, 200, &url, &e) == SEEDANCE_E_PROTOCOL,
           "upload success without file_url: protocol error");
    }

    /* HTTP helpers */
    OK(sd_http_code(200) == 0 && sd_http_code(400) == SEEDANCE_E_BAD_REQUEST &&
       sd_http_code(401) == SEEDANCE_E_AUTH && sd_http_code(402) == SEEDANCE_E_QUOTA &&
       sd_http_code(403) == SEEDANCE_E_FORBIDDEN && sd_http_code(404) == SEEDANCE_E_NOT_FOUND &&
       sd_http_code(413) == SEEDANCE_E_TOO_LARGE && sd_http_code(429) == SEEDANCE_E_RATE_LIMIT &&
       sd_http_code(500) == SEEDANCE_E_SERVER && sd_http_code(503) == SEEDANCE_E_SERVER &&
       sd_http_code(418) == SEEDANCE_E_HTTP, "HTTP statuses map to distinct codes");
    OK(sd_retry_after_parse(" 3", 0) == 3.0 && sd_retry_after_parse("0", 0) == 0.0,
       "Retry-After in seconds");
    OK(sd_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10.0,
       "Retry-After as an HTTP date");
    OK(sd_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0.0,
       "Retry-After date in the past: 0");
    OK(sd_retry_after_parse("soon", 0) < 0 && sd_retry_after_parse("", 0) < 0 &&
       sd_retry_after_parse(NULL, 0) < 0, "bad Retry-After ignored");
    OK(sd_backoff(1) == 1 && sd_backoff(2) == 2 && sd_backoff(3) == 4 && sd_backoff(10) == 30,
       "backoff 1, 2, 4 ... capped at 30 s");
    /* the documented processing example carries no id */
    {
        const char *p = "{\"status\":\"processing\",\"progress\":65,\"task_info\":{\"can_cancel\":true}}";
        t = NULL;
        rc = sd_task_parse_for(p, strlen(p), "task-unified-7-known", &t, &e);
        OK(rc == 0 && t && !strcmp(seedance_task_id(t), "task-unified-7-known") &&
           seedance_task_progress(t) == 65 && !seedance_task_is_final(t),
           "a task query reply without id takes the id asked for");
        seedance_task_free(t);
        t = parse(p, &rc, &e);
        OK(rc == SEEDANCE_E_PROTOCOL && !t, "a reply without id and none asked for is malformed");
    }
    return done_testing();
}
