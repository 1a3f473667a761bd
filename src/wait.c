/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Task queries and the wait: poll GET /v1/tasks/{id} on the schedule of
 * poll.c until the task is final, the overall deadline passes or the
 * caller's interrupt callback fires (checked at least every 100 ms).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"



static int get_task(seedance_client *c, const char *id, double deadline, seedance_task **out)
{
    char path[160];
    /* Inside a wait, 429, 5xx and network errors are retried until the
     * deadline (not a fixed number of times): the task goes on meanwhile. */
    sd_http_req req = { .method = "GET", .base = SD_BASE_API, .path = path,
                        .task_id = id, .deadline = deadline,
                        .max_attempts = deadline > 0 ? INT_MAX : 0 };
    sd_http_resp resp;
    int rc;

    *out = NULL;
    if ((rc = sd_check_task_id(c, id)))
        return rc;
    snprintf(path, sizeof(path), "/v1/tasks/%s", id);
    if ((rc = sd_http_call(c, &req, &resp)) == SEEDANCE_OK &&
        (rc = sd_task_parse_for(resp.body, resp.len, id, out, &c->err)) && !*c->err.task_id)
        snprintf(c->err.task_id, sizeof(c->err.task_id), "%s", id);
    sd_http_resp_clear(&resp);
    return rc;
}

int seedance_get_task(seedance_client *c, const char *task_id, seedance_task **out)
{
    sd_error_clear(&c->err);
    return get_task(c, task_id, 0, out);
}

/* The outcome of a final task. */
static int final_status(seedance_client *c, const char *id, seedance_task *t)
{
    switch (sd_task_state(t)) {
    case SD_TASK_SUCCEEDED:
        return SEEDANCE_OK;
    case SD_TASK_FAILED:
        return sd_fail_http(c, SEEDANCE_E_TASK_FAILED, 0, t->error_code, id,
                            "task %s failed: %s: %s", id,
                       t->error_code ? t->error_code : "unknown_error",
                       t->error_message ? t->error_message : "(no message)");
    case SD_TASK_EXPIRED:
        return sd_fail_http(c, SEEDANCE_E_TASK_EXPIRED, 0, t->error_code, id,
                            "task %s expired before it produced a clip%s%s", id,
                            t->error_message ? ": " : "",
                            t->error_message ? t->error_message : "");
    }
    return sd_fail_http(c, SEEDANCE_E_TASK_CANCELLED, 0, t->error_code, id,
                        "task %s was cancelled%s%s", id, t->error_message ? ": " : "",
                   t->error_message ? t->error_message : "");
}

int seedance_wait(seedance_client *c, const char *task_id, seedance_task **out)
{
    double start = sd_now(), deadline = start + c->timeout;
    seedance_task *t = NULL;
    seedance_progress ev;
    sd_poll sched;
    int rc;

    if (out)
        *out = NULL;
    sd_error_clear(&c->err);
    if ((rc = sd_check_task_id(c, task_id)))
        return rc;
    sd_poll_init(&sched);
    /* Only while the expected end is still ahead: an estimate whose end
     * passed (a wait long after the submit) would only delay the first
     * query by the spacing meant for a task that overruns. */
    if (!strcmp(c->submitted.task_id, task_id) && c->submitted.estimated_time >= 0 &&
        sd_now() - c->submitted.at < c->submitted.estimated_time) {
        start = c->submitted.at;     /* the schedule's clock starts at the submit reply */
        sd_poll_seed(&sched, 0, c->submitted.progress, c->submitted.estimated_time);
    }
    c->submitted.task_id[0] = '\0';
    for (;;) {
        double now = sd_now() - start, delay = sd_poll_delay(&sched, now);
        int last = 0;

        if (start + now + delay >= deadline) {
            delay = deadline - (start + now);   /* one last look at the deadline */
            last = 1;
        }
        if (delay > 0 && (rc = sd_sleep(c, delay))) {
            sd_fail_task(c, rc, task_id, "interrupted while waiting for task %s "
                    "(it goes on on the server)", task_id);
            break;
        }
        seedance_task_free(t);
        if ((rc = get_task(c, task_id, last ? 0 : deadline, &t)))
            break;
        now = sd_now() - start;
        sd_poll_update(&sched, now, t->progress, t->estimated_time);

        memset(&ev, 0, sizeof(ev));
        ev.event = SEEDANCE_EV_POLL;
        ev.task_id = task_id;
        ev.status = t->status;
        ev.progress = t->progress;
        ev.estimated_time = t->estimated_time;
        if (ev.estimated_time < 0 && sched.expected_end >= 0 && !seedance_task_is_final(t))
            ev.estimated_time = (int)(sched.expected_end - now + 0.5);
        ev.elapsed = now;
        ev.next_poll = seedance_task_is_final(t) ? -1 : sd_poll_delay(&sched, now);
        ev.size = -1;
        sd_progress(c, &ev);

        if (seedance_task_is_final(t)) {
            rc = final_status(c, task_id, t);
            if (rc != SEEDANCE_OK)
                sd_journal_forget_task(c, task_id);
            if (rc == SEEDANCE_OK) {
                ev.event = SEEDANCE_EV_COMPLETED;
                ev.result_url = t->result_url;
                sd_progress(c, &ev);
            }
            break;
        }
        if (last || sd_now() >= deadline) {
            rc = sd_fail_task(c, SEEDANCE_E_TIMEOUT, task_id,
                              "task %s is still %s after %.0f s (the deadline); it goes on on the "
                         "server: wait again with its id", task_id, t->status, c->timeout);
            break;
        }
    }
    if (out && t && (rc == SEEDANCE_OK || rc == SEEDANCE_E_TASK_FAILED ||
                     rc == SEEDANCE_E_TASK_CANCELLED)) {
        *out = t;
        t = NULL;
    }
    seedance_task_free(t);
    return rc;
}
