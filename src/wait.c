/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Task queries and the wait: poll GET /v1/tasks/{id} on the schedule of
 * poll.c until the task is final, the overall deadline passes or the
 * caller's interrupt callback fires (checked at least every 100 ms).
 *
 * Between two queries the wait reports SEEDANCE_EV_TICK about once a
 * second: the schedule's model read at the current time (percent done,
 * seconds left), without any request. The percent reported never goes
 * down within a wait and stays below 100 until the task completed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "poll.h"

#define TICK 1.0        /* seconds between two SEEDANCE_EV_TICK */

/* One wait in progress. Times are seconds since start. */
typedef struct sd_wait {
    seedance_client *c;
    const char *id;
    double start, deadline;  /* sd_now() values */
    sd_poll sched;
    const seedance_task *last;   /* the last reply, NULL before the first */
    double shown;            /* the highest percent reported so far, -1 none */
} sd_wait;

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

/* Report an event of the wait at time now (seconds since its start). */
static void report(sd_wait *w, seedance_event event, double now)
{
    const seedance_task *t = w->last;
    int final = t && seedance_task_is_final(t);
    seedance_progress ev = sd_progress_event(event, w->id);

    if (t) {
        ev.status = t->status;
        ev.progress = t->progress;
        ev.estimated_time = t->estimated_time;
    }
    ev.elapsed = now;
    if (!final)
        ev.next_poll = sd_poll_delay(&w->sched, now);
    sd_poll_estimate(&w->sched, now, &ev.estimated, &ev.remaining);
    if (ev.estimated < w->shown)
        ev.estimated = w->shown;             /* never backwards */
    if (final) {
        ev.remaining = -1;
        if (event == SEEDANCE_EV_COMPLETED) {
            ev.estimated = 100;
            ev.remaining = 0;
            ev.result_url = t->result_url;
        }
    }
    w->shown = ev.estimated;
    /* A reply without an estimate gets the schedule's, as before. */
    if (event == SEEDANCE_EV_POLL && ev.estimated_time < 0 && !final && ev.remaining >= 0)
        ev.estimated_time = (int)(ev.remaining + 0.5);
    sd_progress(w->c, &ev);
}

/* Sleep until time until, reporting SEEDANCE_EV_TICK about once a second. */
static int sleep_ticking(sd_wait *w, double until)
{
    double now = sd_now() - w->start, tick = now + TICK;
    int rc;

    while (now < until) {
        double step = (tick < until ? tick : until) - now;

        if ((rc = sd_sleep(w->c, step)))
            return rc;
        now = sd_now() - w->start;
        if (now >= tick && until - now > 0.2) {
            report(w, SEEDANCE_EV_TICK, now);
            tick = now + TICK;       /* a second after this one, however late it was */
        }
    }
    return SEEDANCE_OK;
}

/* Start from what the submit reply said of this task, if anything. Only
 * while the expected end is still ahead: an estimate whose end passed (a
 * wait long after the submit) would only delay the first query. */
static void seed_from_submit(sd_wait *w)
{
    seedance_client *c = w->c;
    double age = sd_now() - c->submitted.at;

    if (!strcmp(c->submitted.task_id, w->id) &&
        (c->submitted.estimated_time >= 0 ? age < c->submitted.estimated_time
                                          : age < 5.0)) {
        w->start = c->submitted.at;   /* the schedule's clock starts at the reply */
        sd_poll_seed(&w->sched, 0, c->submitted.progress, c->submitted.estimated_time);
    }
    c->submitted.task_id[0] = '\0';
}

/* The task is final: its outcome, and the events that go with it. */
static int finish(sd_wait *w, seedance_task *t, double now)
{
    int rc = final_status(w->c, w->id, t);

    if (rc != SEEDANCE_OK)
        sd_journal_forget_task(w->c, w->id);
    else
        report(w, SEEDANCE_EV_COMPLETED, now);
    return rc;
}

static int poll_loop(sd_wait *w, seedance_task **t)
{
    seedance_client *c = w->c;
    int rc;

    for (;;) {
        double now = sd_now() - w->start, delay = sd_poll_delay(&w->sched, now);
        int last = 0;

        if (w->start + now + delay >= w->deadline) {
            delay = w->deadline - (w->start + now);   /* one last look at the deadline */
            last = 1;
        }
        if (delay > 0 && (rc = sleep_ticking(w, now + delay)))
            return sd_fail_task(c, rc, w->id, "interrupted while waiting for task %s "
                                "(it goes on on the server)", w->id);
        seedance_task_free(*t);
        w->last = NULL;
        if ((rc = get_task(c, w->id, last ? 0 : w->deadline, t)))
            return rc;
        w->last = *t;
        now = sd_now() - w->start;
        sd_poll_update(&w->sched, now, (*t)->progress, (*t)->estimated_time);
        report(w, SEEDANCE_EV_POLL, now);
        if (seedance_task_is_final(*t))
            return finish(w, *t, now);
        if (last || sd_now() >= w->deadline)
            return sd_fail_task(c, SEEDANCE_E_TIMEOUT, w->id,
                                "task %s is still %s after %g s (the deadline); it goes on "
                                "on the server: wait again with its id", w->id,
                                (*t)->status, c->timeout);
    }
}

int seedance_wait(seedance_client *c, const char *task_id, seedance_task **out)
{
    seedance_task *t = NULL;
    sd_wait w;
    int rc;

    if (out)
        *out = NULL;
    sd_error_clear(&c->err);
    if ((rc = sd_check_task_id(c, task_id)))
        return rc;
    memset(&w, 0, sizeof(w));
    w.c = c;
    w.id = task_id;
    w.start = sd_now();
    w.deadline = w.start + c->timeout;
    w.shown = -1;
    sd_poll_init(&w.sched);
    seed_from_submit(&w);

    rc = poll_loop(&w, &t);
    if (out && t && (rc == SEEDANCE_OK || rc == SEEDANCE_E_TASK_FAILED ||
                     rc == SEEDANCE_E_TASK_CANCELLED)) {
        *out = t;
        t = NULL;
    }
    seedance_task_free(t);
    return rc;
}
