/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin API under /_emu/ (no auth, not counted, not logged):
 *   GET  /_emu/stats              counters and the newest task id
 *   POST /_emu/reset              zero the counters, clear the faults
 *   POST /_emu/faults             add a fault (see faults.c)
 *   POST /_emu/config             {"gen_time","link_ttl","moov_at_end","bandwidth",
 *                                  "credits","allow_private_callbacks"}
 *   GET  /_emu/tasks/{id}         the emulator's record of a task
 *   POST /_emu/tasks/{id}/expire  its result link answers 403 from now on
 */
#include "emu.h"

#include <string.h>

static void ok(reply *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", 1);
    reply_json(r, 200, o);
}

static void stats(reply *r)
{
    cJSON *o = cJSON_CreateObject();
    emu_lock();
    cJSON_AddNumberToObject(o, "requests", E.st.requests);
    cJSON_AddNumberToObject(o, "submits", E.st.submits);
    cJSON_AddNumberToObject(o, "task_queries", E.st.task_queries);
    cJSON_AddNumberToObject(o, "downloads", E.st.downloads);
    cJSON_AddNumberToObject(o, "uploads", E.st.uploads);
    cJSON_AddNumberToObject(o, "credits", E.st.credits);
    cJSON_AddNumberToObject(o, "callbacks", E.st.callbacks);
    cJSON_AddNumberToObject(o, "tasks", E.st.tasks);
    if (E.tasks)
        cJSON_AddStringToObject(o, "last_task_id", E.tasks->id);
    else
        cJSON_AddNullToObject(o, "last_task_id");
    emu_unlock();
    reply_json(r, 200, o);
}

static int num(const cJSON *root, const char *name, double min, double *out, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!v)
        return 1;
    if (!cJSON_IsNumber(v) || v->valuedouble < min) {
        reply_error(r, 400, "invalid_request", "invalid_request_error", name,
                    "%s must be a number >= %g", name, min);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

static void config(const char *body, reply *r)
{
    cJSON *root = cJSON_Parse(body);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        reply_error(r, 400, "invalid_request", "invalid_request_error", NULL,
                    "config: the body must be a JSON object");
        return;
    }
    double gen = -1, ttl = -1, bw = -1, credits = -2;
    int rc;
    if ((rc = num(root, "gen_time", 0, &gen, r)) < 0 ||
        (rc = num(root, "link_ttl", 0, &ttl, r)) < 0 ||
        (rc = num(root, "bandwidth", 0, &bw, r)) < 0 ||
        (rc = num(root, "credits", -1, &credits, r)) < 0) {
        cJSON_Delete(root);
        return;
    }
    const cJSON *moov = cJSON_GetObjectItemCaseSensitive(root, "moov_at_end");
    const cJSON *priv = cJSON_GetObjectItemCaseSensitive(root, "allow_private_callbacks");
    emu_lock();
    if (gen >= 0) E.cfg.gen_time = gen;
    if (ttl >= 0) E.cfg.link_ttl = ttl;
    if (bw >= 0) E.cfg.bandwidth = (int64_t)bw;
    if (credits > -2) E.cfg.credits = credits < 0 ? -1 : credits;
    if (cJSON_IsBool(moov)) E.cfg.moov_at_end = cJSON_IsTrue(moov);
    if (cJSON_IsBool(priv)) E.cfg.allow_private_callbacks = cJSON_IsTrue(priv);
    emu_unlock();
    cJSON_Delete(root);
    ok(r);
}

static void task_record(const char *id, int expire, reply *r)
{
    double now;
    task *t = task_lookup(id, r, &now);
    if (!t)
        return;
    if (expire) {
        t->expired = 1;
        emu_unlock();
        ok(r);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *live = task_json(t, now);
    cJSON_AddStringToObject(o, "id", t->id);
    cJSON_AddItemToObject(o, "status", cJSON_Duplicate(cJSON_GetObjectItem(live, "status"), 1));
    cJSON *req = t->request ? cJSON_Parse(t->request) : NULL;
    if (req) cJSON_AddItemToObject(o, "request", req);
    else cJSON_AddNullToObject(o, "request");
    cJSON_AddStringToObject(o, "request_body", t->request ? t->request : "");
    if (t->file) cJSON_AddStringToObject(o, "file", t->file);
    else cJSON_AddNullToObject(o, "file");
    cJSON_AddNumberToObject(o, "size", (double)t->size);
    cJSON_AddNumberToObject(o, "width", t->width);
    cJSON_AddNumberToObject(o, "height", t->height);
    if (t->idem_key) cJSON_AddStringToObject(o, "idempotency_key", t->idem_key);
    else cJSON_AddNullToObject(o, "idempotency_key");
    cJSON_AddBoolToObject(o, "expired", task_link_expired(t, now));
    cJSON_AddNumberToObject(o, "callback_attempts", t->callback_attempts);
    cJSON_AddNumberToObject(o, "callback_status", t->callback_status);
    cJSON_AddItemToObject(o, "task", live);
    emu_unlock();
    reply_json(r, 200, o);
}

void handle_admin(const char *method, const char *path, const char *body, reply *r)
{
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
    if (!strcmp(path, "/_emu/stats") && get) {
        stats(r);
    } else if (!strcmp(path, "/_emu/reset") && post) {
        emu_lock();
        memset(&E.st, 0, sizeof E.st);
        faults_clear();
        emu_unlock();
        ok(r);
    } else if (!strcmp(path, "/_emu/faults") && post) {
        char err[256];
        if (fault_add_string(body, err, sizeof err))
            reply_error(r, 400, "invalid_request", "invalid_request_error", NULL, "%s", err);
        else
            ok(r);
    } else if (!strcmp(path, "/_emu/config") && post) {
        config(body, r);
    } else if (!strncmp(path, "/_emu/tasks/", 12)) {
        char id[128];
        snprintf(id, sizeof id, "%s", path + 12);
        char *slash = strchr(id, '/');
        if (slash && !strcmp(slash, "/expire") && post) {
            *slash = '\0';
            task_record(id, 1, r);
        } else if (!slash && get) {
            task_record(id, 0, r);
        } else {
            reply_error(r, 404, "not_found", "invalid_request_error", NULL,
                        "No such admin endpoint: %s %s", method, path);
        }
    } else {
        reply_error(r, 404, "not_found", "invalid_request_error", NULL,
                    "No such admin endpoint: %s %s", method, path);
    }
}
