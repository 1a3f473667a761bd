/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Submitting a job ahead of its open: the submit happens now, and the open
 * that comes later (in another process, with the same settings) finds the
 * task in the journal and attaches to it. "seedance run" does this for
 * every seedance: URL of a command line, all at once, before the program
 * opens them one after another.
 */
#include "api.h"

int seedance_job_submit_ahead(seedance_job *j, char **task_id, int *attached)
{
    seedance_client *c = seedance_job_client(j);

    *task_id = NULL;
    if (attached)
        *attached = 0;
    sd_error_clear(&c->err);
    if (seedance_job_task(j))
        return sd_fail(c, SEEDANCE_E_INVALID, "task %s: nothing to submit, the open attaches "
                       "to it", seedance_job_task(j));
    if (!c->cache)
        return sd_fail(c, SEEDANCE_E_INVALID, "cache=0: without the journal the open would "
                       "not find the task submitted ahead and would pay again");
    if (seedance_job_flags(j) & SEEDANCE_NEW)
        return sd_fail(c, SEEDANCE_E_INVALID, "new_generation=1: the open submits a new "
                       "generation itself");
    return seedance_submit(c, seedance_job_request(j), 0, task_id, attached);
}
