/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seedance: URL and option names: seedance_job_parse_url(), and
 * seedance_job_set() from a URL, a command line or a program.
 *
 * Input: one byte of mode (0: the rest is a URL; 1: "NAME=VALUE" lines set
 * with the origin of the second byte).
 * Checks: a URL (or a filter graph) never sets the API key, the key file,
 * the API base or the Files API base, whatever the spelling of the name
 * (case, dashes, aliases, model_params., percent escapes); a command line
 * never sets the key; a task id taken is always a valid task id; the
 * timeout stays finite, positive and at most 7 days; the key never
 * appears in a message.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"

#define BASE "http://127.0.0.1:9"
#define FILES "http://127.0.0.1:10"

static void check_job(seedance_job *j, int origin, int key_may_change, int key_in_input)
{
    seedance_client *c = seedance_job_client(j);
    const char *task = seedance_job_task(j);

    if (origin != SEEDANCE_FROM_PROGRAM) {
        if (!key_may_change)
            FZ_CHECK("url-secret", c->api_key && !strcmp(c->api_key, FZ_API_KEY),
                     "the API key was changed from %s", origin == SEEDANCE_FROM_URL ?
                     "a URL" : "a command line");
    }
    if (origin == SEEDANCE_FROM_URL) {
        FZ_CHECK("url-base", c->api_base && !strcmp(c->api_base, BASE),
                 "the API base was changed from a URL to '%s'", c->api_base);
        FZ_CHECK("url-files-base", c->files_base && !strcmp(c->files_base, FILES),
                 "the Files API base was changed from a URL to '%s'", c->files_base);
    }
    if (task)
        FZ_CHECK("url-task-id", seedance_task_id_valid(task), "task '%.100s' taken", task);
    FZ_CHECK("url-timeout", isfinite(c->timeout) && c->timeout > 0 && c->timeout <= 7 * 86400.0,
             "timeout %g", c->timeout);
    if (!key_in_input)
        FZ_CHECK("key-in-message", !strstr(c->err.message, FZ_API_KEY),
                 "the key is in a message: %s", c->err.message);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seedance_job *j;
    seedance_client *c;
    char *text;
    int origin = SEEDANCE_FROM_URL, key_may_change = 0, rc;

    if (size < 2)
        return 0;
    fz_key_in_input = fz_memmem(data, size, FZ_API_KEY);
    if (!(j = seedance_job_new()))
        abort();
    c = seedance_job_client(j);
    if (seedance_client_set_api_key(c, FZ_API_KEY) || seedance_client_set_api_base(c, BASE) ||
        seedance_client_set_files_base(c, FILES))
        abort();
    seedance_client_set_log(c, fz_log_cb, NULL);
    text = fz_strndup(data + 2, size - 2);
    if (!(data[0] & 1)) {
        rc = seedance_job_parse_url(j, text);
        if (rc)
            FZ_CHECK("url-fail", rc == c->err.code && c->err.message[0], "failure %d", rc);
    } else {
        char *save = NULL;
        origin = data[1] % 3;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            char *eq = strchr(l, '=');
            const seedance_option *o;
            if (eq)
                *eq++ = '\0';
            o = seedance_option_find(l);
            /* a key file is read from the disk: only where it is refused */
            if (o && o->id == SEEDANCE_OPTION_API_KEY_FILE && origin != SEEDANCE_FROM_URL)
                continue;
            if (o && o->id == SEEDANCE_OPTION_API_KEY && origin == SEEDANCE_FROM_PROGRAM)
                key_may_change = 1;
            rc = seedance_job_set(j, l, eq, origin);
            if (rc)
                FZ_CHECK("set-fail", rc == c->err.code && c->err.message[0], "failure %d", rc);
        }
    }
    check_job(j, origin, key_may_change, fz_memmem(data, size, FZ_API_KEY));
    free(text);
    seedance_job_free(j);
    return 0;
}
