/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seedance_wait (src/wait.c) against the emulator: how the submit reply's
 * estimate (c->submitted) seeds the poll schedule, and the progress events
 * of a wait (SEEDANCE_EV_TICK between queries, without requests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_proc.h"
#include "tap.h"

static emu_proc E;

static seedance_client *client(void)
{
    seedance_client *c = seedance_client_new();
    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_cache(c, 0);
    return c;
}

/* A completed task's id (allocated), or NULL. */
static char *completed_task(void)
{
    char *id = emu_submit(&E, "wait test", 4, "480p"), *url;

    if (!id)
        return NULL;
    if (!(url = emu_wait_result(&E, id, 120))) {
        free(id);
        return NULL;
    }
    free(url);
    return id;
}

static void seed(seedance_client *c, const char *id, int eta, double age)
{
    snprintf(c->submitted.task_id, sizeof(c->submitted.task_id), "%s", id);
    c->submitted.progress = 0;
    c->submitted.estimated_time = eta;
    c->submitted.at = sd_now() - age;
}

/* The events of one wait. */
typedef struct events {
    int polls, ticks, completed;
    int backwards;          /* estimated percent went down */
    int hundred_early;      /* 100% before SEEDANCE_EV_COMPLETED */
    int bad_fields;         /* a tick without elapsed/next_poll */
    double last_pct, last_tick, min_tick_gap, final_pct, final_left;
    double longest_wait;    /* the longest next_poll a query announced */
} events;

static void on_event(void *opaque, const seedance_progress *p)
{
    events *e = opaque;
    double now = sd_now();

    if (p->event != SEEDANCE_EV_POLL && p->event != SEEDANCE_EV_TICK &&
        p->event != SEEDANCE_EV_COMPLETED)
        return;
    if (p->estimated < e->last_pct)
        e->backwards++;
    if (p->estimated >= 100 && p->event != SEEDANCE_EV_COMPLETED)
        e->hundred_early++;
    e->last_pct = p->estimated;
    if (p->event == SEEDANCE_EV_POLL) {
        e->polls++;
        if (p->next_poll > e->longest_wait)
            e->longest_wait = p->next_poll;
    }
    if (p->event == SEEDANCE_EV_TICK) {
        if (e->ticks++ && now - e->last_tick < e->min_tick_gap)
            e->min_tick_gap = now - e->last_tick;
        e->last_tick = now;
        if (p->elapsed <= 0 || p->next_poll < 0 || !p->task_id || !p->status)
            e->bad_fields++;
    }
    if (p->event == SEEDANCE_EV_COMPLETED) {
        e->completed++;
        e->final_pct = p->estimated;
        e->final_left = p->remaining;
    }
}

/* A wait on a task of several seconds: ticks between the queries, an
 * estimated percent that only rises and reaches 100 with completion, and
 * no request beyond the queries reported. */
static void test_ticks(void)
{
    seedance_client *c = client();
    events e = { .last_pct = -1, .min_tick_gap = 1e9 };
    seedance_task *t = NULL;
    char *id;
    long q0;
    double t0, took;
    int rc;

    emu_post(&E, "/_emu/config", "{\"gen_time\":6}");
    id = emu_submit(&E, "ticks", 4, "480p");
    emu_post(&E, "/_emu/config", "{\"gen_time\":0.3}");
    if (!id) {
        OK(0, "a task for the progress events");
        seedance_client_free(c);
        return;
    }
    seedance_client_set_progress(c, on_event, &e);
    q0 = emu_stat(&E, "task_queries");
    t0 = sd_now();
    rc = seedance_wait(c, id, &t);
    took = sd_now() - t0;
    OK(rc == SEEDANCE_OK && e.completed == 1, "the wait completes (rc %d)", rc);
    OK(emu_stat(&E, "task_queries") - q0 == e.polls && e.polls >= 1,
       "one query per SEEDANCE_EV_POLL, none for the ticks (%d polls, %ld queries)", e.polls,
       emu_stat(&E, "task_queries") - q0);
    OK(e.longest_wait < 1.5 || e.ticks >= 1,
       "SEEDANCE_EV_TICK reported between queries (%d in %.1f s, longest gap %.1f s)",
       e.ticks, took, e.longest_wait);
    OK(e.ticks <= took + 1 && (e.ticks < 2 || e.min_tick_gap >= 0.9),
       "ticks about once a second, not more (%d in %.1f s, closest %.2f s apart)", e.ticks, took,
       e.ticks >= 2 ? e.min_tick_gap : 0.0);
    OK(e.backwards == 0, "the estimated percent never goes down");
    OK(e.hundred_early == 0 && e.final_pct == 100 && e.final_left == 0,
       "100%% and 0 s left only with SEEDANCE_EV_COMPLETED");
    OK(e.bad_fields == 0, "ticks carry the task, its status, elapsed and next_poll");
    seedance_task_free(t);
    seedance_client_free(c);
    free(id);
}

/* The elapsed time of the first SEEDANCE_EV_POLL. */
static void on_first(void *opaque, const seedance_progress *p)
{
    double *e = opaque;
    if (p->event == SEEDANCE_EV_POLL && *e < 0)
        *e = p->elapsed;
}

int main(void)
{
    seedance_client *c;
    seedance_task *t = NULL;
    char *id;
    long q0;
    double first_elapsed;
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, NULL)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    if (!(id = completed_task())) {
        printf("not ok 1 - a completed task\n1..1\n");
        emu_stop(&E);
        return 1;
    }

    /* A fresh estimate: the first query goes just after the expected end,
     * none at once. */
    c = client();
    seed(c, id, 1, 0);
    q0 = emu_stat(&E, "task_queries");
    rc = seedance_wait(c, id, &t);
    OK(rc == SEEDANCE_OK && t && !strcmp(seedance_task_status(t), "completed"),
       "seeded wait: completed (rc %d)", rc);
    OK(emu_stat(&E, "task_queries") - q0 == 1, "seeded wait: one query (%ld)",
       emu_stat(&E, "task_queries") - q0);
    seedance_task_free(t);
    t = NULL;

    /* An estimate whose end passed long ago (submitted, then waited on
     * much later) says nothing: query at once, not after the overrun
     * spacing of a task that is late (10 s). */
    /* The wait's clock starts at the submit reply only when it seeds the
     * schedule: a first event 100 s into the wait would betray a seed. */
    seed(c, id, 5, 100);
    first_elapsed = -1;
    seedance_client_set_progress(c, on_first, &first_elapsed);
    rc = seedance_wait(c, id, &t);
    OK(rc == SEEDANCE_OK && t, "stale seed: completed (rc %d)", rc);
    OK(first_elapsed >= 0 && first_elapsed < 50,
       "stale seed: not used, the first query goes at once (%.2f s into the wait)",
       first_elapsed);
    seedance_task_free(t);
    seedance_client_free(c);
    free(id);

    test_ticks();

    emu_stop(&E);
    curl_global_cleanup();
    return done_testing();
}
