/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance-bench: libseedance against the local emulator.
 *
 *   (1) Noticing completion: tasks with generation times from 6.5 to 47 s,
 *       each watched at the same time by seedance_wait() on the client that
 *       submitted it (the product's path: the submit reply's estimate is its
 *       starting point) and by two fixed pollers (every 5 s and every 10 s,
 *       loops over seedance_get_task):
 *       how late each notices the completion, and how many queries it sent.
 *   (2) Time to the first byte of the result versus the time to the whole
 *       file, on a bandwidth-limited download.
 *   (3) Peak memory (ru_maxrss of a child process) while streaming a 15 s
 *       720p clip, next to the same child that opens nothing.
 *
 *   seedance-bench --emulator PATH     (make bench)
 *
 * The completion time of a task is its submit time plus the generation
 * time the emulator was given (the emulator completes a task exactly then
 * when its file is rendered by that time, which these short clips are).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu_proc.h"
#include "seedance.h"

static emu_proc E;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static seedance_client *client(int cache, const char *cache_dir)
{
    seedance_client *c = seedance_client_new();
    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_files_base(c, E.url);
    if (cache_dir)
        seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_cache(c, cache);
    return c;
}

/* ------------------------------------------------------------------ */
/* (1) noticing completion                                            */

#define NTASKS 5
/* not multiples of 5 s: a fixed poller's luck would hide its lateness */
static const double gen_times[NTASKS] = { 6.5, 13, 21.5, 33, 47 };

typedef struct watch {
    const char *task_id;
    double completes;       /* monotonic time the task completes */
    double interval;        /* 0: seedance_wait, else a fixed poller */
    seedance_client *c;     /* seedance_wait: the client that submitted the task */
    double late;            /* noticed - completes */
    int polls;
    int ok;
} watch;

static void count_poll(void *opaque, const seedance_progress *p)
{
    if (p->event == SEEDANCE_EV_POLL)
        ++*(int *)opaque;
}

static void *watcher(void *opaque)
{
    watch *w = opaque;
    seedance_client *c = w->c ? w->c : client(0, NULL);
    seedance_task *t = NULL;
    double start = now();

    if (w->interval <= 0) {
        /* the product's path: submit then wait on the same client, which
         * starts from the submit reply's estimate */
        seedance_client_set_progress(c, count_poll, &w->polls);
        w->ok = seedance_wait(c, w->task_id, &t) == SEEDANCE_OK;
    } else {
        for (;;) {
            double next = start + w->interval * (w->polls + 1);
            while (now() < next)
                emu_sleep_ms((long)((next - now()) * 1000) + 1);
            w->polls++;
            seedance_task_free(t);
            t = NULL;
            if (seedance_get_task(c, w->task_id, &t) == SEEDANCE_OK && seedance_task_is_final(t)) {
                w->ok = !strcmp(seedance_task_status(t), "completed");
                break;
            }
            if (w->polls > 1000)
                break;
        }
    }
    w->late = now() - w->completes;
    seedance_task_free(t);
    seedance_client_free(c);
    return NULL;
}

static int bench_polling(void)
{
    char *ids[NTASKS] = { 0 };
    watch w[NTASKS][3];
    pthread_t th[NTASKS][3];
    const double intervals[3] = { 0, 5, 10 };
    double sum_late[3] = { 0 }, max_late[3] = { 0 };
    int sum_polls[3] = { 0 };

    printf("(1) Noticing completion: %d tasks watched at once by three pollers\n", NTASKS);
    for (int i = 0; i < NTASKS; i++) {
        char cfg[64];
        snprintf(cfg, sizeof(cfg), "{\"gen_time\":%g}", gen_times[i]);
        emu_post(&E, "/_emu/config", cfg);
        seedance_client *c = client(0, NULL);
        seedance_request *r = seedance_request_new();
        seedance_request_set(r, "prompt", "a lighthouse at dusk, slow pan", NULL);
        seedance_request_set(r, "duration", "4", NULL);
        seedance_request_set(r, "quality", "480p", NULL);
        double t0 = now();
        int rc = seedance_submit(c, r, SEEDANCE_NEW, &ids[i], NULL);
        seedance_request_free(r);
        if (rc) {
            fprintf(stderr, "submit failed: %s\n", seedance_last_error(c)->message);
            seedance_client_free(c);
            return 1;
        }
        for (int k = 0; k < 3; k++) {
            w[i][k] = (watch){ .task_id = ids[i], .completes = t0 + gen_times[i],
                               .interval = intervals[k], .c = k == 0 ? c : NULL };
            pthread_create(&th[i][k], NULL, watcher, &w[i][k]);
        }
    }
    for (int i = 0; i < NTASKS; i++)
        for (int k = 0; k < 3; k++)
            pthread_join(th[i][k], NULL);

    printf("    %-10s | %-20s | %-20s | %-20s\n", "", "libseedance", "fixed 5 s poller",
           "fixed 10 s poller");
    printf("    %-10s | %9s %10s | %9s %10s | %9s %10s\n", "gen. time", "late (s)", "queries",
           "late (s)", "queries", "late (s)", "queries");
    for (int i = 0; i < NTASKS; i++) {
        printf("    %8.1f s |", gen_times[i]);
        for (int k = 0; k < 3; k++) {
            if (w[i][k].ok)
                printf(" %9.2f %10d %s", w[i][k].late, w[i][k].polls, k < 2 ? "|" : "");
            else
                printf(" %20s %s", "failed", k < 2 ? "|" : "");
            sum_late[k] += w[i][k].late;
            sum_polls[k] += w[i][k].polls;
            if (w[i][k].late > max_late[k])
                max_late[k] = w[i][k].late;
        }
        printf("\n");
    }
    printf("    %-10s |", "mean/total");
    for (int k = 0; k < 3; k++)
        printf(" %9.2f %10d %s", sum_late[k] / NTASKS, sum_polls[k], k < 2 ? "|" : "");
    printf("\n    %-10s |", "worst");
    for (int k = 0; k < 3; k++)
        printf(" %9.2f %10s %s", max_late[k], "", k < 2 ? "|" : "");
    printf("\n    (late = seconds between the completion and the poller seeing it)\n\n");
    for (int i = 0; i < NTASKS; i++)
        free(ids[i]);
    emu_post(&E, "/_emu/config", "{\"gen_time\":0.5}");
    return 0;
}

/* ------------------------------------------------------------------ */
/* (2) first byte versus whole file                                   */

static int bench_first_byte(void)
{
    seedance_client *c = client(0, NULL);
    seedance_stream *s = NULL;
    static unsigned char buf[65536];
    char *id, *url, cfg[64];
    double t0, t_open, t_first = -1, t_all;
    int64_t n, total = 0, size;
    long bps;

    printf("(2) Result download: first byte versus whole file\n");
    if (!(id = emu_submit(&E, "waves on a black sand beach", 8, "720p")) ||
        !(url = emu_wait_result(&E, id, 300))) {
        fprintf(stderr, "task failed\n");
        free(id);
        seedance_client_free(c);
        return 1;
    }
    free(url);
    {
        char *file = emu_task_field(&E, id, "file");
        unsigned char *data = NULL;
        size = file ? emu_slurp(file, &data) : -1;
        free(file);
        free(data);
    }
    bps = size > 0 ? (long)(size / 8) : 250000;      /* about 8 s for the whole file */
    snprintf(cfg, sizeof(cfg), "{\"bandwidth\":%ld}", bps);
    emu_post(&E, "/_emu/config", cfg);

    t0 = now();
    if (seedance_open_task(c, id, &s)) {
        fprintf(stderr, "open: %s\n", seedance_last_error(c)->message);
        free(id);
        seedance_client_free(c);
        return 1;
    }
    t_open = now() - t0;
    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        if (t_first < 0)
            t_first = now() - t0;
        total += n;
    }
    t_all = now() - t0;
    seedance_stream_close(s);
    emu_post(&E, "/_emu/config", "{\"bandwidth\":0}");

    printf("    clip: 8 s 720p, %" PRId64 " bytes, served at %ld bytes/s\n", total, bps);
    printf("    %-34s %8.3f s\n", "open (task query + reply headers)", t_open);
    printf("    %-34s %8.3f s\n", "first byte delivered", t_first);
    printf("    %-34s %8.3f s\n", "whole file delivered", t_all);
    printf("    (the first byte reaches the reader %.0fx sooner than the whole file)\n\n",
           t_first > 0 ? t_all / t_first : 0.0);
    free(id);
    seedance_client_free(c);
    return n < 0;
}

/* ------------------------------------------------------------------ */
/* (3) peak memory                                                    */

/* The child: open the task (or not) and read it all. Exit 0 on success. */
static int stream_child(const char *id, int do_stream)
{
    seedance_client *c = seedance_client_new();   /* key and bases from the environment */
    seedance_stream *s = NULL;
    static unsigned char buf[65536];
    int64_t n = 0, total = 0;

    if (!c)
        return 1;
    seedance_client_set_cache(c, 1);
    if (do_stream) {
        if (seedance_open_task(c, id, &s)) {
            fprintf(stderr, "open: %s\n", seedance_last_error(c)->message);
            return 1;
        }
        while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0)
            total += n;
        printf("%" PRId64 "\n", total);
        seedance_stream_close(s);
    } else {
        seedance_task *t = NULL;
        seedance_get_task(c, id, &t);
        seedance_task_free(t);
        printf("0\n");
    }
    seedance_client_free(c);
    return n < 0;
}

/* Run this program as a child; returns its ru_maxrss in KiB, -1 on failure. */
static long run_child(const char *id, int do_stream, const char *cache_dir, int64_t *bytes)
{
    int fds[2];
    pid_t pid;
    int st;
    struct rusage ru;
    char out[64] = "";

    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    if ((pid = fork()) == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        setenv("SEEDANCE_API_KEY", E.key, 1);
        setenv("SEEDANCE_API_BASE", E.url, 1);
        setenv("SEEDANCE_FILES_BASE", E.url, 1);
        setenv("SEEDANCE_CACHE_DIR", cache_dir, 1);
        execl("/proc/self/exe", "seedance-bench", do_stream ? "--stream-child" : "--idle-child",
              id, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    ssize_t k = read(fds[0], out, sizeof(out) - 1);
    out[k > 0 ? k : 0] = '\0';
    close(fds[0]);
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    *bytes = strtoll(out, NULL, 10);
    return ru.ru_maxrss;
}

static int bench_memory(void)
{
    char cache_dir[300], cmd[400], *id, *url;
    int64_t bytes = 0, none = 0;
    long idle, peak;

    printf("(3) Peak memory while streaming a 15 s 720p clip\n");
    snprintf(cache_dir, sizeof(cache_dir), "%s/bench-cache", E.dir);
    if (!(id = emu_submit(&E, "a city street in the rain, night", 15, "720p")) ||
        !(url = emu_wait_result(&E, id, 300))) {
        fprintf(stderr, "task failed\n");
        free(id);
        return 1;
    }
    free(url);
    idle = run_child(id, 0, cache_dir, &none);
    peak = run_child(id, 1, cache_dir, &bytes);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", cache_dir);
    free(id);
    if (idle < 0 || peak < 0) {
        fprintf(stderr, "child failed\n");
        return 1;
    }
    printf("    clip size                          %10.1f MiB (streamed and cached)\n",
           (double)bytes / 1048576.0);
    printf("    peak RSS, client + one task query  %10.1f MiB\n", idle / 1024.0);
    printf("    peak RSS, streaming the whole clip %10.1f MiB\n", peak / 1024.0);
    printf("    added by streaming                 %10.1f MiB\n\n", (peak - idle) / 1024.0);
    return 0;
}

int main(int argc, char **argv)
{
    const char *emu = NULL;
    int rc = 0;
    double t0 = now();

    if (argc == 3 && !strcmp(argv[1], "--stream-child"))
        return stream_child(argv[2], 1);
    if (argc == 3 && !strcmp(argv[1], "--idle-child"))
        return stream_child(argv[2], 0);
    if (argc == 3 && !strcmp(argv[1], "--emulator"))
        emu = argv[2];
    if (!emu) {
        fprintf(stderr, "usage: seedance-bench --emulator PATH-TO-evolink-emu\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (emu_start(&E, emu, 0.5, NULL)) {
        fprintf(stderr, "cannot start the emulator %s\n", emu);
        return 1;
    }
    printf("seedance-bench: libseedance %s against the emulator at %s\n\n", SEEDANCE_VERSION,
           E.url);
    rc |= bench_polling();
    rc |= bench_first_byte();
    rc |= bench_memory();
    emu_stop(&E);
    curl_global_cleanup();
    printf("total bench time %.0f s\n", now() - t0);
    return rc;
}
