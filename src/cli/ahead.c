/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance run: every generation of a command line at once.
 *
 * A program opens its inputs one after another (ffmpeg -i A -i B ...), and
 * each open of a seedance: URL waits for its clip, so N generations would
 * take N times as long as one. Before the program starts, every argument
 * that is a seedance: URL with its request complete in it is submitted,
 * all at the same time, through the journal (seedance_job_submit_ahead():
 * once only, as everywhere); the program's opens then find the tasks in
 * the journal and attach to them, so the generations run side by side.
 *
 * With -i on the command line (ffmpeg), the URLs are the arguments of -i
 * (not outputs); otherwise every argument that is a seedance: URL. A URL
 * is left to the program's own open when the request is incomplete or
 * invalid (the program says why, in its own words), when it attaches to a
 * task, has the cache off or asks for a new generation, or when an option
 * that changes how it is opened could apply to it: an option of the
 * seedance protocol (-video_duration, -image, ...: the programs built with
 * it take them) or -f (lavfi takes the text for a graph), given between
 * the previous URL and it, or (the protocol's) after the last URL.
 *
 * Ctrl-C while submitting stops the submits that have not been sent and
 * names every task that was created; the program does not start.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define AHEAD_THREADS 8    /* submits at the same time at most */

typedef struct ahead {
    const char *url;       /* the argument */
    seedance_job *job;
    char *task_id;         /* the task submitted or found, NULL if none */
    int attached;          /* found in the journal: submitted before */
    int code;              /* seedance_job_submit_ahead()'s */
} ahead;

typedef struct ahead_list {
    ahead *a;
    int n;
    int next;              /* the next one to submit */
    pthread_mutex_t lock;
} ahead_list;

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_url(const char *arg)
{
    return !strncmp(arg, "seedance:", 9);
}

/* An option of the seedance protocol (-NAME or --NAME, NAME its AVOption
 * name: the programs built with the protocol take them)? */
static int is_protocol_option(const char *arg)
{
    if (arg[0] != '-')
        return 0;
    arg += arg[1] == '-' ? 2 : 1;
    for (const seedance_option *o = seedance_options(); o->name; o++)
        if (!strcmp(arg, o->ffname))
            return 1;
    return 0;
}

/* An option before a URL that changes how the program opens it: the
 * protocol's, or ffmpeg's -f (lavfi, for one, takes the text for a graph). */
static int is_open_option(const char *arg)
{
    return !strcmp(arg, "-f") || is_protocol_option(arg);
}

static int on_interrupt(void *opaque)
{
    (void)opaque;
    return cli_interrupted;
}

/* The library's warnings and errors while submitting (info only with -v: never here). */
static void on_log(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level > SEEDANCE_LOG_WARNING)
        return;
    pthread_mutex_lock(&print_lock);
    fprintf(stderr, "seedance run: %s%s\n", level == SEEDANCE_LOG_ERROR ? "error: " :
            "warning: ", msg);
    pthread_mutex_unlock(&print_lock);
}

/* Uploads take a while: they are told (the submits themselves after they end). */
static void on_progress(void *opaque, const seedance_progress *p)
{
    const ahead *x = opaque;

    if (p->event != SEEDANCE_EV_UPLOAD)
        return;
    pthread_mutex_lock(&print_lock);
    fprintf(stderr, "seedance run: uploading a local image (%" PRId64 " bytes) for %s\n",
            p->size, x->url);
    pthread_mutex_unlock(&print_lock);
}

/* One URL: the job from the environment and the URL, as the program's open makes it. */
static void submit_one(ahead *x)
{
    seedance_client *c;
    int code;

    if (!(x->job = seedance_job_new())) {
        x->code = SEEDANCE_E_NOMEM;
        return;
    }
    c = seedance_job_client(x->job);
    seedance_client_set_interrupt(c, on_interrupt, NULL);
    seedance_client_set_log(c, on_log, NULL);
    seedance_client_set_progress(c, on_progress, x);
    if ((code = seedance_job_set_env(x->job)) || (code = seedance_job_parse_url(x->job, x->url)))
        x->code = code;
    else
        x->code = seedance_job_submit_ahead(x->job, &x->task_id, &x->attached);
}

static void *worker(void *opaque)
{
    ahead_list *l = opaque;

    for (;;) {
        int i;

        pthread_mutex_lock(&l->lock);
        i = l->next < l->n ? l->next++ : -1;
        pthread_mutex_unlock(&l->lock);
        if (i < 0)
            return NULL;
        submit_one(&l->a[i]);
    }
}

/*
 * The URLs of argv to submit ahead, each once, in the order given. When
 * the command line has -i (ffmpeg), its inputs are the arguments of -i:
 * anything else is an output or an option's value. Otherwise (ffprobe,
 * ffplay, mpv, a script) every argument that is a seedance: URL.
 */
static int collect(int argc, char **argv, ahead_list *l)
{
    int with_i = 0, prev = -1, last = -1;

    if (!(l->a = calloc((size_t)argc, sizeof(*l->a))))
        return -1;
    for (int i = 0; i < argc; i++)
        with_i |= !strcmp(argv[i], "-i");
    for (int i = 0; i < argc; i++)
        if (is_url(argv[i]) && (!with_i || (i > 0 && !strcmp(argv[i - 1], "-i"))))
            last = i;
    for (int i = 0; i <= last; i++) {
        int options = 0, dup = 0;

        if (!is_url(argv[i]) || (with_i && (i == 0 || strcmp(argv[i - 1], "-i"))))
            continue;
        /* the options since the previous URL are this one's; the
         * protocol's after the last URL may be its own too (ffprobe takes
         * options anywhere; ffmpeg's -f there is the output's) */
        for (int k = prev + 1; k < i; k++)
            options |= is_open_option(argv[k]);
        for (int k = i + 1; i == last && k < argc; k++)
            options |= is_protocol_option(argv[k]);
        prev = i;
        for (int k = 0; k < l->n; k++)
            dup |= !strcmp(l->a[k].url, argv[i]);
        if (!options && !dup)
            l->a[l->n++].url = argv[i];
    }
    return 0;
}

/* Submit the list, AHEAD_THREADS at a time. */
static void submit_all(ahead_list *l)
{
    pthread_t threads[AHEAD_THREADS];
    int n = l->n < AHEAD_THREADS ? l->n : AHEAD_THREADS, started = 0;

    pthread_mutex_init(&l->lock, NULL);
    for (int i = 0; i < n; i++)
        if (!pthread_create(&threads[i], NULL, worker, l))
            started++;
    if (!started)
        worker(l);    /* no thread to be had: one after another */
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&l->lock);
}

/* What Ctrl-C leaves: every task created, and how to pick them up. */
static int report_interrupted(const ahead_list *l)
{
    int tasks = 0;

    fputs("seedance run: interrupted before the program started", stderr);
    for (int i = 0; i < l->n; i++)
        tasks += l->a[i].task_id != NULL;
    if (!tasks) {
        fputs("; no task was created\n", stderr);
    } else {
        fputs(". These tasks keep running; the same command again attaches to them:\n", stderr);
        for (int i = 0; i < l->n; i++)
            if (l->a[i].task_id)
                fprintf(stderr, "  %s  %s\n", l->a[i].task_id, l->a[i].url);
    }
    for (int i = 0; i < l->n; i++)
        if (l->a[i].code == SEEDANCE_E_UNCERTAIN)
            fprintf(stderr, "seedance run: %s: %s\n", l->a[i].url,
                    seedance_last_error(seedance_job_client(l->a[i].job))->message);
    return EXIT_INTERRUPTED;
}

/* After the submits: a line per new task, the failures; EXIT_OK or the status. */
static int report(ahead_list *l)
{
    int rc = EXIT_OK;

    if (cli_interrupted)
        return report_interrupted(l);
    for (int i = 0; i < l->n; i++) {
        ahead *x = &l->a[i];

        switch (x->code) {
        case SEEDANCE_OK:
            if (!x->attached)
                fprintf(stderr, "seedance run: task %s submitted for %s\n", x->task_id, x->url);
            break;
        case SEEDANCE_E_INVALID: case SEEDANCE_E_IMAGE: case SEEDANCE_E_CONFIG:
            break;          /* nothing sent: left to the program's open, which says why */
        default:
            fprintf(stderr, "seedance run: %s: %s\n", x->url, x->job ?
                    seedance_last_error(seedance_job_client(x->job))->message :
                    seedance_strerror(x->code));
            rc = EXIT_FAIL;
            break;
        }
    }
    return rc;
}

/* Wait for every task submitted, showing its progress (for programs that hide it). */
static int wait_all(ahead_list *l)
{
    for (int i = 0; i < l->n; i++) {
        ahead *x = &l->a[i];
        cli st;
        int code;

        if (!x->task_id)
            continue;
        memset(&st, 0, sizeof(st));
        st.progress = -1;
        st.job = x->job;
        st.client = seedance_job_client(x->job);
        snprintf(st.task_id, sizeof(st.task_id), "%s", x->task_id);
        cli_progress_start(&st);
        code = seedance_wait(st.client, x->task_id, NULL);
        cli_line_end(&st);
        if (code == SEEDANCE_E_INTERRUPTED)
            return report_interrupted(l);
        if (code) {
            fprintf(stderr, "seedance run: %s: %s\n", x->url,
                    seedance_last_error(st.client)->message);
            return EXIT_FAIL;
        }
    }
    return EXIT_OK;
}

int cli_run_ahead(int argc, char **argv, int wait)
{
    ahead_list l;
    int rc;

    memset(&l, 0, sizeof(l));
    if (collect(argc, argv, &l) < 0) {
        fputs("seedance run: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    if (l.n) {
        cli_catch_sigint();
        submit_all(&l);
        rc = report(&l);
        if (rc == EXIT_OK && wait)
            rc = wait_all(&l);
        signal(SIGINT, SIG_DFL);
    } else {
        rc = EXIT_OK;
    }
    for (int i = 0; i < l.n; i++) {
        free(l.a[i].task_id);
        seedance_job_free(l.a[i].job);
    }
    free(l.a);
    return rc;
}
