/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal key of a request. A request states every field its model
 * takes, defaults included, so that stating a default and leaving it out
 * are one request: one key, one payment. Version 0.1 sent only the fields
 * given and keyed its journal on that body; the same request's 0.1 key is
 * kept here, frozen, so that what 0.1 paid for is still found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"

/* The hash of a body and the API base: what the journal is keyed on. */
static int key_of(seedance_client *c, const char *body, char hash[65])
{
    size_t len = strlen(body) + strlen(c->api_base) + 2;
    char *buf = malloc(len);

    if (!buf)
        return -1;
    snprintf(buf, len, "%s\n%s", body, c->api_base);
    sd_sha256_hex(buf, strlen(buf), hash);
    free(buf);
    return 0;
}

int sd_request_key(seedance_client *c, const seedance_request *r, const char *const *media,
                   int n_media, char **canon, char hash[65])
{
    if (!(*canon = sd_request_json(r, media, n_media)) || key_of(c, *canon, hash)) {
        free(*canon);
        *canon = NULL;
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    return SEEDANCE_OK;
}

/* The fields 0.1 knew after model, prompt and image_urls, in its order. */
static const int v01_fields[] = {
    SEEDANCE_OPTION_DURATION, SEEDANCE_OPTION_QUALITY, SEEDANCE_OPTION_ASPECT_RATIO,
    SEEDANCE_OPTION_GENERATE_AUDIO, SEEDANCE_OPTION_CONTENT_FILTER,
    SEEDANCE_OPTION_WEB_SEARCH, SEEDANCE_OPTION_CALLBACK_URL,
};
#define NB_V01 (sizeof(v01_fields) / sizeof(v01_fields[0]))

/* Could 0.1 have made r: a body field it did not know, given? */
static int v01_knows(const seedance_request *r)
{
    for (const seedance_option *o = seedance_options(); o->name; o++) {
        int known = o->id == SEEDANCE_OPTION_PROMPT || o->id == SEEDANCE_OPTION_IMAGE ||
                    o->id == SEEDANCE_OPTION_LAST_IMAGE;

        for (size_t i = 0; i < NB_V01; i++)
            known |= o->id == v01_fields[i];
        if (*o->json && r->value[o->id] && !known)
            return 0;
    }
    return 1;
}

/* The body 0.1 sent: the model given or chosen from the images, the
 * prompt, the images, then only the fields given. */
static char *v01_json(const seedance_request *r, const char *model, const char *const *media,
                      int n_media)
{
    const char *prompt = r->value[SEEDANCE_OPTION_PROMPT];
    cJSON *o = cJSON_CreateObject(), *arr;
    char *out = NULL;
    int ok = o != NULL;

    ok = ok && cJSON_AddStringToObject(o, "model", model) &&
         cJSON_AddStringToObject(o, "prompt", prompt ? prompt : "");
    if (ok && n_media) {
        ok = (arr = cJSON_AddArrayToObject(o, "image_urls")) != NULL;
        for (int i = 0; ok && i < n_media; i++)
            ok = cJSON_AddItemToArray(arr, cJSON_CreateString(media[i]));
    }
    for (size_t i = 0; ok && i < NB_V01; i++)
        if (r->value[v01_fields[i]])
            ok = sd_json_add_field(o, sd_option(v01_fields[i]), r->value[v01_fields[i]]);
    if (ok)
        out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return out;
}

int sd_request_legacy_key(seedance_client *c, const seedance_request *r,
                          const char *const *media, int n_media, char hash[65])
{
    const char *given = r->value[SEEDANCE_OPTION_MODEL];
    const char *model = given ? given : n_media ? SEEDANCE_MODEL_I2V : SEEDANCE_MODEL_T2V;
    char *body;
    int rc;

    /* 0.1 chose fast models only; other tiers and modes are new */
    if (strcmp(model, seedance_request_model(r)) || !v01_knows(r))
        return 0;
    if (!(body = v01_json(r, model, media, n_media)))
        return -1;
    rc = key_of(c, body, hash);
    free(body);
    return rc < 0 ? -1 : 1;
}
