/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Faults on demand. A fault is a JSON object {"type":T,"count":N,"path":P,...}
 * added by --fault or POST /_emu/faults. Request faults (status, delay,
 * drop, malformed) apply to the next `count` non-admin requests whose path
 * starts with `path` (all paths when absent); task faults apply to the next
 * `count` submitted tasks. count -1 means until reset.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

enum { F_STATUS, F_DELAY, F_DROP, F_MALFORMED, F_TASK };

#define HAS_OUTCOME 1
#define HAS_QUEUED  2
#define HAS_VARIANT 4
#define HAS_EXPIRED 8

struct fault {
    struct fault *next;
    int type;
    long count;                 /* > 0 remaining, -1 forever */
    char *path;                 /* prefix or NULL */
    int status;
    char retry_after[64];
    long ms;
    int64_t after_bytes;
    task_effect te;
    int has;                    /* HAS_* for task faults */
};

static void fault_free(struct fault *f)
{
    free(f->path);
    free(f);
}

void faults_clear(void)
{
    struct fault *f = E.faults;
    while (f) {
        struct fault *n = f->next;
        fault_free(f);
        f = n;
    }
    E.faults = NULL;
}

static int num_field(const cJSON *obj, const char *name, double *out, int required,
                     char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required)
            snprintf(err, errlen, "fault: \"%s\" is required", name);
        return required ? -1 : 1;
    }
    if (!cJSON_IsNumber(v)) {
        snprintf(err, errlen, "fault: \"%s\" must be a number", name);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

static int parse_task_fault(const cJSON *obj, struct fault *f, char *err, size_t errlen)
{
    const cJSON *v;
    task_effect *te = &f->te;
    if ((v = cJSON_GetObjectItemCaseSensitive(obj, "outcome"))) {
        const char *s = cJSON_GetStringValue(v);
        if (!s) s = "";
        if (!strcmp(s, "fail")) te->outcome = OUTCOME_FAIL;
        else if (!strcmp(s, "hang")) te->outcome = OUTCOME_HANG;
        else if (!strcmp(s, "cancel")) te->outcome = OUTCOME_CANCEL;
        else if (!strcmp(s, "ok")) te->outcome = OUTCOME_OK;
        else {
            snprintf(err, errlen, "fault: outcome must be \"fail\", \"hang\", \"cancel\" or \"ok\"");
            return -1;
        }
        f->has |= HAS_OUTCOME;
    }
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "error_code"));
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "error_message"));
    snprintf(te->error_code, sizeof te->error_code, "%s", code ? code : "content_policy_violation");
    snprintf(te->error_message, sizeof te->error_message, "%s", msg ? msg :
             "Content policy violation. Your request was blocked by safety filters.");
    if ((v = cJSON_GetObjectItemCaseSensitive(obj, "queued"))) {
        if (!cJSON_IsBool(v)) {
            snprintf(err, errlen, "fault: queued must be a boolean");
            return -1;
        }
        te->queued = cJSON_IsTrue(v);
        f->has |= HAS_QUEUED;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(obj, "expired"))) {
        if (!cJSON_IsBool(v)) {
            snprintf(err, errlen, "fault: expired must be a boolean");
            return -1;
        }
        te->expired = cJSON_IsTrue(v);
        f->has |= HAS_EXPIRED;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(obj, "result_variant"))) {
        const char *s = cJSON_GetStringValue(v);
        if (!s) s = "";
        if (!strcmp(s, "string")) te->variant = VARIANT_STRING;
        else if (!strcmp(s, "object")) te->variant = VARIANT_OBJECT;
        else if (!strcmp(s, "result_data")) te->variant = VARIANT_RESULT_DATA;
        else {
            snprintf(err, errlen, "fault: result_variant must be \"string\", \"object\" or \"result_data\"");
            return -1;
        }
        f->has |= HAS_VARIANT;
    }
    if (!f->has) {
        snprintf(err, errlen, "fault: a task fault needs outcome, queued, result_variant or expired");
        return -1;
    }
    return 0;
}

int fault_add_json(const cJSON *obj, char *err, size_t errlen)
{
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errlen, "fault: must be a JSON object");
        return -1;
    }
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "type"));
    if (!type) {
        snprintf(err, errlen, "fault: \"type\" is required (status, delay, drop, malformed, bandwidth, task)");
        return -1;
    }
    struct fault *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->count = 1;
    double d;
    int rc = num_field(obj, "count", &d, 0, err, errlen);
    if (rc < 0)
        goto fail;
    if (rc == 0) {
        if (d != -1 && d < 1) {
            snprintf(err, errlen, "fault: count must be >= 1 or -1 (until reset)");
            goto fail;
        }
        f->count = (long)d;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "path");
    if (p) {
        if (!cJSON_IsString(p)) {
            snprintf(err, errlen, "fault: path must be a string");
            goto fail;
        }
        f->path = xstrdup(p->valuestring);
    }

    if (!strcmp(type, "status")) {
        f->type = F_STATUS;
        if (num_field(obj, "status", &d, 1, err, errlen))
            goto fail;
        if (d < 400 || d > 599) {
            snprintf(err, errlen, "fault: status must be 400..599");
            goto fail;
        }
        f->status = (int)d;
        const cJSON *ra = cJSON_GetObjectItemCaseSensitive(obj, "retry_after");
        if (cJSON_IsString(ra))
            snprintf(f->retry_after, sizeof f->retry_after, "%s", ra->valuestring);
        else if (cJSON_IsNumber(ra))
            snprintf(f->retry_after, sizeof f->retry_after, "%d", ra->valueint);
    } else if (!strcmp(type, "delay")) {
        f->type = F_DELAY;
        if (num_field(obj, "ms", &d, 1, err, errlen))
            goto fail;
        if (d < 0) {
            snprintf(err, errlen, "fault: ms must be >= 0");
            goto fail;
        }
        f->ms = (long)d;
    } else if (!strcmp(type, "drop")) {
        f->type = F_DROP;
        if (num_field(obj, "after_bytes", &d, 1, err, errlen))
            goto fail;
        if (d < 0) {
            snprintf(err, errlen, "fault: after_bytes must be >= 0");
            goto fail;
        }
        f->after_bytes = (int64_t)d;
    } else if (!strcmp(type, "malformed")) {
        f->type = F_MALFORMED;
    } else if (!strcmp(type, "bandwidth")) {
        if (num_field(obj, "bps", &d, 1, err, errlen))
            goto fail;
        emu_lock();
        E.cfg.bandwidth = d > 0 ? (int64_t)d : 0;
        emu_unlock();
        fault_free(f);
        return 0;
    } else if (!strcmp(type, "task")) {
        f->type = F_TASK;
        if (parse_task_fault(obj, f, err, errlen))
            goto fail;
    } else {
        snprintf(err, errlen, "fault: unknown type \"%s\" (status, delay, drop, malformed, bandwidth, task)", type);
        goto fail;
    }

    emu_lock();
    struct fault **pp = &E.faults;
    while (*pp)
        pp = &(*pp)->next;
    *pp = f;
    emu_unlock();
    return 0;
fail:
    fault_free(f);
    return -1;
}

int fault_add_string(const char *json, char *err, size_t errlen)
{
    cJSON *obj = cJSON_Parse(json);
    if (!obj) {
        snprintf(err, errlen, "fault: not valid JSON: %s", json);
        return -1;
    }
    int rc = fault_add_json(obj, err, errlen);
    cJSON_Delete(obj);
    return rc;
}

/* Uses up one application of *pp; removes it when exhausted. Returns the
 * next link to look at. */
static struct fault **consume(struct fault **pp)
{
    struct fault *f = *pp;
    if (f->count > 0 && --f->count == 0) {
        *pp = f->next;
        fault_free(f);
        return pp;
    }
    return &f->next;
}

static int matches(const struct fault *f, const char *path)
{
    return !f->path || !strncmp(path, f->path, strlen(f->path));
}

void faults_for_request(const char *path, int is_download, fault_effect *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->drop_after = -1;
    emu_lock();
    /* Pass 1: delays add up; the first status fault answers. */
    for (struct fault **pp = &E.faults; *pp;) {
        struct fault *f = *pp;
        if (f->type == F_DELAY && matches(f, path)) {
            fx->delay_ms += f->ms;
            pp = consume(pp);
        } else if (f->type == F_STATUS && !fx->status && matches(f, path)) {
            fx->status = f->status;
            memcpy(fx->retry_after, f->retry_after, sizeof fx->retry_after);
            pp = consume(pp);
        } else {
            pp = &f->next;
        }
    }
    /* Pass 2: what alters a real answer, only when there is one. */
    for (struct fault **pp = &E.faults; *pp && !fx->status;) {
        struct fault *f = *pp;
        if (f->type == F_MALFORMED && !is_download && !fx->malformed && matches(f, path)) {
            fx->malformed = 1;
            pp = consume(pp);
        } else if (f->type == F_DROP && is_download && fx->drop_after < 0 && matches(f, path)) {
            fx->drop_after = f->after_bytes;
            pp = consume(pp);
        } else {
            pp = &f->next;
        }
    }
    emu_unlock();
}

void faults_for_task(task_effect *te)
{
    memset(te, 0, sizeof *te);
    emu_lock();
    for (struct fault **pp = &E.faults; *pp;) {
        struct fault *f = *pp;
        if (f->type != F_TASK) {
            pp = &f->next;
            continue;
        }
        if (f->has & HAS_OUTCOME) {
            te->outcome = f->te.outcome;
            memcpy(te->error_code, f->te.error_code, sizeof te->error_code);
            memcpy(te->error_message, f->te.error_message, sizeof te->error_message);
        }
        if (f->has & HAS_QUEUED)
            te->queued = f->te.queued;
        if (f->has & HAS_VARIANT)
            te->variant = f->te.variant;
        if (f->has & HAS_EXPIRED)
            te->expired = f->te.expired;
        pp = consume(pp);
    }
    emu_unlock();
}
