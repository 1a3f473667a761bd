/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What reaches the clip cache: only a clip exactly as long as the server
 * announced, and a cached clip that changed length on disk is set aside
 * and fetched again.
 *
 *   - A .part left by an earlier run is longer than the clip, and the
 *     result server ignores Range (Python's http.server, started here on
 *     127.0.0.1, answers 200 with the whole, shorter clip): the stale part
 *     is discarded, the clip read and cached is the server's, byte for
 *     byte, and so is the next open's. The same from a server that sends
 *     no Content-Length at all (the end of the body is the end).
 *   - A cached clip truncated on disk: the next open notices, sets it
 *     aside and downloads the clip again (emulator, started here).
 *   - A cached clip of the right length with other bytes: the same; the
 *     same bytes written again are checked and served from the cache.
 *   - A kept .part with wrong bytes is discarded, with a warning, and the
 *     clip downloaded whole.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu_proc.h"
#include "stream.h"
#include "files.h"
#include "tap.h"

static emu_proc E;
static char top[300];
static int n_download, n_cached;
static char last_warning[1024];

static void on_log(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level == SEEDANCE_LOG_WARNING)
        snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    n_download += p->event == SEEDANCE_EV_DOWNLOAD;
    n_cached += p->event == SEEDANCE_EV_CACHED;
}

static seedance_client *client(const char *cache_dir)
{
    seedance_client *c = seedance_client_new();

    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_progress(c, on_progress, NULL);
    seedance_client_set_log(c, on_log, NULL);
    last_warning[0] = '\0';
    return c;
}

/* A static file server that ignores Range: python3 -m http.server. */
typedef struct pyserver {
    pid_t pid;
    int port;
} pyserver;

/* The same without any Content-Length: the body ends when the
 * connection closes (HTTP/1.0), so only its end tells the clip's length. */
static const char no_length_server[] =
    "import functools, http.server, sys\n"
    "class H(http.server.SimpleHTTPRequestHandler):\n"
    "    def send_header(self, k, v):\n"
    "        if k.lower() != 'content-length':\n"
    "            super().send_header(k, v)\n"
    "s = http.server.HTTPServer(('127.0.0.1', 0), functools.partial(H, directory=sys.argv[1]))\n"
    "print('Serving HTTP on 127.0.0.1 port %d' % s.server_address[1], flush=True)\n"
    "s.serve_forever()\n";

/* Start the server of dir: http.server, or the one without lengths. */
static int pyserver_start(pyserver *p, const char *dir, int no_length)
{
    char line[256] = "";
    int fds[2];
    FILE *f;

    p->pid = 0;
    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    if ((p->pid = fork()) == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(fds[1], 1);
        dup2(null, 2);          /* its request log */
        close(fds[0]);
        if (no_length)
            execlp("python3", "python3", "-u", "-c", no_length_server, dir, (char *)NULL);
        else
            execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                   "--directory", dir, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    if (p->pid < 0 || !f || !fgets(line, sizeof(line), f) ||
        sscanf(line, "Serving HTTP on %*s port %d", &p->port) != 1) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);      /* the server writes nothing more to stdout than this line */
    return 0;
}

static void pyserver_stop(pyserver *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
        p->pid = 0;
    }
}

/* Read the stream to its end; 1 when it is exactly data. */
static int read_equal(seedance_stream *s, const unsigned char *data, long size)
{
    unsigned char buf[65536];
    int64_t n, total = 0;
    int same = 1;

    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        if (total + n > size || memcmp(buf, data + total, (size_t)n))
            same = 0;
        total += n;
    }
    return n == 0 && same && total == size;
}

static int file_equal(const char *path, const unsigned char *data, long size)
{
    unsigned char *got = NULL;
    long n = emu_slurp(path, &got);
    int eq = n == size && !memcmp(got, data, (size_t)size);

    free(got);
    return eq;
}

static void test_stale_part(const char *id, const unsigned char *data, long size)
{
    char dir[400], cache[400], path[600], url[128];
    seedance_client *c;
    seedance_stream *s = NULL;
    unsigned char *junk;
    pyserver py;
    char *part = NULL, *clip = NULL, *rec = NULL;
    long recorded = -1;

    snprintf(dir, sizeof(dir), "%s/www", top);
    snprintf(cache, sizeof(cache), "%s/cache-stale", top);
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/clip.mp4", dir);
    if (write_file(path, data, (size_t)size) || pyserver_start(&py, dir, 0)) {
        OK(0, "a static server that ignores Range (python3 -m http.server)");
        return;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/clip.mp4", py.port);
    c = client(cache);
    part = sd_cache_clip_path(c, id, ".mp4.part", 1);
    clip = sd_cache_clip_path(c, id, ".mp4", 0);
    junk = malloc((size_t)size + 5000);
    memset(junk, 0x5a, (size_t)size + 5000);
    OK(part && clip && write_file(part, junk, (size_t)size + 5000) == 0,
       "a stale .part 5000 bytes longer than the clip");
    free(junk);

    OK(sd_stream_open_url(c, id, url, &s) == SEEDANCE_OK && read_equal(s, data, size),
       "the server ignores Range and sends the shorter clip: the stream is the clip (%s)",
       s ? "read" : seedance_last_error(c)->message);
    seedance_stream_close(s);
    s = NULL;
    OK(file_equal(clip, data, size) && access(part, F_OK) != 0,
       "the cache holds the clip, not the stale part");
    if ((rec = malloc(strlen(clip) + 8))) {
        unsigned char *txt = NULL;
        sprintf(rec, "%s.size", clip);
        if (emu_slurp(rec, &txt) > 0)
            recorded = strtol((char *)txt, NULL, 10);
        free(txt);
    }
    OK(recorded == size, "its length is recorded next to it (%ld)", recorded);

    n_cached = 0;
    OK(sd_stream_open_url(c, id, url, &s) == SEEDANCE_OK && n_cached == 1 &&
       read_equal(s, data, size), "the next open serves the cached clip, identical");
    seedance_stream_close(s);
    pyserver_stop(&py);
    free(part);
    free(clip);
    free(rec);
    seedance_client_free(c);
}

/* The same stale part, from a server that ignores Range and sends no
 * length: nothing shows the part is no prefix until the body ends, so the
 * part is written again from the first byte and cut to the clip. */
static void test_stale_part_no_length(const char *id, const unsigned char *data, long size)
{
    char dir[400], cache[400], path[600], url[128];
    seedance_client *c;
    seedance_stream *s = NULL;
    unsigned char *junk;
    pyserver py;
    char *part = NULL;
    long got = -1;
    int rc;

    snprintf(dir, sizeof(dir), "%s/www-nolen", top);
    snprintf(cache, sizeof(cache), "%s/cache-stale-nolen", top);
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/clip.mp4", dir);
    if (write_file(path, data, (size_t)size) || pyserver_start(&py, dir, 1)) {
        OK(0, "a static server that ignores Range and sends no Content-Length");
        return;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/clip.mp4", py.port);
    c = client(cache);
    part = sd_cache_clip_path(c, id, ".mp4.part", 1);
    junk = malloc((size_t)size + 300);
    memcpy(junk, data, (size_t)size);
    memset(junk + size, 0x5a, 300);
    OK(part && write_file(part, junk, (size_t)size + 300) == 0,
       "a stale .part: the clip and 300 bytes more");
    free(junk);

    rc = sd_stream_open_url(c, id, url, &s);
    OK(rc == SEEDANCE_OK && read_equal(s, data, size) && seedance_stream_size(s) == size,
       "no length announced: the stream is the clip, not the longer part (%s)",
       rc ? seedance_last_error(c)->message : "read");
    if (s)
        OK(seedance_stream_save(s, path) == SEEDANCE_OK && file_equal(path, data, size),
           "the saved file is the clip");
    seedance_stream_close(s);
    if (part) {
        unsigned char *txt = NULL;
        got = emu_slurp(part, &txt);
        free(txt);
    }
    OK(got == size, "the kept part is cut to the clip (%ld of %ld bytes)", got, size);
    pyserver_stop(&py);
    free(part);
    seedance_client_free(c);
}

static void test_truncated_clip(const char *id, const unsigned char *data, long size)
{
    char cache[400], bad[700];
    seedance_client *c;
    seedance_stream *s = NULL;
    char *clip;
    long downloads;
    int rc;

    snprintf(cache, sizeof(cache), "%s/cache-trunc", top);
    c = client(cache);
    clip = sd_cache_clip_path(c, id, ".mp4", 0);
    rc = seedance_open_task(c, id, &s);
    OK(rc == SEEDANCE_OK && read_equal(s, data, size), "first open: the clip (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    seedance_stream_close(s);
    s = NULL;
    OK(clip && file_equal(clip, data, size), "it is cached");
    OK(clip && truncate(clip, size / 2) == 0, "the cached clip is truncated on disk");

    n_cached = n_download = 0;
    downloads = emu_stat(&E, "downloads");
    rc = seedance_open_task(c, id, &s);
    OK(rc == SEEDANCE_OK && n_cached == 0 && n_download == 1 &&
       emu_stat(&E, "downloads") > downloads,
       "the next open does not serve it: it downloads the clip again");
    OK(rc == SEEDANCE_OK && read_equal(s, data, size), "... and the clip is whole, identical");
    seedance_stream_close(s);
    snprintf(bad, sizeof(bad), "%s.bad", clip ? clip : "");
    OK(access(bad, F_OK) == 0 && file_equal(clip, data, size),
       "the truncated copy was set aside (.bad); the cache holds the clip again");
    free(clip);
    seedance_client_free(c);
}

/* The cached clip of id, downloaded and committed by a first open: its
 * path (free()). */
static char *cached_clip(seedance_client *c, const char *id, const unsigned char *data,
                         long size)
{
    seedance_stream *s = NULL;
    char *clip = sd_cache_clip_path(c, id, ".mp4", 0);
    int rc = seedance_open_task(c, id, &s), ok;

    ok = rc == SEEDANCE_OK && read_equal(s, data, size);
    seedance_stream_close(s);   /* the download is committed when it ends */
    OK(ok && clip && file_equal(clip, data, size), "first open: the clip, cached (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    return clip;
}

/* Open id again: 1 when it is read whole and identical, from the cache
 * (cached) or downloaded again (!cached). */
static int open_again(seedance_client *c, const char *id, const unsigned char *data, long size,
                      int cached)
{
    seedance_stream *s = NULL;
    long downloads = emu_stat(&E, "downloads");
    int rc, ok;

    n_cached = n_download = 0;
    rc = seedance_open_task(c, id, &s);
    ok = rc == SEEDANCE_OK && read_equal(s, data, size) &&
         (cached ? n_cached == 1 && n_download == 0 && emu_stat(&E, "downloads") == downloads
                 : n_cached == 0 && n_download == 1 && emu_stat(&E, "downloads") > downloads);
    seedance_stream_close(s);
    return ok;
}

/* A cached clip of the right length with other bytes: set aside (.bad),
 * fetched again; the same bytes written again: served, without a fetch. */
static void test_changed_clip(const char *id, const unsigned char *data, long size)
{
    char cache[400], bad[700];
    seedance_client *c;
    unsigned char *other;
    char *clip;

    snprintf(cache, sizeof(cache), "%s/cache-changed", top);
    c = client(cache);
    if (!(clip = cached_clip(c, id, data, size))) {
        seedance_client_free(c);
        return;
    }
    other = malloc((size_t)size);
    memcpy(other, data, (size_t)size);
    memset(other + size / 2, 'X', 16);
    OK(write_file(clip, other, (size_t)size) == 0, "the cached clip gets other bytes, same length");
    OK(open_again(c, id, data, size, 0), "the next open does not serve it: the clip is "
       "downloaded again, whole and identical");
    snprintf(bad, sizeof(bad), "%s.bad", clip);
    OK(file_equal(bad, other, size) && file_equal(clip, data, size),
       "the changed copy was set aside (.bad); the cache holds the clip again");
    OK(strstr(last_warning, "changed on disk") != NULL, "a warning says why: %s", last_warning);
    free(other);

    OK(write_file(clip, data, (size_t)size) == 0, "the cached clip is written again, same bytes");
    OK(open_again(c, id, data, size, 1), "its content is checked: served from the cache");
    OK(open_again(c, id, data, size, 1), "and again");
    free(clip);
    seedance_client_free(c);
}

/* A kept .part with wrong bytes is discarded before it is resumed. */
static void test_wrong_part(const char *id, const unsigned char *data, long size)
{
    char cache[400];
    seedance_client *c;
    unsigned char *wrong;
    char *part;

    snprintf(cache, sizeof(cache), "%s/cache-wrong-part", top);
    c = client(cache);
    part = sd_cache_clip_path(c, id, ".mp4.part", 1);
    wrong = malloc((size_t)size / 2);
    for (long i = 0; i < size / 2; i++)
        wrong[i] = (unsigned char)~data[i];
    OK(part && write_file(part, wrong, (size_t)size / 2) == 0,
       "a kept .part: half the clip's length, other bytes");
    OK(open_again(c, id, data, size, 0), "the open reads the whole clip, identical");
    OK(strstr(last_warning, "not the server's clip") != NULL, "a warning says the part was discarded: %s", last_warning);
    free(wrong);
    free(part);
    seedance_client_free(c);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    unsigned char *data = NULL;
    char *id, *url, *file, cmd[400];
    long size = -1;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(top, sizeof(top), "%s/seedance-clip-cache.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(top) || emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, NULL)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    if ((id = emu_submit(&E, "a clip for the cache", 4, "480p")) &&
        (url = emu_wait_result(&E, id, 120))) {
        free(url);
        if ((file = emu_task_field(&E, id, "file")))
            size = emu_slurp(file, &data);
        free(file);
    }
    if (size <= 0) {
        OK(0, "an emulator task with its clip");
    } else {
        test_stale_part(id, data, size);
        test_stale_part_no_length(id, data, size);
        test_truncated_clip(id, data, size);
        test_changed_clip(id, data, size);
        test_wrong_part(id, data, size);
    }
    free(id);
    free(data);
    emu_stop(&E);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", top);
    curl_global_cleanup();
    return done_testing();
}
