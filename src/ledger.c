/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ledger: what each journal entry records of its submit (who, where,
 * when, what, the estimate, what the reply reserved, how the task ended)
 * and the list of a period made from those records, with totals.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"

void sd_journal_record_init(sd_journal_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->duration = -1;
    rec->estimate = -1;
    rec->credits = -1;
}

/* The user running this process: its login name, else its uid. */
static void user_name(char *buf, size_t size)
{
    struct passwd pw, *found = NULL;
    char tmp[1024];

    if (getpwuid_r(geteuid(), &pw, tmp, sizeof(tmp), &found) == 0 && found &&
        strlen(found->pw_name) < size)
        snprintf(buf, size, "%s", found->pw_name);
    else
        snprintf(buf, size, "%lu", (unsigned long)geteuid());
}

void sd_journal_record_request(const seedance_request *r, const seedance_cost *cost,
                               sd_journal_record *rec)
{
    const char *quality = seedance_request_get(r, SEEDANCE_OPTION_QUALITY, NULL);

    sd_journal_record_init(rec);
    if (gethostname(rec->host, sizeof(rec->host)) < 0)
        rec->host[0] = '\0';
    rec->host[sizeof(rec->host) - 1] = '\0';
    user_name(rec->user, sizeof(rec->user));
    snprintf(rec->model, sizeof(rec->model), "%s", seedance_request_model(r));
    rec->duration = sd_request_int(r, SEEDANCE_OPTION_DURATION);
    snprintf(rec->quality, sizeof(rec->quality), "%s", quality ? quality : "");
    if (cost && cost->known)
        rec->estimate = cost->credits;
}

/* ------------------------------------------------------------------ */
/* In a local entry                                                    */

/* o's member name replaced by item when want, else removed (item freed).
 * 0, or -1 out of memory. */
static int put(cJSON *o, const char *name, cJSON *item, int want)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, name);
    if (!want) {
        cJSON_Delete(item);
        return 0;
    }
    if (!item || !cJSON_AddItemToObject(o, name, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

int sd_journal_record_to_json(const sd_journal_record *rec, cJSON *o)
{
    const struct { const char *name, *value; } strs[] = {
        { "host", rec->host }, { "user", rec->user }, { "model", rec->model },
        { "quality", rec->quality }, { "final_state", rec->final_state },
    };
    const struct { const char *name; double value; } nums[] = {
        { "duration", rec->duration }, { "estimate", rec->estimate },
        { "credits_reserved", rec->credits }, { "ended", rec->ended ? (double)rec->ended : -1 },
    };

    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        if (put(o, strs[i].name, cJSON_CreateString(strs[i].value), *strs[i].value))
            return -1;
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        if (put(o, nums[i].name, cJSON_CreateNumber(nums[i].value), nums[i].value >= 0))
            return -1;
    return 0;
}

/* A string member into dst: absent is "", one that does not fit is damaged. */
static int take_str(const cJSON *o, const char *name, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    *dst = '\0';
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) >= size)
        return -1;
    memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
    return 0;
}

/* A number member >= 0 into *dst: absent is -1. */
static int take_num(const cJSON *o, const char *name, double max, double *dst)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    *dst = -1;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= max))
        return -1;
    *dst = v->valuedouble;
    return 0;
}

int sd_journal_record_from_json(const cJSON *o, sd_journal_record *rec)
{
    double duration, ended;

    sd_journal_record_init(rec);
    if (!cJSON_IsObject(o))
        return -1;
    if (take_str(o, "host", rec->host, sizeof(rec->host)) ||
        take_str(o, "user", rec->user, sizeof(rec->user)) ||
        take_str(o, "model", rec->model, sizeof(rec->model)) ||
        take_str(o, "quality", rec->quality, sizeof(rec->quality)) ||
        take_str(o, "final_state", rec->final_state, sizeof(rec->final_state)) ||
        take_num(o, "duration", 1e6, &duration) ||
        take_num(o, "estimate", 1e12, &rec->estimate) ||
        take_num(o, "credits_reserved", 1e12, &rec->credits) ||
        take_num(o, "ended", 1e15, &ended)) {
        sd_journal_record_init(rec);
        return -1;
    }
    rec->duration = duration < 0 ? -1 : (int)duration;
    rec->ended = ended < 0 ? 0 : (int64_t)ended;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The ledger of a period                                              */

static const char *state_of(const sd_journal_entry *e)
{
    if (*e->rec.final_state)
        return e->rec.final_state;
    if (e->state == SD_JOURNAL_SUBMITTED)
        return "running";
    return e->state == SD_JOURNAL_UNCERTAIN ? "uncertain" : "submitting";
}

static void to_ledger(const sd_journal_entry *e, seedance_ledger_entry *x)
{
    memset(x, 0, sizeof(*x));
    x->time = e->attempted;
    x->ended = e->rec.ended;
    snprintf(x->host, sizeof(x->host), "%s", e->rec.host);
    snprintf(x->user, sizeof(x->user), "%s", e->rec.user);
    snprintf(x->role, sizeof(x->role), "%s", e->rec.role);
    snprintf(x->task_id, sizeof(x->task_id), "%s", e->task_id);
    snprintf(x->model, sizeof(x->model), "%s", e->rec.model);
    x->duration = e->rec.duration;
    snprintf(x->quality, sizeof(x->quality), "%s", e->rec.quality);
    x->estimate = e->rec.estimate;
    x->credits = e->rec.credits;
    snprintf(x->state, sizeof(x->state), "%s", state_of(e));
}

/* The same submit seen twice (a task named by two entries, an entry kept
 * in past/ and current at once): 1 when b says no less than a. */
static int same_submit(const seedance_ledger_entry *a, const sd_journal_entry *b,
                       const char *key_a)
{
    if (*a->task_id || *b->task_id)
        return !strcmp(a->task_id, b->task_id);
    return !strcmp(key_a, b->idempotency_key);
}

static int by_time(const void *pa, const void *pb)
{
    const seedance_ledger_entry *a = pa, *b = pb;

    return a->time < b->time ? -1 : a->time > b->time;
}

static void add_totals(seedance_ledger *l, const seedance_ledger_entry *x)
{
    if (!strcmp(x->state, "completed") || !strcmp(x->state, "running")) {
        l->paid++;
        if (x->credits >= 0)
            l->credits += x->credits;
        else
            l->unpriced++;
        if (x->estimate >= 0)
            l->estimate += x->estimate;
    } else if (!strcmp(x->state, "uncertain") || !strcmp(x->state, "submitting")) {
        l->uncertain++;
        if (x->estimate >= 0)
            l->uncertain_estimate += x->estimate;
    } else {
        l->refunded++;
    }
}

int seedance_ledger_read(seedance_client *c, int64_t from, int64_t to, seedance_ledger **out)
{
    sd_journal_entry *v = NULL;
    seedance_ledger *l;
    char (*keys)[65] = NULL;
    size_t n = 0;
    int rc;

    if (!out)
        return c ? sd_fail(c, SEEDANCE_E_INVALID, "seedance_ledger_read: out is NULL")
                 : SEEDANCE_E_INVALID;
    *out = NULL;
    if (!c)
        return SEEDANCE_E_INVALID;
    sd_error_clear(&c->err);
    if ((rc = sd_journal_list(c, from, to, &v, &n)))
        return rc;
    if ((l = calloc(1, sizeof(*l))))
        sd_journal_name(c, l->journal, sizeof(l->journal));
    if (!l ||
        (n && (!(l->entries = calloc(n, sizeof(*l->entries))) ||
               !(keys = calloc(n, sizeof(*keys)))))) {
        seedance_ledger_free(l);
        free(v);
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;

        while (j < l->count && !same_submit(&l->entries[j], &v[i], keys[j]))
            j++;
        /* of two records of one submit, the one that saw it end */
        if (j < l->count && (l->entries[j].ended || !*v[i].rec.final_state))
            continue;
        to_ledger(&v[i], &l->entries[j]);
        snprintf(keys[j], sizeof(keys[j]), "%s", v[i].idempotency_key);
        if (j == l->count)
            l->count++;
    }
    if (l->count)
        qsort(l->entries, l->count, sizeof(*l->entries), by_time);
    for (size_t i = 0; i < l->count; i++)
        add_totals(l, &l->entries[i]);
    free(keys);
    free(v);
    *out = l;
    return SEEDANCE_OK;
}

void seedance_ledger_free(seedance_ledger *l)
{
    if (!l)
        return;
    free(l->entries);
    free(l);
}
