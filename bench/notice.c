/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * (1) Noticing completion, in real time. One emulator per case (its
 * estimate factor and progress shape are switches of the emulator), three
 * tasks per case (about 7, 21 and 48 s), all fifteen at once. Each task
 * is watched by:
 *   - seedance_wait() on the client that submitted it (the product's
 *     path: the submit reply's estimate is its starting point);
 *   - the published clients' poller: every 5 s, every 10 s after 30 s;
 *   - a fixed 10 s poller;
 * and by an observer that reads the emulator's own record of the task ten
 * times a second around its end (admin calls are neither counted nor
 * logged), so that "late" is measured from when the task really
 * completed, whatever the rendering on a loaded machine did to it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NCASES 5
#define NTASKS 3
#define NWATCH 3
#define OBSERVE_EVERY 0.1

typedef struct bcase {
    const char *name;
    const char *opts[3];        /* emulator switches */
    int steady;                 /* progress advances steadily */
    emu_proc e;
    int up;
} bcase;

static bcase cases[NCASES] = {
    { "linear progress, exact estimate", { NULL }, 1, { 0 }, 0 },
    { "linear progress, estimate 0.4x", { "--estimate-factor", "0.4", NULL }, 1, { 0 }, 0 },
    { "linear progress, estimate 2.5x", { "--estimate-factor", "2.5", NULL }, 1, { 0 }, 0 },
    { "progress in steps, exact estimate", { "--progress", "steps", NULL }, 0, { 0 }, 0 },
    { "progress stuck at 0, exact estimate", { "--progress", "stuck", NULL }, 0, { 0 }, 0 },
};
static const double gens[NTASKS] = { 7, 21, 48 };
static const char *const watch_name[NWATCH] = { "libseedance", "5 s / 10 s poller",
                                                "fixed 10 s poller" };

typedef struct btask btask;

typedef struct watch {
    btask *t;
    int kind;                   /* 0 seedance_wait, 1 the 5 s / 10 s poller, 2 fixed 10 s */
    seedance_client *c;         /* seedance_wait: the client that submitted */
    double noticed;
    int polls, ok;
} watch;

struct btask {
    bcase *k;
    char *id;
    double gen, submitted;      /* bench_now() at the submit reply */
    double completed;           /* as the observer saw it, -1 unknown */
    watch w[NWATCH];
};

static btask tasks[NCASES][NTASKS];

static void count_poll(void *opaque, const seedance_progress *p)
{
    if (p->event == SEEDANCE_EV_POLL)
        ++*(int *)opaque;
}

static void sleep_until(double t)
{
    double left;
    while ((left = t - bench_now()) > 0)
        emu_sleep_ms((long)(left * 1000) + 1);
}

/* A fixed poller: every 10 s, or every 5 s then every 10 s after 30 s. */
static void fixed_poller(watch *w)
{
    seedance_client *c = bench_client(&w->t->k->e, 0, NULL);
    double start = w->t->submitted, last = start;
    seedance_task *t = NULL;

    while (w->polls < 1000) {
        last += w->kind == 2 ? 10 : last - start > 30 ? 10 : 5;
        sleep_until(last);
        w->polls++;
        seedance_task_free(t);
        t = NULL;
        if (seedance_get_task(c, w->t->id, &t) == SEEDANCE_OK && seedance_task_is_final(t)) {
            w->noticed = bench_now();
            w->ok = !strcmp(seedance_task_status(t), "completed");
            break;
        }
    }
    seedance_task_free(t);
    seedance_client_free(c);
}

static void *watcher(void *opaque)
{
    watch *w = opaque;
    seedance_task *t = NULL;

    if (w->kind == 0) {
        seedance_client_set_progress(w->c, count_poll, &w->polls);
        w->ok = seedance_wait(w->c, w->t->id, &t) == SEEDANCE_OK;
        w->noticed = bench_now();
        seedance_task_free(t);
    } else {
        fixed_poller(w);
    }
    return NULL;
}

/* The observer: when did the emulator complete the task? */
static void *observer(void *opaque)
{
    btask *k = opaque;
    double running = k->submitted;

    sleep_until(k->submitted + k->gen - 1.0);
    while (bench_now() < k->submitted + k->gen + 120) {
        double before = bench_now();
        char *st = emu_task_field(&k->k->e, k->id, "status");
        int done = st && !strcmp(st, "completed");

        free(st);
        if (done) {
            k->completed = (running + before) / 2;
            break;
        }
        running = before;
        sleep_until(before + OBSERVE_EVERY);
    }
    return NULL;
}

/* Submit task i of case k with libseedance (the submit reply seeds its wait). */
static int submit(bcase *k, btask *t, double gen)
{
    seedance_request *r = seedance_request_new();
    char cfg[64];
    int rc;

    t->k = k;
    t->gen = gen;
    t->completed = -1;
    t->w[0].c = bench_client(&k->e, 0, NULL);
    snprintf(cfg, sizeof(cfg), "{\"gen_time\":%g}", gen);
    emu_post(&k->e, "/_emu/config", cfg);
    seedance_request_set(r, "prompt", "a lighthouse at dusk, slow pan", NULL);
    seedance_request_set(r, "duration", "4", NULL);
    seedance_request_set(r, "quality", "480p", NULL);
    rc = seedance_submit(t->w[0].c, r, SEEDANCE_NEW, &t->id, NULL);
    t->submitted = bench_now();
    seedance_request_free(r);
    if (rc)
        fprintf(stderr, "submit failed: %s\n", seedance_last_error(t->w[0].c)->message);
    return rc;
}

static pthread_t threads[NCASES][NTASKS][NWATCH + 1];
static int started[NCASES][NTASKS];

/* Submit task j of case i and start its watchers and observer. */
static int start_task(int i, int j)
{
    btask *t = &tasks[i][j];

    if (!cases[i].up || submit(&cases[i], t, gens[j]))
        return 1;
    for (int w = 0; w < NWATCH; w++) {
        t->w[w].t = t;
        t->w[w].kind = w;
        pthread_create(&threads[i][j][w], NULL, watcher, &t->w[w]);
    }
    pthread_create(&threads[i][j][NWATCH], NULL, observer, t);
    started[i][j] = 1;
    return 0;
}

/* Wait (at most 60 s) until the emulators rendered every task started:
 * a task completes at its generation time only when its clip is ready. */
static void wait_rendered(void)
{
    double until = bench_now() + 60;

    for (int i = 0; i < NCASES; i++) {
        for (int j = 0; j < NTASKS; j++) {
            char *file = NULL;
            while (started[i][j] && bench_now() < until &&
                   !(file = emu_task_field(&cases[i].e, tasks[i][j].id, "file")))
                emu_sleep_ms(200);
            free(file);
        }
    }
}

/*
 * Submit every task and watch them all. The longer tasks go first; the
 * shortest once their clips are rendered, so that on a busy machine the
 * rendering of fifteen clips at once does not hold up the 7 s tasks.
 */
static int run_all(void)
{
    int rc = 0;

    for (int j = NTASKS - 1; j >= 1; j--)
        for (int i = 0; i < NCASES; i++)
            rc |= start_task(i, j);
    wait_rendered();
    for (int i = 0; i < NCASES; i++)
        rc |= start_task(i, 0);
    for (int i = 0; i < NCASES; i++)
        for (int j = 0; j < NTASKS; j++)
            for (int w = 0; started[i][j] && w <= NWATCH; w++)
                pthread_join(threads[i][j][w], NULL);
    return rc;
}

/* Mean lateness and total queries of watcher kind w over case i's tasks. */
static int sums(int i, int w, double *late, int *polls)
{
    int ok = 1;

    *late = 0;
    *polls = 0;
    for (int j = 0; j < NTASKS; j++) {
        btask *t = &tasks[i][j];
        ok &= t->id && t->w[w].ok && t->completed > 0;
        *late += ok ? (t->w[w].noticed - t->completed) / NTASKS : 0;
        *polls += t->w[w].polls;
    }
    return ok;
}

static void print_case(int i)
{
    double late[NWATCH];
    int polls[NWATCH], ok = 1;

    printf("    %-36s", cases[i].name);
    for (int w = 0; w < NWATCH; w++) {
        ok &= sums(i, w, &late[w], &polls[w]);
        printf(" %7.2f %7d  ", late[w], polls[w]);
    }
    printf("\n    %-36s", "  per task (late/queries)");
    for (int w = 0; w < NWATCH; w++) {
        char cell[48] = "";
        for (int j = 0; j < NTASKS; j++) {
            btask *t = &tasks[i][j];
            size_t n = strlen(cell);
            snprintf(cell + n, sizeof(cell) - n, "%s%.1f/%d", j ? " " : "",
                     t->completed > 0 ? t->w[w].noticed - t->completed : -1.0, t->w[w].polls);
        }
        printf(" %-17s ", cell);
    }
    if (!ok)
        printf("\n    (a task failed or was not observed)");
    else if (cases[i].steady)
        printf("\n    %-36s %s", "", late[0] <= 1.0 && polls[0] <= polls[2] ?
               "target met: <= 1.0 s late, no more queries than the fixed 10 s poller" :
               "TARGET MISSED: <= 1.0 s late with no more queries than the fixed 10 s poller");
    else
        printf("\n    %-36s %s", "", late[0] <= late[1] && polls[0] <= polls[1] ?
               "target met: no later, no more queries than the 5 s / 10 s poller" :
               "TARGET MISSED: no later and no more queries than the 5 s / 10 s poller");
    printf("\n");
}

int bench_notice(const bench_paths *p)
{
    double t0 = bench_now();
    int rc;

    printf("(1) Noticing completion: %d cases x %d tasks (%g, %g, %g s), all at once, "
           "real time\n", NCASES, NTASKS, gens[0], gens[1], gens[2]);
    for (int i = 0; i < NCASES; i++) {
        cases[i].up = emu_start(&cases[i].e, p->emulator, 1.0, cases[i].opts) == 0;
        if (!cases[i].up)
            fprintf(stderr, "cannot start the emulator for: %s\n", cases[i].name);
    }
    rc = run_all();
    printf("    %-36s", "");
    for (int w = 0; w < NWATCH; w++)
        printf(" %-17s ", watch_name[w]);
    printf("\n    %-36s", "");
    for (int w = 0; w < NWATCH; w++)
        printf(" %7s %7s  ", "late s", "queries");
    printf("\n");
    for (int i = 0; i < NCASES; i++)
        print_case(i);
    printf("    (late: mean seconds from the completion, seen by an observer reading the\n"
           "    emulator's record every %.1f s, to the reply that tells the poller; queries:\n"
           "    total over the three tasks; section time %.0f s)\n\n", OBSERVE_EVERY,
           bench_now() - t0);
    for (int i = 0; i < NCASES; i++) {
        for (int j = 0; j < NTASKS; j++) {
            seedance_client_free(tasks[i][j].w[0].c);
            free(tasks[i][j].id);
        }
        if (cases[i].up)
            emu_stop(&cases[i].e);
    }
    return rc;
}
