/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance internals of the result stream and the clip cache.
 * Not installed.
 *
 * A stream is a file plus up to two downloads feeding it:
 *
 *   main  the whole clip, from the first byte missing to the end, written
 *         to the cache file <cache>/clips/<task-id>.mp4.part (or to an
 *         unlinked spool file when the cache is off). On success the .part
 *         is renamed to <task-id>.mp4: that name only ever holds a
 *         complete, size-checked clip. When another process holds the lock
 *         of the .part, main follows its download instead of fetching
 *         (stream_follow.c), and takes it over if that process stops.
 *   side  started only when the reader seeks well beyond what main has
 *         received and the server honours Range: it fetches from the seek
 *         target to the end into a separate unlinked spool file, so the
 *         cache file stays a plain prefix of the clip (which is what makes
 *         resuming it with Range trivially correct).
 *
 * The reader copies what a download received from its ring in memory
 * while the ring still holds it, and from the files (pread) otherwise, so
 * memory stays bounded by the rings and libcurl's receive buffer whatever
 * the clip size (stream_ring.c).
 *
 * Threads of one open clip: the caller's (the reader: reads, seeks, and
 * every callback of the client), and for each of main and side a download
 * thread (stream_fetch.c) with its ring's writer thread (stream_ring.c,
 * the only thread that writes the transfer's file), or for main a follow
 * thread instead (stream_follow.c). doc/design.texi draws them.
 *
 * State: each transfer (sd_fetch) is in one sd_state, changed only by
 * sd_fetch_set_state(); where the main transfer's bytes go is one sd_dest.
 *
 * Locking: one mutex per stream, taken with sd_lock() and released with
 * sd_unlock(), guards every field marked (lock). A function documented
 * "lock held" checks it with sd_assert_locked() and returns with it held;
 * one that releases it on the way (so that what was read before the call
 * may be stale after it) says so in its name: it waits (a condition
 * variable, "wait" in the name), or its name ends in _relock (released and
 * taken again) or _unlock (returns with the lock released).
 */
#ifndef SEEDANCE_STREAM_H
#define SEEDANCE_STREAM_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "api.h"

/* cache.c ------------------------------------------------------------ */

/*
 * "<cache_dir>/clips/<task_id><suffix>", allocated (free()). The clips
 * directory is created (0700) when mkdir is non-zero. NULL with the error
 * recorded in c on failure (unsafe task id, no memory, mkdir failure).
 */
char *sd_cache_clip_path(seedance_client *c, const char *task_id, const char *suffix,
                         int mkdir);

/* What sd_cache_commit() found. */
typedef enum sd_commit {
    SD_COMMITTED,           /* the clip is in the cache under its name */
    SD_COMMIT_WRONG_SIZE,   /* the file is not size bytes: not the clip announced */
    SD_COMMIT_STALE,        /* part is no longer the file fd (another process's now) */
} sd_commit;

/*
 * Commit a downloaded clip: check that the file (fd) is exactly size bytes
 * long and is still the one named part, write its record next to the clip
 * (<clip>.size: size, time, inode, content hash; see cache.c) and rename
 * part to clip. hash: the hex XXH3-128 of those bytes, taken as they were
 * stored, or NULL to read the file and hash it here. SEEDANCE_OK with the
 * verdict in *v, or SEEDANCE_E_IO (errno set) when the file system failed.
 * Touches no client: the download thread calls it.
 *
 * Nothing is fsync'ed: waiting for hundreds of megabytes to reach the
 * disk would hold up the stream's close by seconds for no gain. A clip
 * that a crash cut short or that changed since no longer matches its
 * record: the next open sets it aside and fetches it again
 * (sd_cache_check).
 */
int sd_cache_commit(int fd, const char *part, const char *clip, int64_t size,
                    const char *hash, sd_commit *v);

/* What sd_cache_check() found. */
typedef enum sd_cached {
    SD_CACHED_NONE,         /* no clip (or an empty one) */
    SD_CACHED_USABLE,       /* the clip recorded when it was committed */
    SD_CACHED_SET_ASIDE,    /* another length, or (once its time or inode
                               changed) another content: moved to <clip>.bad,
                               to be fetched again */
} sd_cached;

/*
 * Is the cached clip at path usable? SEEDANCE_OK with the verdict in *v
 * (a file system failure while checking counts as no clip). Reads the
 * whole clip only when its time or inode changed.
 */
int sd_cache_check(const char *clip, sd_cached *v);

/* sd_cache_check() from the caller's thread: 1 usable, else 0 (a clip set
 * aside is logged as a warning). */
int sd_cache_usable(seedance_client *c, const char *task_id, const char *clip);

/*
 * The length the server announced for the download of clip in progress,
 * in <clip>.total, written by the process downloading it for the
 * processes following it. put: 0 or -1; get: the length or -1 (none).
 */
int sd_cache_put_total(const char *clip, int64_t total);
int64_t sd_cache_get_total(const char *clip);
void sd_cache_drop_total(const char *clip);

/* stream_ring.c ------------------------------------------------------ */

typedef struct seedance_stream sd_stream;
typedef struct sd_fetch sd_fetch;

/*
 * The receive ring of a download. The download thread copies what it
 * receives into a ring in memory; a writer thread stores it in the file in
 * large writes, behind, while the reader copies it straight from the ring.
 * So the bytes reach the reader with one copy beyond the one the cache
 * write needs, and a reader that keeps up with the network never waits for
 * the disk. What the ring has overwritten is in the file (the reader reads
 * it there). The download thread waits for room only when the disk is
 * slower than the network. All fields are guarded by the stream's mutex.
 */
typedef struct sd_ring {
    unsigned char *buf;     /* SD_RING_SIZE bytes; NULL: no ring, read the file */
    int64_t lo;             /* the ring holds the clip bytes [lo, fetch end) */
    int64_t stored;         /* the file holds them up to here (lo <= stored) */
    int64_t pin;            /* the reader is copying from here, -1 if not */
    int idle;               /* the writer waits for bytes */
    int stop;               /* the writer ends once everything is stored */
    int flush;              /* the transfer paused: store what is left */
    int failed;             /* a write failed (the fetch's err says why) */
    int waiting;            /* a thread waits on room */
    int running;            /* the writer thread runs (join it) */
    sd_hash *hash;          /* the main download into the cache: the hash
                               of the clip bytes stored, [0, hashed), taken
                               by the writer as it stores them; else NULL */
    int64_t hashed;         /* -1: the hash does not cover a prefix (the
                               download resumed a kept part) */
    int64_t nudged;         /* the fetch end at the last sd_ring_nudge() */
    pthread_cond_t work;    /* the writer's: bytes to store, or stop */
    pthread_cond_t room;    /* bytes stored or unpinned */
    pthread_t thread;
} sd_ring;

#define SD_RING_SIZE (1024L * 1024)

/* Allocate the ring of f and start its writer from f->end. 0 or a
 * seedance_code (recorded in the client: the caller's thread). */
int sd_ring_start(sd_fetch *f);

/* Copy len received bytes to the ring at f->end, waiting for room, and
 * publish them (f->end). Download thread, lock not held. 0, or 1 when the
 * download must stop (asked to, or failed). */
int sd_ring_put(sd_fetch *f, const char *data, size_t len);

/* After a pass of libcurl's receive loop (download thread, lock not
 * held): wake the writer for the bytes below a batch once a pass brought
 * nothing new (the transfer pauses), or when the reader waits for them to
 * be stored. While bytes keep coming, the writer wakes only for batches. */
void sd_ring_nudge(sd_fetch *f);

/* The XXH3-128 of the whole clip of size bytes as the ring stored it, in
 * hex: 0, or -1 when the ring did not hash all of it (no hash kept, or a
 * resumed part). After sd_ring_finish(). */
int sd_ring_digest(sd_fetch *f, int64_t size, char hex[65]);

/* Lock held (released while waiting): wait until everything received is
 * stored (or a write failed), with no reader on the ring, and restart the
 * ring at clip offset at (f->end too). For a download that starts over. */
void sd_ring_wait_reset(sd_fetch *f, int64_t at);

/* Lock held (released while joining): store everything received, end the
 * writer. After a failed write f->end falls back to what is stored. */
void sd_ring_finish_relock(sd_fetch *f);

/* End the writer if it runs and free the ring (no download thread runs). */
void sd_ring_free(sd_fetch *f);

/* stream_fetch.c ----------------------------------------------------- */

/*
 * The state of a transfer. Only sd_fetch_set_state() changes it, under the
 * stream's lock, and only along these arrows (anything else is a bug: a
 * debug build aborts on it); the reader logs each change at the debug
 * level (SEEDANCE_LOG_DEBUG: "seedance -v", "ffmpeg -v debug").
 *
 *   IDLE             -> CONNECTING, AWAITING_OWNER, COMPLETE, FAILED
 *   CONNECTING       -> RECEIVING, COMPLETE, FAILED
 *   RECEIVING        -> COMPLETE, FAILED
 *   AWAITING_OWNER   -> FOLLOWING, COMPLETE, HANDOVER, FAILED
 *   FOLLOWING        -> COMPLETE, HANDOVER, FAILED
 *   HANDOVER         -> IDLE
 *   COMPLETE, FAILED -> IDLE
 *
 * A download goes CONNECTING (its thread runs, no usable response yet),
 * RECEIVING (a 2xx checked: the size and Range support are known), then
 * COMPLETE or FAILED. A follow goes AWAITING_OWNER (the owner has not
 * announced the length yet), FOLLOWING, then COMPLETE, FAILED, or HANDOVER
 * when the owner stopped first: the reader then takes the download over
 * (sd_follow_takeover_relock), which goes through IDLE again. IDLE also
 * follows COMPLETE or FAILED when a transfer restarts (a fresh link, a new
 * side download), and goes straight to COMPLETE for a committed clip.
 */
typedef enum sd_state {
    SD_IDLE,
    SD_CONNECTING,
    SD_RECEIVING,
    SD_AWAITING_OWNER,
    SD_FOLLOWING,
    SD_HANDOVER,
    SD_COMPLETE,
    SD_FAILED,
    SD_STATES
} sd_state;

/* One download into one file. Fields marked (lock) are shared between the
 * transfer's threads and the reader and are guarded by the stream's mutex. */
struct sd_fetch {
    sd_stream *s;
    int fd;                 /* destination file */
    int64_t origin;         /* clip offset stored at file offset 0 */
    int is_main;            /* main: may finish the cache file */
    pthread_t thread;
    int running;            /* a thread was started (join it) */

    /* (lock) */
    sd_state state;         /* sd_fetch_set_state() only */
    int64_t end;            /* clip offset received up to (exclusive): in
                               the ring or the file */
    atomic_int abort;       /* the reader asks the thread to stop (set under
                               the lock, read anywhere) */
    int starts;             /* responses received (1 = start, >1 = resumes) */
    int64_t start_at;       /* the clip offset the latest one continues from */
    seedance_error err;     /* why it failed, in FAILED and HANDOVER */

    /* thread only */
    CURL *h;
    int64_t skip;           /* bytes of a 200 reply to drop (resume without Range) */
    int64_t resp_start;     /* clip offset the current response starts at */
    long resp_status;       /* status of the current header block */
    char resp_cr[128];      /* its Content-Range value, "" if none */
    int resp_ranges;        /* the current response advertises byte ranges */
    int resp_ok;            /* the current response is 2xx and checked */
    int64_t resp_total;     /* the clip's size as announced, -1 unknown */

    sd_ring ring;           /* what was received, on its way to fd */
};

/* Lock held: move f to state to (see sd_state), broadcasting the stream's
 * condition variable. */
void sd_fetch_set_state(sd_fetch *f, sd_state to);

/* Lock held: f's download or follow ended (COMPLETE, FAILED or HANDOVER). */
static inline int sd_fetch_done(const sd_fetch *f)
{
    return f->state == SD_COMPLETE || f->state == SD_FAILED || f->state == SD_HANDOVER;
}

/* Lock held: f knows the clip's size (RECEIVING, FOLLOWING or COMPLETE). */
static inline int sd_fetch_ready(const sd_fetch *f)
{
    return f->state == SD_RECEIVING || f->state == SD_FOLLOWING || f->state == SD_COMPLETE;
}

/* The name of a state, for messages. */
const char *sd_state_name(sd_state st);

/* Lock held, no thread of f running: back to IDLE for a restart, the
 * error and the stop request forgotten (what was received stays). */
void sd_fetch_reset(sd_fetch *f);

/* Start the download thread of f from f->end. 0 or a seedance_code. */
int sd_fetch_start(sd_fetch *f);

/* Ask the thread to stop and join it. Safe on a fetch never started. */
void sd_fetch_stop(sd_fetch *f);

/* Set up h to get the result URL url: redirects followed (an https link
 * never leaves https), no transfer decoding; the response's header lines
 * and body go to on_header and on_body with opaque. */
void sd_result_url_setup(CURL *h, const char *url, curl_write_callback on_header,
                         curl_write_callback on_body, void *opaque);

/* Start a thread of the download of s that takes no signals (they stay
 * with the caller's threads). SEEDANCE_OK, or SEEDANCE_E_NOMEM recorded
 * in the client (the caller's thread). */
int sd_thread_start(sd_stream *s, pthread_t *t, void *(*fn)(void *), void *arg);

/* Parse a Content-Range value, "bytes A-B/T", "bytes A-B/ *" or
 * "bytes * /T" (without the spaces): 0 with the start and total (-1 when
 * absent), or -1. */
int sd_content_range(const char *v, int64_t *start, int64_t *total);

/* stream_verify.c ---------------------------------------------------- */

/*
 * A .part kept from an earlier run (s->main.end bytes in s->main.fd) is
 * resumed only if the server still sends the same bytes at its end: the
 * last SD_VERIFY_BYTES are fetched again (Range) and compared with the
 * disk. When they differ, or cannot be fetched, the part is discarded
 * (s->main.end = 0, a warning when they differ). From the caller's
 * thread, before the download starts. SEEDANCE_OK or a code
 * (interrupted, or the file cannot be read or truncated).
 */
int sd_part_check(sd_stream *s);

/* stream_follow.c ---------------------------------------------------- */

/*
 * Follow the download of another process into s->main.fd (the .part it
 * holds locked), in a thread: main.end grows with the file up to the
 * length that process announced (<clip>.total), and main is done once
 * the clip is committed. When the lock is released with the clip not
 * committed, main.handover is set (done, with an error) for the reader
 * to call sd_follow_takeover(). Without progress for SD_FOLLOW_STALL
 * seconds it fails. 0 or a seedance_code.
 */
int sd_follow_start(sd_stream *s);

/* Take over a main transfer in HANDOVER (lock held; released meanwhile):
 * open the destination again (the committed clip, the .part to download,
 * or another process's download to follow) and go on. 1 when main goes
 * on, 0 when it was not in HANDOVER or failed (then FAILED, err set). */
int sd_follow_takeover_relock(sd_stream *s);

/* stream.c ----------------------------------------------------------- */

/* Where the main transfer's bytes are (s->main.fd). */
typedef enum sd_dest {
    SD_DEST_NONE,           /* not chosen yet */
    SD_DEST_SPOOL,          /* an unlinked spool file: the cache is off, or
                               its .part cannot be locked */
    SD_DEST_PART,           /* the task's .part, locked by this stream: this
                               stream downloads into the cache */
    SD_DEST_FOLLOWED,       /* the .part another process downloads into */
    SD_DEST_CLIP,           /* the complete, committed clip in the cache */
} sd_dest;

struct seedance_stream {
    seedance_client *c;
    char *task_id;
    char *url;              /* result URL, NULL when served from the cache */
    char *cache_path;       /* <task>.mp4 (complete) or NULL without cache */
    char *part_path;        /* <task>.mp4.part while downloading, else NULL */

    pthread_mutex_t lock;   /* sd_lock(), sd_unlock() */
    pthread_cond_t cond;    /* signalled on every change of a fetch */
    int waiting;            /* (lock) threads waiting on cond */
    int64_t want;           /* (lock) a waiting reader's wish: wake it when a
                               download reached this clip offset (0: any) */
    int want_stored;        /* (lock) ... stored it in its file (not only
                               received it) */

    int64_t pos;            /* reader position */

    /* (lock) */
    int64_t size;           /* total size, -1 unknown: sd_stream_set_size() */
    int sized;              /* ... as the server announced it (else as received) */
    int ranges;             /* the server honours Range */
    sd_dest dest;           /* where main's bytes are */
    int reported_starts;    /* main->starts already reported as events */
    int refreshes;          /* fresh links asked for (the link expired) */
    int announced;          /* the owner wrote <clip>.total */

    /* (lock) the state changes of the transfers, for the reader to log */
    struct {
        unsigned char main, from, to;
    } trace[16];
    unsigned traced, logged;

    sd_fetch main;
    sd_fetch side;          /* side.fd < 0: no side download */
};

/* Take and release s->lock. A build without NDEBUG remembers which
 * stream the calling thread holds, for sd_assert_locked(). */
void sd_lock(sd_stream *s);
void sd_unlock(sd_stream *s);

#ifdef NDEBUG
#define sd_assert_locked(s)   ((void)0)
#define sd_assert_unlocked(s) ((void)0)
#else
/* Does the calling thread hold s->lock? (builds without NDEBUG) */
int sd_holds_lock(const sd_stream *s);
#define sd_assert_locked(s)   assert(sd_holds_lock(s))
#define sd_assert_unlocked(s) assert(!sd_holds_lock(s))
#endif

/*
 * The one rule for the clip's length, for every path that learns one
 * (lock held): a 2xx or a 416 of the server, the length another process
 * announced, a committed clip, or the end of a download that announced
 * none. The first length is the clip's; another one later means the
 * result changed during the download: nothing of it may be cached as the
 * clip. SEEDANCE_OK, or SEEDANCE_E_PROTOCOL recorded in f->err (status:
 * the HTTP status, 0 without one). announced: the length is the server's
 * word or a committed clip's, not only what arrived.
 */
int sd_stream_set_size(sd_stream *s, sd_fetch *f, int64_t size, int announced, long status);

/*
 * Open a stream on a local complete clip (path). Reports SEEDANCE_EV_CACHED.
 */
int sd_stream_open_file(seedance_client *c, const char *task_id, const char *path,
                        sd_stream **out);

/*
 * Open a stream on a result URL, resuming or caching in the clip cache
 * when the client's cache is on. Waits for the server's first answer, so
 * an expired link fails here with SEEDANCE_E_EXPIRED.
 */
int sd_stream_open_url(seedance_client *c, const char *task_id, const char *url,
                       sd_stream **out);

/* Where the next bytes of the stream are: in a download's ring (mem, which
 * stays valid until sd_stream_advance) or in a file (fd at off). */
typedef struct sd_region {
    const unsigned char *mem;
    int fd;
    off_t off;
    sd_ring *pinned;        /* the ring mem points into */
} sd_region;

/*
 * The next bytes of the stream, from the caller's thread: up to size
 * bytes at the reader's position, in *r, waiting for the download if
 * needed (the interrupt callback is honoured). With stored set, only bytes
 * already in a file (r->mem NULL): a copy to another file follows the
 * cache write and never holds the ring. Returns their count, 0 at the end
 * of the clip, or a negative code. The caller takes them and calls
 * sd_stream_advance() (also after a failure to take them, with n = 0).
 */
int64_t sd_stream_region(sd_stream *s, size_t size, int stored, sd_region *r);

/* The caller took n bytes of r: release r and advance the position. */
void sd_stream_advance(sd_stream *s, sd_region *r, int64_t n);

/* Wait on s->cond (lock held; released while waiting) for at most seconds. */
void sd_stream_wait(sd_stream *s, double seconds);

/* Called by the main download's thread once the clip is complete, with
 * the lock NOT held (it takes it): commit the clip to the cache. */
void sd_stream_main_complete(sd_stream *s);

/*
 * Where the main download goes (cache on: the task's .part, locked, or
 * followed when another process holds it; cache off: a spool file), from
 * the caller's thread with the lock not held. SEEDANCE_OK with the verdict
 * in *dest: SD_DEST_CLIP when the complete clip is in the cache
 * (s->cache_path; main.fd not opened, s->dest unchanged), else where
 * s->main.fd now leads, which s->dest becomes (SD_DEST_PART,
 * SD_DEST_FOLLOWED or SD_DEST_SPOOL); or a code.
 */
int sd_stream_destination(sd_stream *s, sd_dest *dest);

/* Start main into its destination (s->dest): download, or follow. 0 or a
 * code. */
int sd_stream_start_main(sd_stream *s);

#endif /* SEEDANCE_STREAM_H */
