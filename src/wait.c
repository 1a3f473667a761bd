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
 *
 * A reply that is unusable (malformed, or about another task than the one
 * asked for) is never taken as the task's state: a status read is free,
 * so it is asked again (on the schedule in a wait), up to BAD_REPLIES in
 * a row. At the deadline the wait takes one last look, a second after the
 * query before it at the earliest, retried for LAST_LOOK_WINDOW at most.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "poll.h"

#define TICK 1.0        /* seconds between two SEEDANCE_EV_TICK */
#define BAD_REPLIES 3   /* unusable replies in a row before giving up */
#define BAD_REPLY_DELAY 5.0     /* seedance_get_task: seconds before asking again */
#define LAST_LOOK_WINDOW 30.0   /* the last look retries 429/5xx this long at most */

/* One wait in progress. Times are seconds since start. */
typedef struct sd_wait {
    seedance_client *c;
    const char *id;
    double start, deadline;  /* sd_now() values */
    sd_poll sched;
    const seedance_task *last;   /* the last reply, NULL before the first */
    double shown;            /* the highest percent reported so far, -1 none */
    int bad;                 /* unusable replies in a row */
    double next_at;          /* when the next query goes, -1 not planned yet */
} sd_wait;

/*
 * One query of task id into *out. 429, 5xx and network errors are retried
 * up to attempts times (0: a few), never past deadline. *bad is set when
 * a reply came but is unusable (SEEDANCE_E_PROTOCOL: malformed, or about
 * another task).
 */
static int get_task(seedance_client *c, const char *id, double deadline, int attempts,
                    seedance_task **out, int *bad)
{
    char path[160];
    sd_http_req req = { .method = "GET", .base = SD_BASE_API, .path = path,
                        .task_id = id, .deadline = deadline, .max_attempts = attempts };
    sd_http_resp resp;
    int rc;

    *out = NULL;
    *bad = 0;
    if ((rc = sd_check_task_id(c, id)))
        return rc;
    snprintf(path, sizeof(path), "/v1/tasks/%s", id);
    if ((rc = sd_http_call(c, &req, &resp)) == SEEDANCE_OK &&
        (rc = sd_task_parse_for(resp.body, resp.len, id, out, &c->err))) {
        *bad = rc == SEEDANCE_E_PROTOCOL;
        if (!*c->err.task_id)
            snprintf(c->err.task_id, sizeof(c->err.task_id), "%s", id);
    }
    sd_http_resp_clear(&resp);
    return rc;
}

/* An unusable reply of task id: asked again in delay seconds. */
static void bad_reply(seedance_client *c, const char *id, int n, double delay)
{
    seedance_progress p = sd_progress_event(SEEDANCE_EV_RETRY, id);

    sd_log(c, SEEDANCE_LOG_WARNING, "%s (%d in a row); asking again in %.1f s",
           c->err.message, n, delay);
    p.next_poll = delay;
    sd_progress(c, &p);
}

/* A few attempts, within the client's timeout. */
int seedance_get_task(seedance_client *c, const char *task_id, seedance_task **out)
{
    double deadline = sd_now() + c->timeout;
    int rc, bad;

    sd_error_clear(&c->err);
    for (int n = 1;; n++) {
        if (!(rc = get_task(c, task_id, deadline, 0, out, &bad)) || !bad || n >= BAD_REPLIES ||
            sd_now() + BAD_REPLY_DELAY > deadline)
            return rc;
        bad_reply(c, task_id, n, BAD_REPLY_DELAY);
        if ((rc = sd_sleep(c, BAD_REPLY_DELAY)))
            return sd_fail_task(c, rc, task_id, "interrupted while reading task %s", task_id);
    }
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
        ev.credits = t->credits_reserved;
    }
    ev.elapsed = now;
    if (!final)
        ev.next_poll = w->next_at >= 0 ? fmax(w->next_at - now, 0)
                                       : sd_poll_delay(&w->sched, now);
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

    /* tick > now at the top of each round: every sleep is a real one */
    while (now < until) {
        if ((rc = sd_sleep(w->c, (tick < until ? tick : until) - now)))
            return rc;
        now = sd_now() - w->start;
        if (now >= tick) {
            if (until - now > 0.2)   /* not just before a query: it reports */
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
    seedance_error keep;
    int rc = final_status(w->c, w->id, t);

    keep = w->c->err;
    sd_uploads_release(w->c, w->id);    /* the task no longer reads its references */
    w->c->err = keep;
    if (rc == SEEDANCE_OK)
        report(w, SEEDANCE_EV_COMPLETED, now);
    sd_journal_task_ended(w->c, w->id, t);
    return rc;
}

/* The reply *n of a query at time now: the task's state from now on. */
static int take_reply(sd_wait *w, seedance_task **t, seedance_task *n, double now, int last)
{
    seedance_client *c = w->c;

    seedance_task_free(*t);
    *t = n;
    w->last = n;
    w->bad = 0;
    sd_journal_flush(c);    /* what a lost journal database still waits for */
    sd_poll_update(&w->sched, now, n->progress, n->estimated_time);
    report(w, SEEDANCE_EV_POLL, now);
    if (seedance_task_is_final(n))
        return finish(w, n, now);
    if (last || sd_now() >= w->deadline)
        return sd_fail_task(c, SEEDANCE_E_TIMEOUT, w->id,
                            "task %s is still %s after %g s (the deadline); it goes on "
                            "on the server: wait again with its id", w->id, n->status,
                            c->timeout);
    return -1;      /* not over */
}

static int poll_loop(sd_wait *w, seedance_task **t)
{
    seedance_client *c = w->c;
    seedance_task *n;
    int rc, bad;

    for (;;) {
        double now = sd_now() - w->start, delay = sd_poll_delay(&w->sched, now);
        int last = 0;

        if (w->start + now + delay >= w->deadline) {
            /* one last look at the deadline, but never sooner than the schedule allows */
            delay = fmax(w->deadline - (w->start + now), sd_poll_earliest(&w->sched, now));
            last = 1;
        }
        w->next_at = now + delay;
        if (delay > 0 && (rc = sleep_ticking(w, now + delay)))
            return sd_fail_task(c, rc, w->id, "interrupted while waiting for task %s "
                                "(it goes on on the server)", w->id);
        /* retried until the deadline: the task goes on meanwhile */
        rc = get_task(c, w->id, last ? sd_now() + LAST_LOOK_WINDOW : w->deadline, INT_MAX,
                      &n, &bad);
        now = sd_now() - w->start;
        w->next_at = -1;
        if (rc == SEEDANCE_OK && (rc = take_reply(w, t, n, now, last)) < 0)
            continue;
        if (!bad || last || ++w->bad >= BAD_REPLIES)
            return rc;
        /* a query that told nothing: the schedule counts it all the same */
        sd_poll_update(&w->sched, now, -1, -1);
        bad_reply(c, w->id, w->bad, sd_poll_delay(&w->sched, now));
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
    w.next_at = -1;
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
