/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The download's ring (stream_ring.c) against the emulator (started here,
 * on 127.0.0.1), with a result several times the ring's size: a reader
 * that keeps up (odd read sizes, across the ring's end), a reader left far
 * behind (the ring overwritten: the rest from the file), a reader holding
 * a piece of the ring (the download waits for it), seeks back by more than
 * the ring while downloading, a save while downloading, and a dropped
 * connection resumed in the middle of the ring. Every byte read is
 * compared with the server's file, and so is the committed cache file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu_proc.h"
#include "stream.h"
#include "stream_peek.h"
#include "tap.h"

static emu_proc E;
static char dir[300];

/* The large clip: the server's bytes. */
static char *id, *url;
static unsigned char *data;
static long size;

static seedance_client *client(int cache)
{
    seedance_client *c = seedance_client_new();
    char cache_dir[400];

    snprintf(cache_dir, sizeof(cache_dir), "%s/cache", dir);
    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_files_base(c, E.url);
    seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_cache(c, cache);
    return c;
}

/* A finished task whose result is replaced by size pseudo-random bytes. */
static int large_clip(long n)
{
    char *file = NULL, tmp[600];
    unsigned long x = 88172645463325252UL;
    FILE *f;
    int rc = -1;

    if (!(id = emu_submit(&E, "a large result", 4, "480p")) ||
        !(url = emu_wait_result(&E, id, 120)) || !(file = emu_task_field(&E, id, "file")) ||
        !(data = malloc((size_t)n)))
        goto out;
    for (long i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        data[i] = (unsigned char)(x >> 24);
    }
    snprintf(tmp, sizeof(tmp), "%s.new", file);
    if ((f = fopen(tmp, "wb")) && fwrite(data, 1, (size_t)n, f) == (size_t)n && !fclose(f) &&
        rename(tmp, file) == 0) {
        size = n;
        rc = 0;
    }
out:
    free(file);
    return rc;
}

static void set_bandwidth(long bps)
{
    char body[64];
    snprintf(body, sizeof(body), "{\"bandwidth\":%ld}", bps);
    emu_post(&E, "/_emu/config", body);
}

/* Read n bytes at pos in reads of chunk bytes; all equal to the server's? */
static int read_equal(seedance_stream *s, int64_t pos, int64_t n, size_t chunk)
{
    static unsigned char buf[1 << 20];
    int64_t total = 0;

    if (chunk > sizeof(buf) || seedance_stream_seek(s, pos, SEEK_SET) != pos)
        return 0;
    while (total < n) {
        size_t want = n - total < (int64_t)chunk ? (size_t)(n - total) : chunk;
        int64_t r = seedance_stream_read(s, buf, want);
        if (r <= 0 || memcmp(buf, data + pos + total, (size_t)r))
            return 0;
        total += r;
    }
    return 1;
}

/* The end of the stream is reached where the server's file ends. */
static int at_end(seedance_stream *s)
{
    unsigned char b;
    return seedance_stream_read(s, &b, 1) == 0;
}

/* Wait (bounded) until the main download received everything. */
static int wait_received(seedance_stream *s)
{
    for (int i = 0; i < 1200 && main_end(s) < size; i++)
        emu_sleep_ms(100);
    return main_end(s) == size;
}

/* The committed cache file equals the server's file. */
static int cache_equal(void)
{
    char path[600];
    unsigned char *cached = NULL;
    long n;
    int same;

    snprintf(path, sizeof(path), "%s/cache/clips/%s.mp4", dir, id);
    n = emu_slurp(path, &cached);
    same = n == size && !memcmp(cached, data, (size_t)size);
    free(cached);
    return same;
}

static void remove_cache(void)
{
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s/cache'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s/cache\n", dir);
}

static seedance_stream *open_stream(seedance_client *c, const char *what)
{
    seedance_stream *s = NULL;
    int rc = sd_stream_open_url(c, id, url, &s);

    OK(rc == SEEDANCE_OK, "%s: open (%s)", what, rc ? seedance_last_error(c)->message : "ok");
    return rc ? NULL : s;
}

static void test_keeps_up(void)
{
    seedance_client *c = client(1);
    seedance_stream *s;

    remove_cache();
    if ((s = open_stream(c, "a reader that keeps up"))) {
        OK(read_equal(s, 0, size, 100003) && at_end(s),
           "reads of 100003 bytes, across the ring's end: the whole clip, identical");
        seedance_stream_close(s);
        OK(cache_equal(), "the cached clip is identical to the server's");
    }
    seedance_client_free(c);
}

static void test_far_behind(void)
{
    seedance_client *c = client(0);
    seedance_stream *s;

    if ((s = open_stream(c, "a reader left behind"))) {
        OK(read_equal(s, 0, 1000, 1000), "the first 1000 bytes");
        OK(wait_received(s), "the download went on without the reader, to the end");
        OK(read_equal(s, 1000, size - 1000, 65536) && at_end(s),
           "the rest, from the file and then the ring, identical");
        OK(read_equal(s, 0, 3 * SD_RING_SIZE, 32768), "read again from the start, identical");
        seedance_stream_close(s);
    }
    seedance_client_free(c);
}

/* A piece of the ring held by the reader is never overwritten: the
 * download waits, at most a ring ahead of it, and goes on once released. */
static void test_pinned(void)
{
    seedance_client *c = client(0);
    seedance_stream *s;
    sd_region r;
    int64_t n, ahead = 0;

    set_bandwidth(256 * 1024);              /* slow until the piece is held */
    if ((s = open_stream(c, "a reader holding a piece of the ring"))) {
        n = sd_stream_region(s, 65536, 0, &r);
        OK(n > 0 && r.mem, "the first bytes are in the ring (%" PRId64 ")", n);
        set_bandwidth(0);
        for (int i = 0; i < 20 && n > 0 && r.mem; i++) {
            emu_sleep_ms(100);
            if (main_end(s) > ahead)
                ahead = main_end(s);
        }
        OK(ahead <= SD_RING_SIZE, "the download waits at most a ring ahead of the held "
           "piece (%" PRId64 " bytes received)", ahead);
        OK(n > 0 && r.mem && !memcmp(r.mem, data, (size_t)n), "the held piece is intact");
        sd_stream_advance(s, &r, n > 0 ? n : 0);
        OK(n > 0 && wait_received(s) && read_equal(s, n, size - n, 65536) && at_end(s),
           "released: the download goes on, the clip is identical");
        seedance_stream_close(s);
    }
    set_bandwidth(0);
    seedance_client_free(c);
}

static void test_seek_back(void)
{
    seedance_client *c = client(1);
    seedance_stream *s;
    int64_t pos = 0, step = SD_RING_SIZE / 2;
    int same = 1;

    remove_cache();
    set_bandwidth(size / 3 + 1);            /* about 3 s for the whole clip */
    if ((s = open_stream(c, "seeks back while downloading"))) {
        while (same && pos + step <= size) {
            same = read_equal(s, pos, step, 40000);
            if (same && pos >= 3 * SD_RING_SIZE)    /* by more than the ring */
                same = read_equal(s, pos - 3 * SD_RING_SIZE, 8192, 8192);
            pos += step;
        }
        OK(same && read_equal(s, pos, size - pos, 40000) && at_end(s),
           "reads after seeks back by three rings, identical");
        seedance_stream_close(s);
        OK(cache_equal(), "the cached clip is identical to the server's");
    }
    set_bandwidth(0);
    seedance_client_free(c);
}

static void test_save(void)
{
    seedance_client *c = client(1);
    seedance_stream *s;
    char out[400];
    unsigned char *saved = NULL;
    long n = 0;

    remove_cache();
    snprintf(out, sizeof(out), "%s/saved.mp4", dir);
    set_bandwidth(size / 2 + 1);            /* the save waits for the writer */
    if ((s = open_stream(c, "a save while downloading"))) {
        OK(seedance_stream_save(s, out) == SEEDANCE_OK, "seedance_stream_save succeeds");
        n = emu_slurp(out, &saved);
        OK(n == size && !memcmp(saved, data, (size_t)size), "the saved file is identical");
        seedance_stream_close(s);
        OK(cache_equal(), "the cached clip is identical to the server's");
    }
    free(saved);
    set_bandwidth(0);
    seedance_client_free(c);
}

static void test_drop(void)
{
    seedance_client *c = client(1);
    seedance_stream *s;
    char fault[128];

    remove_cache();
    snprintf(fault, sizeof(fault), "{\"type\":\"drop\",\"after_bytes\":%ld}",
             (long)(SD_RING_SIZE * 5 / 2 + 7));
    emu_post(&E, "/_emu/faults", fault);
    if ((s = open_stream(c, "a dropped connection"))) {
        OK(read_equal(s, 0, size, 65536) && at_end(s),
           "resumed in the middle of the ring: the whole clip, identical");
        seedance_stream_close(s);
        OK(cache_equal(), "the cached clip is identical to the server's");
    }
    seedance_client_free(c);
}

int main(void)
{
    static const char *const no_lag[] = { "--cdn-lag", "0", NULL };
    const char *tmp = getenv("TMPDIR");
    char cmd[400];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, no_lag)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s/seedance-ring-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir) || large_clip(6 * SD_RING_SIZE + 12345)) {
        printf("not ok 1 - a large result on the emulator\n1..1\n");
        emu_stop(&E);
        return 1;
    }
    test_keeps_up();
    test_far_behind();
    test_pinned();
    test_seek_back();
    test_save();
    test_drop();

    emu_stop(&E);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(id);
    free(url);
    free(data);
    curl_global_cleanup();
    return done_testing();
}
