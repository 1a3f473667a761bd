/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON with cJSON: the request body, task replies (with the variants seen
 * in published clients), the API's error envelope and Files API replies.
 * Anything that is not what the API documents is SEEDANCE_E_PROTOCOL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"

/* ------------------------------------------------------------------ */
/* Request body                                                       */

/* The object at path "a.b" (the part before the last dot) inside o, made
 * when missing; *key is what follows. NULL when out of memory. */
static cJSON *parent_of(cJSON *o, const char *path, const char **key)
{
    const char *dot = strchr(path, '.');
    char name[64];
    cJSON *sub;

    *key = path;
    if (!dot)
        return o;
    snprintf(name, sizeof(name), "%.*s", (int)(dot - path), path);
    if (!(sub = cJSON_GetObjectItemCaseSensitive(o, name)))
        sub = cJSON_AddObjectToObject(o, name);
    return sub ? parent_of(sub, dot + 1, key) : NULL;
}

int sd_json_add_field(cJSON *o, const seedance_option *opt, const char *value)
{
    const char *key;
    cJSON *parent = parent_of(o, opt->json, &key), *item, *arr;
    size_t n = strlen(key);
    char name[64];

    if (!parent)
        return 0;
    if (opt->flags & SEEDANCE_OPT_BOOL)
        item = cJSON_CreateBool(sd_parse_bool(value) == 1);
    else if (opt->flags & SEEDANCE_OPT_INT)
        item = cJSON_CreateNumber(strtod(value, NULL));
    else
        item = cJSON_CreateString(value);
    if (!item)
        return 0;
    if (n < 2 || strcmp(key + n - 2, "[]"))
        return cJSON_AddItemToObject(parent, key, item);
    snprintf(name, sizeof(name), "%.*s", (int)(n - 2), key);
    if (!(arr = cJSON_GetObjectItemCaseSensitive(parent, name)) &&
        !(arr = cJSON_AddArrayToObject(parent, name))) {
        cJSON_Delete(item);
        return 0;
    }
    return cJSON_AddItemToArray(arr, item);
}

char *sd_request_json(const seedance_request *r, const char *const *media, int n_media)
{
    cJSON *o = cJSON_CreateObject();
    sd_resolved m;
    char *out = NULL;
    int ok = o != NULL, k = 0;

    if (!ok || sd_request_resolve(r, &m, NULL)) {
        cJSON_Delete(o);
        return NULL;
    }
    ok &= cJSON_AddStringToObject(o, "model", m.id) != NULL;
    for (const seedance_option *opt = seedance_options(); ok && opt->name; opt++) {
        const char *v = seedance_request_get(r, opt->id, NULL);

        if (!*opt->json || !v || !sd_model_takes(&m, r, opt->id))
            continue;
        if (!(opt->flags & SEEDANCE_OPT_MEDIA)) {
            ok &= sd_json_add_field(o, opt, v);
            continue;
        }
        for (char **it = r->items[opt->id]; ok && it && *it; it++, k++)
            ok &= sd_json_add_field(o, opt, media && k < n_media ? media[k] : *it);
    }
    if (ok)
        out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return out;
}

char *seedance_request_to_json(const seedance_request *r)
{
    if (!r || sd_request_check(r, NULL, NULL, SD_CHECK_NO_PROBE, NULL) != SEEDANCE_OK)
        return NULL;
    return sd_request_json(r, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Task replies                                                       */

static int dup_string(char **dst, const cJSON *item)
{
    if (!cJSON_IsString(item) || !item->valuestring)
        return 0;
    free(*dst);
    *dst = strdup(item->valuestring);
    return *dst ? 1 : -1;
}

/* A number field as an int in [lo, hi]; -1 when absent or not a number. */
static int get_int(const cJSON *o, const char *name, int lo, int hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    double d;

    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return -1;
    d = v->valuedouble;
    if (d < lo)
        d = lo;
    if (d > hi)
        d = hi;
    return (int)(d + 0.5);
}

/* A code that is a string or an integer, as text. */
static int code_text(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsString(v) && v->valuestring) {
        snprintf(buf, size, "%s", v->valuestring);
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        snprintf(buf, size, "%.0f", v->valuedouble);
        return 0;
    }
    return -1;
}

/* A non-empty string item, or NULL. */
static const char *nonempty(const cJSON *v)
{
    return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring : NULL;
}

/* x.field when x is an object. */
static const char *nested_item(const cJSON *x, const char *field)
{
    return cJSON_IsObject(x) ? nonempty(cJSON_GetObjectItemCaseSensitive(x, field)) : NULL;
}

/* o.name.field when o.name is an object. */
static const char *nested(const cJSON *o, const char *name, const char *field)
{
    return nested_item(cJSON_GetObjectItemCaseSensitive(o, name), field);
}

/*
 * The result URL, in the order published clients try: results[] (a string
 * or {"url"}), result_data[].video_url, output.video_url,
 * content.video_url, data.video_url, then a top-level video_url or url.
 */
static const char *result_url(const cJSON *o)
{
    static const char *const holders[] = { "output", "content", "data" };
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(o, "results");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(o, "result_data");
    const cJSON *it;
    const char *u;

    if (cJSON_IsArray(results))
        cJSON_ArrayForEach(it, results) {
            if ((u = nonempty(it)) || (u = nested_item(it, "url")))
                return u;
        }
    if (cJSON_IsArray(data))
        cJSON_ArrayForEach(it, data) {
            if ((u = nested_item(it, "video_url")))
                return u;
        }
    for (size_t i = 0; i < sizeof(holders) / sizeof(*holders); i++)
        if ((u = nested(o, holders[i], "video_url")))
            return u;
    if ((u = nonempty(cJSON_GetObjectItemCaseSensitive(o, "video_url"))))
        return u;
    return nonempty(cJSON_GetObjectItemCaseSensitive(o, "url"));
}

/*
 * The id: "id", else "task_id", else the one asked for (a query reply may
 * leave it out: the documented processing example does). It names cache
 * files and URL paths, so one that is not a valid task id makes the reply
 * malformed; and a reply to a query of task known_id that names another
 * task is not about this task: malformed too, never taken as its state.
 */
static int task_id_of(seedance_task *t, const cJSON *o, const char *known_id,
                      seedance_error *err)
{
    const char *asked = known_id && *known_id ? known_id : NULL;
    const char *id = nonempty(cJSON_GetObjectItemCaseSensitive(o, "id"));
    char why[160];

    if (!id)
        id = nonempty(cJSON_GetObjectItemCaseSensitive(o, "task_id"));
    if (!id && !(id = asked))
        return sd_error(err, SEEDANCE_E_PROTOCOL, "malformed task reply: no task id");
    if (!seedance_task_id_valid(id)) {
        sd_task_id_problem(id, why, sizeof(why));
        return asked ? sd_task_error(err, SEEDANCE_E_PROTOCOL, asked, "malformed reply for "
                                     "task %s: its task id %s", asked, why)
                     : sd_error(err, SEEDANCE_E_PROTOCOL, "malformed task reply: task id %s",
                                why);
    }
    if (asked && strcmp(id, asked))
        return sd_task_error(err, SEEDANCE_E_PROTOCOL, asked,
                             "malformed reply for task %s: it is about task %s", asked, id);
    return (t->id = strdup(id)) ? SEEDANCE_OK : SEEDANCE_E_NOMEM;
}

/* usage.credits_reserved: a finite number of at least 0, else -1. */
static double credits_of(const cJSON *o)
{
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "usage");
    const cJSON *v = cJSON_IsObject(u) ? cJSON_GetObjectItemCaseSensitive(u, "credits_reserved")
                                       : NULL;

    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0
               ? v->valuedouble : -1;
}

/* The error of a failed task: {"code" (string or integer), "message"} or a bare string. */
static int task_error_of(seedance_task *t, const cJSON *o)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    char code[64];

    if (cJSON_IsString(e))
        return dup_string(&t->error_message, e) < 0 ? SEEDANCE_E_NOMEM : SEEDANCE_OK;
    if (!cJSON_IsObject(e))
        return SEEDANCE_OK;
    if (code_text(cJSON_GetObjectItemCaseSensitive(e, "code"), code, sizeof(code)) == 0 &&
        !(t->error_code = strdup(code)))
        return SEEDANCE_E_NOMEM;
    if (dup_string(&t->error_message, cJSON_GetObjectItemCaseSensitive(e, "message")) < 0)
        return SEEDANCE_E_NOMEM;
    return SEEDANCE_OK;
}

static int fill_task(seedance_task *t, const cJSON *o, const char *known_id, int need_url,
                     seedance_error *err)
{
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(o, "task_info");
    const char *url;
    int rc;

    if ((rc = task_id_of(t, o, known_id, err)))
        return rc;
    /* a missing or unknown status is a task still running (sd_status_state) */
    if (dup_string(&t->status, cJSON_GetObjectItemCaseSensitive(o, "status")) < 0 ||
        (!t->status && !(t->status = strdup(""))))
        return SEEDANCE_E_NOMEM;
    if (dup_string(&t->model, cJSON_GetObjectItemCaseSensitive(o, "model")) < 0)
        return SEEDANCE_E_NOMEM;
    t->progress = get_int(o, "progress", 0, 100);
    t->estimated_time = cJSON_IsObject(info) ? get_int(info, "estimated_time", 0, 1 << 30) : -1;
    if (t->estimated_time < 0)
        t->estimated_time = get_int(o, "estimated_time", 0, 1 << 30);
    t->credits_reserved = credits_of(o);

    if (sd_task_state(t) == SD_TASK_SUCCEEDED) {
        if (!(url = result_url(o)) && need_url)
            return sd_task_error(err, SEEDANCE_E_PROTOCOL, t->id,
                                 "malformed reply for task %s: %s without a result URL",
                                 t->id, t->status);
        if (url && !(t->result_url = strdup(url)))
            return SEEDANCE_E_NOMEM;
    }
    return task_error_of(t, o);
}

static int parse_task(const char *body, size_t len, const char *known_id, int need_url,
                      seedance_task **out, seedance_error *err)
{
    cJSON *o = body ? cJSON_ParseWithLength(body, len) : NULL;
    seedance_task *t;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        if (known_id && *known_id)
            return sd_task_error(err, SEEDANCE_E_PROTOCOL, known_id, "malformed reply for task "
                                 "%s: not a JSON object (%zu bytes)", known_id, len);
        return sd_error(err, SEEDANCE_E_PROTOCOL,
                        "malformed task reply: not a JSON object (%zu bytes)", len);
    }
    if (!(t = sd_task_new()) || !(t->json = malloc(len + 1))) {
        seedance_task_free(t);
        cJSON_Delete(o);
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    }
    memcpy(t->json, body, len);
    t->json[len] = '\0';
    rc = fill_task(t, o, known_id, need_url, err);
    cJSON_Delete(o);
    if (rc) {
        if (rc == SEEDANCE_E_NOMEM)
            sd_error(err, rc, NULL);
        seedance_task_free(t);
        return rc;
    }
    *out = t;
    return SEEDANCE_OK;
}

int sd_task_parse(const char *body, size_t len, seedance_task **out, seedance_error *err)
{
    return parse_task(body, len, NULL, 1, out, err);
}

int sd_task_parse_for(const char *body, size_t len, const char *known_id,
                      seedance_task **out, seedance_error *err)
{
    return parse_task(body, len, known_id, 1, out, err);
}

int sd_submit_reply_parse(const char *body, size_t len, seedance_task **out,
                          seedance_error *err)
{
    return parse_task(body, len, NULL, 0, out, err);
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */

int sd_api_error_parse(const char *body, size_t len, sd_api_error *out)
{
    cJSON *o = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *e, *v;
    int found = -1;

    memset(out, 0, sizeof(*out));
    if (!cJSON_IsObject(o))
        goto done;
    e = cJSON_GetObjectItemCaseSensitive(o, "error");
    if (cJSON_IsObject(e)) {
        found = 0;
        code_text(cJSON_GetObjectItemCaseSensitive(e, "code"), out->code, sizeof(out->code));
        v = cJSON_GetObjectItemCaseSensitive(e, "message");
        if (cJSON_IsString(v))
            snprintf(out->message, sizeof(out->message), "%s", v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(e, "fallback_suggestion");
        if (!cJSON_IsString(v))
            v = cJSON_GetObjectItemCaseSensitive(e, "suggestion");
        if (!cJSON_IsString(v))
            v = cJSON_GetObjectItemCaseSensitive(o, "fallback_suggestion");
        if (cJSON_IsString(v))
            snprintf(out->suggestion, sizeof(out->suggestion), "%s", v->valuestring);
    } else if (cJSON_IsString(e)) {
        found = 0;
        snprintf(out->message, sizeof(out->message), "%s", e->valuestring);
    } else if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "success"))) {
        /* the Files API: {"success":false,"code":...,"msg":...} */
        found = 0;
        code_text(cJSON_GetObjectItemCaseSensitive(o, "code"), out->code, sizeof(out->code));
        v = cJSON_GetObjectItemCaseSensitive(o, "msg");
        if (!cJSON_IsString(v))
            v = cJSON_GetObjectItemCaseSensitive(o, "message");
        if (cJSON_IsString(v))
            snprintf(out->message, sizeof(out->message), "%s", v->valuestring);
    }
done:
    cJSON_Delete(o);
    return found;
}

int sd_upload_reply_parse(const char *body, size_t len, long http_status, char **file_url,
                          char **file_id, seedance_error *err)
{
    cJSON *o = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *data, *url, *id;
    sd_api_error ae;
    int rc = SEEDANCE_OK;

    if (file_url)
        *file_url = NULL;
    if (file_id)
        *file_id = NULL;
    if (!cJSON_IsObject(o)) {
        rc = sd_http_error(err, SEEDANCE_E_PROTOCOL, (int)http_status, NULL, NULL,
                          "malformed Files API reply: not a JSON object");
        goto done;
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "success"))) {
        sd_api_error_parse(body, len, &ae);
        rc = sd_http_error(err, SEEDANCE_E_UPLOAD, (int)http_status, ae.code, NULL,
                          "HTTP %ld%s%s%s%s", http_status,
                          *ae.code ? ", " : "", ae.code, *ae.message ? ": " : "", ae.message);
        goto done;
    }
    if (!file_url)
        goto done;
    data = cJSON_GetObjectItemCaseSensitive(o, "data");
    url = cJSON_IsObject(data) ? cJSON_GetObjectItemCaseSensitive(data, "file_url") : NULL;
    if (!cJSON_IsString(url) || !*url->valuestring) {
        rc = sd_http_error(err, SEEDANCE_E_PROTOCOL, (int)http_status, NULL, NULL,
                          "malformed Files API reply: success without data.file_url");
        goto done;
    }
    id = cJSON_GetObjectItemCaseSensitive(data, "file_id");
    if (!(*file_url = strdup(url->valuestring)) ||
        (file_id && cJSON_IsString(id) && *id->valuestring &&
         !(*file_id = strdup(id->valuestring))))
        rc = sd_error(err, SEEDANCE_E_NOMEM, NULL);
done:
    cJSON_Delete(o);
    return rc;
}
