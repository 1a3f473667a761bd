/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance_stream_save: the whole stream into a file, atomically (a
 * temporary file next to the target, renamed when complete and checked
 * against the announced size).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"

int seedance_stream_save(seedance_stream *s, const char *path)
{
    seedance_client *c = s->c;
    char *tmp = NULL, *buf = NULL;
    int64_t total = 0, n, size;
    int fd, rc = SEEDANCE_OK;

    if (!path || !*path)
        return sd_fail_task(c, SEEDANCE_E_INVALID, s->task_id,
                            "output path is empty: expected a file name");
    if ((fd = sd_tmpfile_next_to(path, &tmp)) < 0)
        return sd_fail_task(c, SEEDANCE_E_IO, s->task_id,
                            "cannot create a file next to %s: %s", path, strerror(errno));
    if (!(buf = malloc(64 * 1024))) {
        rc = sd_fail_task(c, SEEDANCE_E_NOMEM, s->task_id, NULL);
        goto out;
    }
    if ((n = seedance_stream_seek(s, 0, SEEK_SET)) < 0) {
        rc = (int)-n;
        goto out;
    }
    while ((n = seedance_stream_read(s, buf, 64 * 1024)) > 0) {
        for (int64_t done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "cannot write %s: %s",
                             path, strerror(errno));
                goto out;
            }
            done += w;
        }
        total += n;
    }
    if (n < 0) {
        rc = (int)-n;
        goto out;
    }
    size = seedance_stream_size(s);
    if (size >= 0 && total != size) {
        rc = sd_fail_task(c, SEEDANCE_E_PROTOCOL, s->task_id,
                          "task %s: got %lld bytes of a %lld-byte clip", s->task_id,
                     (long long)total, (long long)size);
        goto out;
    }
    /* the user's output file, not a cache file: the usual 0644 */
    fchmod(fd, 0644);
    if (sd_commit_file(fd, tmp, path) < 0)
        rc = sd_fail_task(c, SEEDANCE_E_IO, s->task_id, "cannot write %s: %s", path,
                     strerror(errno));
out:
    close(fd);
    if (rc)
        unlink(tmp);
    free(tmp);
    free(buf);
    return rc;
}
