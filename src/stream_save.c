/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance_stream_save: the whole stream into a file, atomically (a
 * temporary file next to the target, renamed when complete and checked
 * against the announced size).
 *
 * The bytes go from the stream's file (the cache file or the spool) to
 * the target in the kernel (copy_file_range) when it can, without passing
 * through this process, otherwise through a buffer. While the clip
 * downloads, the copy follows the download's writer, right behind it,
 * while the pages are fresh; it never holds the download's ring, so the
 * download never waits for it. Like cp and curl -o,
 * the target is not fsync'ed: the rename makes it appear whole or not at
 * all, and the cache keeps the clip for another save.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE     /* copy_file_range */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"

#define SAVE_CHUNK (4L * 1024 * 1024)   /* bytes per copy */
#define SAVE_BUFFER (256L * 1024)       /* the buffer when the kernel cannot copy */

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy n bytes at offset off of in to the end of out, in the kernel while
 * *kernel (cleared when it cannot: another file system, an old kernel).
 * 0 or errno. */
static int copy_bytes(int in, off_t off, int out, int64_t n, char *buf, int *kernel)
{
    while (n > 0) {
        ssize_t k;
        int e;

#if defined(__linux__)
        if (*kernel) {
            if ((k = copy_file_range(in, &off, out, NULL, (size_t)n, 0)) > 0)
                n -= k;
            else if (k == 0 || errno != EINTR)
                *kernel = 0;
            continue;
        }
#else
        (void)kernel;
#endif
        k = pread(in, buf, n < SAVE_BUFFER ? (size_t)n : (size_t)SAVE_BUFFER, off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : EIO;
        if ((e = write_all(out, buf, (size_t)k)))
            return e;
        off += k;
        n -= k;
    }
    return 0;
}

/* The stream from its start to its end into out; its length in *total. */
static int copy_stream(sd_stream *s, int out, const char *path, int64_t *total)
{
    char *buf = malloc(SAVE_BUFFER);
    int kernel = 1, e;
    sd_region r;
    int64_t n;

    *total = 0;
    if (!buf)
        return sd_fail_task(s->c, SEEDANCE_E_NOMEM, s->task_id, NULL);
    if ((n = seedance_stream_seek(s, 0, SEEK_SET)) < 0) {
        free(buf);
        return (int)-n;
    }
    while ((n = sd_stream_region(s, SAVE_CHUNK, 1, &r)) > 0) {
        e = copy_bytes(r.fd, r.off, out, n, buf, &kernel);
        sd_stream_advance(s, &r, e ? 0 : n);
        if (e) {
            free(buf);
            return sd_fail_task(s->c, SEEDANCE_E_IO, s->task_id, "cannot write %s: %s", path,
                                strerror(e));
        }
        *total += n;
    }
    free(buf);
    return n < 0 ? (int)-n : SEEDANCE_OK;
}

int seedance_stream_save(seedance_stream *s, const char *path)
{
    seedance_client *c = s->c;
    char *tmp = NULL;
    int64_t total = 0, size;
    int fd, rc;

    if (!path || !*path)
        return sd_fail_task(c, SEEDANCE_E_INVALID, s->task_id,
                            "output path is empty: expected a file name");
    if ((fd = sd_tmpfile_next_to(path, &tmp)) < 0)
        return sd_fail_task(c, SEEDANCE_E_IO, s->task_id,
                            "cannot create a file next to %s: %s", path, strerror(errno));
    if ((rc = copy_stream(s, fd, path, &total)))
        goto out;
    size = seedance_stream_size(s);
    if (size >= 0 && total != size) {
        rc = sd_fail_task(c, SEEDANCE_E_PROTOCOL, s->task_id,
                          "task %s: got %lld bytes of a %lld-byte clip", s->task_id,
                     (long long)total, (long long)size);
        goto out;
    }
    /* the user's output file, not a cache file: the usual 0644 */
    if (fchmod(fd, 0644) < 0 || rename(tmp, path) < 0)
        rc = sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "cannot write %s: %s", path,
                     strerror(errno));
out:
    close(fd);
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}
