/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Task replies: sd_task_parse() and sd_task_parse_for() (a query of a
 * known task, whose reply may leave the id out).
 *
 * Input: one byte choosing the variant (bit 0: a query of a known task;
 * bit 1: a submit reply, sd_submit_reply_parse), then the reply body.
 * Checks: a parsed task has an id that is a valid task id (it names cache
 * files and URL paths), a status, progress in -1..100, estimated_time >= -1;
 * a task that succeeded has a result URL (not required of a submit reply)
 * and only one that succeeded reports one; a reply to a query of a known
 * task is that task (without an id it takes the one asked for, one about
 * another task is refused); a failure leaves no task and a message; the
 * raw reply is kept byte for byte.
 */
#include <string.h>

#include "fuzz.h"
#include "api.h"

#define KNOWN_ID "task-unified-1774857405-abc123"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seedance_task *t = (seedance_task *)1;
    seedance_error err;
    const char *known;
    int rc, submit;

    if (size < 1)
        return 0;
    known = data[0] & 1 ? KNOWN_ID : NULL;
    submit = (data[0] & 3) == 2;
    data++;
    size--;
    memset(&err, 0, sizeof(err));
    rc = submit ? sd_submit_reply_parse((const char *)data, size, &t, &err) :
         known ? sd_task_parse_for((const char *)data, size, known, &t, &err)
               : sd_task_parse((const char *)data, size, &t, &err);
    if (rc != SEEDANCE_OK) {
        FZ_CHECK("task-fail", t == NULL && err.code == rc && err.message[0],
                 "failure %d without a message or with a task", rc);
        FZ_CHECK("task-fail-code", rc == SEEDANCE_E_PROTOCOL || rc == SEEDANCE_E_NOMEM,
                 "failure code %d", rc);
        return 0;
    }
    FZ_CHECK("task-ok", t != NULL, "success without a task");
    FZ_CHECK("task-id-valid", seedance_task_id_valid(seedance_task_id(t)),
             "parsed task id '%.100s' is not a valid task id", seedance_task_id(t));
    FZ_CHECK("task-status", seedance_task_status(t) != NULL, "no status");
    FZ_CHECK("task-progress", seedance_task_progress(t) >= -1 && seedance_task_progress(t) <= 100,
             "progress %d", seedance_task_progress(t));
    FZ_CHECK("task-eta", seedance_task_estimated_time(t) >= -1,
             "estimated_time %d", seedance_task_estimated_time(t));
    if (sd_task_state(t) == SD_TASK_SUCCEEDED && !submit)
        FZ_CHECK("task-completed-url",
                 seedance_task_result_url(t) && *seedance_task_result_url(t),
                 "a task that succeeded ('%s') without a result URL", seedance_task_status(t));
    else if (sd_task_state(t) != SD_TASK_SUCCEEDED)
        FZ_CHECK("task-url-only-completed", seedance_task_result_url(t) == NULL,
                 "status '%s' with a result URL", seedance_task_status(t));
    FZ_CHECK("task-final", seedance_task_is_final(t) == (sd_task_state(t) != SD_TASK_RUNNING),
             "is_final and the state of '%s' disagree", seedance_task_status(t));
    /* without an id it is the task asked for; with another one it is refused */
    if (known)
        FZ_CHECK("task-known-id", !strcmp(seedance_task_id(t), known),
                 "a reply to a query of %s gave task '%.100s'", known, seedance_task_id(t));
    FZ_CHECK("task-json", seedance_task_json(t) && !memcmp(seedance_task_json(t), data, size) &&
             seedance_task_json(t)[size] == '\0', "the raw reply is not kept as received");
    seedance_task_free(t);
    return 0;
}
