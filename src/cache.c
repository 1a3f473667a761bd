/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The clip cache on disk: path names, committing a clip and checking it
 * (private directories and atomic writes are fsutil.c's).
 *
 *   <cache_dir>/clips/<task-id>.mp4        a complete clip, exactly as long
 *                                          as the server announced
 *   <cache_dir>/clips/<task-id>.mp4.size   its record, written before the
 *                                          clip is committed (below)
 *   <cache_dir>/clips/<task-id>.mp4.part   a download in progress (a
 *                                          prefix of the clip, resumed
 *                                          with Range by the next open),
 *                                          locked (flock) by the process
 *                                          downloading it
 *   <cache_dir>/clips/<task-id>.mp4.total  the length the server announced
 *                                          for that download, for another
 *                                          process following it
 *   <cache_dir>/clips/<task-id>.mp4.bad    a clip found changed on disk,
 *                                          set aside
 *
 * The record is one line, "SIZE MTIME INODE HASH": the clip's length,
 * the modification time (ns since the epoch) and inode of the file when it
 * was committed, and the hash of its content (hash.c: XXH3-128, 32 hex
 * digits, taken by the download as it stored the bytes; records of
 * earlier versions: SHA-256, 64 digits, still honoured). At commit the clip's
 * modification time is set two seconds into the past, so that any later
 * write to the file gives it another one, whatever the granularity of the
 * file system's clock. An open trusts a clip whose length, time and inode
 * are those recorded without reading it; any other clip of the recorded
 * length is read and hashed: the same content is used (and the record
 * renewed), another one is set aside. A record of the length alone (as
 * older versions wrote) checks the length only; a clip without a record
 * is taken as it is.
 *
 * Directories are created 0700 and files 0600: a clip is private to its
 * owner.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"

#define HASH_BLOCK (256 * 1024)      /* bytes read at a time to hash a clip */
#define STAMP_BACK 2                 /* seconds the committed clip's time is set back */

char *sd_cache_clip_path(seedance_client *c, const char *task_id, const char *suffix,
                         int mkdir)
{
    const char *dir = c->cache_dir;
    size_t n;
    char *path;

    if (sd_check_task_id(c, task_id))
        return NULL;
    if (!dir || !*dir) {
        sd_fail_task(c, SEEDANCE_E_CONFIG, task_id, "no cache directory configured");
        return NULL;
    }
    n = strlen(dir) + strlen("/clips/") + strlen(task_id) + strlen(suffix) + 1;
    if (!(path = malloc(n))) {
        sd_fail_task(c, SEEDANCE_E_NOMEM, task_id, NULL);
        return NULL;
    }
    snprintf(path, n, "%s/clips", dir);
    if (mkdir && sd_mkdirs(path) < 0) {
        sd_fail_task(c, SEEDANCE_E_IO, task_id, "cannot create cache directory %s: %s",
                path, strerror(errno));
        free(path);
        return NULL;
    }
    snprintf(path, n, "%s/clips/%s%s", dir, task_id, suffix);
    return path;
}

/* "<clip><suffix>", allocated; NULL when out of memory (errno set). */
static char *with_suffix(const char *clip, const char *suffix)
{
    size_t n = strlen(clip) + strlen(suffix) + 1;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s%s", clip, suffix);
    else
        errno = ENOMEM;
    return p;
}

/* Replace path with the text (not fsync'ed: see sd_cache_commit). */
static int put_text(const char *path, const char *text)
{
    char *tmp = NULL;
    size_t n = strlen(text);
    int fd = sd_tmpfile_next_to(path, &tmp), rc = -1;

    if (fd < 0)
        return -1;
    if (write(fd, text, n) == (ssize_t)n && rename(tmp, path) == 0)
        rc = 0;
    else
        unlink(tmp);
    close(fd);
    free(tmp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The record                                                         */

typedef struct record {
    long long size;
    long long mtime;            /* ns since the epoch; -1: a record of the size alone */
    unsigned long long ino;
    char hash[65];
} record;

static long long mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* The hash (kind) of the size bytes of fd, as hex. 0 or -1 (errno set). */
static int hash_fd(int fd, int64_t size, sd_hash_kind kind, char hex[65])
{
    sd_hash *h = sd_hash_new(kind);
    unsigned char *buf = malloc(HASH_BLOCK);
    int64_t at = 0;
    int rc = -1;

    if (!h || !buf) {
        errno = ENOMEM;
        goto out;
    }
    while (at < size) {
        ssize_t n = pread(fd, buf, size - at < HASH_BLOCK ? (size_t)(size - at) : HASH_BLOCK,
                          (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            errno = n < 0 ? errno : EIO;
            goto out;
        }
        sd_hash_add(h, buf, (size_t)n);
        at += n;
    }
    rc = sd_hash_final(h, hex);
out:
    sd_hash_free(h);
    free(buf);
    return rc;
}

/* Set the time of the file fd STAMP_BACK seconds back (see the top), and
 * return its state afterwards in *st. 0 or -1. */
static int stamp(int fd, struct stat *st)
{
    struct timespec t[2];

    clock_gettime(CLOCK_REALTIME, &t[1]);
    t[1].tv_sec -= STAMP_BACK;
    t[0].tv_sec = 0;
    t[0].tv_nsec = UTIME_OMIT;
    return futimens(fd, t) < 0 || fstat(fd, st) < 0 ? -1 : 0;
}

/* Write the record of the file fd (state st, content hash in hex) for clip. */
static int put_record(const char *clip, const struct stat *st, const char *hash)
{
    char *path = with_suffix(clip, ".size"), line[160];
    int rc;

    if (!path)
        return -1;
    snprintf(line, sizeof(line), "%lld %lld %llu %s\n", (long long)st->st_size, mtime_ns(st),
             (unsigned long long)st->st_ino, hash);
    rc = put_text(path, line);
    free(path);
    return rc;
}

/* Read the record of clip: 1 read, 0 none, -1 unreadable or garbage. */
static int get_record(const char *clip, record *r)
{
    char *path = with_suffix(clip, ".size");
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = 0, n;

    if (!path)
        return -1;
    if (sd_read_file(path, 256, &data, &len) < 0) {
        rc = errno == ENOENT ? 0 : -1;
    } else {
        r->mtime = -1;
        n = sscanf((const char *)data, "%lld %lld %llu %64[0-9a-f]", &r->size, &r->mtime,
                   &r->ino, r->hash);
        rc = n == 1 || (n == 4 && (strlen(r->hash) == 32 || strlen(r->hash) == 64)) ? 1 : -1;
        if (n != 4)
            r->mtime = -1;
    }
    free(data);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Commit and check                                                   */

/* Is path the file fd (fstat in *st)? */
static int same_file(const char *path, const struct stat *st)
{
    struct stat p;

    return stat(path, &p) == 0 && p.st_dev == st->st_dev && p.st_ino == st->st_ino;
}

int sd_cache_commit(int fd, const char *part, const char *clip, int64_t size, const char *hash,
                    sd_commit *v)
{
    char hex[65];
    struct stat st;

    *v = SD_COMMIT_STALE;
    if (fstat(fd, &st) < 0)
        return SEEDANCE_E_IO;
    if ((int64_t)st.st_size != size) {
        *v = SD_COMMIT_WRONG_SIZE;      /* not the clip the server announced */
        return SEEDANCE_OK;
    }
    if (!same_file(part, &st))
        return SEEDANCE_OK;             /* the .part is another process's now */
    if ((!hash && hash_fd(fd, size, SD_HASH_XXH128, hex) < 0) ||
        stamp(fd, &st) < 0 || put_record(clip, &st, hash ? hash : hex) < 0 ||
        rename(part, clip) < 0)
        return SEEDANCE_E_IO;
    sd_cache_drop_total(clip);
    *v = SD_COMMITTED;
    return SEEDANCE_OK;
}

/* The clip (state st) does not match its record r: read it. 1 the same
 * content after all (the record is renewed), 0 not. */
static int same_content(const char *clip, const struct stat *st, const record *r)
{
    char hash[65];
    struct stat now;
    int fd = open(clip, O_RDONLY | O_CLOEXEC), same;

    if (fd < 0)
        return 0;
    same = hash_fd(fd, st->st_size, strlen(r->hash) == 64 ? SD_HASH_SHA256 : SD_HASH_XXH128,
                   hash) == 0 && !strcmp(hash, r->hash);
    if (same && stamp(fd, &now) == 0 && now.st_size == st->st_size)
        put_record(clip, &now, hash);       /* trusted without reading next time */
    close(fd);
    return same;
}

int sd_cache_check(const char *clip, sd_cached *v)
{
    record r;
    struct stat st;
    char *bad, *rec;
    int got;

    *v = SD_CACHED_NONE;
    if (stat(clip, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return SEEDANCE_OK;
    *v = SD_CACHED_USABLE;
    got = get_record(clip, &r);
    if (got == 0)
        return SEEDANCE_OK;     /* no record: a clip cached before records were kept */
    if (got > 0 && r.size == (long long)st.st_size &&
        (r.mtime < 0 || (r.mtime == mtime_ns(&st) && r.ino == (unsigned long long)st.st_ino) ||
         same_content(clip, &st, &r)))
        return SEEDANCE_OK;
    *v = SD_CACHED_SET_ASIDE;
    bad = with_suffix(clip, ".bad");
    rec = with_suffix(clip, ".size");
    if (bad && rec && rename(clip, bad) == 0)
        unlink(rec);
    free(bad);
    free(rec);
    return SEEDANCE_OK;
}

int sd_cache_usable(seedance_client *c, const char *task_id, const char *clip)
{
    sd_cached v;

    sd_cache_check(clip, &v);
    if (v == SD_CACHED_SET_ASIDE)
        sd_log(c, SEEDANCE_LOG_WARNING, "task %s: the cached clip %s changed on disk since it "
               "was stored; set aside as %s.bad, fetching it again", task_id, clip, clip);
    return v == SD_CACHED_USABLE;
}

/* ------------------------------------------------------------------ */
/* The announced length of a download in progress                     */

int sd_cache_put_total(const char *clip, int64_t total)
{
    char *path = with_suffix(clip, ".total"), num[32];
    int rc;

    if (!path)
        return -1;
    snprintf(num, sizeof(num), "%" PRId64 "\n", total);
    rc = put_text(path, num);
    free(path);
    return rc;
}

int64_t sd_cache_get_total(const char *clip)
{
    char *path = with_suffix(clip, ".total"), *end;
    unsigned char *data = NULL;
    size_t len = 0;
    long long v = -1;

    if (path && sd_read_file(path, 64, &data, &len) == 0) {
        v = strtoll((const char *)data, &end, 10);
        if (end == (char *)data || *end != '\n' || v < 0)
            v = -1;
    }
    free(data);
    free(path);
    return v;
}

void sd_cache_drop_total(const char *clip)
{
    char *path = with_suffix(clip, ".total");

    if (path)
        unlink(path);
    free(path);
}
