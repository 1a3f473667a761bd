/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance_job_submit_ahead() against the emulator: a job submitted ahead
 * is paid once, and a later open of a job with the same settings (another
 * job, as another process would make it) attaches to its task through the
 * journal and reads its clip. A job the later open would not find that way
 * (a task id, the cache off, new_generation) or an incomplete request is
 * refused with nothing sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seedance.h"
#include "emu_proc.h"
#include "tap.h"

static emu_proc E;
static char top[] = "/tmp/seedance-ahead-XXXXXX";
static char cache_dir[300];
static int submitted, attached;

static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    submitted += p->event == SEEDANCE_EV_SUBMITTED;
    attached += p->event == SEEDANCE_EV_ATTACHED;
}

/* A job as a front end makes it: the client's settings, then the URL. */
static seedance_job *job(const char *url)
{
    seedance_job *j = seedance_job_new();
    seedance_client *c = seedance_job_client(j);

    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, E.url);
    seedance_client_set_files_base(c, E.url);
    seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_progress(c, on_progress, NULL);
    if (seedance_job_parse_url(j, url))
        printf("# %s: %s\n", url, seedance_last_error(c)->message);
    return j;
}

/* The URL is refused: SEEDANCE_E_INVALID, no task id, nothing sent, the message says why. */
static void refused(const char *url, const char *why, const char *what)
{
    seedance_job *j = job(url);
    long r0 = emu_stat(&E, "requests");
    char *id = (char *)"unset";
    int rc = seedance_job_submit_ahead(j, &id, NULL);
    const char *msg = seedance_last_error(seedance_job_client(j))->message;

    OK(rc == SEEDANCE_E_INVALID && !id && emu_stat(&E, "requests") == r0,
       "%s: refused, nothing sent", what);
    OK(strstr(msg, why) != NULL, "%s: the message says why ('%s' in \"%s\")", what, why, msg);
    seedance_job_free(j);
}

static void test_ahead_then_open(void)
{
    const char *url = "seedance:?prompt=submitted ahead&duration=4&quality=480p";
    seedance_job *a = job(url), *b;
    seedance_stream *s = NULL;
    char *id = NULL, *again = NULL, buf[65536];
    int at = -1, rc;
    int64_t n, total = 0;

    rc = seedance_job_submit_ahead(a, &id, &at);
    OK(rc == SEEDANCE_OK && id && !strncmp(id, "task-unified-", 13) && at == 0,
       "a complete URL is submitted ahead: %s", id ? id : "(none)");
    OK(emu_stat(&E, "tasks") == 1 && submitted == 1, "one paid task");

    rc = seedance_job_submit_ahead(a, &again, &at);
    OK(rc == SEEDANCE_OK && again && id && !strcmp(again, id) && at == 1 &&
       emu_stat(&E, "tasks") == 1, "submitted ahead again: the same task, attached, nothing paid");
    free(again);

    /* the open of another job with the same settings attaches to it */
    b = job(url);
    rc = seedance_job_open(b, &s);
    OK(rc == SEEDANCE_OK && s && id && !strcmp(seedance_stream_task_id(s), id),
       "a later open of the same URL attaches to the task");
    OK(attached >= 2 && emu_stat(&E, "tasks") == 1 && emu_stat(&E, "submits") == 1,
       "and pays nothing (one submit in all)");
    while (s && (n = seedance_stream_read(s, buf, sizeof(buf))) > 0)
        total += n;
    OK(s && total > 0 && total == seedance_stream_size(s), "it reads the whole clip (%lld bytes)",
       (long long)total);
    seedance_stream_close(s);
    seedance_job_free(b);
    seedance_job_free(a);
    free(id);
}

int main(void)
{
    char cmd[400];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!mkdtemp(top) || emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, NULL)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    snprintf(cache_dir, sizeof(cache_dir), "%s/cache", top);
    test_ahead_then_open();
    refused("seedance:task-unified-1774857405-abc12345", "nothing to submit", "a task id");
    refused("seedance:?prompt=no journal&cache=0", "cache=0", "cache=0");
    refused("seedance:?prompt=anew&new_generation=1", "new_generation", "new_generation=1");
    refused("seedance:?duration=6", "prompt", "an incomplete request (no prompt)");
    refused("seedance:?prompt=x&duration=99", "duration", "an invalid request");
    emu_stop(&E);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return done_testing();
}
