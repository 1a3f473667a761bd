/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The clip cache on disk: path names, private directories and atomic
 * writes.
 *
 *   <cache_dir>/clips/<task-id>.mp4        a complete, size-checked clip
 *   <cache_dir>/clips/<task-id>.mp4.part   a download in progress (a
 *                                          prefix of the clip, resumed
 *                                          with Range by the next open)
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

int sd_cache_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > 200 || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

int sd_cache_mkdirs(const char *path)
{
    char *p = strdup(path);
    int rc = 0;

    if (!p)
        return -1;
    for (char *q = p + 1; ; q++) {
        if (*q == '/' || *q == '\0') {
            char saved = *q;
            *q = '\0';
            if (mkdir(p, 0700) < 0 && errno != EEXIST) {
                rc = -1;
                break;
            }
            *q = saved;
            if (!saved)
                break;
        }
    }
    if (rc == 0) {
        struct stat st;
        if (stat(p, &st) < 0)
            rc = -1;
        else if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            rc = -1;
        }
    }
    free(p);
    return rc;
}

char *sd_cache_clip_path(seedance_client *c, const char *task_id, const char *suffix,
                         int mkdir)
{
    const char *dir = c->cache_dir;
    size_t n;
    char *path;

    if (!sd_cache_name_ok(task_id)) {
        sd_fail_task(c, SEEDANCE_E_INVALID, task_id,
                     "task id '%.100s' cannot name a cache file: allowed are letters, digits, "
                "'-', '_' and '.' (not first), at most 200 characters", task_id ? task_id : "");
        return NULL;
    }
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
    if (mkdir && sd_cache_mkdirs(path) < 0) {
        sd_fail_task(c, SEEDANCE_E_IO, task_id, "cannot create cache directory %s: %s",
                path, strerror(errno));
        free(path);
        return NULL;
    }
    snprintf(path, n, "%s/clips/%s%s", dir, task_id, suffix);
    return path;
}

int sd_tmpfile_next_to(const char *path, char **tmp)
{
    size_t n = strlen(path) + sizeof(".tmp-XXXXXX");
    char *t = malloc(n);
    int fd;

    *tmp = NULL;
    if (!t) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(t, n, "%s.tmp-XXXXXX", path);
    if ((fd = mkstemp(t)) < 0) {
        int e = errno;
        free(t);
        errno = e;
        return -1;
    }
    *tmp = t;
    return fd;
}

/* fsync the directory holding path, so a rename survives a crash. */
static void sync_dir_of(const char *path)
{
    char *copy = strdup(path);
    int fd;

    if (!copy)
        return;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int sd_commit_file(int fd, const char *tmp, const char *path)
{
    if (fsync(fd) < 0 && errno != EINVAL)
        return -1;
    if (rename(tmp, path) < 0)
        return -1;
    sync_dir_of(path);
    return 0;
}

int sd_spool_file(const char *dir)
{
    const char *d = dir;
    char *name;
    size_t n;
    int fd;

    if (!d && !((d = getenv("TMPDIR")) && *d))
        d = "/tmp";
    n = strlen(d) + sizeof("/seedance-spool-XXXXXX");
    if (!(name = malloc(n))) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(name, n, "%s/seedance-spool-XXXXXX", d);
    fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    free(name);
    return fd;
}
