/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Journal entries on disk: sd_journal_load() of a file holding the input,
 * then, for an entry it accepts, sd_journal_store() and a second load.
 *
 * Checks: an accepted entry has the hash it was looked up by and an
 * idempotency key; its task id, when there is one, is a valid task id (the
 * id is reused as is: it names the cache file and the query URL); every
 * field is NUL-terminated; a rejected entry is all zeros; store + load
 * gives back the same entry.
 */
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "api.h"

#define HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static seedance_client *client;
static char path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char dir[400];

    (void)argc; (void)argv;
    fz_clean_env();
    snprintf(dir, sizeof(dir), "%s/cache", fz_tmpdir());
    if (!(client = seedance_client_new()) || seedance_client_set_cache_dir(client, dir))
        abort();
    seedance_client_set_api_key(client, FZ_API_KEY);
    seedance_client_set_log(client, fz_log_cb, NULL);
    snprintf(path, sizeof(path), "%s/journal", dir);
    if (sd_mkdirs(path))
        abort();
    snprintf(path, sizeof(path), "%s/journal/%s.json", dir, HASH);
    return 0;
}

static int zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_journal_entry e, again;
    int found;

    if (fz_write_file(path, data, size))
        abort();
    found = sd_journal_load(client, HASH, &e);
    FZ_CHECK("journal-ret", found >= -1 && found <= 1, "returned %d", found);   /* -1: damaged */
    FZ_CHECK("journal-nul", memchr(e.hash, 0, sizeof(e.hash)) &&
             memchr(e.idempotency_key, 0, sizeof(e.idempotency_key)) &&
             memchr(e.task_id, 0, sizeof(e.task_id)) && memchr(e.failure, 0, sizeof(e.failure)),
             "a field is not terminated");
    if (found <= 0) {   /* absent, or damaged (-1): nothing taken from it */
        FZ_CHECK("journal-rejected-zero", zero(&e, sizeof(e)), "a rejected entry has fields set");
        return 0;
    }
    FZ_CHECK("journal-hash", !strcmp(e.hash, HASH), "entry hash '%s'", e.hash);
    FZ_CHECK("journal-key", e.idempotency_key[0], "an entry without an idempotency key");
    FZ_CHECK("journal-state", e.state == (e.task_id[0] ? SD_JOURNAL_SUBMITTED : e.state) &&
             e.state >= SD_JOURNAL_SUBMITTING && e.state <= SD_JOURNAL_UNCERTAIN,
             "state %d with task id '%s'", e.state, e.task_id);
    if (e.task_id[0])
        FZ_CHECK("journal-task-id", seedance_task_id_valid(e.task_id),
                 "the entry's task id '%.96s' is not a valid task id", e.task_id);
    FZ_CHECK("journal-store", sd_journal_store(client, &e, NULL) == SEEDANCE_OK,
             "storing the entry back failed: %s", seedance_last_error(client)->message);
    FZ_CHECK("journal-roundtrip", sd_journal_load(client, HASH, &again) == 1 &&
             !memcmp(&e, &again, sizeof(e)), "store + load changed the entry");
    return 0;
}
