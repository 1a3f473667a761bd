/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The result stream against the emulator (started here, on 127.0.0.1):
 * bytes delivered while downloading, seeks inside and beyond the received
 * data (Range), an MP4 with the moov atom at the end, a dropped download
 * resumed with Range, errors (503, 404) right after completion, an
 * expired link (a fresh one asked of the task, at the open and half way;
 * never a submit), a closed stream resumed from its .part, interrupts,
 * the cache off, cache permissions, no Authorization header on
 * downloads, and two streams of one task sharing one download (the
 * second follows the first, and takes it over when the first stops).
 * Every clip read is compared
 * byte for byte with the emulator's own file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_proc.h"
#include "stream.h"
#include "stream_peek.h"
#include "tap.h"

static emu_proc E;
static char cache_dir[300];
static int n_download, n_cached;
static int64_t last_size = -2;
static volatile int stop_now;

static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    if (p->event == SEEDANCE_EV_DOWNLOAD) {
        n_download++;
        last_size = p->size;
    } else if (p->event == SEEDANCE_EV_CACHED) {
        n_cached++;
        last_size = p->size;
    }
}

static int on_interrupt(void *opaque)
{
    (void)opaque;
    return stop_now;
}

static seedance_client *client(int cache)
{
    seedance_client *c = seedance_client_new();
    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_files_base(c, E.url);
    seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_cache(c, cache);
    seedance_client_set_progress(c, on_progress, NULL);
    seedance_client_set_interrupt(c, on_interrupt, NULL);
    n_download = n_cached = 0;
    last_size = -2;
    stop_now = 0;
    return c;
}

/* A finished task of the emulator: id, result URL and the server's bytes. */
typedef struct clip {
    char *id, *url;
    unsigned char *data;
    long size;
} clip;

static int new_clip(clip *k, const char *prompt, int duration)
{
    char *file;

    memset(k, 0, sizeof(*k));
    if (!(k->id = emu_submit(&E, prompt, duration, "480p")) ||
        !(k->url = emu_wait_result(&E, k->id, 120)) ||
        !(file = emu_task_field(&E, k->id, "file")))
        return -1;
    k->size = emu_slurp(file, &k->data);
    free(file);
    return k->size > 0 ? 0 : -1;
}

static void free_clip(clip *k)
{
    free(k->id);
    free(k->url);
    free(k->data);
}

static void set_bandwidth(long bps)
{
    char body[64];
    snprintf(body, sizeof(body), "{\"bandwidth\":%ld}", bps);
    emu_post(&E, "/_emu/config", body);
}

/* Read from the current position to the end; compare with k from pos. */
static int read_rest_equal(seedance_stream *s, const clip *k, int64_t pos, int64_t *got)
{
    unsigned char buf[32768];
    int64_t n, total = 0;
    int same = 1;

    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        if (pos + total + n > k->size || memcmp(buf, k->data + pos + total, (size_t)n))
            same = 0;
        total += n;
    }
    if (got)
        *got = total;
    return n == 0 && same && pos + total == k->size;
}

/* Read exactly n bytes at pos and compare. */
static int read_at_equal(seedance_stream *s, const clip *k, int64_t pos, int64_t n)
{
    unsigned char buf[32768];
    int64_t total = 0;

    if (seedance_stream_seek(s, pos, SEEK_SET) != pos)
        return 0;
    while (total < n) {
        size_t want = n - total < (int64_t)sizeof(buf) ? (size_t)(n - total) : sizeof(buf);
        int64_t r = seedance_stream_read(s, buf, want);
        if (r <= 0 || memcmp(buf, k->data + pos + total, (size_t)r))
            return 0;
        total += r;
    }
    return 1;
}

/* Count request log lines for path containing all of the given needles. */
static int log_count(const char *path_part, const char *needle)
{
    FILE *f = fopen(E.log, "r");
    char line[2048];
    int n = 0;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, path_part) && (!needle || strstr(line, needle)))
            n++;
    fclose(f);
    return n;
}

/* The log line of a request is written when it ends: allow it up to 30 s. */
static int log_count_wait(const char *path_part, const char *needle, int want)
{
    int n = log_count(path_part, needle);
    for (int i = 0; i < 300 && n != want; i++) {
        emu_sleep_ms(100);
        n = log_count(path_part, needle);
    }
    return n;
}

static int file_mode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Does the record of the cached clip of k (<clip>.size) hold the hash of
 * the server's bytes? The download hashes what it stores, or reads the
 * file back when it resumed a part: either way the record must be right,
 * or an intact clip would be set aside as damaged. */
static int record_has_hash(const clip *k)
{
    char path[512], want[65] = "", got[65] = "";
    unsigned char *text = NULL;
    sd_hash *h = sd_hash_new(SD_HASH_XXH128);
    long n;

    snprintf(path, sizeof(path), "%s/clips/%s.mp4.size", cache_dir, k->id);
    n = emu_slurp(path, &text);
    if (n > 0) {
        text[n - 1] = '\0';
        sscanf((const char *)text, "%*s %*s %*s %64s", got);
    }
    free(text);
    if (h) {
        sd_hash_add(h, k->data, (size_t)k->size);
        sd_hash_final(h, want);
        sd_hash_free(h);
    }
    return strlen(want) == 32 && !strcmp(got, want);
}

static void test_read_while_downloading(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    unsigned char buf[4096];
    char part[512], dir[400];
    clip k;
    int rc;

    if (new_clip(&k, "a glass frog, macro shot", 4)) {
        OK(0, "emulator task for the streaming test");
        return;
    }
    set_bandwidth(k.size / 4 + 1);           /* about 4 s for the whole clip */
    rc = sd_stream_open_url(c, k.id, k.url, &s);
    OK(rc == SEEDANCE_OK, "open the result URL (%s)", rc ? seedance_last_error(c)->message : "ok");
    if (rc)
        goto out;
    OK(seedance_stream_size(s) == k.size, "size known from the reply (%" PRId64 ")",
       seedance_stream_size(s));
    OK(n_download == 1 && last_size == k.size, "SEEDANCE_EV_DOWNLOAD reported with the size");
    OK(seedance_stream_read(s, buf, sizeof(buf)) > 0 && !main_done(s) && main_end(s) < k.size,
       "the first bytes are delivered long before the download ends");
    OK(seedance_stream_seekable(s), "seekable while downloading");
    snprintf(part, sizeof(part), "%s/clips/%s.mp4.part", cache_dir, k.id);
    OK(file_mode(part) == 0600, "the partial cache file is mode 0600 while downloading");
    OK(read_at_equal(s, &k, 100, 1000), "seek back inside the received data");
    OK(read_rest_equal(s, &k, 1100, NULL), "the whole clip arrives, identical to the server's");
    seedance_stream_close(s);

    OK(file_mode(part) == -1, "no .part left after success");
    snprintf(part, sizeof(part), "%s/clips/%s.mp4", cache_dir, k.id);
    snprintf(dir, sizeof(dir), "%s/clips", cache_dir);
    OK(file_mode(part) == 0600, "the cached clip is mode 0600 (%o)", file_mode(part));
    OK(file_mode(dir) == 0700, "the clips directory is mode 0700 (%o)", file_mode(dir));
    {
        unsigned char *cached = NULL;
        long n = emu_slurp(part, &cached);
        OK(n == k.size && !memcmp(cached, k.data, (size_t)n), "the cached clip equals the server's");
        free(cached);
    }
    OK(record_has_hash(&k), "its record holds the hash of the server's bytes");
    for (int i = 0; i < 100 && log_count("/results/", NULL) == 0; i++)
        emu_sleep_ms(100);     /* the log line may come after the last byte */
    OK(log_count("/results/", "\"auth\":true") == 0 && log_count("/results/", NULL) > 0,
       "downloads never carry an Authorization header");
out:
    set_bandwidth(0);
    seedance_client_free(c);
    free_clip(&k);
}

static void test_seek_beyond_with_range(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    unsigned char buf[1024];
    char range[64];
    clip k;

    if (new_clip(&k, "a red kite over hills", 4)) {
        OK(0, "emulator task for the Range test");
        return;
    }
    set_bandwidth(k.size / 5 + 1);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    OK(seedance_stream_seek(s, -5000, SEEK_END) == k.size - 5000, "SEEK_END while downloading");
    OK(read_at_equal(s, &k, k.size - 5000, 5000) && !main_done(s),
       "a read beyond the received data is served before the download gets there");
    snprintf(range, sizeof(range), "\"range\":\"bytes=%ld-\"", k.size - 5000);
    OK(log_count_wait("/results/", range, 1) == 1, "it used a Range request from that position");
    OK(seedance_stream_read(s, buf, sizeof(buf)) == 0, "then the end of the clip");
    /* a small step ahead waits for the main download instead */
    OK(read_at_equal(s, &k, main_end(s) + 1000, 1000), "a read just ahead of the download waits for it");
    OK(log_count("/results/", "\"range\":\"bytes=") == 1, "... without another Range request");
    OK(seedance_stream_seek(s, 0, SEEK_SET) == 0 && read_rest_equal(s, &k, 0, NULL),
       "from the start again: the whole clip, identical");
    seedance_stream_close(s);
out:
    set_bandwidth(0);
    seedance_client_free(c);
    free_clip(&k);
}

/* Walk the top-level MP4 boxes the way a demuxer does: read a header,
 * seek over the payload. Returns the offsets of mdat and moov. */
static int walk_boxes(seedance_stream *s, int64_t size, int64_t *mdat, int64_t *moov)
{
    int64_t pos = 0;

    *mdat = *moov = -1;
    while (pos + 8 <= size) {
        unsigned char h[16];
        int64_t len;
        if (seedance_stream_seek(s, pos, SEEK_SET) != pos || seedance_stream_read(s, h, 8) != 8)
            return -1;
        len = ((int64_t)h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3];
        if (len == 1) {
            if (seedance_stream_read(s, h + 8, 8) != 8)
                return -1;
            len = 0;
            for (int i = 8; i < 16; i++)
                len = (len << 8) | h[i];
        }
        if (len < 8)
            return -1;
        if (!memcmp(h + 4, "mdat", 4))
            *mdat = pos;
        if (!memcmp(h + 4, "moov", 4))
            *moov = pos;
        pos += len;
    }
    return pos == size ? 0 : -1;
}

static void test_moov_at_end(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    int64_t mdat, moov;
    clip k;

    emu_post(&E, "/_emu/config", "{\"moov_at_end\":true}");
    if (new_clip(&k, "moov at the end", 4)) {
        OK(0, "emulator task with moov at the end");
        goto out;
    }
    set_bandwidth(k.size / 4 + 1);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    OK(seedance_stream_cache_path(s) == NULL, "cache off: no cache file");
    OK(walk_boxes(s, k.size, &mdat, &moov) == 0 && mdat >= 0 && moov > mdat,
       "the box walk reaches moov after mdat (mdat %" PRId64 ", moov %" PRId64 ")", mdat, moov);
    OK(read_at_equal(s, &k, moov, k.size - moov) && !main_done(s),
       "moov is read before the download ends");
    OK(seedance_stream_seek(s, mdat, SEEK_SET) == mdat && read_rest_equal(s, &k, mdat, NULL),
       "back to mdat: the rest of the clip, identical");
    OK(read_at_equal(s, &k, 0, k.size), "the whole clip from the spool file, identical");
    seedance_stream_close(s);
    {
        char dir[400];
        snprintf(dir, sizeof(dir), "%s/clips/%s.mp4", cache_dir, k.id);
        OK(file_mode(dir) == -1, "cache off: nothing written to the cache directory");
    }
out:
    emu_post(&E, "/_emu/config", "{\"moov_at_end\":false}");
    set_bandwidth(0);
    seedance_client_free(c);
    free_clip(&k);
}

static void test_drop_resume(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    char fault[128], range[64];
    clip k;

    if (new_clip(&k, "a dropped connection", 4)) {
        OK(0, "emulator task for the drop test");
        return;
    }
    snprintf(fault, sizeof(fault), "{\"type\":\"drop\",\"after_bytes\":%ld}", k.size / 3);
    emu_post(&E, "/_emu/faults", fault);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    OK(read_rest_equal(s, &k, 0, NULL), "a dropped download yields the whole clip, identical");
    OK(n_download == 2, "SEEDANCE_EV_DOWNLOAD reported for the start and the resume (%d)",
       n_download);
    snprintf(range, sizeof(range), "\"range\":\"bytes=%ld-\"", k.size / 3);
    OK(log_count_wait("/results/", range, 1) == 1, "it resumed with Range from the last byte received");
    seedance_stream_close(s);
    OK(record_has_hash(&k), "the record of the resumed download holds the hash of the clip");
out:
    seedance_client_free(c);
    free_clip(&k);
}

static void test_error_after_success(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    clip k;
    int rc;

    if (new_clip(&k, "a brief 503", 4)) {
        OK(0, "emulator task for the 503 test");
        return;
    }
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":503,\"path\":\"/results/\",\"count\":2}");
    rc = sd_stream_open_url(c, k.id, k.url, &s);
    OK(rc == SEEDANCE_OK, "a result URL answering 503 twice right after completion is retried (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    if (!rc)
        OK(read_rest_equal(s, &k, 0, NULL), "... and the clip is complete");
    seedance_stream_close(s);
    seedance_client_free(c);
    free_clip(&k);
}

static void test_close_keeps_part(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    char part[512], range[80];
    unsigned char buf[4096];
    struct stat st;
    clip k;

    if (new_clip(&k, "closed early", 4)) {
        OK(0, "emulator task for the resume-after-close test");
        return;
    }
    set_bandwidth(k.size / 4 + 1);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    seedance_stream_read(s, buf, sizeof(buf));
    for (int i = 0; i < 100 && main_end(s) < k.size / 4; i++)
        emu_sleep_ms(50);
    seedance_stream_close(s);
    s = NULL;
    set_bandwidth(0);
    snprintf(part, sizeof(part), "%s/clips/%s.mp4.part", cache_dir, k.id);
    OK(stat(part, &st) == 0 && st.st_size > 0 && st.st_size < k.size,
       "closing before the end keeps the .part (%lld bytes)", (long long)st.st_size);

    n_download = 0;
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "reopen: %s", seedance_last_error(c)->message);
        goto out;
    }
    snprintf(range, sizeof(range), "\"range\":\"bytes=%lld-\"", (long long)st.st_size);
    OK(read_rest_equal(s, &k, 0, NULL), "the reopened stream yields the whole clip, identical");
    OK(log_count_wait("/results/", range, 1) == 1, "the next open resumed the .part with Range");
    seedance_stream_close(s);
    s = NULL;
    snprintf(part, sizeof(part), "%s/clips/%s.mp4", cache_dir, k.id);
    OK(file_mode(part) == 0600, "the clip is complete in the cache");
    OK(record_has_hash(&k), "the record of a clip resumed from a kept .part holds its hash");
out:
    seedance_stream_close(s);
    set_bandwidth(0);
    seedance_client_free(c);
    free_clip(&k);
}

static void test_interrupt(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    unsigned char buf[65536];
    int64_t n = 1;
    double t0;
    clip k;

    if (new_clip(&k, "interrupted", 4)) {
        OK(0, "emulator task for the interrupt test");
        return;
    }
    set_bandwidth(20000);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    stop_now = 1;
    t0 = sd_now();
    for (int i = 0; i < 1000 && n > 0; i++)
        n = seedance_stream_read(s, buf, sizeof(buf));
    OK(n == -SEEDANCE_E_INTERRUPTED, "a read waiting for data honours the interrupt callback");
    OK(sd_now() - t0 < 3.0, "... promptly (%.2f s)", sd_now() - t0);
    OK(seedance_last_error(c)->code == SEEDANCE_E_INTERRUPTED &&
       strstr(seedance_last_error(c)->message, k.id), "the error names the task: %s",
       seedance_last_error(c)->message);
    t0 = sd_now();
    seedance_stream_close(s);
    OK(sd_now() - t0 < 3.0, "closing during a slow download is prompt (%.2f s)", sd_now() - t0);
out:
    set_bandwidth(0);
    seedance_client_free(c);
    free_clip(&k);
}

static void test_expired_link(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    char path[512];
    clip k;
    int rc;

    if (new_clip(&k, "an expired link", 4)) {
        OK(0, "emulator task for the expiry test");
        return;
    }
    snprintf(path, sizeof(path), "/_emu/tasks/%s/expire", k.id);
    emu_post(&E, path, NULL);
    rc = sd_stream_open_url(c, k.id, k.url, &s);
    OK(rc == SEEDANCE_E_EXPIRED && s == NULL, "403 on the result link: SEEDANCE_E_EXPIRED");
    OK(strstr(seedance_last_error(c)->message, k.id) &&
       strstr(seedance_last_error(c)->message, "expired") &&
       seedance_last_error(c)->http_status == 403 &&
       !strcmp(seedance_last_error(c)->task_id, k.id),
       "the message names the task and the expiry: %s", seedance_last_error(c)->message);
    snprintf(path, sizeof(path), "%s/clips/%s.mp4.part", cache_dir, k.id);
    OK(file_mode(path) == -1, "no empty .part is left behind");
    seedance_client_free(c);
    free_clip(&k);
}

/* A result link answering 404 right after completion (the file is still
 * reaching the CDN) is retried: the whole path through seedance_open, one
 * paid task, the clip. */
static void test_404_after_completion(void)
{
    seedance_client *c = client(0);
    seedance_request *r = seedance_request_new();
    seedance_stream *s = NULL;
    char *file;
    long submits = emu_stat(&E, "submits");
    int results = log_count("/results/", NULL), rc;
    clip k;

    seedance_request_set(r, "prompt", "a result link that is late", NULL);
    seedance_request_set(r, "duration", "4", NULL);
    seedance_request_set(r, "quality", "480p", NULL);
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":404,\"path\":\"/results/\","
             "\"count\":2}");
    rc = seedance_open(c, r, SEEDANCE_NEW, &s);
    OK(rc == SEEDANCE_OK, "a result link answering 404 twice then 200 opens (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    memset(&k, 0, sizeof(k));
    if (!rc && (file = emu_task_field(&E, seedance_stream_task_id(s), "file"))) {
        k.size = emu_slurp(file, &k.data);
        free(file);
        OK(read_rest_equal(s, &k, 0, NULL), "... and gives the clip, identical");
    }
    OK(emu_stat(&E, "submits") - submits == 1, "one paid task (%ld submits)",
       emu_stat(&E, "submits") - submits);
    OK(log_count_wait("/results/", NULL, results + 3) == results + 3,
       "two 404s, then the download (%d requests)", log_count("/results/", NULL) - results);
    free(k.data);
    seedance_stream_close(s);
    seedance_request_free(r);
    seedance_client_free(c);
}

/* A new result link that is not on the CDN yet (the emulator's cdn_lag:
 * 404 for a while after completion): seedance_open_task gets the clip. */
static void test_cdn_lag(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    char *id = emu_submit(&E, "a clip still on its way to the CDN", 4, "480p");
    char *file = NULL;
    long submits = emu_stat(&E, "submits");
    clip k;
    int rc;

    memset(&k, 0, sizeof(k));
    emu_post(&E, "/_emu/config", "{\"cdn_lag\":2.5}");
    rc = id ? seedance_open_task(c, id, &s) : -1;
    emu_post(&E, "/_emu/config", "{\"cdn_lag\":0}");
    OK(rc == SEEDANCE_OK, "a result link answering 404 for 2.5 s after completion opens (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    if (!rc && (file = emu_task_field(&E, id, "file")) && (k.size = emu_slurp(file, &k.data)) > 0)
        OK(read_rest_equal(s, &k, 0, NULL), "... and gives the clip, identical");
    OK(emu_stat(&E, "submits") == submits, "nothing submitted");
    seedance_stream_close(s);
    free(file);
    free(k.data);
    free(id);
    seedance_client_free(c);
}

/* An expired result link (403): the task is read again for a fresh link;
 * without one, SEEDANCE_E_EXPIRED. Never a submit. */
static void test_fresh_link(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    char path[256];
    long submits, queries;
    clip old, k;
    int rc;

    if (new_clip(&old, "an old task whose link expired", 4) ||
        new_clip(&k, "a task that gives a fresh link", 4)) {
        OK(0, "emulator tasks for the fresh link test");
        goto out;
    }
    snprintf(path, sizeof(path), "/_emu/tasks/%s/expire", old.id);
    emu_post(&E, path, NULL);
    submits = emu_stat(&E, "submits");
    queries = emu_stat(&E, "task_queries");
    /* the task k, opened with a link that answers 403: its query gives another */
    rc = sd_stream_open_url(c, k.id, old.url, &s);
    OK(rc == SEEDANCE_OK, "an expired link whose task gives a fresh one opens (%s)",
       rc ? seedance_last_error(c)->message : "ok");
    if (!rc)
        OK(read_rest_equal(s, &k, 0, NULL), "... and the clip is the task's, identical");
    seedance_stream_close(s);
    s = NULL;
    OK(emu_stat(&E, "task_queries") - queries == 1 && emu_stat(&E, "submits") == submits,
       "one task query, no submit");

    /* no fresh link: the task gives the same, expired one */
    snprintf(path, sizeof(path), "/_emu/tasks/%s/expire", k.id);
    emu_post(&E, path, NULL);
    queries = emu_stat(&E, "task_queries");
    rc = sd_stream_open_url(c, k.id, k.url, &s);
    OK(rc == SEEDANCE_E_EXPIRED && !s && seedance_last_error(c)->http_status == 403,
       "an expired link without a fresh one: SEEDANCE_E_EXPIRED (%s)",
       seedance_last_error(c)->message);
    OK(emu_stat(&E, "task_queries") - queries == 1 && emu_stat(&E, "submits") == submits,
       "the task was read again once, nothing submitted");
    seedance_stream_close(s);
out:
    free_clip(&old);
    free_clip(&k);
    seedance_client_free(c);
}

/* The link expires during the download (after a dropped connection): the
 * task is asked for a fresh one; without one the read fails with
 * SEEDANCE_E_EXPIRED and nothing is submitted. */
static void test_expiry_midway(void)
{
    seedance_client *c = client(0);
    seedance_stream *s = NULL;
    unsigned char buf[4096];
    char fault[128], path[256];
    long submits;
    int64_t n = 1;
    clip k;

    if (new_clip(&k, "a link expiring during the download", 4)) {
        OK(0, "emulator task for the mid-download expiry");
        return;
    }
    submits = emu_stat(&E, "submits");
    snprintf(fault, sizeof(fault), "{\"type\":\"drop\",\"after_bytes\":%ld}", k.size / 2);
    emu_post(&E, "/_emu/faults", fault);
    set_bandwidth(k.size / 4 + 1);
    if (sd_stream_open_url(c, k.id, k.url, &s)) {
        OK(0, "open: %s", seedance_last_error(c)->message);
        goto out;
    }
    snprintf(path, sizeof(path), "/_emu/tasks/%s/expire", k.id);
    emu_post(&E, path, NULL);
    while (n > 0)
        n = seedance_stream_read(s, buf, sizeof(buf));
    OK(n == -SEEDANCE_E_EXPIRED && seedance_last_error(c)->http_status == 403,
       "the link expired half way and the task has no other: SEEDANCE_E_EXPIRED (%s)",
       seedance_last_error(c)->message);
    OK(emu_stat(&E, "submits") == submits, "nothing submitted");
out:
    seedance_stream_close(s);
    set_bandwidth(0);
    free_clip(&k);
    seedance_client_free(c);
}

/* The whole path through the public API: wait + stream + cache, then the
 * second open and an expired link served from the cache with no request. */
static void test_open_task(void)
{
    seedance_client *c = client(1);
    seedance_stream *s = NULL;
    char path[256];
    long before;
    clip k;
    int rc;

    if (new_clip(&k, "open by task id", 4)) {
        OK(0, "emulator task for seedance_open_task");
        return;
    }
    rc = seedance_open_task(c, k.id, &s);
    OK(rc == SEEDANCE_OK, "seedance_open_task (%s)", rc ? seedance_last_error(c)->message : "ok");
    if (rc)
        goto out;
    OK(n_download == 1 && n_cached == 0, "the first open downloads");
    OK(read_rest_equal(s, &k, 0, NULL), "the clip, identical");
    seedance_stream_close(s);
    s = NULL;

    snprintf(path, sizeof(path), "/_emu/tasks/%s/expire", k.id);
    emu_post(&E, path, NULL);
    before = emu_stat(&E, "requests");
    n_download = n_cached = 0;
    rc = seedance_open_task(c, k.id, &s);
    OK(rc == SEEDANCE_OK && n_cached == 1 && n_download == 0 && last_size == k.size,
       "the second open is served from the cache (SEEDANCE_EV_CACHED), even after expiry");
    OK(emu_stat(&E, "requests") == before, "... with no request at all (%ld then %ld)", before,
       emu_stat(&E, "requests"));
    if (!rc)
        OK(read_rest_equal(s, &k, 0, NULL), "the cached clip, identical");
    seedance_stream_close(s);
    s = NULL;

    seedance_client_set_cache(c, 0);
    rc = seedance_open_task(c, k.id, &s);
    OK(rc == SEEDANCE_E_EXPIRED, "with the cache off the expired link is SEEDANCE_E_EXPIRED (%s)",
       seedance_last_error(c)->message);
out:
    seedance_stream_close(s);
    seedance_client_free(c);
    free_clip(&k);
}

/* seedance_open twice with the same request: the second run reuses the
 * journal's task and the cached clip, sending nothing. */
static void test_open_request(void)
{
    seedance_client *c = client(1);
    seedance_request *r = seedance_request_new();
    seedance_stream *s = NULL;
    unsigned char buf[65536];
    int64_t n, total = 0, size;
    long before;
    int rc;

    seedance_request_set(r, "prompt", "the same request twice", NULL);
    seedance_request_set(r, "duration", "4", NULL);
    rc = seedance_open(c, r, 0, &s);
    OK(rc == SEEDANCE_OK, "seedance_open (%s)", rc ? seedance_last_error(c)->message : "ok");
    if (rc)
        goto out;
    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0)
        total += n;
    size = seedance_stream_size(s);
    OK(n == 0 && total == size && size > 0, "read the generated clip (%lld bytes)", (long long)total);
    seedance_stream_close(s);
    s = NULL;

    before = emu_stat(&E, "requests");
    n_download = n_cached = 0;
    rc = seedance_open(c, r, 0, &s);
    OK(rc == SEEDANCE_OK && n_cached == 1 && n_download == 0,
       "the same request again is served from the cache");
    OK(emu_stat(&E, "requests") == before, "... with zero requests (%ld then %ld)", before,
       emu_stat(&E, "requests"));
out:
    seedance_stream_close(s);
    seedance_request_free(r);
    seedance_client_free(c);
}

/* The clip's GET requests in the emulator's log, once there are at least
 * want (a request is logged when it ends). */
static int clip_gets(const clip *k, int want)
{
    char path[200];

    snprintf(path, sizeof(path), "\"path\":\"/results/%s.mp4\"", k->id);
    return log_count_wait(path, "\"method\":\"GET\"", want);
}

static int is_follower(seedance_stream *s)
{
    int f;
    pthread_mutex_lock(&s->lock);
    f = s->dest == SD_DEST_FOLLOWED;
    pthread_mutex_unlock(&s->lock);
    return f;
}

/* The cache holds the server's clip k. */
static void cached_is_clip(const clip *k)
{
    char path[512];
    unsigned char *cached = NULL;
    long n;

    snprintf(path, sizeof(path), "%s/clips/%s.mp4", cache_dir, k->id);
    n = emu_slurp(path, &cached);
    OK(n == k->size && !memcmp(cached, k->data, (size_t)n), "the cached clip is the server's");
    free(cached);
}

static void two_streams_end(seedance_stream *s1, seedance_stream *s2, seedance_client *c1,
                            seedance_client *c2, clip *k)
{
    seedance_stream_close(s1);
    seedance_stream_close(s2);
    set_bandwidth(0);
    seedance_client_free(c1);
    seedance_client_free(c2);
    free_clip(k);
}

/* Two streams of one task at once (two clients, one cache: flock locks
 * exclude two opens of one process as they do two processes): the second
 * follows the first's download; both get the clip; one GET. */
static void test_two_streams_one_download(void)
{
    seedance_client *c1 = client(1), *c2 = client(1);
    seedance_stream *s1 = NULL, *s2 = NULL;
    clip k;

    if (new_clip(&k, "two readers, one download", 4)) {
        OK(0, "emulator task for the shared download test");
        goto out;
    }
    set_bandwidth(k.size / 3 + 1);           /* about 3 s for the whole clip */
    if (sd_stream_open_url(c1, k.id, k.url, &s1)) {
        OK(0, "open: %s", seedance_last_error(c1)->message);
        goto out;
    }
    OK(sd_stream_open_url(c2, k.id, k.url, &s2) == SEEDANCE_OK && is_follower(s2) &&
       !is_follower(s1), "a second open of the task follows the first one's download (%s)",
       s2 ? "follows" : seedance_last_error(c2)->message);
    if (!s2)
        goto out;
    OK(seedance_stream_size(s2) == k.size, "the follower knows the size (%" PRId64 ")",
       seedance_stream_size(s2));
    OK(read_at_equal(s2, &k, k.size / 2, 1000), "a seek ahead waits for the download");
    OK(read_rest_equal(s2, &k, k.size / 2 + 1000, NULL), "the follower reads the rest, identical");
    OK(read_at_equal(s2, &k, 0, k.size / 2), "and the start");
    OK(read_rest_equal(s1, &k, 0, NULL), "the owner reads the whole clip, identical");
    seedance_stream_close(s1);
    seedance_stream_close(s2);
    s1 = s2 = NULL;
    OK(clip_gets(&k, 1) == 1, "the clip was downloaded from the server once");
    cached_is_clip(&k);
out:
    two_streams_end(s1, s2, c1, c2, &k);
}

/* The owner stops half way: the follower takes the download over and
 * resumes it from what is on disk. */
static void test_follower_takes_over(void)
{
    seedance_client *c1 = client(1), *c2 = client(1);
    seedance_stream *s1 = NULL, *s2 = NULL;
    int64_t had;
    clip k;

    if (new_clip(&k, "the owner leaves", 4)) {
        OK(0, "emulator task for the take-over test");
        goto out;
    }
    set_bandwidth(k.size / 4 + 1);
    if (sd_stream_open_url(c1, k.id, k.url, &s1) ||
        sd_stream_open_url(c2, k.id, k.url, &s2) || !is_follower(s2)) {
        OK(0, "two opens, the second following: %s", seedance_last_error(c2)->message);
        goto out;
    }
    OK(read_at_equal(s2, &k, 0, 4096), "the follower reads the first bytes");
    for (int i = 0; i < 200 && main_end(s1) < k.size / 4; i++)
        emu_sleep_ms(50);
    seedance_stream_close(s1);      /* the lock comes free, the clip incomplete */
    s1 = NULL;
    had = main_end(s2);
    set_bandwidth(0);
    OK(read_rest_equal(s2, &k, 4096, NULL), "the follower reads the whole clip, identical");
    OK(!is_follower(s2), "it downloaded the rest itself");
    seedance_stream_close(s2);
    s2 = NULL;
    {
        char path_k[200];
        snprintf(path_k, sizeof(path_k), "\"path\":\"/results/%s.mp4\"", k.id);
        /* (the owner's GET is logged when the emulator sees it closed) */
        int whole = log_count_wait(path_k, "\"range\":null", 1), gets = clip_gets(&k, 3);
        OK(gets >= 2 && whole == 1,
           "it resumed the part (%" PRId64 " bytes or more) with Range, not from the start "
           "(%d downloads, %d without Range)", had, gets, whole);
    }
    cached_is_clip(&k);
out:
    two_streams_end(s1, s2, c1, c2, &k);
}

int main(void)
{
    const char *bin = emu_path_next_to_self("evolink-emu");
    const char *tmp = getenv("TMPDIR");
    char cmd[400];

    /* no CDN lag by default: the tests that want it set it */
    static const char *const no_lag[] = { "--cdn-lag", "0", NULL };

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (emu_start(&E, bin, 0.3, no_lag)) {
        printf("not ok 1 - the emulator %s starts\n1..1\n", bin);
        return 1;
    }
    snprintf(cache_dir, sizeof(cache_dir), "%s/seedance-stream-test.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(cache_dir)) {
        emu_stop(&E);
        return 1;
    }

    test_read_while_downloading();
    test_seek_beyond_with_range();
    test_moov_at_end();
    test_drop_resume();
    test_error_after_success();
    test_close_keeps_part();
    test_interrupt();
    test_expired_link();
    test_404_after_completion();
    test_cdn_lag();
    test_fresh_link();
    test_expiry_midway();
    test_open_task();
    test_open_request();
    test_two_streams_one_download();
    test_follower_takes_over();

    emu_stop(&E);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", cache_dir);
    curl_global_cleanup();
    return done_testing();
}
