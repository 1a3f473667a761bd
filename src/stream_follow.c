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

/* Fail the follow with an error (lock held). */
#define follow_fail(s, code, ...) \
    (sd_task_error(&(s)->main.err, code, (s)->task_id, __VA_ARGS__), \
     sd_fetch_set_state(&(s)->main, SD_FAILED))

/* Take in what a look saw (lock held). 1 when following is over: the
 * clip is committed or all here, or the owner is gone, or it failed. */
static int take_in(sd_stream *s, const look *l)
{
    sd_fetch *f = &s->main;
    int64_t avail;

    sd_assert_locked(s);
    if (l->committed) {
        if (sd_stream_set_size(s, f, l->st.st_size, 1, 0)) {
            sd_fetch_set_state(f, SD_FAILED);
            return 1;
        }
        f->end = l->st.st_size;
        f->starts += !f->starts;
        s->dest = SD_DEST_CLIP;
        sd_fetch_set_state(f, SD_COMPLETE);
        return 1;
    }
    if (l->freed) {
        sd_task_error(&f->err, SEEDANCE_E_INTERRUPTED, s->task_id, "task %s: the process "
                      "downloading %s stopped", s->task_id, s->part_path);
        sd_fetch_set_state(f, SD_HANDOVER);
        return 1;
    }
    if (l->total < 0)
        return 0;
    if (sd_stream_set_size(s, f, l->total, 1, 0)) {
        sd_fetch_set_state(f, SD_FAILED);
        return 1;
    }
    if (f->state == SD_AWAITING_OWNER) {
        f->starts = 1;
        sd_fetch_set_state(f, SD_FOLLOWING);
    }
    avail = l->st.st_size < l->total ? l->st.st_size : l->total;
    if (avail < f->end) {
        follow_fail(s, SEEDANCE_E_PROTOCOL, "task %s: the download of another process into %s "
                    "shrank", s->task_id, s->part_path);
        return 1;
    }
    f->end = avail;
    if (f->end == s->size)      /* all of it: nothing more to follow */
        sd_fetch_set_state(f, SD_COMPLETE);
    return sd_fetch_done(f);
}

static void *follow_thread(void *opaque)
{
    sd_stream *s = opaque;
    sd_fetch *f = &s->main;
    int64_t total = -1, seen = -1;
    double since = sd_now();
    look l;

    sd_lock(s);
    while (!f->abort) {
        sd_unlock(s);
        int rc = take_look(s, total, &l);
        sd_lock(s);
        if (rc < 0) {
            follow_fail(s, SEEDANCE_E_IO, "task %s: cannot follow %s: %s", s->task_id,
                        s->part_path, strerror(errno));
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
            follow_fail(s, SEEDANCE_E_NETWORK, "task %s: the process downloading %s made no "
                        "progress for %.0f s", s->task_id, s->part_path, SD_FOLLOW_STALL);
            break;
        }
        sd_stream_wait(s, SD_FOLLOW_TICK);
    }
    if (!sd_fetch_done(f))
        follow_fail(s, SEEDANCE_E_INTERRUPTED, "task %s: download stopped", s->task_id);
    sd_unlock(s);
    return NULL;
}

int sd_follow_start(sd_stream *s)
{
    sigset_t all, old;
    int rc;

    /* what is not received yet comes from the owner, not from Range */
    sd_lock(s);
    s->ranges = 0;
    sd_fetch_set_state(&s->main, SD_AWAITING_OWNER);
    sd_unlock(s);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&s->main.thread, NULL, follow_thread, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id, "task %s: cannot start a thread: %s",
                     s->task_id, strerror(rc));
        sd_lock(s);
        s->main.err = s->c->err;
        sd_fetch_set_state(&s->main, SD_FAILED);
        sd_unlock(s);
        return s->main.err.code;
    }
    s->main.running = 1;
    return SEEDANCE_OK;
}

/* main.fd becomes the committed clip at s->cache_path (lock not held).
 * 0 or a code. */
static int use_clip(sd_stream *s)
{
    struct stat st;
    int fd = open(s->cache_path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return sd_fail_task(s->c, SEEDANCE_E_IO, s->task_id, "task %s: cannot open cached "
                            "clip %s: %s", s->task_id, s->cache_path, strerror(errno));
    }
    sd_lock(s);
    s->main.fd = fd;
    s->dest = SD_DEST_CLIP;
    if (!(rc = sd_stream_set_size(s, &s->main, st.st_size, 1, 0))) {
        s->main.end = st.st_size;
        sd_fetch_set_state(&s->main, SD_COMPLETE);
    } else {
        s->c->err = s->main.err;
    }
    sd_unlock(s);
    return rc;
}

int sd_follow_takeover_relock(sd_stream *s)
{
    sd_fetch *f = &s->main;
    sd_dest dest;
    int rc;

    sd_assert_locked(s);
    if (f->state != SD_HANDOVER)
        return 0;
    sd_unlock(s);
    sd_fetch_stop(f);
    sd_log(s->c, SEEDANCE_LOG_INFO, "task %s: the process downloading %s stopped; going on "
           "from here", s->task_id, s->part_path);
    sd_lock(s);
    close(f->fd);           /* and its lock: the destination is opened anew */
    f->fd = -1;
    f->end = 0;
    s->dest = SD_DEST_NONE;
    sd_fetch_reset(f);
    sd_unlock(s);
    /* The bytes served already stay valid: the same clip, whoever fetches
     * it. Reads beyond what the new destination holds wait for it. */
    if (!(rc = sd_stream_destination(s, &dest)))
        rc = dest == SD_DEST_CLIP ? use_clip(s) : sd_stream_start_main(s);
    sd_lock(s);
    if (rc) {
        if (!sd_fetch_done(f)) {
            f->err = s->c->err;
            sd_fetch_set_state(f, SD_FAILED);
        }
        return 0;
    }
    return 1;
}
