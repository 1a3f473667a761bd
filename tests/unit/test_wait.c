/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seedance_wait (src/wait.c) against the emulator: how the submit reply's
 * estimate (c->submitted) seeds the poll schedule, the progress events
 * of a wait (SEEDANCE_EV_TICK between queries, without requests), the
 * last look at the deadline, and replies that are malformed. */
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
    /* the ticks between two queries against the next_poll the first announced */
    double announced;       /* the last query's next_poll, -1 none */
    int since_poll;         /* ticks since the last query */
    int gaps, short_gaps;   /* intervals between queries, those with too few ticks */
    double worst_announced; /* the interval with the fewest ticks for its length */
    int worst_ticks, worst_slack;
} events;

/* The ticks a gap of next_poll seconds between two queries must have at
 * least: one a second, less one. That one covers the tick that falls on
 * the query (not reported: the query reports) and the lateness of the
 * others, which adds up (each is planned a second after the one before,
 * however late that one was): in a 3 s gap the second tick may come up to
 * 0.4 s late, on a loaded machine too. */
static int ticks_owed(double next_poll)
{
    return (int)next_poll - 1;
}

/* A query returned: how the gap since the one before was filled. */
static void count_gap(events *e, const seedance_progress *p)
{
    if (e->announced >= 0) {
        int slack = e->since_poll - ticks_owed(e->announced);

        e->gaps++;
        if (slack < 0)
            e->short_gaps++;
        if (e->gaps == 1 || slack < e->worst_slack) {
            e->worst_slack = slack;
            e->worst_ticks = e->since_poll;
            e->worst_announced = e->announced;
        }
    }
    e->announced = p->next_poll;
    e->since_poll = 0;
}

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
        count_gap(e, p);
        e->polls++;
        if (p->next_poll > e->longest_wait)
            e->longest_wait = p->next_poll;
    }
    if (p->event == SEEDANCE_EV_TICK) {
        e->since_poll++;
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

/* Counts SEEDANCE_EV_RETRY. */
static void on_retry(void *opaque, const seedance_progress *p)
{
    if (p->event == SEEDANCE_EV_RETRY)
        ++*(int *)opaque;
}

/* A wait on a task of several seconds: ticks between the queries, about
 * one a second of the gap each query announced (a count, not a clock), an
 * estimated percent that only rises and reaches 100 with completion, and
 * no request beyond the queries reported. */
static void test_ticks(void)
{
    seedance_client *c = client();
    events e = { .last_pct = -1, .min_tick_gap = 1e9, .announced = -1 };
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
    OK(e.gaps >= 1 && e.longest_wait >= 2 && e.short_gaps == 0,
       "between two queries next_poll s apart, at least floor(next_poll) - 1 ticks "
       "(%d gaps, %d short; fewest: %d ticks in %.1f s)", e.gaps, e.short_gaps, e.worst_ticks,
       e.worst_announced);
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

/* How many queries of task id the emulator logged after the first from
 * (at least want, if it comes to that within a few seconds), their
 * arrival times into times. */
static int logged_queries(const char *id, int from, int want, double *times, int max)
{
    char path[160], line[4096];
    int n = 0;

    snprintf(path, sizeof(path), "/v1/tasks/%s", id);
    for (int round = 0; round < 100; round++) {
        FILE *f = fopen(E.log, "r");

        n = -from;
        while (f && fgets(line, sizeof(line), f)) {
            cJSON *j = cJSON_Parse(line);
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "path");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "time");

            if (cJSON_IsString(p) && !strcmp(p->valuestring, path) && cJSON_IsNumber(t)) {
                if (n >= 0 && n < max)
                    times[n] = t->valuedouble;
                n++;
            }
            cJSON_Delete(j);
        }
        if (f)
            fclose(f);
        if (n >= want)
            break;
        emu_sleep_ms(50);      /* the emulator logs a request once it is answered */
    }
    return n;
}

/* The shortest gap between two of n times. */
static double closest(const double *times, int n)
{
    double gap = 1e9;

    for (int i = 1; i < n; i++)
        if (times[i] - times[i - 1] < gap)
            gap = times[i] - times[i - 1];
    return gap;
}

/* The deadline comes half a second after a reply (a 429 said to come back
 * 4.5 s later, with a 5 s timeout): the last look still keeps a second
 * after the query before it. */
static void test_last_look(void)
{
    seedance_client *c = client();
    seedance_task *t = NULL;
    double times[8];
    char *id;
    int rc, n;

    emu_post(&E, "/_emu/faults", "{\"type\":\"task\",\"outcome\":\"hang\"}");
    if (!(id = emu_submit(&E, "last look", 4, "480p"))) {
        OK(0, "a task that hangs");
        seedance_client_free(c);
        return;
    }
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":429,"
             "\"retry_after\":\"4.5\",\"path\":\"/v1/tasks/\"}");
    seedance_client_set_timeout(c, 5);
    rc = seedance_wait(c, id, &t);
    n = logged_queries(id, 0, 3, times, 8);
    OK(rc == SEEDANCE_E_TIMEOUT && !t && !strcmp(seedance_last_error(c)->task_id, id),
       "a task that hangs: the wait ends at its deadline (rc %d: %s)", rc,
       seedance_last_error(c)->message);
    OK(n >= 3 && n <= 8, "the refused query, its retry and the last look (%d queries)", n);
    OK(n >= 2 && closest(times, n < 8 ? n : 8) >= 0.95,
       "queries at least a second apart, the last look included (closest %.3f s)",
       closest(times, n < 8 ? n : 8));
    free(id);
    seedance_client_free(c);
}

/* Replies cut in half (the emulator's "malformed" fault) are asked again:
 * a wait goes on past one, a single read gives up after three. */
static void test_bad_replies(void)
{
    seedance_client *c = client();
    seedance_task *t = NULL;
    double times[8];
    /* two tasks queried by this test only: one waited for, one read */
    char *id = emu_submit(&E, "bad replies", 4, "480p"), *id2 = emu_submit(&E, "read", 4, "480p");
    int rc, retries = 0, n;

    if (!id || !id2) {
        OK(0, "tasks for the bad replies");
        free(id);
        free(id2);
        seedance_client_free(c);
        return;
    }
    seedance_client_set_progress(c, on_retry, &retries);
    emu_post(&E, "/_emu/faults", "{\"type\":\"malformed\",\"path\":\"/v1/tasks/\"}");
    rc = seedance_wait(c, id, &t);
    n = logged_queries(id, 0, 2, times, 8);
    OK(rc == SEEDANCE_OK && t && !strcmp(seedance_task_id(t), id) && retries == 1,
       "a wait goes on past a malformed reply (rc %d, %d retries)", rc, retries);
    OK(n >= 2 && n <= 8 && closest(times, n) >= 0.95,
       "... asking again on its schedule (%d queries, %.3f s apart)", n, closest(times, n));
    seedance_task_free(t);
    t = NULL;

    emu_post(&E, "/_emu/faults", "{\"type\":\"malformed\",\"count\":-1,"
             "\"path\":\"/v1/tasks/\"}");
    rc = seedance_get_task(c, id2, &t);
    n = logged_queries(id2, 0, 3, times, 8);
    emu_post(&E, "/_emu/reset", NULL);
    OK(rc == SEEDANCE_E_PROTOCOL && !t && !strcmp(seedance_last_error(c)->task_id, id2) &&
       strstr(seedance_last_error(c)->message, "malformed"),
       "a read of replies that stay malformed fails naming the task (rc %d: %s)", rc,
       seedance_last_error(c)->message);
    OK(n == 3, "... after three of them (%d queries)", n);
    free(id);
    free(id2);
    seedance_client_free(c);
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
    test_last_look();
    test_bad_replies();

    emu_stop(&E);
    curl_global_cleanup();
    return done_testing();
}
