/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How a task object is spelled. The documented shape is the default; the
 * upstream service, the gateways in front of it and Evolink's own clients
 * show other spellings that a client must accept (tasks-and-errors.md):
 *   success_status  completed | succeeded | success, any case, blanks around
 *   running_status  queued | running | pending | processing, any case, or any
 *                   other word (unknown and empty words are still running)
 *   final_status    failed | cancelled | canceled | expired, any case, blanks
 *   id_field        id | task_id
 *   result_variant  string results[0], object results[0].url, result_data
 *                   result_data[0].video_url, output output.video_url,
 *                   content content.video_url, data data.video_url,
 *                   video_url and url (top level)
 *   error_shape     object {"code":"...","message"}, integer {"code":N,...},
 *                   string (a bare message)
 * A "task" fault sets them for one task, POST /_emu/config for every new one.
 */
#include "emu.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const success_words[] = { "completed", "succeeded", "success", NULL };
static const char *const failure_words[] = { "failed", "cancelled", "canceled", "expired", NULL };
static const char *const id_fields[] = { "id", "task_id", NULL };
static const char *const variants[] = {
    "string", "object", "result_data", "output", "content", "data", "video_url", "url", NULL
};
static const char *const error_shapes[] = { "object", "integer", "string", NULL };

/* A status word as a client compares it: blanks trimmed, lower case. */
static void normalize(const char *in, char *out, size_t n)
{
    size_t j = 0;
    while (isspace((unsigned char)*in))
        in++;
    for (; *in && j + 1 < n; in++)
        out[j++] = (char)tolower((unsigned char)*in);
    while (j && isspace((unsigned char)out[j - 1]))
        j--;
    out[j] = '\0';
}

static int word_index(const char *const *words, const char *s)
{
    for (int i = 0; s && words[i]; i++)
        if (!strcmp(s, words[i]))
            return i;
    return -1;
}

static void word_list(const char *const *words, char *out, size_t n)
{
    size_t j = 0;
    out[0] = '\0';
    for (int i = 0; words[i] && j < n; i++)
        j += (size_t)snprintf(out + j, n - j, "%s%s", i ? ", " : "", words[i]);
}

/* A status word field: null = default; else a string whose normalized form
 * is in `allowed` (or, allowed NULL, in neither final list). */
static int parse_word(const cJSON *obj, const char *name, unsigned bit,
                      const char *const *allowed, char *word, size_t wlen,
                      task_shape *s, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    char norm[64], list[128];
    if (!v)
        return 0;
    s->given |= bit;
    s->custom &= ~bit;
    if (cJSON_IsNull(v))
        return 0;
    const char *w = cJSON_GetStringValue(v);
    if (w)
        normalize(w, norm, sizeof norm);
    int final = w && (word_index(success_words, norm) >= 0 || word_index(failure_words, norm) >= 0);
    if (!w || strlen(w) >= wlen || (allowed ? word_index(allowed, norm) < 0 : final)) {
        if (allowed) {
            word_list(allowed, list, sizeof list);
            snprintf(err, errlen, "%s must be one of %s (any case, blanks around), or null", name, list);
        } else {
            snprintf(err, errlen, "%s must be a word that is not a final status (queued, running, "
                     "pending, processing, any case; unknown or empty words too), or null", name);
        }
        return -1;
    }
    snprintf(word, wlen, "%s", w);
    s->custom |= bit;
    return 0;
}

static int parse_choice(const cJSON *obj, const char *name, unsigned bit,
                        const char *const *allowed, int *out, task_shape *s,
                        char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    char list[128];
    if (!v)
        return 0;
    s->given |= bit;
    int i = cJSON_IsNull(v) ? 0 : word_index(allowed, cJSON_GetStringValue(v));
    if (i < 0) {
        word_list(allowed, list, sizeof list);
        snprintf(err, errlen, "%s must be one of %s, or null for the default", name, list);
        return -1;
    }
    *out = i;
    return 0;
}

int shape_parse(const cJSON *obj, task_shape *s, char *err, size_t errlen)
{
    if (parse_word(obj, "success_status", SHAPE_SUCCESS, success_words, s->success_status,
                   sizeof s->success_status, s, err, errlen) ||
        parse_word(obj, "running_status", SHAPE_RUNNING, NULL, s->running_status,
                   sizeof s->running_status, s, err, errlen) ||
        parse_word(obj, "final_status", SHAPE_FINAL, failure_words, s->final_status,
                   sizeof s->final_status, s, err, errlen))
        return -1;
    if (parse_choice(obj, "id_field", SHAPE_ID_FIELD, id_fields, &s->id_field, s, err, errlen) ||
        parse_choice(obj, "result_variant", SHAPE_VARIANT, variants, &s->result_variant, s, err, errlen) ||
        parse_choice(obj, "error_shape", SHAPE_ERROR, error_shapes, &s->error_shape, s, err, errlen))
        return -1;
    return 0;
}

int shape_is_key(const char *name)
{
    static const char *const keys[] = {
        "success_status", "running_status", "final_status", "id_field",
        "result_variant", "error_shape", NULL
    };
    return word_index(keys, name) >= 0;
}

void shape_merge(task_shape *dst, const task_shape *src)
{
    unsigned g = src->given;
    if (g & SHAPE_SUCCESS)
        memcpy(dst->success_status, src->success_status, sizeof dst->success_status);
    if (g & SHAPE_RUNNING)
        memcpy(dst->running_status, src->running_status, sizeof dst->running_status);
    if (g & SHAPE_FINAL)
        memcpy(dst->final_status, src->final_status, sizeof dst->final_status);
    if (g & SHAPE_ID_FIELD)
        dst->id_field = src->id_field;
    if (g & SHAPE_VARIANT)
        dst->result_variant = src->result_variant;
    if (g & SHAPE_ERROR)
        dst->error_shape = src->error_shape;
    dst->custom = (dst->custom & ~g) | (src->custom & g);
    dst->given |= g;
}

const char *shape_status(const task_shape *s, int st)
{
    if (st == ST_COMPLETED)
        return s->custom & SHAPE_SUCCESS ? s->success_status : status_name(st);
    if (st == ST_FAILED || st == ST_CANCELLED)
        return s->custom & SHAPE_FINAL ? s->final_status : status_name(st);
    return s->custom & SHAPE_RUNNING ? s->running_status : status_name(st);
}

void shape_add_id(cJSON *o, const task_shape *s, const char *id)
{
    cJSON_AddStringToObject(o, id_fields[s->id_field], id);
}

/* {"<key>":"<url>"} */
static cJSON *url_object(const char *key, const char *url)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, url);
    return o;
}

void shape_add_result(cJSON *o, const task_shape *s, const char *url)
{
    cJSON *a;
    switch (s->result_variant) {
    case VARIANT_OBJECT:
        a = cJSON_AddArrayToObject(o, "results");
        cJSON_AddItemToArray(a, url_object("url", url));
        break;
    case VARIANT_RESULT_DATA:
        a = cJSON_AddArrayToObject(o, "result_data");
        cJSON_AddItemToArray(a, url_object("video_url", url));
        break;
    case VARIANT_OUTPUT:
    case VARIANT_CONTENT:
    case VARIANT_DATA:
        cJSON_AddItemToObject(o, variants[s->result_variant], url_object("video_url", url));
        break;
    case VARIANT_VIDEO_URL:
    case VARIANT_URL:
        cJSON_AddStringToObject(o, variants[s->result_variant], url);
        break;
    default:
        a = cJSON_AddArrayToObject(o, "results");
        cJSON_AddItemToArray(a, cJSON_CreateString(url));
        break;
    }
}

void shape_add_error(cJSON *o, const task_shape *s, const char *code, const char *msg)
{
    if (s->error_shape == ERROR_STRING) {
        cJSON_AddStringToObject(o, "error", msg);
        return;
    }
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    if (s->error_shape == ERROR_INT_CODE) {
        /* A numeric error_code keeps its value; a word becomes 500. */
        char *end;
        long n = strtol(code, &end, 10);
        cJSON_AddNumberToObject(e, "code", *code && !*end ? (double)n : 500);
    } else {
        cJSON_AddStringToObject(e, "code", code);
    }
    cJSON_AddStringToObject(e, "message", msg);
}

void shape_to_json(cJSON *o, const task_shape *s)
{
    static const struct { const char *name; unsigned bit; size_t off; } words[] = {
        { "success_status", SHAPE_SUCCESS, offsetof(task_shape, success_status) },
        { "running_status", SHAPE_RUNNING, offsetof(task_shape, running_status) },
        { "final_status", SHAPE_FINAL, offsetof(task_shape, final_status) },
    };
    for (size_t i = 0; i < 3; i++) {
        if (s->custom & words[i].bit)
            cJSON_AddStringToObject(o, words[i].name, (const char *)s + words[i].off);
        else
            cJSON_AddNullToObject(o, words[i].name);
    }
    cJSON_AddStringToObject(o, "id_field", id_fields[s->id_field]);
    cJSON_AddStringToObject(o, "result_variant", variants[s->result_variant]);
    cJSON_AddStringToObject(o, "error_shape", error_shapes[s->error_shape]);
}
