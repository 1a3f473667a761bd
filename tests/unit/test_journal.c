/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The local submit journal (src/journal.c), the records of the ledger
 * (src/ledger.c) and the hashing helpers (src/sha256.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "journal_entry.h"
#include "tap.h"

static char dir[] = "/tmp/seedance-unit-XXXXXX", cache[256];
static char key1[33];

/* Interrupt after a few checks: a lock wait that would block ends. */
static int checks;
static int stop_soon(void *opaque)
{
    (void)opaque;
    return ++checks > 3;
}

static seedance_client *client(void)
{
    seedance_client *c = seedance_client_new();

    seedance_client_set_cache_dir(c, cache);
    seedance_client_set_api_key(c, "sk-journal-secret");
    return c;
}

static sd_journal_entry entry(const char *request, int state, const char *task_id)
{
    return journal_entry(request, key1, state, task_id);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;

    if (f) {
        n = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return n;
}

static void test_hashing(void)
{
    char hex[65], k2[33];

    OK(sd_sha256_hex("abc", 3, hex) == 0 &&
       !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
       "SHA-256 of abc");
    OK(sd_random_hex(key1, 16) == 0 && sd_random_hex(k2, 16) == 0 && strlen(key1) == 32 &&
       strcmp(key1, k2) != 0, "random keys: 32 hex characters, different each time");
    OK(sd_random_hex(k2, 1000) == SEEDANCE_E_INVALID, "too many random bytes refused");
}

static void test_store_load(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("request", SD_JOURNAL_SUBMITTING, NULL), got;
    char buf[4096], *path;
    struct stat st;

    OK(sd_journal_load(c, e.hash, &got) == 0, "no entry at first");
    e.attempted = 1790000000;
    OK(sd_journal_store(c, &e, "{\"prompt\":\"p\"}") == 0, "entry written before the submit");
    OK(sd_journal_load(c, e.hash, &got) == 1 && !strcmp(got.idempotency_key, key1) &&
       got.task_id[0] == '\0' && got.state == SD_JOURNAL_SUBMITTING &&
       got.attempted == 1790000000, "entry without task id read back: key, state, time");
    path = sd_journal_path(c, e.hash);
    OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "entry mode 0600");
    snprintf(buf, sizeof(buf), "%s/journal", cache);
    OK(stat(buf, &st) == 0 && (st.st_mode & 0777) == 0700, "journal directory mode 0700");
    OK(stat(cache, &st) == 0 && (st.st_mode & 0777) == 0700, "created cache directory mode 0700");

    snprintf(e.task_id, sizeof(e.task_id), "task-unified-42-x");
    e.state = SD_JOURNAL_SUBMITTED;
    OK(sd_journal_store(c, &e, NULL) == 0 && sd_journal_load(c, e.hash, &got) == 1 &&
       !strcmp(got.task_id, "task-unified-42-x") && !strcmp(got.idempotency_key, key1) &&
       got.state == SD_JOURNAL_SUBMITTED, "entry updated with the task id");
    slurp(path, buf, sizeof(buf));
    OK(!strstr(buf, "sk-journal-secret"), "the key is not in the entry");
    OK(strstr(buf, "\"state\":\t\"submitted\"") != NULL, "the state is named in the file");
    {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "ls %s/journal | grep -q tmp", cache);
        OK(system(cmd) != 0, "no temporary file left behind");
    }
    free(path);
    seedance_client_free(c);
}

static void test_uncertain(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("lost reply", SD_JOURNAL_UNCERTAIN, NULL), got;
    char *path = sd_journal_path(c, e.hash);
    FILE *f;

    e.attempted = 1790000123;
    snprintf(e.failure, sizeof(e.failure), "HTTP 502");
    OK(sd_journal_store(c, &e, NULL) == 0 && sd_journal_load(c, e.hash, &got) == 1 &&
       got.state == SD_JOURNAL_UNCERTAIN && got.attempted == 1790000123 &&
       !strcmp(got.failure, "HTTP 502") && !*got.task_id,
       "an uncertain outcome is kept with its time and what failed");

    /* an entry of an unknown state is never taken for a finished submit */
    f = fopen(path, "w");
    fprintf(f, "{\"hash\":\"%s\",\"idempotency_key\":\"%s\",\"state\":\"whatever\","
            "\"task_id\":null}", e.hash, key1);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == 1 && got.state == SD_JOURNAL_SUBMITTING,
       "unknown state without a task id: as if still submitting");
    f = fopen(path, "w");
    fprintf(f, "{\"hash\":\"%s\",\"idempotency_key\":\"%s\",\"state\":\"uncertain\","
            "\"task_id\":\"task-unified-1-y\",\"attempted\":-5}", e.hash, key1);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == 1 && got.state == SD_JOURNAL_SUBMITTED &&
       got.attempted == 0, "a task id wins; a negative time is unknown");
    e.state = 0;
    OK(sd_journal_store(c, &e, NULL) != SEEDANCE_OK, "an entry without a state is not written");
    free(path);
    seedance_client_free(c);
}

static void test_damaged_and_lock(void)
{
    seedance_client *c = client(), *c2 = client();
    sd_journal_entry e = entry("request", SD_JOURNAL_SUBMITTED, "task-unified-42-x"), got;
    char *path = sd_journal_path(c, e.hash);
    int fd = -1, fd2 = -1, rc;
    FILE *f;

    f = fopen(path, "w");
    fputs("{ damaged", f);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == -1, "a damaged entry is reported as damaged, not as absent");
    OK(sd_journal_remove(c, e.hash) == 0 && access(path, F_OK) != 0, "entry removed");
    OK(sd_journal_lock(c, e.hash, &fd) == 0 && fd >= 0, "lock taken");
    /* a second client of the same process submitting the same request waits */
    seedance_client_set_interrupt(c2, stop_soon, NULL);
    rc = sd_journal_lock(c2, e.hash, &fd2);
    OK(rc == SEEDANCE_E_INTERRUPTED && fd2 < 0,
       "a second client of this process waits for the lock (rc %d)", rc);
    sd_journal_unlock(c2, fd2);
    sd_journal_unlock(c, fd);
    checks = 0;
    fd2 = -1;
    OK(sd_journal_lock(c2, e.hash, &fd2) == 0 && fd2 >= 0 && checks <= 1,
       "released: the second client takes it at once");
    sd_journal_unlock(c2, fd2);
    free(path);
    seedance_client_free(c2);
    seedance_client_free(c);
}

/* Write an entry of request whose field name holds a value of len characters. */
static void write_long_field(seedance_client *c, const sd_journal_entry *e, const char *name,
                             size_t len)
{
    char *path = sd_journal_path(c, e->hash), *value = malloc(len + 1);
    FILE *f = fopen(path, "w");

    memcpy(value, "task-unified-", 13);
    memset(value + 13, '7', len - 13);
    value[len] = '\0';
    fprintf(f, "{\"version\":1,\"hash\":\"%s\",\"state\":\"submitted\","
            "\"idempotency_key\":\"%s\",\"task_id\":\"%s\"}\n", e->hash,
            !strcmp(name, "idempotency_key") ? value : e->idempotency_key,
            !strcmp(name, "task_id") ? value : e->task_id);
    fclose(f);
    free(value);
    free(path);
}

/* A value that does not fit is a damaged entry, never a shorter one. */
static void test_over_long(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("long request", SD_JOURNAL_SUBMITTED, "task-unified-1-x"), got;
    size_t max_id = sizeof(got.task_id) - 1;

    write_long_field(c, &e, "task_id", max_id);
    OK(sd_journal_load(c, e.hash, &got) == 1 && strlen(got.task_id) == max_id,
       "a task id of %zu characters is taken whole", max_id);
    write_long_field(c, &e, "task_id", max_id + 1);
    OK(sd_journal_load(c, e.hash, &got) == -1 && !*got.task_id,
       "a task id of %zu characters is a damaged entry, not cut to %zu", max_id + 1, max_id);
    write_long_field(c, &e, "task_id", 300);
    OK(sd_journal_load(c, e.hash, &got) == -1, "so is one of 300");
    write_long_field(c, &e, "idempotency_key", sizeof(got.idempotency_key));
    OK(sd_journal_load(c, e.hash, &got) == -1 && !*got.idempotency_key,
       "an idempotency key of %zu characters is a damaged entry",
       sizeof(got.idempotency_key));
    sd_journal_remove(c, e.hash);
    seedance_client_free(c);
}

/* a failed task is forgotten, other entries stay */

/* A final task of that id and status, as a task query answers it. */
static seedance_task *final_task(const char *id, const char *status)
{
    char body[512];
    seedance_task *t = NULL;
    seedance_error err;

    snprintf(body, sizeof(body), "{\"id\":\"%s\",\"status\":\"%s\",\"progress\":100,"
             "\"results\":[\"https://example.com/x.mp4\"],\"usage\":{\"credits_reserved\":"
             "21.87}}", id, status);
    sd_task_parse(body, strlen(body), &t, &err);
    return t;
}

/* How many entries of [from, to) name task (all of them with NULL). */
static int listed(seedance_client *c, const char *task)
{
    sd_journal_entry *v;
    size_t n;
    int found = 0;

    if (sd_journal_list(c, 0, (int64_t)1 << 40, &v, &n))
        return -1;
    for (size_t i = 0; i < n; i++)
        found += !task || !strcmp(v[i].task_id, task);
    free(v);
    return found;
}

/* a failed task is forgotten (the ledger keeps it), other entries stay */
static void test_forget(void)
{
    seedance_client *c = client();
    sd_journal_entry a = entry("failed request", SD_JOURNAL_SUBMITTED, "task-unified-9-failed");
    sd_journal_entry b = entry("other request", SD_JOURNAL_SUBMITTED, "task-unified-9-fine");
    sd_journal_entry got;
    seedance_task *failed = final_task("task-unified-9-failed", "failed");
    seedance_task *done = final_task("task-unified-9-fine", "completed");

    OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_store(c, &b, NULL) == 0 &&
       sd_journal_load(c, a.hash, &got) == 1, "two entries written");
    sd_journal_task_ended(c, "task-unified-9-failed", failed);
    OK(sd_journal_load(c, a.hash, &got) == 0, "the failed task's entry is forgotten");
    OK(sd_journal_load(c, b.hash, &got) == 1 && !strcmp(got.task_id, "task-unified-9-fine") &&
       !*got.rec.final_state, "other entries stay, still running");
    OK(listed(c, "task-unified-9-failed") == 1, "the ledger still lists the failed task");
    sd_journal_task_ended(c, "task-unified-9-fine", done);
    OK(sd_journal_load(c, b.hash, &got) == 1 && !strcmp(got.rec.final_state, "completed") &&
       got.rec.credits == 21.87 && got.rec.ended > 0,
       "a completed task stays, its end and reserved credits recorded");
    seedance_task_free(failed);
    seedance_task_free(done);
    seedance_client_free(c);
}

/* what an entry records for the ledger, and the entries a new generation replaces */
static void test_record_and_history(void)
{
    seedance_client *c = client();
    seedance_request *r = seedance_request_new();
    sd_journal_entry a = entry("request of a record", SD_JOURNAL_SUBMITTED, "task-unified-7-a");
    sd_journal_entry b, got;
    seedance_cost cost;

    seedance_request_set(r, "prompt", "a glass frog", NULL);
    seedance_request_set(r, "duration", "4", NULL);
    seedance_request_set(r, "quality", "480p", NULL);
    seedance_request_cost(r, NULL, &cost, NULL);
    sd_journal_record_request(r, &cost, &a.rec);
    OK(*a.rec.host && *a.rec.user && !strcmp(a.rec.model, SEEDANCE_MODEL_T2V) &&
       a.rec.duration == 4 && !strcmp(a.rec.quality, "480p") && a.rec.estimate > 20.25 &&
       a.rec.estimate < 20.26 && a.rec.credits == -1 && !*a.rec.final_state,
       "the record of a request: host, user, model, duration, quality, estimate (%g)",
       a.rec.estimate);
    a.attempted = 1790000000;
    OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       !memcmp(&got.rec, &a.rec, sizeof(a.rec)), "the record is read back as written");

    /* a new generation: the entry of the first task is kept for the ledger */
    b = entry("request of a record", SD_JOURNAL_SUBMITTING, NULL);
    memcpy(b.idempotency_key, "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0", 33);
    b.attempted = 1790000100;
    OK(sd_journal_store(c, &b, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       got.state == SD_JOURNAL_SUBMITTING && listed(c, NULL) >= 2 &&
       listed(c, "task-unified-7-a") == 1, "a new generation replaces the entry, the ledger "
       "keeps the first task");
    /* the new submit refused: the first task's entry comes back, the attempt goes */
    OK(sd_journal_store(c, &a, NULL) == 0 && sd_journal_load(c, a.hash, &got) == 1 &&
       !strcmp(got.task_id, "task-unified-7-a") && listed(c, "task-unified-7-a") == 1,
       "storing the replaced entry again brings it back, once");
    {
        sd_journal_entry *v;
        size_t n, kept = 0;

        OK(sd_journal_list(c, 1790000000, 1790000001, &v, &n) == 0,
           "the entries of a period are listed");
        for (size_t i = 0; i < n; i++)
            kept += !strcmp(v[i].idempotency_key, "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0");
        OK(kept == 0 && n == 1, "the refused attempt is not kept; only [from, to) is listed");
        free(v);
    }
    seedance_request_free(r);
    seedance_client_free(c);
}

/* a damaged or over-long record member is a damaged entry */
static void test_damaged_record(void)
{
    seedance_client *c = client();
    sd_journal_entry e = entry("damaged record", SD_JOURNAL_SUBMITTED, "task-unified-3-z"), got;
    char *path = sd_journal_path(c, e.hash), host[400];
    FILE *f;

    memset(host, 'h', sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    f = fopen(path, "w");
    fprintf(f, "{\"hash\":\"%s\",\"idempotency_key\":\"%s\",\"task_id\":\"task-unified-3-z\","
            "\"host\":\"%s\"}", e.hash, key1, host);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == -1, "an over-long host: damaged, not cut");
    f = fopen(path, "w");
    fprintf(f, "{\"hash\":\"%s\",\"idempotency_key\":\"%s\",\"task_id\":\"task-unified-3-z\","
            "\"estimate\":\"many\"}", e.hash, key1);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == -1, "an estimate that is not a number: damaged");
    f = fopen(path, "w");
    fprintf(f, "{\"hash\":\"%s\",\"idempotency_key\":\"%s\",\"task_id\":\"task-unified-3-z\"}",
            e.hash, key1);
    fclose(f);
    OK(sd_journal_load(c, e.hash, &got) == 1 && got.rec.estimate == -1 &&
       got.rec.duration == -1 && !*got.rec.host,
       "an entry of version 0.1 (no record) is read, its record unknown");
    free(path);
    seedance_client_free(c);
}

int main(void)
{
    char cmd[512];

    if (!mkdtemp(dir)) {
        OK(0, "scratch directory");
        return done_testing();
    }
    snprintf(cache, sizeof(cache), "%s/deep/cache", dir);
    test_hashing();
    test_store_load();
    test_uncertain();
    test_damaged_and_lock();
    test_over_long();
    test_forget();
    test_record_and_history();
    test_damaged_record();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return done_testing();
}
