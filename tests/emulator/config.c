/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The settings: their defaults and the one parser that changes them, used
 * by POST /_emu/config and by every command-line switch that sets one (so
 * each rule is checked in one place). A settings object is applied whole
 * or not at all; an unknown key is refused.
 */
#include "emu.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

enum { K_DOUBLE, K_INT64, K_INT, K_BOOL, K_WORD };

static const char *const estimate_words[] = { "always", "omit", "never", NULL };
static const char *const progress_words[] = { "linear", "steps", "stuck", NULL };

static const struct key {
    const char *name;
    int kind;
    double min, max;
    size_t off;
    const char *const *words;
} keys[] = {
    { "gen_time", K_DOUBLE, 0, 1e6, offsetof(emu_config, gen_time), NULL },
    { "link_ttl", K_DOUBLE, 0, 1e9, offsetof(emu_config, link_ttl), NULL },
    { "moov_at_end", K_BOOL, 0, 0, offsetof(emu_config, moov_at_end), NULL },
    { "bandwidth", K_INT64, 0, 1e15, offsetof(emu_config, bandwidth), NULL },
    { "credits", K_DOUBLE, -1, 1e15, offsetof(emu_config, credits), NULL },
    { "allow_private_callbacks", K_BOOL, 0, 0, offsetof(emu_config, allow_private_callbacks), NULL },
    { "idempotency", K_BOOL, 0, 0, offsetof(emu_config, idempotency), NULL },
    { "cdn_lag", K_DOUBLE, 0, 1e6, offsetof(emu_config, cdn_lag), NULL },
    { "cdn_lag_status", K_INT, 400, 599, offsetof(emu_config, cdn_lag_status), NULL },
    { "estimate_factor", K_DOUBLE, 0.01, 1000, offsetof(emu_config, estimate_factor), NULL },
    { "price_factor", K_DOUBLE, 0.01, 100, offsetof(emu_config, price_factor), NULL },
    { "estimate", K_WORD, 0, 0, offsetof(emu_config, estimate), estimate_words },
    { "progress", K_WORD, 0, 0, offsetof(emu_config, progress), progress_words },
};
#define NKEYS (sizeof keys / sizeof keys[0])

void config_defaults(emu_config *c)
{
    memset(c, 0, sizeof *c);
    c->gen_time = 3.0;
    c->link_ttl = 86400;
    c->credits = -1;
    c->idempotency = 0;         /* as the real service: the header is ignored */
    c->cdn_lag = 1;             /* a new link is not on the CDN at once */
    c->cdn_lag_status = 404;
    c->estimate_factor = 1;
    c->price_factor = 1;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

static int set_word(const struct key *k, const cJSON *v, int *out, char *err, size_t errlen)
{
    const char *s = cJSON_GetStringValue(v);
    for (int i = 0; s && k->words[i]; i++) {
        if (!strcmp(s, k->words[i])) {
            *out = i;
            return 0;
        }
    }
    size_t j = (size_t)snprintf(err, errlen, "%s must be one of", k->name);
    for (int i = 0; k->words[i] && j < errlen; i++)
        j += (size_t)snprintf(err + j, errlen - j, "%s %s", i ? "," : "", k->words[i]);
    return -1;
}

static int set_key(emu_config *c, const struct key *k, const cJSON *v, char *err, size_t errlen)
{
    void *p = (char *)c + k->off;
    if (k->kind == K_BOOL) {
        if (!cJSON_IsBool(v)) {
            snprintf(err, errlen, "%s must be true or false", k->name);
            return -1;
        }
        *(int *)p = cJSON_IsTrue(v);
        return 0;
    }
    if (k->kind == K_WORD)
        return set_word(k, v, p, err, errlen);
    if (!cJSON_IsNumber(v) || v->valuedouble < k->min || v->valuedouble > k->max ||
        (k->kind != K_DOUBLE && v->valuedouble != floor(v->valuedouble))) {
        snprintf(err, errlen, "%s must be %s from %g to %g", k->name,
                 k->kind == K_DOUBLE ? "a number" : "an integer", k->min, k->max);
        return -1;
    }
    if (k->kind == K_DOUBLE)
        *(double *)p = v->valuedouble;
    else if (k->kind == K_INT64)
        *(int64_t *)p = (int64_t)v->valuedouble;
    else
        *(int *)p = (int)v->valuedouble;
    return 0;
}

int config_apply(const cJSON *obj, char *err, size_t errlen)
{
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errlen, "config: the settings must be a JSON object");
        return -1;
    }
    task_shape shape;
    memset(&shape, 0, sizeof shape);
    emu_lock();
    emu_config c = E.cfg;
    int rc = shape_parse(obj, &shape, err, errlen);
    for (const cJSON *v = obj->child; !rc && v; v = v->next) {
        const struct key *k = find_key(v->string);
        if (k) {
            rc = set_key(&c, k, v, err, errlen);
        } else if (!shape_is_key(v->string)) {
            snprintf(err, errlen, "config: unknown setting \"%.60s\"", v->string);
            rc = -1;
        }
    }
    if (!rc) {
        if (c.credits < 0)
            c.credits = -1;
        shape_merge(&c.shape, &shape);
        E.cfg = c;
    }
    emu_unlock();
    return rc;
}

int config_apply_string(const char *json, char *err, size_t errlen)
{
    return json_apply(json, config_apply, err, errlen);
}

cJSON *config_json(void)
{
    cJSON *o = cJSON_CreateObject();
    emu_lock();
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const void *p = (const char *)&E.cfg + k->off;
        if (k->kind == K_DOUBLE)
            cJSON_AddNumberToObject(o, k->name, *(const double *)p);
        else if (k->kind == K_INT64)
            cJSON_AddNumberToObject(o, k->name, (double)*(const int64_t *)p);
        else if (k->kind == K_INT)
            cJSON_AddNumberToObject(o, k->name, *(const int *)p);
        else if (k->kind == K_BOOL)
            cJSON_AddBoolToObject(o, k->name, *(const int *)p);
        else
            cJSON_AddStringToObject(o, k->name, k->words[*(const int *)p]);
    }
    shape_to_json(o, &E.cfg.shape);
    emu_unlock();
    return o;
}
