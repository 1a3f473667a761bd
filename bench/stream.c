/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * (3) The first byte of the result against the whole file on a
 * bandwidth-limited download, and the peak memory (ru_maxrss of a child
 * process) while streaming a 15 s 720p clip, next to the same child that
 * opens nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Read the whole stream; the time of the first byte in *first. */
static int64_t read_all(seedance_stream *s, double t0, double *first)
{
    static unsigned char buf[65536];
    int64_t n, total = 0;

    *first = -1;
    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        if (*first < 0)
            *first = bench_now() - t0;
        total += n;
    }
    return n < 0 ? n : total;
}

int bench_first_byte(const bench_paths *p)
{
    static const char *const no_lag[] = { "--cdn-lag", "0", NULL };
    seedance_client *c = NULL;
    seedance_stream *s = NULL;
    char *id = NULL, *url = NULL, *file = NULL, cfg[64];
    double t0, t_open, t_first = -1, t_all;
    int64_t total = -1;
    long size = -1, bps;
    unsigned char *data = NULL;
    emu_proc e;

    printf("(3) Result download: first byte versus whole file\n");
    if (emu_start(&e, p->emulator, 0.5, no_lag) ||
        !(id = emu_submit(&e, "waves on a black sand beach", 8, "720p")) ||
        !(url = emu_wait_result(&e, id, 300)) || !(file = emu_task_field(&e, id, "file")) ||
        (size = emu_slurp(file, &data)) <= 0) {
        fprintf(stderr, "task failed\n");
        goto out;
    }
    bps = size / 8;                 /* about 8 s for the whole file */
    snprintf(cfg, sizeof(cfg), "{\"bandwidth\":%ld}", bps);
    emu_post(&e, "/_emu/config", cfg);
    c = bench_client(&e, 0, NULL);
    t0 = bench_now();
    if (seedance_open_task(c, id, &s)) {
        fprintf(stderr, "open: %s\n", seedance_last_error(c)->message);
        goto out;
    }
    t_open = bench_now() - t0;
    total = read_all(s, t0, &t_first);
    t_all = bench_now() - t0;
    printf("    clip: 8 s 720p, %" PRId64 " bytes, served at %ld bytes/s\n", total, bps);
    printf("    %-34s %8.3f s\n", "open (task query + reply headers)", t_open);
    printf("    %-34s %8.3f s\n", "first byte delivered", t_first);
    printf("    %-34s %8.3f s\n", "whole file delivered", t_all);
    printf("    (the first byte reaches the reader %.0fx sooner than the whole file)\n\n",
           t_first > 0 ? t_all / t_first : 0.0);
out:
    seedance_stream_close(s);
    seedance_client_free(c);
    free(id);
    free(url);
    free(file);
    free(data);
    emu_stop(&e);
    return total < 0;
}

/* The child: open the task (or only query it) and read it all. */
int bench_stream_child(const char *id, int do_stream)
{
    seedance_client *c = seedance_client_new();   /* key and bases from the environment */
    seedance_stream *s = NULL;
    int64_t total = 0;
    double first;

    if (!c)
        return 1;
    seedance_client_set_cache(c, 1);
    if (do_stream) {
        if (seedance_open_task(c, id, &s)) {
            fprintf(stderr, "open: %s\n", seedance_last_error(c)->message);
            return 1;
        }
        total = read_all(s, bench_now(), &first);
        seedance_stream_close(s);
    } else {
        seedance_task *t = NULL;
        seedance_get_task(c, id, &t);
        seedance_task_free(t);
    }
    printf("%" PRId64 "\n", total);
    seedance_client_free(c);
    return total < 0;
}

/* Run this program as a child; its ru_maxrss in KiB, -1 on failure. */
static long run_child(const emu_proc *e, const char *self, const char *id, int do_stream,
                      const char *cache_dir, int64_t *bytes)
{
    char out[64] = "";
    struct rusage ru;
    int fds[2], st;
    pid_t pid;
    ssize_t k;

    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    if ((pid = fork()) == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        setenv("SEEDANCE_API_KEY", e->key, 1);
        setenv("SEEDANCE_API_BASE", e->url, 1);
        setenv("SEEDANCE_FILES_BASE", e->url, 1);
        setenv("SEEDANCE_CACHE_DIR", cache_dir, 1);
        execl(self, self, do_stream ? "--stream-child" : "--idle-child", id, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    k = read(fds[0], out, sizeof(out) - 1);
    out[k > 0 ? k : 0] = '\0';
    close(fds[0]);
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    *bytes = strtoll(out, NULL, 10);
    return ru.ru_maxrss;
}

int bench_memory(const bench_paths *p, const char *self)
{
    char cache_dir[300], *id = NULL, *url = NULL;
    int64_t bytes = 0, none = 0;
    long idle = -1, peak = -1;
    emu_proc e;

    printf("(4) Peak memory while streaming a 15 s 720p clip\n");
    if (emu_start(&e, p->emulator, 0.5, NULL) == 0 &&
        (id = emu_submit(&e, "a city street in the rain, night", 15, "720p")) &&
        (url = emu_wait_result(&e, id, 300))) {
        snprintf(cache_dir, sizeof(cache_dir), "%s/bench-cache", e.dir);
        idle = run_child(&e, self, id, 0, cache_dir, &none);
        peak = run_child(&e, self, id, 1, cache_dir, &bytes);
    }
    free(id);
    free(url);
    emu_stop(&e);
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
