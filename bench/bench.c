/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance-bench: libseedance against the local emulator (make bench).
 *
 *   (1) Noticing completion (notice.c): tasks of about 7, 21 and 48 s
 *       with an exact estimate, one 0.4 and one 2.5 times the truth, and
 *       progress that is linear, in steps, or stuck at 0, all at once in
 *       real time: seedance_wait() next to the published clients' 5 s /
 *       10 s poller and a fixed 10 s poller.
 *   (2) The download of a clip of about 190 MB (download.c): seedance
 *       download against curl -o, ffmpeg -i seedance: against ffmpeg -i
 *       http:// when an ffmpeg with the seedance protocol was built.
 *   (3) The first byte against the whole file on a slow link, and (4)
 *       peak memory while streaming (stream.c).
 *
 *   seedance-bench --emulator PATH [--seedance PATH] [--ffmpeg PATH]
 *                  [--only notice|download|stream]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

seedance_client *bench_client(const emu_proc *e, int cache, const char *cache_dir)
{
    seedance_client *c = seedance_client_new();

    seedance_client_set_api_key(c, e->key);
    seedance_client_set_api_base(c, e->url);
    seedance_client_set_files_base(c, e->url);
    if (cache_dir)
        seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_cache(c, cache);
    return c;
}

int bench_executable(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int bench_run(char *const argv[], char *const env[], double *wall, double *cpu)
{
    struct rusage ru;
    double t0 = bench_now();
    pid_t pid;
    int st;

    fflush(NULL);
    if ((pid = fork()) == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        for (int i = 0; env && env[i]; i++)
            putenv(env[i]);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
        return -1;
    *wall = bench_now() - t0;
    *cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    bench_paths p = { NULL, NULL, NULL };
    const char *only = "";
    double t0 = bench_now();
    int rc = 0;

    if (argc == 3 && !strcmp(argv[1], "--stream-child"))
        return bench_stream_child(argv[2], 1);
    if (argc == 3 && !strcmp(argv[1], "--idle-child"))
        return bench_stream_child(argv[2], 0);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--emulator"))
            p.emulator = argv[i + 1];
        else if (!strcmp(argv[i], "--seedance"))
            p.seedance = argv[i + 1];
        else if (!strcmp(argv[i], "--ffmpeg"))
            p.ffmpeg = argv[i + 1];
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
    }
    if (!bench_executable(p.emulator)) {
        fprintf(stderr, "usage: seedance-bench --emulator PATH [--seedance PATH] "
                "[--ffmpeg PATH] [--only notice|download|stream]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("seedance-bench: libseedance %s against the emulator, on 127.0.0.1\n\n",
           SEEDANCE_VERSION);
    if (!*only || !strcmp(only, "notice"))
        rc |= bench_notice(&p);
    if (!*only || !strcmp(only, "download"))
        rc |= bench_download(&p);
    if (!*only || !strcmp(only, "stream")) {
        rc |= bench_first_byte(&p);
        rc |= bench_memory(&p, "/proc/self/exe");
    }
    curl_global_cleanup();
    printf("total bench time %.0f s\n", bench_now() - t0);
    return rc;
}
