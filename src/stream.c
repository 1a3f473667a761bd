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

/* ------------------------------------------------------------------ */
/* The lock and the states                                            */

#ifndef NDEBUG
/* The stream whose lock the calling thread holds (one at a time). */
static _Thread_local const sd_stream *held;

int sd_holds_lock(const sd_stream *s)
{
    return held == s;
}
#endif

void sd_lock(sd_stream *s)
{
    assert(!held);              /* never two streams, never twice */
    pthread_mutex_lock(&s->lock);
#ifndef NDEBUG
    held = s;
#endif
}

void sd_unlock(sd_stream *s)
{
    sd_assert_locked(s);
#ifndef NDEBUG
    held = NULL;
#endif
    pthread_mutex_unlock(&s->lock);
}

static const char *const state_names[SD_STATES] = {
    [SD_IDLE]           = "idle",
    [SD_CONNECTING]     = "connecting",
    [SD_RECEIVING]      = "receiving",
    [SD_AWAITING_OWNER] = "awaiting the owner",
    [SD_FOLLOWING]      = "following",
    [SD_HANDOVER]       = "handover",
    [SD_COMPLETE]       = "complete",
    [SD_FAILED]         = "failed",
};

#define TO(st) (1u << (st))
/* The arrows of stream.h: the states each state may go to. */
static const unsigned next_states[SD_STATES] = {
    [SD_IDLE]           = TO(SD_CONNECTING) | TO(SD_AWAITING_OWNER) | TO(SD_COMPLETE) |
                          TO(SD_FAILED),
    [SD_CONNECTING]     = TO(SD_RECEIVING) | TO(SD_COMPLETE) | TO(SD_FAILED),
    [SD_RECEIVING]      = TO(SD_COMPLETE) | TO(SD_FAILED),
    [SD_AWAITING_OWNER] = TO(SD_FOLLOWING) | TO(SD_COMPLETE) | TO(SD_HANDOVER) | TO(SD_FAILED),
    [SD_FOLLOWING]      = TO(SD_COMPLETE) | TO(SD_HANDOVER) | TO(SD_FAILED),
    [SD_HANDOVER]       = TO(SD_IDLE),
    [SD_COMPLETE]       = TO(SD_IDLE),
    [SD_FAILED]         = TO(SD_IDLE),
};

const char *sd_state_name(sd_state st)
{
    return st >= 0 && st < SD_STATES ? state_names[st] : "?";
}

void sd_fetch_set_state(sd_fetch *f, sd_state to)
{
    sd_stream *s = f->s;
    unsigned i;

    sd_assert_locked(s);
    if (f->state == to)
        return;
    assert(next_states[f->state] & TO(to));
    i = s->traced++ % (sizeof(s->trace) / sizeof(s->trace[0]));
    s->trace[i].main = (unsigned char)f->is_main;
    s->trace[i].from = (unsigned char)f->state;
    s->trace[i].to = (unsigned char)to;
    f->state = to;
    pthread_cond_broadcast(&s->cond);
}

void sd_fetch_reset(sd_fetch *f)
{
    sd_assert_locked(f->s);
    assert(!f->running);
    sd_fetch_set_state(f, SD_IDLE);
    atomic_store(&f->abort, 0);
    memset(&f->err, 0, sizeof(f->err));
}

/* Log the state changes not logged yet, from the caller's thread (lock
 * held; released around the log callback). */
static void log_states_relock(sd_stream *s)
{
    const unsigned n = sizeof(s->trace) / sizeof(s->trace[0]);

    sd_assert_locked(s);
    if (s->traced - s->logged > n)
        s->logged = s->traced - n;      /* the oldest were overwritten */
    while (s->logged != s->traced) {
        unsigned i = s->logged++ % n;
        const char *which = s->trace[i].main ? "main" : "side";
        const char *from = sd_state_name(s->trace[i].from), *to = sd_state_name(s->trace[i].to);

        sd_unlock(s);
        sd_log(s->c, SEEDANCE_LOG_DEBUG, "task %s: %s transfer: %s -> %s", s->task_id, which,
               from, to);
        sd_lock(s);
    }
}

int sd_stream_set_size(sd_stream *s, sd_fetch *f, int64_t size, int announced, long status)
{
    sd_assert_locked(s);
    if (s->size >= 0 && s->size != size) {
        if (!f->err.code)
            sd_http_error(&f->err, SEEDANCE_E_PROTOCOL, (int)status, NULL, s->task_id,
                          "task %s: the result changed size during the download (%" PRId64
                          " then %" PRId64 " bytes); nothing of it is cached", s->task_id,
                          s->size, size);
        return SEEDANCE_E_PROTOCOL;
    }
    s->size = size;
    s->sized |= announced;
    return SEEDANCE_OK;
}

/* ------------------------------------------------------------------ */
/* Waiting and reporting                                              */

void sd_stream_wait(sd_stream *s, double seconds)
{
    struct timespec ts;
    double t;

    sd_assert_locked(s);
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
    int sized, rc;
    sd_commit v;

    sd_assert_unlocked(s);
    sd_lock(s);
    size = s->size;
    sized = s->sized;
    sd_unlock(s);
    /* Without an announced length the .part stays: the next open asks
     * for the bytes after it and learns the length (416). */
    if (!s->part_path || !s->cache_path || !sized)
        return;
    rc = sd_cache_commit(s->main.fd, s->part_path, s->cache_path, size,
                         sd_ring_digest(&s->main, size, hash) == 0 ? hash : NULL, &v);
    if (rc == SEEDANCE_OK && v == SD_COMMITTED) {
        sd_lock(s);
        s->dest = SD_DEST_CLIP;
        sd_unlock(s);
    } else if (rc == SEEDANCE_OK && v == SD_COMMIT_WRONG_SIZE) {
        unlink(s->part_path);   /* not the announced clip: never cached */
    }
    /* A failure of the file system keeps the .part: the next open finds
     * it complete (416) and commits it then. SD_COMMIT_STALE: the .part is
     * another process's now (this one downloaded into a file discarded
     * meanwhile). */
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

/* Report the state changes and the download (re)starts seen since the
 * last call (lock held; released around the caller's callbacks). */
static void report_relock(sd_stream *s)
{
    sd_assert_locked(s);
    log_states_relock(s);
    while (s->reported_starts < s->main.starts) {
        seedance_progress p;
        /* one event per response, also when several came since the last
         * call; only the latest one's first byte is known */
        int64_t at = ++s->reported_starts == s->main.starts ? s->main.start_at : -1;

        p = clip_event(s, SEEDANCE_EV_DOWNLOAD);
        sd_unlock(s);
        if (at > 0)
            sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: download resumed at byte %" PRId64,
                   s->task_id, at);
        sd_progress(s->c, &p);
        sd_lock(s);
    }
}

/* Wait up to 100 ms for a change, then check the interrupt callback
 * (lock held; released around the callback). */
static int wait_change(sd_stream *s)
{
    int stop;

    sd_assert_locked(s);
    sd_stream_wait(s, 0.1);
    sd_unlock(s);
    stop = sd_interrupted(s->c);
    sd_lock(s);
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
static int refresh_link_relock(sd_stream *s)
{
    seedance_task *t = NULL;
    const char *fresh;
    char *url = NULL;
    int rc;

    sd_assert_locked(s);
    if (s->refreshes >= SD_REFRESHES)
        return 0;
    s->refreshes++;
    sd_unlock(s);
    sd_fetch_stop(&s->main);
    sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: the result link expired; asking the task for "
           "a fresh one", s->task_id);
    if (seedance_get_task(s->c, s->task_id, &t) == SEEDANCE_OK &&
        (fresh = seedance_task_result_url(t)) && strcmp(fresh, s->url) &&
        sd_check_base_url("result URL", fresh, NULL) == SEEDANCE_OK)
        url = strdup(fresh);
    seedance_task_free(t);
    sd_lock(s);
    if (!url)
        return 0;
    free(s->url);
    s->url = url;
    sd_fetch_reset(&s->main);
    sd_unlock(s);
    rc = sd_fetch_start(&s->main);
    sd_lock(s);
    if (rc) {
        s->main.err = s->c->err;
        sd_fetch_set_state(&s->main, SD_FAILED);
    }
    return !rc;
}

/* The main transfer failed (lock held; released while it restarts): 0
 * when a fresh link restarted it or another process's download was taken
 * over, else its error, which becomes the client's. */
static int main_error_relock(sd_stream *s)
{
    sd_assert_locked(s);
    if (s->main.err.code == SEEDANCE_E_EXPIRED && refresh_link_relock(s))
        return 0;
    if (s->main.state == SD_HANDOVER && sd_follow_takeover_relock(s))
        return 0;               /* the download another process left goes on here */
    s->c->err = s->main.err;
    return s->main.err.code ? s->main.err.code : SEEDANCE_E_NETWORK;
}

/* Stop the side download and forget its data (lock held; released while
 * joining the thread). */
static void side_stop_relock(sd_stream *s)
{
    sd_assert_locked(s);
    if (s->side.fd < 0)
        return;
    sd_unlock(s);
    sd_fetch_stop(&s->side);
    sd_lock(s);
}

/*
 * Will the data at pos come from the side download? Starts one when pos
 * is far ahead of the main download and the server honours Range (lock
 * held; released while the old one stops and the new one starts).
 * Returns 1 when the side download covers or approaches pos.
 */
static int side_for_relock(sd_stream *s, int64_t pos)
{
    sd_fetch *f = &s->side;
    int fd, rc;

    sd_assert_locked(s);
    if (f->fd >= 0 && f->state == SD_FAILED) {
        /* It failed (no Range after all, link gone...): rely on main. */
        s->ranges = 0;
        return 0;
    }
    if (f->fd >= 0 && pos >= f->origin && pos <= f->end + SD_SIDE_GAP)
        return 1;
    if (!s->url || !s->ranges || s->size < 0 || pos >= s->size ||
        pos <= s->main.end + SD_SIDE_GAP || sd_fetch_done(&s->main))
        return 0;

    /* a new side download from pos */
    side_stop_relock(s);
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
    sd_fetch_reset(f);
    f->fd = fd;
    f->origin = f->end = pos;
    f->starts = 0;
    sd_unlock(s);
    rc = sd_fetch_start(f);
    sd_lock(s);
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

    sd_assert_locked(f->s);
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
static int64_t next_region_wait(sd_stream *s, size_t size, int stored, sd_region *r)
{
    int rc;

    sd_assert_locked(s);
    for (;;) {
        int64_t pos = s->pos, avail = 0;

        report_relock(s);
        if (pos < s->main.end)
            avail = region_of(&s->main, pos, stored, r);
        else if (s->side.fd >= 0 && pos >= s->side.origin && pos < s->side.end)
            avail = region_of(&s->side, pos, stored, r);
        if (avail > 0)
            return (int64_t)size < avail ? (int64_t)size : avail;
        if (s->size >= 0 && pos >= s->size) {
            if (sd_fetch_done(&s->main) && s->side.fd >= 0)
                side_stop_relock(s);
            return 0;
        }
        if (!side_for_relock(s, pos) && sd_fetch_done(&s->main)) {
            if (s->main.state != SD_COMPLETE && !(rc = main_error_relock(s)))
                continue;          /* restarted with a fresh link, or taken over */
            return s->main.state != SD_COMPLETE ? -rc : 0;  /* complete, no size announced */
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
    sd_lock(s);
    n = next_region_wait(s, size, stored, r);
    sd_unlock(s);
    return n;
}

void sd_stream_advance(sd_stream *s, sd_region *r, int64_t n)
{
    if (r->pinned) {
        sd_lock(s);
        r->pinned->pin = -1;
        if (r->pinned->waiting)
            pthread_cond_broadcast(&r->pinned->room);
        sd_unlock(s);
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

/* The clip's size, waiting for the end of a download that announced
 * none (lock held; released while waiting). 0 or a code. */
static int size_wait(sd_stream *s)
{
    int rc;

    sd_assert_locked(s);
    while (s->size < 0) {
        if (s->main.state == SD_COMPLETE)
            return sd_stream_set_size(s, &s->main, s->main.end, 0, 0);
        if (sd_fetch_done(&s->main)) {
            if ((rc = main_error_relock(s)))
                return rc;
            continue;
        }
        if ((rc = wait_change(s)))
            return rc;
    }
    return SEEDANCE_OK;
}

int64_t seedance_stream_seek(seedance_stream *s, int64_t offset, int whence)
{
    int64_t base;
    int rc;

    if (!s)
        return -SEEDANCE_E_INVALID;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -sd_fail_task(s->c, SEEDANCE_E_INVALID, s->task_id,
                             "seek: whence %d is not SEEK_SET, SEEK_CUR or SEEK_END", whence);
    sd_lock(s);
    /* The size is known from the first reply unless the server sent no
     * length: then only the end of the download tells. */
    if (whence == SEEK_END && (rc = size_wait(s))) {
        sd_unlock(s);
        return -rc;
    }
    base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s->pos : s->size;
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
        sd_unlock(s);
        return -sd_fail_task(s->c, SEEDANCE_E_INVALID, s->task_id,
                             "seek: offset %" PRId64 " from %" PRId64 " is outside the clip",
                             offset, base);
    }
    s->pos = base + offset;
    sd_unlock(s);
    return base + offset;
}

int64_t seedance_stream_size(seedance_stream *s)
{
    int64_t size;

    if (!s)
        return -1;
    sd_lock(s);
    report_relock(s);
    size = s->size;
    sd_unlock(s);
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
    sd_lock(s);
    ok = s->dest == SD_DEST_CLIP || !sd_fetch_done(&s->main) ||
         s->main.state == SD_COMPLETE || s->ranges;
    sd_unlock(s);
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
    if (s->dest == SD_DEST_PART && s->main.end == 0)
        unlink(s->part_path);
    if (s->dest == SD_DEST_PART)
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
    sd_lock(s);
    s->main.end = s->size = st.st_size;
    s->sized = 1;
    s->dest = SD_DEST_CLIP;
    sd_fetch_set_state(&s->main, SD_COMPLETE);
    sd_unlock(s);

    p = clip_event(s, SEEDANCE_EV_CACHED);
    sd_log(c, SEEDANCE_LOG_INFO, "task %s: using the cached clip %s", task_id, path);
    sd_progress(c, &p);
    *out = s;
    return SEEDANCE_OK;
}

/* main.fd leads to d now (the lock not held). */
static void set_dest(sd_stream *s, int fd, sd_dest d)
{
    sd_lock(s);
    s->main.fd = fd;
    s->dest = d;
    s->announced = 0;
    sd_unlock(s);
}

/*
 * The .part fd, locked by this stream: the next download of the task
 * unless the complete clip is in the cache (*dest SD_DEST_CLIP, fd
 * closed). A kept part is checked before it is resumed (stream_verify.c).
 * SEEDANCE_OK with the verdict in *dest, or a code.
 */
static int own_part(sd_stream *s, int fd, sd_dest *dest)
{
    seedance_client *c = s->c;
    struct stat st;

    /* a length announced by an earlier owner is not this download's */
    sd_cache_drop_total(s->cache_path);
    if (sd_cache_usable(c, s->task_id, s->cache_path)) {
        if (fstat(fd, &st) == 0 && st.st_size == 0)
            unlink(s->part_path);       /* created by this open: litter */
        close(fd);
        *dest = SD_DEST_CLIP;
        return SEEDANCE_OK;
    }
    if (fstat(fd, &st) < 0 || fchmod(fd, 0600) < 0) {
        int e = errno;
        close(fd);
        return sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "task %s: cannot use cache file "
                            "%s: %s", s->task_id, s->part_path, strerror(e));
    }
    set_dest(s, fd, SD_DEST_PART);
    s->main.end = st.st_size;     /* a kept .part: resume after it, once checked */
    *dest = SD_DEST_PART;
    return sd_part_check(s);
}

/*
 * The task's .part in the clip cache: owned (locked) by this stream, or
 * followed when another process holds its lock. SEEDANCE_OK with the
 * verdict in *dest: SD_DEST_CLIP (the complete clip is in the cache),
 * SD_DEST_PART or SD_DEST_FOLLOWED (s->main.fd set), or SD_DEST_SPOOL when
 * the file cannot be locked at all (spool privately); or a code.
 */
static int open_part(sd_stream *s, sd_dest *dest)
{
    seedance_client *c = s->c;
    int fd;

    if ((!s->cache_path && !(s->cache_path = sd_cache_clip_path(c, s->task_id, ".mp4", 1))) ||
        (!s->part_path && !(s->part_path = sd_cache_clip_path(c, s->task_id, ".mp4.part", 0))))
        return c->err.code;
    fd = open(s->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "task %s: cannot create cache "
                            "file %s: %s", s->task_id, s->part_path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return own_part(s, fd, dest);
    if (errno == EWOULDBLOCK) {
        sd_log(c, SEEDANCE_LOG_INFO, "task %s: another process is downloading %s; following "
               "its download", s->task_id, s->part_path);
        set_dest(s, fd, SD_DEST_FOLLOWED);
        *dest = SD_DEST_FOLLOWED;
        return SEEDANCE_OK;
    }
    close(fd);
    *dest = SD_DEST_SPOOL;
    return SEEDANCE_OK;
}

int sd_stream_destination(sd_stream *s, sd_dest *dest)
{
    seedance_client *c = s->c;
    char *dir = NULL;
    int rc, fd;

    sd_assert_unlocked(s);
    if (c->cache) {
        if ((rc = open_part(s, dest)) || *dest != SD_DEST_SPOOL)
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
        return sd_fail_task(c, SEEDANCE_E_IO, s->task_id,
                            "task %s: cannot create a spool file: %s", s->task_id, strerror(errno));
    set_dest(s, fd, SD_DEST_SPOOL);
    *dest = SD_DEST_SPOOL;
    return SEEDANCE_OK;
}

int sd_stream_start_main(sd_stream *s)
{
    return s->dest == SD_DEST_FOLLOWED ? sd_follow_start(s) : sd_fetch_start(&s->main);
}

int sd_stream_open_url(seedance_client *c, const char *task_id, const char *url,
                       sd_stream **out)
{
    sd_stream *s;
    sd_dest dest;
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

    rc = sd_stream_destination(s, &dest);
    if (!rc && dest == SD_DEST_CLIP) {
        char *path = s->cache_path;
        s->cache_path = NULL;
        seedance_stream_close(s);
        rc = sd_stream_open_file(c, task_id, path, out);
        free(path);
        return rc;
    }
    if (rc || (rc = sd_stream_start_main(s))) {
        seedance_stream_close(s);
        return rc;
    }

    /* Wait for the server's first answer: an expired link or a refused
     * download fails the open, and the size is known afterwards. */
    sd_lock(s);
    do {
        while (!rc && !sd_fetch_ready(&s->main) && !sd_fetch_done(&s->main))
            rc = wait_change(s);
    } while (!rc && sd_fetch_done(&s->main) && s->main.state != SD_COMPLETE &&
             !(rc = main_error_relock(s)));
    if (!rc)
        report_relock(s);
    sd_unlock(s);
    if (rc) {
        seedance_stream_close(s);
        return rc;
    }
    *out = s;
    return SEEDANCE_OK;
}
