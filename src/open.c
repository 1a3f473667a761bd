/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From a request or a task id to a stream of the finished clip.
 *
 *   seedance_open:      submit once (or reuse the journal's task), then as
 *                       seedance_open_task.
 *   seedance_open_task: the complete clip in the cache is opened locally
 *                       with no request at all; otherwise wait for the
 *                       task and stream its result URL, caching it.
 *
 * A download is never answered with a new generation: a result that cannot
 * be fetched (expired link, server errors) is an error naming the task, and
 * the same task can be opened again later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int seedance_open_task(seedance_client *c, const char *task_id, seedance_stream **out)
{
    seedance_task *t = NULL;
    const char *url;
    int rc;

    if (!out)
        return sd_fail(c, SEEDANCE_E_INVALID, "seedance_open_task: out is NULL");
    *out = NULL;
    if (!task_id || !*task_id)
        return sd_fail(c, SEEDANCE_E_INVALID,
                       "task id is empty: expected an id like task-unified-...");
    if (c->cache) {
        char *path = sd_cache_clip_path(c, task_id, ".mp4", 0);

        if (!path)
            return c->err.code;
        if (sd_cache_usable(c, task_id, path)) {
            rc = sd_stream_open_file(c, task_id, path, out);
            free(path);
            return rc;
        }
        free(path);
    }

    if ((rc = seedance_wait(c, task_id, &t))) {
        seedance_task_free(t);
        return rc;
    }
    url = seedance_task_result_url(t);
    if (!url || !*url)
        rc = sd_fail_task(c, SEEDANCE_E_PROTOCOL, task_id,
                          "task %s completed but its reply has no result URL", task_id);
    else
        rc = sd_stream_open_url(c, task_id, url, out);
    seedance_task_free(t);
    return rc;
}

int seedance_open(seedance_client *c, const seedance_request *r, int flags,
                  seedance_stream **out)
{
    char *task_id = NULL;
    int rc;

    if (!out)
        return sd_fail(c, SEEDANCE_E_INVALID, "seedance_open: out is NULL");
    *out = NULL;
    if ((rc = seedance_submit(c, r, flags, &task_id, NULL)))
        return rc;
    rc = seedance_open_task(c, task_id, out);
    free(task_id);
    return rc;
}
