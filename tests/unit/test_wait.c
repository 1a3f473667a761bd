/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seedance_wait (src/wait.c) against the emulator: how the submit reply's
 * estimate (c->submitted) seeds the poll schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_proc.h"
#include "tap.h"

static emu_proc E;

static seedance_client *client(void)
{
    seedance_client *c = seedance_client_new();
    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_cache(c, 0);
    return c;
}

/* A completed task's id (allocated), or NULL. */
static char *completed_task(void)
{
    char *id = emu_submit(&E, "wait test", 4, "480p"), *url;

    if (!id)
        return NULL;
    if (!(url = emu_wait_result(&E, id, 120))) {
        free(id);
        return NULL;
    }
    free(url);
    return id;
}

static void seed(seedance_client *c, const char *id, int eta, double age)
{
    snprintf(c->submitted.task_id, sizeof(c->submitted.task_id), "%s", id);
    c->submitted.progress = 0;
    c->submitted.estimated_time = eta;
    c->submitted.at = sd_now() - age;
}

int main(void)
{
    seedance_client *c;
    seedance_task *t = NULL;
    char *id;
    long q0;
    double t0, took;
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, NULL)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    if (!(id = completed_task())) {
        printf("not ok 1 - a completed task\n1..1\n");
        emu_stop(&E);
        return 1;
    }

    /* A fresh estimate: the first query goes just after the expected end,
     * none at once. */
    c = client();
    seed(c, id, 1, 0);
    q0 = emu_stat(&E, "task_queries");
    rc = seedance_wait(c, id, &t);
    OK(rc == SEEDANCE_OK && t && !strcmp(seedance_task_status(t), "completed"),
       "seeded wait: completed (rc %d)", rc);
    OK(emu_stat(&E, "task_queries") - q0 == 1, "seeded wait: one query (%ld)",
       emu_stat(&E, "task_queries") - q0);
    seedance_task_free(t);
    t = NULL;

    /* An estimate whose end passed long ago (submitted, then waited on
     * much later) says nothing: query at once, not after the overrun
     * spacing of a task that is late (10 s). */
    seed(c, id, 5, 100);
    t0 = sd_now();
    rc = seedance_wait(c, id, &t);
    took = sd_now() - t0;
    OK(rc == SEEDANCE_OK && t, "stale seed: completed (rc %d)", rc);
    OK(took < 5.0, "stale seed: the first query goes at once (%.2f s)", took);
    seedance_task_free(t);
    seedance_client_free(c);

    free(id);
    emu_stop(&E);
    curl_global_cleanup();
    return done_testing();
}
