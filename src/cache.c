/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The clip cache on disk: path names, committing a clip and checking it
 * (private directories and atomic writes are fsutil.c's).
 *
 *   <cache_dir>/clips/<task-id>.mp4        a complete clip, exactly as long
 *                                          as the server announced
 *   <cache_dir>/clips/<task-id>.mp4.size   its length in bytes, written
 *                                          before the clip is committed
 *   <cache_dir>/clips/<task-id>.mp4.part   a download in progress (a
 *                                          prefix of the clip, resumed
 *                                          with Range by the next open)
 *   <cache_dir>/clips/<task-id>.mp4.bad    a clip found corrupted on disk
 *                                          (its length changed), set aside
 *
 * Directories are created 0700 and files 0600: a clip is private to its
 * owner.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"

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

int sd_cache_commit(int fd, const char *part, const char *clip, int64_t size)
{
    char *sz = with_suffix(clip, ".size"), num[32];
    struct stat st;
    int rc = -1;

    if (!sz)
        return -1;
    if (fstat(fd, &st) < 0)
        goto out;
    if ((int64_t)st.st_size != size) {
        errno = EIO;            /* not the clip the server announced */
        goto out;
    }
    snprintf(num, sizeof(num), "%lld\n", (long long)size);
    if (put_text(sz, num) == 0 && rename(part, clip) == 0)
        rc = 0;
out:
    free(sz);
    return rc;
}

int sd_cache_check(const char *clip)
{
    char *sz = with_suffix(clip, ".size"), *bad = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    struct stat st;
    int rc = 0;

    if (!sz || stat(clip, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        goto out;
    rc = 1;
    /* no record: a clip cached before sizes were recorded, taken as it is */
    if (sd_read_file(sz, 64, &data, &len) == 0 &&
        strtoll((const char *)data, NULL, 10) != (long long)st.st_size) {
        rc = -1;
        if ((bad = with_suffix(clip, ".bad")) && rename(clip, bad) == 0)
            unlink(sz);
    }
out:
    free(data);
    free(bad);
    free(sz);
    return rc;
}

int sd_cache_usable(seedance_client *c, const char *task_id, const char *clip)
{
    int ok = sd_cache_check(clip);

    if (ok < 0)
        sd_log(c, SEEDANCE_LOG_WARNING, "task %s: the cached clip %s is not as long as when "
               "it was stored; set aside as %s.bad, fetching it again", task_id, clip, clip);
    return ok > 0;
}
