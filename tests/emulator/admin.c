/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin API under /_emu/ (no auth, not counted, not logged):
 *   GET  /_emu/stats              counters and the newest task id
 *   POST /_emu/reset              zero the counters, clear the faults
 *   POST /_emu/faults             add a fault (see faults.c)
 *   GET  /_emu/config             the settings of the moment
 *   POST /_emu/config             change settings (see config.c and shape.c)
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
    cJSON_AddNumberToObject(o, "deletes", E.st.deletes);
    cJSON_AddNumberToObject(o, "files", files_count());
    cJSON_AddNumberToObject(o, "credits", E.st.credits);
    cJSON_AddNumberToObject(o, "callbacks", E.st.callbacks);
    cJSON_AddNumberToObject(o, "tasks", E.st.tasks);
    cJSON_AddNumberToObject(o, "faults", faults_pending());
    if (E.tasks)
        cJSON_AddStringToObject(o, "last_task_id", E.tasks->id);
    else
        cJSON_AddNullToObject(o, "last_task_id");
    emu_unlock();
    reply_json(r, 200, o);
}

static void config(const char *body, reply *r)
{
    char err[256];
    if (config_apply_string(body, err, sizeof err))
        reply_error(r, 400, "invalid_request", "invalid_request_error", NULL, "%s", err);
    else
        ok(r);
}

/* What a reference-to-video task received and how its clip is made. */
static void add_references(cJSON *o, const task *t)
{
    const render_job *j = &t->job;
    cJSON_AddItemToObject(o, "references", refs_json(t));
    if (t->ref_failed) cJSON_AddStringToObject(o, "reference_error", t->ref_message);
    else cJSON_AddNullToObject(o, "reference_error");
    cJSON_AddNumberToObject(o, "video_seconds", t->video_seconds);
    cJSON *r = cJSON_AddObjectToObject(o, "render");
    int n = j->duration * EMU_FPS;
    int s = j->video[0] && j->source_first ? draw_source_frames(j->video1_seconds, n) : 0;
    cJSON_AddStringToObject(r, "pictures", j->video[0] ? (j->video[1] ? "video1+video2" : "video1")
                                         : "images");
    cJSON_AddStringToObject(r, "output", j->source_first ? "source_first" : "new");
    cJSON_AddNumberToObject(r, "frames", n);
    cJSON_AddNumberToObject(r, "source_frames", s);
    cJSON_AddNumberToObject(r, "new_frames", j->video[0] ? n - s : 0);
    const emu_ref *a1 = refs_get(t, REF_AUDIO, 0);
    cJSON_AddStringToObject(r, "sound", !j->audio ? "none" : a1 ? "audio1"
                                      : j->sound ? "video1" : "tone");
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
    cJSON *live = task_json(t, now, 0);
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
    if (t->job.reference)
        add_references(o, t);
    else if (t->nrefs)      /* image-to-video: the images it received */
        cJSON_AddItemToObject(o, "references", refs_json(t));
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
    } else if (!strcmp(path, "/_emu/config") && get) {
        reply_json(r, 200, config_json());
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
