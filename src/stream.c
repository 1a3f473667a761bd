/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The result stream: read, seek and size over a clip that may still be
 * downloading (see stream.h for the layout and stream_fetch.c for the
 * download thread).
 *
 * Reads are served from what the downloads received:
 *   - below main.end, from the main download's ring while it holds the
 *     bytes, else from the cache (or spool) file;
 *   - inside the side download's range, from its ring or spool file;
 *   - otherwise the reader waits for one of them, in slices of 100 ms
 *     during which the client's interrupt callback is checked. A position
 *     more than SD_SIDE_GAP bytes ahead of the main download starts a side
 *     download with Range when the server honours it; without Range the
 *     read waits for the main download to get there.
 *
 * Closing a stream before its download ended keeps the .part file: the
 * next open of the same task resumes it with Range instead of starting
 * over. The progress events (SEEDANCE_EV_DOWNLOAD when the download
 * starts or resumes) are reported from the caller's thread, by the
 * stream's own functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"

/* A read this far ahead of the main download uses a Range request. */
#define SD_SIDE_GAP (64 * 1024)
/* A reader waiting for data is woken once this much of what it asked
 * for has arrived (or the download ended). */
#define SD_WAKE_BYTES (256 * 1024)
/* Fresh links asked of the task when the result link expires. */
#define SD_REFRESHES 2

static sd_stream *stream_new(seedance_client *c, const char *task_id, const char *url)
{
    sd_stream *s = calloc(1, sizeof(*s));
    pthread_condattr_t ca;

    if (!s)
        return NULL;
    s->c = c;
    s->size = -1;
    s->main.s = s;
    s->main.fd = -1;
    s->main.is_main = 1;
    s->side.s = s;
    s->side.fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    s->task_id = strdup(task_id);
    s->url = sd_strdup(url);
    if (!s->task_id || (url && !s->url)) {
        seedance_stream_close(s);
        return NULL;
    }
    return s;
}

void sd_stream_wait(sd_stream *s, double seconds)
{
    struct timespec ts;
    double t;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + seconds;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    s->waiting++;
    pthread_cond_timedwait(&s->cond, &s->lock, &ts);
    s->waiting--;
}

void sd_stream_main_complete(sd_stream *s)
{
    char hash[65];
    int64_t size;
    int sized;

    pthread_mutex_lock(&s->lock);
    size = s->size;
    sized = s->sized;
    pthread_mutex_unlock(&s->lock);
    /* Without an announced length the .part stays: the next open asks
     * for the bytes after it and learns the length (416). */
    if (!s->part_path || !s->cache_path || !sized)
        return;
    if (sd_cache_commit(s->main.fd, s->part_path, s->cache_path, size,
                        sd_ring_digest(&s->main, size, hash) == 0 ? hash : NULL) == 0) {
        pthread_mutex_lock(&s->lock);
        s->cached = 1;
        pthread_mutex_unlock(&s->lock);
    } else if (errno == EIO) {
        unlink(s->part_path);   /* not the announced clip: never cached */
    }
    /* Other failures keep the .part: the next open finds it complete
     * (416) and commits it then. ESTALE: the .part is another process's
     * now (this one downloaded into a file discarded meanwhile). */
}

/* A progress event about the clip of a completed task. */
static seedance_progress clip_event(const sd_stream *s, seedance_event ev)
{
    seedance_progress p = sd_progress_event(ev, s->task_id);

    p.status = "completed";
    p.progress = 100;
    p.result_url = s->url;
    p.size = s->size;
    return p;
}

/* Report the download (re)starts seen since the last call (lock held;
 * released around the caller's callbacks). */
static void report(sd_stream *s)
{
    while (s->reported_starts < s->main.starts) {
        seedance_progress p;
        /* one event per response, also when several came since the last
         * call; only the latest one's first byte is known */
        int64_t at = ++s->reported_starts == s->main.starts ? s->main.start_at : -1;

        p = clip_event(s, SEEDANCE_EV_DOWNLOAD);
        pthread_mutex_unlock(&s->lock);
        if (at > 0)
            sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: download resumed at byte %" PRId64,
                   s->task_id, at);
        sd_progress(s->c, &p);
        pthread_mutex_lock(&s->lock);
    }
}

/* Wait up to 100 ms for a change, then check the interrupt callback
 * (lock held; released around the callback). */
static int wait_change(sd_stream *s)
{
    int stop;

    sd_stream_wait(s, 0.1);
    pthread_mutex_unlock(&s->lock);
    stop = sd_interrupted(s->c);
    pthread_mutex_lock(&s->lock);
    if (stop)
        return sd_fail_task(s->c, SEEDANCE_E_INTERRUPTED, s->task_id,
                            "task %s: interrupted while waiting for the result download",
                       s->task_id);
    return SEEDANCE_OK;
}

/*
 * The result link expired (403): read the task again, from the caller's
 * thread, and when it gives another link restart the main download from
 * where it stopped (lock held; released during the query). Never submits
 * anything. 1 when the download restarted.
 */
static int refresh_link(sd_stream *s)
{
    seedance_task *t = NULL;
    const char *fresh;
    char *url = NULL;
    int rc;

    if (s->refreshes >= SD_REFRESHES)
        return 0;
    s->refreshes++;
    pthread_mutex_unlock(&s->lock);
    sd_fetch_stop(&s->main);
    sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: the result link expired; asking the task for "
           "a fresh one", s->task_id);
    if (seedance_get_task(s->c, s->task_id, &t) == SEEDANCE_OK &&
        (fresh = seedance_task_result_url(t)) && strcmp(fresh, s->url) &&
        sd_check_base_url("result URL", fresh, NULL) == SEEDANCE_OK)
        url = strdup(fresh);
    seedance_task_free(t);
    pthread_mutex_lock(&s->lock);
    if (!url)
        return 0;
    free(s->url);
    s->url = url;
    s->main.done = 0;
    atomic_store(&s->main.abort, 0);
    memset(&s->main.err, 0, sizeof(s->main.err));
    pthread_mutex_unlock(&s->lock);
    rc = sd_fetch_start(&s->main);
    pthread_mutex_lock(&s->lock);
    if (rc) {
        s->main.err = s->c->err;
        s->main.done = 1;
    }
    return !rc;
}

/* The main download failed (lock held): 0 when a fresh link restarted
 * it, else its error, which becomes the client's. */
static int main_error(sd_stream *s)
{
    if (s->main.err.code == SEEDANCE_E_EXPIRED && refresh_link(s))
        return 0;
    if (s->main.handover && sd_follow_takeover(s))
        return 0;               /* the download another process left goes on here */
    s->c->err = s->main.err;
    return s->main.err.code ? s->main.err.code : SEEDANCE_E_NETWORK;
}

/* Stop the side download and forget its data (lock held; released while
 * joining the thread). */
static void side_stop(sd_stream *s)
{
    if (s->side.fd < 0)
        return;
    pthread_mutex_unlock(&s->lock);
    sd_fetch_stop(&s->side);
    pthread_mutex_lock(&s->lock);
}

/*
 * Will the data at pos come from the side download? Starts one when pos
 * is far ahead of the main download and the server honours Range (lock
 * held). Returns 1 when the side download covers or approaches pos.
 */
static int side_for(sd_stream *s, int64_t pos)
{
    sd_fetch *f = &s->side;
    int fd;

    if (f->fd >= 0 && f->done && f->err.code) {
        /* It failed (no Range after all, link gone...): rely on main. */
        s->ranges = 0;
        return 0;
    }
    if (f->fd >= 0 && pos >= f->origin && pos <= f->end + SD_SIDE_GAP)
        return 1;
    if (!s->url || !s->ranges || s->size < 0 || pos >= s->size ||
        pos <= s->main.end + SD_SIDE_GAP || s->main.done)
        return 0;

    /* a new side download from pos */
    side_stop(s);
    fd = f->fd;
    if (fd < 0) {
        char *dir = NULL;
        if (s->cache_path && (dir = strdup(s->cache_path)))
            *strrchr(dir, '/') = '\0';
        fd = sd_spool_file(dir);
        free(dir);
        if (fd < 0)
            return 0;
    } else if (ftruncate(fd, 0) < 0) {
        return 0;
    }
    memset(f, 0, sizeof(*f));
    atomic_init(&f->abort, 0);
    f->s = s;
    f->fd = fd;
    f->origin = pos;
    f->end = pos;
    pthread_mutex_unlock(&s->lock);
    int rc = sd_fetch_start(f);
    pthread_mutex_lock(&s->lock);
    if (rc) {
        close(f->fd);
        f->fd = -1;
        return 0;
    }
    sd_log(s->c, SEEDANCE_LOG_DEBUG, "task %s: reading from byte %" PRId64 " with Range",
           s->task_id, pos);
    return 1;
}

/* The bytes of f at pos (< f->end), in its ring while it holds them
 * (pinned there) unless stored, else in its file (lock held). Their
 * count; 0 when stored and they are not in the file yet. */
static int64_t region_of(sd_fetch *f, int64_t pos, int stored, sd_region *r)
{
    int64_t avail = f->end - pos;
    sd_ring *ring = &f->ring;

    if (ring->buf && pos >= ring->lo && !stored) {
        int64_t i = pos % SD_RING_SIZE;
        if (avail > SD_RING_SIZE - i)
            avail = SD_RING_SIZE - i;       /* up to the ring's end */
        r->mem = ring->buf + i;
        r->pinned = ring;
        ring->pin = pos;
    } else {
        if (ring->buf && avail > ring->stored - pos)
            avail = ring->stored - pos;     /* the rest is only in the ring */
        if (avail <= 0)
            return 0;
        r->fd = f->fd;
        r->off = (off_t)(pos - f->origin);
    }
    return avail;
}

/* Where the bytes at the reader's position are, waiting for them (lock
 * held): their count (at most size) in *r; 0 at the end of the clip; a
 * negative code on failure. */
static int64_t next_region(sd_stream *s, size_t size, int stored, sd_region *r)
{
    int rc;

    for (;;) {
        int64_t pos = s->pos, avail = 0;

        report(s);
        if (pos < s->main.end)
            avail = region_of(&s->main, pos, stored, r);
        else if (s->side.fd >= 0 && pos >= s->side.origin && pos < s->side.end)
            avail = region_of(&s->side, pos, stored, r);
        if (avail > 0)
            return (int64_t)size < avail ? (int64_t)size : avail;
        if (s->size >= 0 && pos >= s->size) {
            if (s->main.done && s->side.fd >= 0)
                side_stop(s);
            return 0;
        }
        if (!side_for(s, pos) && s->main.done) {
            if (s->main.err.code && !(rc = main_error(s)))
                continue;          /* restarted with a fresh link */
            return s->main.err.code ? -rc : 0;   /* complete, no size announced: the end */
        }
        /* woken when a batch has arrived, not for every block */
        s->want = pos + (size < SD_WAKE_BYTES ? (int64_t)size : SD_WAKE_BYTES);
        s->want_stored = stored;
        rc = wait_change(s);
        s->want = 0;
        s->want_stored = 0;
        if (rc)
            return -rc;
    }
}

int64_t sd_stream_region(sd_stream *s, size_t size, int stored, sd_region *r)
{
    int64_t n;

    if (size > INT32_MAX)
        size = INT32_MAX;
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    pthread_mutex_lock(&s->lock);
    n = next_region(s, size, stored, r);
    pthread_mutex_unlock(&s->lock);
    return n;
}

void sd_stream_advance(sd_stream *s, sd_region *r, int64_t n)
{
    if (r->pinned) {
        pthread_mutex_lock(&s->lock);
        r->pinned->pin = -1;
        if (r->pinned->waiting)
            pthread_cond_broadcast(&r->pinned->room);
        pthread_mutex_unlock(&s->lock);
        r->pinned = NULL;
    }
    s->pos += n;
}

int64_t seedance_stream_read(seedance_stream *s, void *buf, size_t size)
{
    sd_region r;
    int64_t want;
    ssize_t n;
    int e;

    if (!s || !buf)
        return -SEEDANCE_E_INVALID;
    if (size == 0)
        return 0;
    if ((want = sd_stream_region(s, size, 0, &r)) <= 0)
        return want;
    if (r.mem) {
        memcpy(buf, r.mem, (size_t)want);   /* straight from the network's ring */
        n = (ssize_t)want;
    } else {
        do
            n = pread(r.fd, buf, (size_t)want, r.off);
        while (n < 0 && errno == EINTR);
    }
    e = n < 0 ? errno : EIO;
    sd_stream_advance(s, &r, n > 0 ? n : 0);
    if (n <= 0)
        return -sd_fail_task(s->c, SEEDANCE_E_IO, s->task_id,
                             "task %s: cannot read the downloaded clip: %s", s->task_id,
                             strerror(e));
    return n;
}

int64_t seedance_stream_seek(seedance_stream *s, int64_t offset, int whence)
{
    int64_t base;
    int rc;

    if (!s)
        return -SEEDANCE_E_INVALID;
    pthread_mutex_lock(&s->lock);
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = s->pos;
        break;
    case SEEK_END:
        /* The size is known from the first reply unless the server sent
         * no length: then only the end of the download tells. */
        while (s->size < 0) {
            if (s->main.done) {
                if (s->main.err.code) {
                    if (!(rc = main_error(s)))
                        continue;
                    pthread_mutex_unlock(&s->lock);
                    return -rc;
                }
                s->size = s->main.end;
                break;
            }
            if ((rc = wait_change(s))) {
                pthread_mutex_unlock(&s->lock);
                return -rc;
            }
        }
        base = s->size;
        break;
    default:
        pthread_mutex_unlock(&s->lock);
        return -sd_fail_task(s->c, SEEDANCE_E_INVALID, s->task_id,
                             "seek: whence %d is not SEEK_SET, SEEK_CUR or SEEK_END", whence);
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
        pthread_mutex_unlock(&s->lock);
        return -sd_fail_task(s->c, SEEDANCE_E_INVALID, s->task_id,
                             "seek: offset %" PRId64 " from %" PRId64 " is outside the clip",
                        offset, base);
    }
    s->pos = base + offset;
    pthread_mutex_unlock(&s->lock);
    return base + offset;
}

int64_t seedance_stream_size(seedance_stream *s)
{
    int64_t size;

    if (!s)
        return -1;
    pthread_mutex_lock(&s->lock);
    report(s);
    size = s->size;
    pthread_mutex_unlock(&s->lock);
    return size;
}

int seedance_stream_seekable(seedance_stream *s)
{
    int ok;

    if (!s)
        return 0;
    /* Every byte is spooled to a file, so every position can be reached:
     * at once when received, with Range when the server honours it, or by
     * waiting for the download. Only a failed download cannot get further. */
    pthread_mutex_lock(&s->lock);
    ok = s->cached || !s->main.done || !s->main.err.code || s->ranges;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

const char *seedance_stream_task_id(const seedance_stream *s)
{
    return s ? s->task_id : NULL;
}

const char *seedance_stream_cache_path(const seedance_stream *s)
{
    return s ? s->cache_path : NULL;
}

void seedance_stream_close(seedance_stream *s)
{
    if (!s)
        return;
    sd_fetch_stop(&s->side);
    sd_fetch_stop(&s->main);
    if (s->side.fd >= 0)
        close(s->side.fd);
    /* an empty .part (the link failed at once) is litter, not a resume
     * point; the length announced for it is for followers, gone with it */
    if (s->owner && !s->cached && s->main.end == 0)
        unlink(s->part_path);
    if (s->owner && !s->cached)
        sd_cache_drop_total(s->cache_path);
    if (s->main.fd >= 0)
        close(s->main.fd);      /* also releases the lock on the .part */
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s->task_id);
    free(s->url);
    free(s->cache_path);
    free(s->part_path);
    free(s);
}

/* ------------------------------------------------------------------ */
/* Opening                                                            */

int sd_stream_open_file(seedance_client *c, const char *task_id, const char *path,
                        sd_stream **out)
{
    sd_stream *s;
    struct stat st;
    seedance_progress p;

    *out = NULL;
    if (!(s = stream_new(c, task_id, NULL)) || !(s->cache_path = strdup(path))) {
        seedance_stream_close(s);
        return sd_fail_task(c, SEEDANCE_E_NOMEM, task_id, NULL);
    }
    s->main.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->main.fd < 0 || fstat(s->main.fd, &st) < 0) {
        int e = errno;
        seedance_stream_close(s);
        return sd_fail_task(c, SEEDANCE_E_IO, task_id,
                            "task %s: cannot open cached clip %s: %s",
                       task_id, path, strerror(e));
    }
    s->main.end = s->size = st.st_size;
    s->main.done = 1;
    s->cached = 1;

    p = clip_event(s, SEEDANCE_EV_CACHED);
    sd_log(c, SEEDANCE_LOG_INFO, "task %s: using the cached clip %s", task_id, path);
    sd_progress(c, &p);
    *out = s;
    return SEEDANCE_OK;
}

/*
 * The .part fd, locked by this stream: the next download of the task
 * unless the complete clip is in the cache (1). A kept part is checked
 * before it is resumed (stream_verify.c). 0 or a negative code.
 */
static int own_part(sd_stream *s, int fd)
{
    seedance_client *c = s->c;
    struct stat st;
    int rc;

    /* a length announced by an earlier owner is not this download's */
    sd_cache_drop_total(s->cache_path);
    if (sd_cache_usable(c, s->task_id, s->cache_path)) {
        if (fstat(fd, &st) == 0 && st.st_size == 0)
            unlink(s->part_path);       /* created by this open: litter */
        close(fd);
        return 1;
    }
    if (fstat(fd, &st) < 0 || fchmod(fd, 0600) < 0) {
        int e = errno;
        close(fd);
        return -sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "task %s: cannot use cache file "
                             "%s: %s", s->task_id, s->part_path, strerror(e));
    }
    s->main.fd = fd;
    s->owner = 1;
    s->announced = 0;
    s->main.end = st.st_size;     /* a kept .part: resume after it, once checked */
    return (rc = sd_part_check(s)) ? -rc : 0;
}

/*
 * The task's .part in the clip cache: owned (locked) by this stream, or
 * followed when another process holds its lock. 1 when the complete clip
 * is in the cache, 0 when s->main.fd is set, 2 when the file cannot be
 * locked at all (spool privately), or a negative code.
 */
static int open_part(sd_stream *s)
{
    seedance_client *c = s->c;
    int fd;

    if ((!s->cache_path && !(s->cache_path = sd_cache_clip_path(c, s->task_id, ".mp4", 1))) ||
        (!s->part_path && !(s->part_path = sd_cache_clip_path(c, s->task_id, ".mp4.part", 0))))
        return -c->err.code;
    fd = open(s->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "task %s: cannot create cache "
                             "file %s: %s", s->task_id, s->part_path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return own_part(s, fd);
    if (errno == EWOULDBLOCK) {
        sd_log(c, SEEDANCE_LOG_INFO, "task %s: another process is downloading %s; following "
               "its download", s->task_id, s->part_path);
        s->main.fd = fd;
        s->follower = 1;
        return 0;
    }
    close(fd);
    return 2;
}

int sd_stream_destination(sd_stream *s)
{
    seedance_client *c = s->c;
    char *dir = NULL;
    int rc, fd;

    if (c->cache) {
        if ((rc = open_part(s)) != 2)
            return rc;
        /* No lock on this file system: download privately, uncached. */
        sd_log(c, SEEDANCE_LOG_INFO, "task %s: %s cannot be locked; this copy is not "
               "cached", s->task_id, s->part_path);
        free(s->part_path);
        s->part_path = NULL;
        if ((dir = strdup(s->cache_path)))
            *strrchr(dir, '/') = '\0';
        free(s->cache_path);
        s->cache_path = NULL;
    }
    fd = sd_spool_file(dir);
    free(dir);
    if (fd < 0)
        return -sd_fail_task(c, SEEDANCE_E_IO, s->task_id,
                             "task %s: cannot create a spool file: %s", s->task_id, strerror(errno));
    s->main.fd = fd;
    return 0;
}

int sd_stream_start_main(sd_stream *s)
{
    return s->follower ? sd_follow_start(s) : sd_fetch_start(&s->main);
}

int sd_stream_open_url(seedance_client *c, const char *task_id, const char *url,
                       sd_stream **out)
{
    sd_stream *s;
    int rc;

    *out = NULL;
    if (!url || !*url)
        return sd_fail_task(c, SEEDANCE_E_PROTOCOL, task_id, "task %s: no result URL", task_id);
    if (sd_check_base_url("result URL", url, &c->err)) {
        c->err.code = SEEDANCE_E_PROTOCOL;
        snprintf(c->err.task_id, sizeof(c->err.task_id), "%s", task_id);
        return SEEDANCE_E_PROTOCOL;
    }
    if (!(s = stream_new(c, task_id, url)))
        return sd_fail_task(c, SEEDANCE_E_NOMEM, task_id, NULL);

    rc = sd_stream_destination(s);
    if (rc == 1) {
        char *path = s->cache_path;
        s->cache_path = NULL;
        seedance_stream_close(s);
        rc = sd_stream_open_file(c, task_id, path, out);
        free(path);
        return rc;
    }
    if (rc < 0 || (rc = sd_stream_start_main(s))) {
        seedance_stream_close(s);
        return rc < 0 ? -rc : rc;
    }

    /* Wait for the server's first answer: an expired link or a refused
     * download fails the open, and the size is known afterwards. */
    pthread_mutex_lock(&s->lock);
    do {
        while (!rc && !s->main.ready && !s->main.done)
            rc = wait_change(s);
    } while (!rc && s->main.done && s->main.err.code && !(rc = main_error(s)));
    if (!rc)
        report(s);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        seedance_stream_close(s);
        return rc;
    }
    *out = s;
    return SEEDANCE_OK;
}
