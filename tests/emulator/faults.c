/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Faults on demand. A fault is a JSON object {"type":T,"count":N,"path":P,...}
 * added by --fault or POST /_emu/faults. Request faults (status, delay,
 * drop, malformed, lost_reply) apply to the next `count` non-admin requests
 * whose path starts with `path` (all paths when absent); task faults apply
 * to the next `count` submitted tasks. count -1 means until reset.
 *
 * A drop fault waits for a transfer that streams a body (a 404 during the
 * CDN lag does not use it up): faults_for_transfer.
 *
 * Most request faults act before the handler: nothing happens on the
 * server. Those that act after it (lost_reply, and status or delay with
 * "after_create":true) let the handler run first, so a submit has created
 * and billed its task when its reply goes missing; without a path they
 * apply to the submit path.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

enum { F_STATUS, F_DELAY, F_DROP, F_MALFORMED, F_LOST, F_TASK };

#define HAS_OUTCOME 1
#define HAS_QUEUED  2
#define HAS_EXPIRED 4

#define SUBMIT_PATH "/v1/videos/generations"

struct fault {
    struct fault *next;
    int type;
    long count;                 /* > 0 remaining, -1 forever */
    char *path;                 /* prefix or NULL */
    int after;                  /* after_create: acts once the handler has run */
    int status;
    char retry_after[64];
    long ms;
    int64_t after_bytes;
    task_effect te;
    int has;                    /* HAS_* for task faults (te.shape.given too) */
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

/* A number field: 0 (set), 1 (absent, not required) or -1 (error). */
static int num_field(const cJSON *obj, const char *name, double min, int required,
                     double *out, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required)
            snprintf(err, errlen, "fault: \"%s\" is required", name);
        return required ? -1 : 1;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < min) {
        snprintf(err, errlen, "fault: \"%s\" must be a number >= %g", name, min);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

/* A boolean field: 0 (set), 1 (absent) or -1 (error). */
static int bool_field(const cJSON *obj, const char *name, int *out, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return 1;
    if (!cJSON_IsBool(v)) {
        snprintf(err, errlen, "fault: \"%s\" must be true or false", name);
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

static int parse_outcome(const cJSON *obj, struct fault *f, char *err, size_t errlen)
{
    static const char *const words[] = { "ok", "fail", "hang", "cancel" };
    static const int outcomes[] = { OUTCOME_OK, OUTCOME_FAIL, OUTCOME_HANG, OUTCOME_CANCEL };
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "outcome");
    if (!v)
        return 0;
    const char *s = cJSON_GetStringValue(v);
    for (int i = 0; s && i < 4; i++) {
        if (!strcmp(s, words[i])) {
            f->te.outcome = outcomes[i];
            f->has |= HAS_OUTCOME;
            return 0;
        }
    }
    snprintf(err, errlen, "fault: outcome must be \"fail\", \"hang\", \"cancel\" or \"ok\"");
    return -1;
}

static void parse_task_error(const cJSON *obj, task_effect *te)
{
    const cJSON *cv = cJSON_GetObjectItemCaseSensitive(obj, "error_code");
    char num[32];
    const char *code = cJSON_GetStringValue(cv);
    if (cJSON_IsNumber(cv)) {               /* for error_shape "integer" */
        snprintf(num, sizeof num, "%d", cv->valueint);
        code = num;
    }
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "error_message"));
    snprintf(te->error_code, sizeof te->error_code, "%s", code ? code : "content_policy_violation");
    snprintf(te->error_message, sizeof te->error_message, "%s", msg ? msg :
             "Content policy violation. Your request was blocked by safety filters.");
}

static int parse_task_fault(const cJSON *obj, struct fault *f, char *err, size_t errlen)
{
    task_effect *te = &f->te;
    int rc;
    if (parse_outcome(obj, f, err, errlen))
        return -1;
    parse_task_error(obj, te);
    if ((rc = bool_field(obj, "queued", &te->queued, err, errlen)) < 0)
        return -1;
    f->has |= rc ? 0 : HAS_QUEUED;
    if ((rc = bool_field(obj, "expired", &te->expired, err, errlen)) < 0)
        return -1;
    f->has |= rc ? 0 : HAS_EXPIRED;
    if (shape_parse(obj, &te->shape, err, errlen))
        return -1;
    if (!f->has && !te->shape.given) {
        snprintf(err, errlen, "fault: a task fault needs outcome, queued, expired, success_status, "
                 "running_status, final_status, id_field, result_variant or error_shape");
        return -1;
    }
    return 0;
}

static int parse_status_fault(const cJSON *obj, struct fault *f, char *err, size_t errlen)
{
    double d;
    if (num_field(obj, "status", 400, 1, &d, err, errlen))
        return -1;
    if (d > 599) {
        snprintf(err, errlen, "fault: status must be 400..599");
        return -1;
    }
    f->status = (int)d;
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(obj, "retry_after");
    if (cJSON_IsString(ra))
        snprintf(f->retry_after, sizeof f->retry_after, "%s", ra->valuestring);
    else if (cJSON_IsNumber(ra))
        snprintf(f->retry_after, sizeof f->retry_after, "%d", ra->valueint);
    return 0;
}

/* The fields of one request fault type; 0, 1 (applied at once, nothing to
 * keep: bandwidth) or -1. */
static int parse_request_fault(const char *type, const cJSON *obj, struct fault *f,
                               char *err, size_t errlen)
{
    double d;
    if (!strcmp(type, "status")) {
        f->type = F_STATUS;
        return parse_status_fault(obj, f, err, errlen);
    }
    if (!strcmp(type, "delay")) {
        f->type = F_DELAY;
        if (num_field(obj, "ms", 0, 1, &d, err, errlen))
            return -1;
        f->ms = (long)d;
    } else if (!strcmp(type, "drop")) {
        f->type = F_DROP;
        if (num_field(obj, "after_bytes", 0, 1, &d, err, errlen))
            return -1;
        f->after_bytes = (int64_t)d;
    } else if (!strcmp(type, "malformed")) {
        f->type = F_MALFORMED;
    } else if (!strcmp(type, "lost_reply")) {
        f->type = F_LOST;
    } else if (!strcmp(type, "bandwidth")) {
        if (num_field(obj, "bps", -1e18, 1, &d, err, errlen))
            return -1;
        emu_lock();
        E.cfg.bandwidth = d > 0 ? (int64_t)d : 0;
        emu_unlock();
        return 1;
    } else {
        snprintf(err, errlen, "fault: unknown type \"%.40s\" (status, delay, drop, malformed, "
                 "lost_reply, bandwidth, task)", type);
        return -1;
    }
    return 0;
}

/* count, path and after_create, common to every fault. */
static int parse_common(const cJSON *obj, struct fault *f, char *err, size_t errlen)
{
    double d;
    int rc = num_field(obj, "count", -1, 0, &d, err, errlen);
    f->count = 1;
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (d != -1 && d < 1) {
            snprintf(err, errlen, "fault: count must be >= 1 or -1 (until reset)");
            return -1;
        }
        f->count = (long)d;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "path");
    if (p && !cJSON_IsString(p)) {
        snprintf(err, errlen, "fault: path must be a string");
        return -1;
    }
    f->path = p ? xstrdup(p->valuestring) : NULL;
    if (bool_field(obj, "after_create", &f->after, err, errlen) < 0)
        return -1;
    if (f->after && f->type != F_STATUS && f->type != F_DELAY && f->type != F_LOST) {
        snprintf(err, errlen, "fault: after_create goes with a status or delay fault");
        return -1;
    }
    if ((f->after || f->type == F_LOST) && !f->path)
        f->path = xstrdup(SUBMIT_PATH);
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
        snprintf(err, errlen, "fault: \"type\" is required (status, delay, drop, malformed, "
                 "lost_reply, bandwidth, task)");
        return -1;
    }
    struct fault *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc;
    if (!strcmp(type, "task")) {
        f->type = F_TASK;
        rc = parse_task_fault(obj, f, err, errlen);
    } else {
        rc = parse_request_fault(type, obj, f, err, errlen);
    }
    if (rc || parse_common(obj, f, err, errlen)) {
        fault_free(f);
        return rc > 0 ? 0 : -1;
    }
    emu_lock();
    struct fault **pp = &E.faults;
    while (*pp)
        pp = &(*pp)->next;
    *pp = f;
    emu_unlock();
    return 0;
}

int fault_add_string(const char *json, char *err, size_t errlen)
{
    return json_apply(json, fault_add_json, err, errlen);
}

/* Uses up one application of *pp; removes it when exhausted. Returns the
 * next link to look at. */
int faults_pending(void)
{
    int n = 0;
    for (const struct fault *f = E.faults; f; f = f->next)
        n++;
    return n;
}

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

/* Whether f acts on this request in this pass (before the handler or
 * after it); copies what it asks into fx. */
static int take(const struct fault *f, int before, int is_download, fault_effect *fx)
{
    int after = f->after || f->type == F_MALFORMED || f->type == F_LOST;
    if (f->type == F_TASK || f->type == F_DROP || after == before)
        return 0;
    switch (f->type) {
    case F_DELAY:
        *(before ? &fx->delay_ms : &fx->after_delay_ms) += f->ms;
        return 1;
    case F_STATUS:
        if (before ? fx->status : fx->after_status)
            return 0;
        *(before ? &fx->status : &fx->after_status) = f->status;
        memcpy(fx->retry_after, f->retry_after, sizeof fx->retry_after);
        return 1;
    case F_MALFORMED:
        return !is_download && !fx->malformed && (fx->malformed = 1);
    case F_LOST:
        return !fx->lost_reply && (fx->lost_reply = 1);
    }
    return 0;
}

void faults_for_request(const char *path, int is_download, fault_effect *fx)
{
    memset(fx, 0, sizeof *fx);
    emu_lock();
    /* Pass 1, before the handler: delays add up; the first status answers.
     * Pass 2, only when the handler runs: what alters or loses its reply. */
    for (int before = 1; before >= 0 && !fx->status; before--) {
        for (struct fault **pp = &E.faults; *pp;) {
            if (matches(*pp, path) && take(*pp, before, is_download, fx))
                pp = consume(pp);
            else
                pp = &(*pp)->next;
        }
    }
    emu_unlock();
}

int64_t faults_for_transfer(const char *path)
{
    int64_t drop = -1;
    emu_lock();
    for (struct fault **pp = &E.faults; *pp; pp = &(*pp)->next) {
        if ((*pp)->type == F_DROP && matches(*pp, path)) {
            drop = (*pp)->after_bytes;
            consume(pp);
            break;
        }
    }
    emu_unlock();
    return drop;
}

void faults_for_task(task_effect *te)
{
    memset(te, 0, sizeof *te);
    emu_lock();
    te->shape = E.cfg.shape;
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
        if (f->has & HAS_EXPIRED)
            te->expired = f->te.expired;
        shape_merge(&te->shape, &f->te.shape);
        pp = consume(pp);
    }
    emu_unlock();
}
