/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The wait for a task: seedance_wait() (and one seedance_get_task())
 * against scripted task replies, on a virtual clock: the poll schedule,
 * task JSON, retries of 429/5xx/network errors until the deadline, final
 * statuses.
 *
 * Input: 4 bytes of settings (overall timeout, whether the wait follows a
 * submit reply with an estimate, chunk size), then a script of replies
 * (fuzz.h) to GET /v1/tasks/ID.
 * Checks: the wait ends within a minute of its deadline and never gives
 * up before it; queries are at least a second apart and, but for one last
 * look at the deadline, never more than two ahead of the published 5 s /
 * 10 s poller; the percent in the progress events never goes back and
 * reaches 100 only on completion; success means a completed task with
 * a result URL, a failed or cancelled task gives its own code and task;
 * the task the wait (or the read) ends on is the one asked for, whatever
 * other task a reply names; the messages name the task and never hold
 * the key. The last look at the deadline keeps the second between
 * queries too.
 */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"

#define BASE "http://127.0.0.1:9"
#define ID   "task-unified-1774857405-abc123"
#define DEADLINE_SLACK 60.0

static seedance_client *client;

typedef struct {
    fz_script script;
    double start;        /* the schedule's time 0 */
    double last;         /* time of the previous query, -1 none */
    int replies;         /* 2xx replies so far */
    double deadline;     /* the wait's deadline (clock time) */
} run;

/* When the published clients' poller (every 5 s, every 10 s after 30 s)
 * sends its n-th query. */
static double poller(int n)
{
    if (n <= 0)
        return 0;
    return n <= 7 ? n * 5.0 : 35.0 + (n - 7) * 10.0;
}

/* Progress events: the percent never goes back and stays below 100
 * until the task completed. */
static double shown;

static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    fz_trace("event %d at %.6f s, next poll %.6f", p->event, p->elapsed, p->next_poll);
    FZ_CHECK("event-task", p->task_id && !strcmp(p->task_id, ID), "event about %s",
             p->task_id ? p->task_id : "(none)");
    /* the wait's estimate comes with these events only */
    if (p->event != SEEDANCE_EV_POLL && p->event != SEEDANCE_EV_TICK &&
        p->event != SEEDANCE_EV_COMPLETED)
        return;
    FZ_CHECK("event-percent", p->estimated == -1 || (p->estimated >= 0 &&
             (p->estimated < 100 || (p->event == SEEDANCE_EV_COMPLETED && p->estimated == 100))),
             "event %d with percent %g", p->event, p->estimated);
    FZ_CHECK("event-monotonic", p->estimated == -1 || p->estimated >= shown,
             "the percent went back from %g to %g", shown, p->estimated);
    if (p->estimated > shown)
        shown = p->estimated;
    FZ_CHECK("event-remaining", p->remaining == -1 || (isfinite(p->remaining) &&
             p->remaining >= 0), "%g s remaining", p->remaining);
    FZ_CHECK("event-times", isfinite(p->elapsed) && p->elapsed >= 0 &&
             (p->next_poll == -1 || (isfinite(p->next_poll) && p->next_poll >= 0)),
             "elapsed %g, next poll %g", p->elapsed, p->next_poll);
}

static CURLcode perform(fz_handle *h, void *opaque)
{
    run *r = opaque;
    double t = fz_clock_now() - r->start;
    CURLcode rc;

    fz_trace("query %d at %.3f s (%d replies so far)", r->script.requests + 1, t, r->replies);
    FZ_CHECK("query-url", h->url && !strcmp(h->url, BASE "/v1/tasks/" ID), "queried %s", h->url);
    if (r->last >= 0)
        FZ_CHECK(fz_clock_now() < r->deadline - 1e-6 ? "query-interval" : "last-look-interval",
                 t - r->last >= 1.0 - 1e-6, "a query %.3f s after the previous one",
                 t - r->last);
    /* the budget; the wait's one last look at the deadline is on top */
    if (fz_clock_now() < r->deadline - 1e-6)
        FZ_CHECK("query-budget", t >= poller(r->replies + 1 - 2) - 1e-6,
                 "query %d at %.3f s: more than two ahead of the 5 s / 10 s poller",
                 r->replies + 1, t);
    r->last = t;
    rc = fz_script_perform(h, &r->script);
    if (rc == CURLE_OK && h->status >= 200 && h->status < 300)
        r->replies++;
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    if (!(client = seedance_client_new()) || seedance_client_set_api_key(client, FZ_API_KEY) ||
        seedance_client_set_api_base(client, BASE))
        abort();
    seedance_client_set_cache(client, 0);
    seedance_client_set_log(client, fz_log_cb, NULL);
    seedance_client_set_progress(client, on_progress, NULL);
    return 0;
}

/* The task returned, or the error, is about the task asked for. */
static void check_task_id(int rc, seedance_task *t)
{
    const seedance_error *e = seedance_last_error(client);

    if (t)
        FZ_CHECK("task-id-mismatch", !strcmp(seedance_task_id(t), ID),
                 "the read of %s ended on a reply about task '%.100s'", ID, seedance_task_id(t));
    /* naming another task is the id mismatch again: a reply about another task */
    if (rc != SEEDANCE_OK)
        FZ_CHECK(*e->task_id ? "task-id-mismatch" : "wait-fail-task", !strcmp(e->task_id, ID),
                 "the error about %s names task '%s'", ID, e->task_id);
}

static void check_result(int rc, seedance_task *t, double waited, double timeout, int key_in)
{
    const seedance_error *e = seedance_last_error(client);

    check_task_id(rc, t);
    if (rc == SEEDANCE_OK) {
        FZ_CHECK("wait-ok-task", t && sd_task_state(t) == SD_TASK_SUCCEEDED,
                 "success without a task that succeeded");
        FZ_CHECK("wait-ok-url", t && seedance_task_result_url(t) && *seedance_task_result_url(t),
                 "success without a result URL");
        return;
    }
    FZ_CHECK("wait-fail-code", e->code == rc && e->message[0], "failure %d, recorded %d", rc,
             e->code);
    if (!key_in)
        FZ_CHECK("key-in-message", !strstr(e->message, FZ_API_KEY), "the key is in: %s",
                 e->message);
    if (rc == SEEDANCE_E_TASK_FAILED)
        FZ_CHECK("wait-failed", t && sd_task_state(t) == SD_TASK_FAILED, "not failed");
    else if (rc == SEEDANCE_E_TASK_CANCELLED)
        FZ_CHECK("wait-cancelled", t && sd_task_state(t) == SD_TASK_CANCELLED, "not cancelled");
    else
        FZ_CHECK("wait-no-task", t == NULL, "failure %d with a task", rc);
    if (rc == SEEDANCE_E_TIMEOUT)
        FZ_CHECK("wait-early-timeout", waited >= timeout - 1e-3,
                 "timed out after %.3f s of a %.0f s deadline", waited, timeout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double timeouts[4] = { 5, 60, 600, 3600 };
    seedance_task *t = NULL;
    double timeout, t0;
    run r;
    int rc, key_in;

    if (size < 4)
        return 0;
    timeout = timeouts[data[0] & 3];
    seedance_client_set_timeout(client, timeout);
    key_in = fz_key_in_input = fz_memmem(data, size, FZ_API_KEY);
    memset(&r, 0, sizeof(r));
    r.last = -1;
    fz_script_init(&r.script, data + 4, size - 4, 1 + (size_t)data[2] * 64);
    fz_clock_mode(FZ_CLOCK_VIRTUAL, 1);
    t0 = r.start = fz_clock_now();
    shown = -1;
    client->submitted.task_id[0] = '\0';
    if (data[0] & 4) {
        /* the wait right after a submit whose reply gave an estimate */
        snprintf(client->submitted.task_id, sizeof(client->submitted.task_id), "%s", ID);
        client->submitted.progress = data[1] > 100 ? -1 : data[1];
        client->submitted.estimated_time = data[3] == 255 ? -1 : data[3];
        client->submitted.at = t0 - (data[0] >> 4);
        if (client->submitted.estimated_time >= 0 ?
            t0 - client->submitted.at < client->submitted.estimated_time :
            t0 - client->submitted.at < 5.0)
            r.start = client->submitted.at;
    }
    r.deadline = t0 + timeout;
    fz_clock_limit(timeout + DEADLINE_SLACK, "wait-deadline");
    fz_transport(perform, &r);

    if (data[0] & 8) {
        rc = seedance_get_task(client, ID, &t);
        if (rc == SEEDANCE_OK)
            FZ_CHECK("get-task", t && seedance_task_status(t), "a task without a status");
        else
            FZ_CHECK("get-task-fail", t == NULL, "failure %d with a task", rc);
        check_task_id(rc, t);
    } else {
        rc = seedance_wait(client, ID, &t);
        check_result(rc, t, fz_clock_now() - t0, timeout, key_in);
    }
    seedance_task_free(t);
    fz_transport(NULL, NULL);
    fz_clock_mode(FZ_CLOCK_REAL, 1);
    return 0;
}
