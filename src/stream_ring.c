/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The receive ring of a download and its writer thread (see stream.h).
 *
 * libcurl hands the body over in blocks of at most 16 KB. Writing each to
 * the file from the download thread would make that thread receive and
 * store in turn, and the reader wait for both (and read everything back).
 * Here the download thread only copies each block into the ring and
 * publishes it; the writer stores what has accumulated in one or two large
 * writes (at least SD_RING_BATCH at a time while data flows, or whatever is
 * there when the transfer pauses), on the other core; the reader copies
 * from the ring what it still holds and reads the file for the rest; a
 * save takes only what is stored, right behind the writer.
 *
 * Clip offset x is at buf[x % SD_RING_SIZE]. Writing [end, end + n) into
 * the ring overwrites [end + n - SD_RING_SIZE, ...): allowed once those
 * bytes are stored and the reader is not copying them (pin).
 *
 * The writer of the main download into the cache also hashes what it
 * stores (XXH3-128, for the clip's record, see cache.c) straight from the
 * ring, while the bytes are in the processor's caches: committing the clip
 * then does not read it back from the disk.
 *
 * The ring is small on purpose: the block libcurl has just received, its
 * copy in the ring, and the ring's bytes the writer and the reader take
 * stay in the processor's caches when everyone keeps up.
 *
 * On Linux the writer reserves the file's blocks a little ahead of its
 * writes (fallocate, keeping the file's length): writing into reserved
 * blocks costs ext4 markedly less than allocating them block by block, and
 * the file stays a plain prefix of the clip.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE     /* fallocate */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"

/* Wake the writer once this much waits to be stored. */
#define SD_RING_BATCH (256L * 1024)
/* Reserve the file's blocks this far ahead of the writes. */
#define SD_RING_RESERVE (16L * 1024 * 1024)
/* The largest piece copied into the ring at once. */
#define SD_RING_PIECE (SD_RING_SIZE / 4)

/* Store [*at, *at + n) of the ring in the file (writer only), moving *at
 * past what was stored. 0 or errno. */
static int store(sd_fetch *f, int64_t *at, int64_t n)
{
    while (n > 0) {
        size_t i = (size_t)(*at % SD_RING_SIZE);
        size_t k = (size_t)(n < SD_RING_SIZE - (int64_t)i ? n : SD_RING_SIZE - (int64_t)i);
        ssize_t w = pwrite(f->fd, f->ring.buf + i, k, (off_t)(*at - f->origin));

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        *at += w;
        n -= w;
    }
    return 0;
}

/* Before storing [at, at + n): reserve the blocks up to SD_RING_RESERVE
 * further, within the clip's size (-1 unknown: nothing). *reserved: the
 * clip offset reserved up to (INT64_MAX: the file system cannot). */
static void reserve(sd_fetch *f, int64_t *reserved, int64_t at, int64_t n, int64_t size)
{
#if defined(__linux__) && defined(FALLOC_FL_KEEP_SIZE)
    int64_t from = *reserved > at ? *reserved : at, to = at + n + SD_RING_RESERVE;

    if (size < 0 || at + n <= *reserved)
        return;
    if (to > size)
        to = size;
    if (to > from && fallocate(f->fd, FALLOC_FL_KEEP_SIZE, (off_t)(from - f->origin),
                               (off_t)(to - from)) < 0)
        to = INT64_MAX;
    *reserved = to;
#else
    (void)f; (void)reserved; (void)at; (void)n; (void)size;
#endif
}

/* Add [from, to) of the ring to the hash, when it continues it (writer
 * only; those bytes cannot be overwritten before r->stored moves). */
static void hash_stored(sd_ring *r, int64_t from, int64_t to)
{
    if (!r->hash || r->hashed != from)
        return;
    while (from < to) {
        size_t i = (size_t)(from % SD_RING_SIZE);
        size_t k = (size_t)(to - from < SD_RING_SIZE - (int64_t)i ? to - from
                                                                   : SD_RING_SIZE - (int64_t)i);
        sd_hash_add(r->hash, r->buf + i, k);
        from += (int64_t)k;
    }
    r->hashed = to;
}

/* Store what waits even though it is less than a batch? (lock held) */
static int store_now(const sd_fetch *f)
{
    const sd_ring *r = &f->ring;
    const sd_stream *s = f->s;

    sd_assert_locked(s);
    return r->stop || r->flush || r->waiting || (s->waiting && s->want_stored);
}

static void *writer(void *opaque)
{
    sd_fetch *f = opaque;
    sd_ring *r = &f->ring;
    sd_stream *s = f->s;
    int64_t reserved = 0;

    sd_lock(s);
    for (;;) {
        int64_t at = r->stored, from = at, n = f->end - at, size = s->size;
        int e;

        if (n == 0 || (n < SD_RING_BATCH && !store_now(f))) {
            if (n == 0 && r->stop)
                break;
            if (n == 0)
                r->flush = 0;
            r->idle = 1;
            pthread_cond_wait(&r->work, &s->lock);
            r->idle = 0;
            continue;
        }
        sd_unlock(s);
        reserve(f, &reserved, at, n, size);
        e = store(f, &at, n);
        hash_stored(r, from, at);
        sd_lock(s);
        r->stored = at;         /* a prefix of the clip, even after a failure */
        if (e) {
            if (!f->err.code)
                sd_http_error(&f->err, SEEDANCE_E_IO, 0, NULL, s->task_id,
                              "task %s: cannot write the downloaded clip: %s", s->task_id,
                              strerror(e));
            r->failed = 1;
            pthread_cond_broadcast(&r->room);
            break;
        }
        if (s->waiting && s->want_stored && at >= s->want)
            pthread_cond_broadcast(&s->cond);
        if (r->waiting)
            pthread_cond_broadcast(&r->room);
    }
    sd_unlock(s);
    return NULL;
}

/* Free what sd_ring_start() set up (no writer runs). */
static void release(sd_ring *r)
{
    pthread_cond_destroy(&r->work);
    pthread_cond_destroy(&r->room);
    sd_hash_free(r->hash);
    r->hash = NULL;
    free(r->buf);
    r->buf = NULL;
}

int sd_ring_start(sd_fetch *f)
{
    sd_ring *r = &f->ring;
    sd_stream *s = f->s;
    int rc;

    if (!(r->buf = malloc(SD_RING_SIZE)) ||
        (f->is_main && s->part_path && !(r->hash = sd_hash_new(SD_HASH_XXH128)))) {
        free(r->buf);
        r->buf = NULL;
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id, NULL);
    }
    r->lo = r->stored = f->end;
    r->hashed = f->end == 0 ? 0 : -1;
    r->pin = -1;
    r->nudged = -1;
    r->idle = r->stop = r->flush = r->failed = r->waiting = 0;
    pthread_cond_init(&r->work, NULL);
    pthread_cond_init(&r->room, NULL);
    /* The thread takes no signals: they stay with the caller's threads. */
    if ((rc = sd_thread_start(s, &r->thread, writer, f))) {
        release(r);
        return rc;
    }
    r->running = 1;
    return SEEDANCE_OK;
}

/* Wait on room (lock held; released while waiting), waking the writer
 * first when it idles. */
static void wait_room(sd_fetch *f)
{
    sd_ring *r = &f->ring;

    sd_assert_locked(f->s);
    if (r->idle)
        pthread_cond_signal(&r->work);
    r->waiting++;
    pthread_cond_wait(&r->room, &f->s->lock);
    r->waiting--;
}

/* The ring may take n bytes at f->end (lock held). */
static int has_room(const sd_fetch *f, int64_t n)
{
    const sd_ring *r = &f->ring;
    int64_t over = f->end + n - SD_RING_SIZE;   /* overwritten below this */

    sd_assert_locked(f->s);
    return over <= r->stored && (r->pin < 0 || over <= r->pin);
}

/* Copy n bytes to the ring at clip offset at (download thread, no lock:
 * that part of the ring is its own). */
static void copy_in(sd_ring *r, int64_t at, const char *data, size_t n)
{
    size_t i = (size_t)(at % SD_RING_SIZE), k = SD_RING_SIZE - i;

    if (k > n)
        k = n;
    memcpy(r->buf + i, data, k);
    memcpy(r->buf, data + k, n - k);
}

int sd_ring_put(sd_fetch *f, const char *data, size_t len)
{
    sd_ring *r = &f->ring;
    sd_stream *s = f->s;
    int stop = 0;

    while (len > 0 && !stop) {
        size_t k = len < (size_t)SD_RING_PIECE ? len : (size_t)SD_RING_PIECE;
        int64_t at = f->end;    /* only this thread moves it */

        sd_lock(s);
        while (!(stop = f->abort || f->err.code) && !has_room(f, (int64_t)k))
            wait_room(f);
        if (!stop && at + (int64_t)k - SD_RING_SIZE > r->lo)
            r->lo = at + (int64_t)k - SD_RING_SIZE;
        sd_unlock(s);
        if (stop)
            break;
        copy_in(r, at, data, k);
        data += k;
        len -= k;

        sd_lock(s);
        f->end = at + (int64_t)k;
        if (s->waiting && f->end >= s->want && !s->want_stored)
            pthread_cond_broadcast(&s->cond);
        if (r->idle && f->end - r->stored >= SD_RING_BATCH)
            pthread_cond_signal(&r->work);
        stop = f->abort || f->err.code;
        sd_unlock(s);
    }
    return stop;
}

void sd_ring_nudge(sd_fetch *f)
{
    sd_ring *r = &f->ring;
    sd_stream *s = f->s;

    sd_lock(s);
    if (f->end > r->stored && f->end == r->nudged)
        r->flush = 1;
    if (r->idle && f->end > r->stored &&
        (r->flush || (s->waiting && s->want_stored && f->end >= s->want)))
        pthread_cond_signal(&r->work);
    r->nudged = f->end;
    sd_unlock(s);
}

void sd_ring_wait_reset(sd_fetch *f, int64_t at)
{
    sd_ring *r = &f->ring;

    sd_assert_locked(f->s);
    if (r->running)
        while ((r->stored < f->end && !r->failed) || r->pin >= 0)
            wait_room(f);
    f->end = r->lo = r->stored = at;
    if (r->hash && at == 0)
        sd_hash_reset(r->hash);
    if (at != r->hashed)
        r->hashed = at == 0 ? 0 : -1;
}

void sd_ring_finish_relock(sd_fetch *f)
{
    sd_ring *r = &f->ring;

    sd_assert_locked(f->s);
    if (!r->running)
        return;
    r->stop = 1;
    pthread_cond_signal(&r->work);
    sd_unlock(f->s);
    pthread_join(r->thread, NULL);
    sd_lock(f->s);
    r->running = 0;
    if (r->stored < f->end)
        f->end = r->stored;     /* the rest was never stored */
    if (r->lo > f->end)
        r->lo = f->end;
}

int sd_ring_digest(sd_fetch *f, int64_t size, char hex[65])
{
    sd_ring *r = &f->ring;

    return r->hash && r->hashed == size && f->end == size ? sd_hash_final(r->hash, hex) : -1;
}

void sd_ring_free(sd_fetch *f)
{
    sd_ring *r = &f->ring;

    if (!r->buf)
        return;
    sd_lock(f->s);
    sd_ring_finish_relock(f);
    sd_unlock(f->s);
    release(r);
}
