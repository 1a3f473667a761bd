/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The submit journal (src/journal.c) and the hashing helpers (src/sha256.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"

/* Interrupt after a few checks: a lock wait that would block ends. */
static int checks;
static int stop_soon(void *opaque)
{
    (void)opaque;
    return ++checks > 3;
}

int main(void)
{
    char dir[] = "/tmp/seedance-unit-XXXXXX", cache[256], hex[65], k1[33], k2[33], buf[4096];
    seedance_client *c = seedance_client_new();
    sd_journal_entry e, got;
    struct stat st;
    char *path;
    FILE *f;
    int fd;

    OK(sd_sha256_hex("abc", 3, hex) == 0 &&
       !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256 of abc");
    OK(sd_random_hex(k1, 16) == 0 && sd_random_hex(k2, 16) == 0 && strlen(k1) == 32 &&
       strcmp(k1, k2) != 0, "random keys: 32 hex characters, different each time");

    OK(mkdtemp(dir) != NULL, "scratch directory");
    snprintf(cache, sizeof(cache), "%s/deep/cache", dir);
    seedance_client_set_cache_dir(c, cache);
    seedance_client_set_api_key(c, "sk-journal-secret");

    memset(&e, 0, sizeof(e));
    sd_sha256_hex("request", 7, e.hash);
    OK(sd_journal_load(c, e.hash, &got) == 0, "no entry at first");
    snprintf(e.idempotency_key, sizeof(e.idempotency_key), "%s", k1);
    snprintf(e.state, sizeof(e.state), "submitting");
    OK(sd_journal_store(c, &e, "{\"prompt\":\"p\"}") == 0, "entry written before the submit");
    OK(sd_journal_load(c, e.hash, &got) == 1 && !strcmp(got.idempotency_key, k1) &&
       got.task_id[0] == '\0' && !strcmp(got.state, "submitting"),
       "entry without task id read back with its key");
    path = sd_journal_path(c, e.hash);
    OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "entry mode 0600");
    snprintf(buf, sizeof(buf), "%s/journal", cache);
    OK(stat(buf, &st) == 0 && (st.st_mode & 0777) == 0700, "journal directory mode 0700");
    OK(stat(cache, &st) == 0 && (st.st_mode & 0777) == 0700, "created cache directory mode 0700");

    snprintf(e.task_id, sizeof(e.task_id), "task-unified-42-x");
    snprintf(e.state, sizeof(e.state), "submitted");
    OK(sd_journal_store(c, &e, NULL) == 0 && sd_journal_load(c, e.hash, &got) == 1 &&
       !strcmp(got.task_id, "task-unified-42-x") && !strcmp(got.idempotency_key, k1),
       "entry updated with the task id");
    f = fopen(path, "r");
    memset(buf, 0, sizeof(buf));
    if (f) {
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    OK(!strstr(buf, "sk-journal-secret"), "the key is not in the entry");
    snprintf(buf, sizeof(buf), "%s/journal", cache);
    {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "ls %s | grep -q tmp", buf);
        OK(system(cmd) != 0, "no temporary file left behind");
    }

    f = fopen(path, "w");
    fputs("{ damaged", f);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == 0, "damaged entry ignored");
    OK(sd_journal_remove(c, e.hash) == 0 && access(path, F_OK) != 0, "entry removed");
    OK(sd_journal_lock(c, e.hash, &fd) == 0 && fd >= 0, "lock taken");
    {
        /* a second client of the same process submitting the same request waits */
        seedance_client *c2 = seedance_client_new();
        int fd2 = -1, rc;
        seedance_client_set_cache_dir(c2, cache);
        seedance_client_set_interrupt(c2, stop_soon, NULL);
        rc = sd_journal_lock(c2, e.hash, &fd2);
        OK(rc == SEEDANCE_E_INTERRUPTED && fd2 < 0,
           "a second client of this process waits for the lock (rc %d)", rc);
        sd_journal_unlock(fd2);
        sd_journal_unlock(fd);
        checks = 0;
        fd2 = -1;
        OK(sd_journal_lock(c2, e.hash, &fd2) == 0 && fd2 >= 0 && checks <= 1,
           "released: the second client takes it at once");
        sd_journal_unlock(fd2);
        seedance_client_free(c2);
    }
    free(path);

    /* a failed task is forgotten, other entries stay */
    {
        sd_journal_entry a, b2;
        memset(&a, 0, sizeof(a));
        memset(&b2, 0, sizeof(b2));
        sd_sha256_hex("failed request", 14, a.hash);
        sd_sha256_hex("other request", 13, b2.hash);
        snprintf(a.task_id, sizeof(a.task_id), "task-unified-9-failed");
        snprintf(b2.task_id, sizeof(b2.task_id), "task-unified-9-fine");
        snprintf(a.state, sizeof(a.state), "submitted");
        snprintf(b2.state, sizeof(b2.state), "submitted");
        snprintf(a.idempotency_key, sizeof(a.idempotency_key), "%s", k1);
        snprintf(b2.idempotency_key, sizeof(b2.idempotency_key), "%s", k1);
        OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_store(c, &b2, NULL) == 0 &&
           sd_journal_load(c, a.hash, &got) == 1, "two entries written");
        sd_journal_forget_task(c, "task-unified-9-failed");
        OK(sd_journal_load(c, a.hash, &got) == 0, "the failed task's entry is forgotten");
        OK(sd_journal_load(c, b2.hash, &got) == 1 && !strcmp(got.task_id, "task-unified-9-fine"),
           "other entries stay");
    }

    {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
    }
    seedance_client_free(c);
    return done_testing();
}
