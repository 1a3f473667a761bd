/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * (2) The download path at line rate: a clip of about 190 MB served by
 * the emulator on 127.0.0.1.
 *
 * The emulator serves a task's result from its data directory, reading
 * the file when it is asked for it; the bench starts the emulator with a
 * data directory of its own and puts a large MP4 in the place of a
 * finished task's rendered file (10 s of 720p noise, x264 at crf 10, made
 * by ffmpeg; without any ffmpeg, pseudo-random bytes of the same size,
 * which are enough for the downloads but not for the ffmpeg lines).
 *
 * Median wall time, CPU time (user + system, all threads) and throughput
 * (clip size / median wall time) of RUNS runs, the programs alternating;
 * a speed against a baseline is the median of the RUNS ratios of a run to
 * the baseline's run of the same round, which met the same load of the
 * machine:
 *   curl -s -o FILE URL                    against
 *   seedance download ID -o FILE           cache on, emptied before each run
 *   seedance download ID -o FILE           the clip already in the cache
 *   ffmpeg -i http://URL -c copy -f null - against
 *   ffmpeg -i cache:http://URL ...          FFmpeg's own http with a file
 *                                           kept of what it read (for
 *                                           comparison, no target)
 *   ffmpeg -i seedance:ID -c copy -f null - cache on, emptied before each run
 *
 * On loopback all of them are bound by the processor, which the emulator
 * shares: there, whatever a program does besides receiving (seedance
 * writes the clip to the cache and hashes it) shows in the wall time. The
 * last two lines measure the same two ffmpeg commands at 1 Gbit/s (the
 * emulator's bandwidth limit): a network, not the processor, sets the
 * pace, as with the real service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define RUNS 9
#define LINE_RUNS 3         /* at 1 Gbit/s, each run takes 1.5 s */
#define LINE_BPS 125000000L
#define CLIP_BYTES (190L * 1000 * 1000)
#define NPROGS 8
/* The download path at line rate: a downloading seedance reads at least
 * this fraction of the speed of the same program fetching the same file
 * from the same server without seedance. */
#define TARGET 0.9

typedef struct prog {
    const char *name;
    int runs;
    double wall[RUNS], cpu[RUNS];
    int ok;
} prog;

/* Make the large clip in dir/big.mp4 (ffmpeg if any, else random bytes). */
static int make_clip(const char *dir, const char *ffmpeg, char *path, size_t n, int *valid)
{
    const char *ff = bench_executable(ffmpeg) ? ffmpeg : "ffmpeg";
    char *argv[] = { (char *)ff, "-nostdin", "-y", "-f", "lavfi", "-i",
                     "testsrc2=size=1280x720:rate=24,noise=alls=40:allf=t+u", "-f", "lavfi",
                     "-i", "sine=frequency=440:sample_rate=48000", "-t", "10", "-c:v",
                     "libx264", "-preset", "ultrafast", "-crf", "10", "-pix_fmt", "yuv420p",
                     "-c:a", "aac", "-shortest", "-movflags", "+faststart", path, NULL };
    double wall, cpu;

    snprintf(path, n, "%s/big.mp4", dir);
    *valid = bench_run(argv, NULL, &wall, &cpu) == 0;
    if (!*valid) {
        FILE *f = fopen(path, "wb");
        unsigned long x = 88172645463325252UL;
        if (!f)
            return -1;
        for (long i = 0; i < CLIP_BYTES / 8; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            fwrite(&x, sizeof(x), 1, f);
        }
        if (fclose(f))
            return -1;
    }
    return 0;
}

/* A finished task whose result file is the large clip. Its id allocated. */
static char *big_task(emu_proc *e, const char *clip)
{
    char *id = emu_submit(e, "a large clip", 4, "480p"), *url = NULL, *file = NULL;
    char cmd[1024];

    if (!id || !(url = emu_wait_result(e, id, 120)) || !(file = emu_task_field(e, id, "file"))) {
        free(url);
        free(id);
        return NULL;
    }
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s.new' && mv '%s.new' '%s'", clip, file, file, file);
    if (system(cmd) != 0) {
        free(id);
        id = NULL;
    }
    free(url);
    free(file);
    return id;
}

/* One run of p; out (and cache, when not NULL) removed first: every
 * program writes a new file (replacing one costs ext4 a flush). */
static void run_one(prog *p, int i, char *const argv[], char *const env[], const char *out,
                    const char *cache)
{
    char cmd[1000];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", out, cache ? cache : out);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", out);
    p->ok &= bench_run(argv, env, &p->wall[i], &p->cpu[i]) == 0;
}

/* One line: wall, CPU, throughput; against ref, the speed ratio and, when
 * target > 0, whether it is met. */
static void print_prog(prog *p, prog *ref, long size, double target)
{
    double x[RUNS], w, c;
    int n = p->runs;

    memcpy(x, p->wall, sizeof(x));      /* bench_median sorts: keep the rounds */
    w = bench_median(x, n);
    memcpy(x, p->cpu, sizeof(x));
    c = bench_median(x, n);

    if (!p->ok) {
        printf("    %-40s failed\n", p->name);
        return;
    }
    printf("    %-40s %5.2f s %5.2f s %5.0f MB/s", p->name, w, c, w > 0 ? size / 1e6 / w : 0);
    if (ref && ref->ok && w > 0) {
        for (int i = 0; i < n; i++)
            x[i] = p->wall[i] > 0 ? ref->wall[i] / p->wall[i] : 0;
        x[0] = bench_median(x, n);
        printf("  %.2fx %s", x[0], ref->name);
        if (target > 0)
            printf(" (target %.1fx: %s)", target, x[0] >= target ? "met" : "NOT MET");
    }
    printf("\n");
}

/* The runs, alternating the programs. ff: run the ffmpeg lines. */
static void measure(prog *pr, emu_proc *e, const char *id, const bench_paths *bp,
                    const char *dir, int ff)
{
    char url[256], http_cache[300], out[400], cache[400], seed[200];
    char env_key[128], env_base[128], env_cache[450];
    char *env[] = { env_key, env_base, env_cache, NULL };
    char *curl[] = { "curl", "-s", "-f", "-o", out, url, NULL };
    char *sd[] = { (char *)bp->seedance, "download", (char *)id, "-o", out, "--quiet", NULL };
    char *ffh[] = { (char *)bp->ffmpeg, "-nostdin", "-v", "error", "-i", url, "-c", "copy",
                    "-f", "null", "-", NULL };
    char *ffs[] = { (char *)bp->ffmpeg, "-nostdin", "-v", "error", "-i", seed, "-c", "copy",
                    "-f", "null", "-", NULL };
    char *ffc[] = { (char *)bp->ffmpeg, "-nostdin", "-v", "error", "-i", http_cache, "-c",
                    "copy", "-f", "null", "-", NULL };
    char bw[64];

    snprintf(url, sizeof(url), "%s/results/%s.mp4", e->url, id);
    snprintf(http_cache, sizeof(http_cache), "cache:%s", url);
    snprintf(out, sizeof(out), "%s/out.mp4", dir);
    snprintf(cache, sizeof(cache), "%s/cache", dir);
    snprintf(seed, sizeof(seed), "seedance:%s", id);
    snprintf(env_key, sizeof(env_key), "SEEDANCE_API_KEY=%s", e->key);
    snprintf(env_base, sizeof(env_base), "SEEDANCE_API_BASE=%s", e->url);
    snprintf(env_cache, sizeof(env_cache), "SEEDANCE_CACHE_DIR=%s", cache);
    for (int i = 0; i < RUNS; i++) {
        run_one(&pr[0], i, curl, NULL, out, NULL);
        run_one(&pr[1], i, sd, env, out, cache);
        run_one(&pr[2], i, sd, env, out, NULL);
        if (ff) {
            run_one(&pr[3], i, ffh, NULL, out, NULL);
            run_one(&pr[4], i, ffs, env, out, cache);
            run_one(&pr[5], i, ffc, NULL, out, NULL);
        }
    }
    if (!ff)
        return;
    snprintf(bw, sizeof(bw), "{\"bandwidth\":%ld}", LINE_BPS);
    if (emu_post(e, "/_emu/config", bw) != 200) {
        pr[6].ok = pr[7].ok = 0;
        return;
    }
    for (int i = 0; i < LINE_RUNS; i++) {
        run_one(&pr[6], i, ffh, NULL, out, NULL);
        run_one(&pr[7], i, ffs, env, out, cache);
    }
    emu_post(e, "/_emu/config", "{\"bandwidth\":0}");
}

int bench_download(const bench_paths *bp)
{
    static const char *const no_lag[] = { "--cdn-lag", "0", NULL };   /* downloads, not the CDN */
    prog pr[NPROGS] = { { "curl -o", RUNS, { 0 }, { 0 }, 1 },
                        { "seedance download (cache on)", RUNS, { 0 }, { 0 }, 1 },
                        { "seedance download (clip in the cache)", RUNS, { 0 }, { 0 }, 1 },
                        { "ffmpeg -i http:// -c copy -f null -", RUNS, { 0 }, { 0 }, 1 },
                        { "ffmpeg -i seedance: (cache on)", RUNS, { 0 }, { 0 }, 1 },
                        { "ffmpeg -i cache:http://", RUNS, { 0 }, { 0 }, 1 },
                        { "ffmpeg -i http://, at 1 Gbit/s", LINE_RUNS, { 0 }, { 0 }, 1 },
                        { "ffmpeg -i seedance:, at 1 Gbit/s", LINE_RUNS, { 0 }, { 0 }, 1 } };
    char clip[400], *id = NULL;
    int valid = 0, ff;
    struct stat st;
    emu_proc e;
    long size;

    printf("(2) Download of a clip of about 190 MB from the emulator on 127.0.0.1\n");
    if (!bench_executable(bp->seedance)) {
        printf("    skipped: no seedance command (make tools)\n\n");
        return 0;
    }
    if (emu_start(&e, bp->emulator, 0.5, no_lag) || make_clip(e.dir, bp->ffmpeg, clip,
                                                            sizeof(clip), &valid) ||
        !(id = big_task(&e, clip))) {
        fprintf(stderr, "could not set up the large clip\n");
        emu_stop(&e);
        return 1;
    }
    size = stat(clip, &st) == 0 ? (long)st.st_size : -1;
    ff = valid && bench_executable(bp->ffmpeg);
    measure(pr, &e, id, bp, e.dir, ff);
    printf("    clip: %.1f MB, %s; median of %d runs\n", size / 1e6,
           valid ? "an MP4 (10 s of 720p noise)" : "pseudo-random bytes (no ffmpeg found)", RUNS);
    printf("    %-40s %7s %7s %10s\n", "", "wall", "CPU", "throughput");
    print_prog(&pr[0], NULL, size, 0);
    print_prog(&pr[1], &pr[0], size, TARGET);
    print_prog(&pr[2], &pr[0], size, 0);
    if (ff) {
        print_prog(&pr[3], NULL, size, 0);
        print_prog(&pr[4], &pr[3], size, TARGET);
        print_prog(&pr[5], &pr[3], size, 0);
        print_prog(&pr[6], NULL, size, 0);
        print_prog(&pr[7], &pr[6], size, TARGET);
    } else {
        printf("    ffmpeg lines skipped: %s\n", valid ? "no ffmpeg with the seedance protocol "
               "(build/bin/ffmpeg: ./configure && make)" : "no valid MP4 could be made");
    }
    printf("\n");
    free(id);
    emu_stop(&e);
    return 0;
}
