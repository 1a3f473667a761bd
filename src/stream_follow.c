/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Two processes, one download: following the download of another process.
 *
 * The process downloading a clip holds an exclusive flock() on its .part
 * (flock locks belong to the open file, so two streams of one process
 * exclude each other too). A stream that finds the lock taken does not
 * download: a thread of its own looks at the .part every SD_FOLLOW_TICK
 * seconds and
 *   - learns the clip's length from <clip>.total, which the owner writes
 *     once the server announced it; until then nothing is served (the
 *     owner may still be checking or discarding a kept part);
 *   - then serves the file as it grows, up to that length (main.end), the
 *     reader waiting on the stream's condition variable as for a download
 *     of its own;
 *   - is done when the file it holds became the committed clip (the owner
 *     renamed it: same inode);
 *   - when the lock comes free with the clip not committed (the owner
 *     stopped or died), hands over: the reader opens the destination again
 *     (sd_follow_takeover) and resumes the download itself, or follows
 *     a newer owner, or uses the clip committed meanwhile;
 *   - gives up after SD_FOLLOW_STALL seconds without progress of the
 *     owner (a process stopped while holding the lock).
 * The thread never calls the client's callbacks, like the download's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"

#define SD_FOLLOW_TICK 0.05     /* seconds between two looks at the .part */
#define SD_FOLLOW_STALL 150.0   /* no progress of the owner for this long: give up */

/* What one look saw (no lock held while looking). */
typedef struct look {
    struct stat st;         /* the followed file */
    int committed;          /* it is the committed clip now */
    int freed;              /* its lock came free (this stream holds it now) */
    int64_t total;          /* the announced length, -1 unknown */
} look;

static int same_inode(const char *path, const struct stat *st)
{
    struct stat p;

    return path && stat(path, &p) == 0 && p.st_dev == st->st_dev && p.st_ino == st->st_ino;
}

/* Look at the followed file. 0 or -1 (errno set). */
static int take_look(sd_stream *s, int64_t total, look *l)
{
    if (fstat(s->main.fd, &l->st) < 0)
        return -1;
    l->committed = same_inode(s->cache_path, &l->st);
    l->total = total >= 0 || l->committed ? total : sd_cache_get_total(s->cache_path);
    l->freed = !l->committed && flock(s->main.fd, LOCK_EX | LOCK_NB) == 0;
    return 0;
}

/* Take in what a look saw (lock held). 1 when following is over: the
 * clip is committed or all here, or the owner is gone, or it failed. */
static int take_in(sd_stream *s, const look *l)
{
    sd_fetch *f = &s->main;
    int64_t avail;

    if (l->committed) {
        s->size = f->end = l->st.st_size;
        s->sized = s->cached = f->ready = f->done = 1;
        f->starts += !f->starts;
        return 1;
    }
    if (l->freed) {
        f->handover = f->done = 1;
        sd_task_error(&f->err, SEEDANCE_E_INTERRUPTED, s->task_id, "task %s: the process "
                      "downloading %s stopped", s->task_id, s->part_path);
        return 1;
    }
    if (l->total < 0)
        return 0;
    if (!f->ready) {
        s->size = l->total;
        s->sized = f->ready = 1;
        f->starts = 1;
    }
    avail = l->st.st_size < l->total ? l->st.st_size : l->total;
    if (l->total != s->size || avail < f->end) {
        f->done = 1;
        sd_task_error(&f->err, SEEDANCE_E_PROTOCOL, s->task_id, "task %s: the download of "
                      "another process into %s changed size", s->task_id, s->part_path);
        return 1;
    }
    f->end = avail;
    f->done = f->end == s->size;    /* all of it: nothing more to follow */
    return f->done;
}

static void *follow_thread(void *opaque)
{
    sd_stream *s = opaque;
    sd_fetch *f = &s->main;
    int64_t total = -1, seen = -1;
    double since = sd_now();
    look l;

    pthread_mutex_lock(&s->lock);
    while (!f->abort) {
        pthread_mutex_unlock(&s->lock);
        int rc = take_look(s, total, &l);
        pthread_mutex_lock(&s->lock);
        if (rc < 0) {
            sd_task_error(&f->err, SEEDANCE_E_IO, s->task_id, "task %s: cannot follow %s: %s",
                          s->task_id, s->part_path, strerror(errno));
            break;
        }
        if (take_in(s, &l))
            break;
        if (l.total != total || l.st.st_size != seen) {
            /* progress: the reader may have more */
            total = l.total;
            seen = l.st.st_size;
            since = sd_now();
            pthread_cond_broadcast(&s->cond);
        } else if (sd_now() - since > SD_FOLLOW_STALL) {
            sd_task_error(&f->err, SEEDANCE_E_NETWORK, s->task_id, "task %s: the process "
                          "downloading %s made no progress for %.0f s", s->task_id,
                          s->part_path, SD_FOLLOW_STALL);
            break;
        }
        sd_stream_wait(s, SD_FOLLOW_TICK);
    }
    if (!f->done && !f->err.code)
        sd_task_error(&f->err, SEEDANCE_E_INTERRUPTED, s->task_id, "task %s: download stopped",
                      s->task_id);
    f->done = 1;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sd_follow_start(sd_stream *s)
{
    sigset_t all, old;
    int rc;

    /* what is not received yet comes from the owner, not from Range */
    s->ranges = 0;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&s->main.thread, NULL, follow_thread, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc)
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id,
                            "task %s: cannot start a thread: %s", s->task_id, strerror(rc));
    s->main.running = 1;
    return SEEDANCE_OK;
}

/* main.fd becomes the committed clip at s->cache_path. */
static int use_clip(sd_stream *s)
{
    struct stat st;
    int fd = open(s->cache_path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return sd_fail_task(s->c, SEEDANCE_E_IO, s->task_id, "task %s: cannot open cached "
                            "clip %s: %s", s->task_id, s->cache_path, strerror(errno));
    }
    s->main.fd = fd;
    s->size = s->main.end = st.st_size;
    s->sized = s->cached = s->main.ready = s->main.done = 1;
    return SEEDANCE_OK;
}

int sd_follow_takeover(sd_stream *s)
{
    sd_fetch *f = &s->main;
    int rc;

    if (!f->handover)
        return 0;
    pthread_mutex_unlock(&s->lock);
    sd_fetch_stop(f);
    close(f->fd);           /* and its lock: the destination is opened anew */
    f->fd = -1;
    f->handover = f->done = f->ready = 0;
    f->end = 0;
    atomic_store(&f->abort, 0);
    memset(&f->err, 0, sizeof(f->err));
    s->follower = s->owner = 0;
    sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: the process downloading %s stopped; going on "
           "from here", s->task_id, s->part_path);
    /* The bytes served already stay valid: the same clip, whoever fetches
     * it. Reads beyond what the new destination holds wait for it. */
    rc = sd_stream_destination(s);
    rc = rc == 1 ? use_clip(s) : rc < 0 ? -rc : sd_stream_start_main(s);
    pthread_mutex_lock(&s->lock);
    if (rc) {
        f->err = s->c->err;
        f->done = 1;
        return 0;
    }
    return 1;
}
