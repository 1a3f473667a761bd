/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The clip cache on disk: path names (private directories and atomic
 * writes are fsutil.c's).
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
