/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The request model: one generation job, set field by field with the API's
 * own field names. Values are parsed here (numbers, booleans, names);
 * ranges and cross-field rules are checked by validate.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

static const char *const fields[] = {
    "prompt", "duration", "quality", "aspect_ratio", "generate_audio",
    "content_filter", "web_search", "callback_url", "model", "image",
    "last_image", "image_mode", NULL
};

const char *const *seedance_request_fields(void)
{
    return fields;
}

seedance_request *seedance_request_new(void)
{
    seedance_request *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->generate_audio = -1;
    r->content_filter = -1;
    r->web_search = -1;
    r->image_mode = SD_IMAGE_UPLOAD;
    return r;
}

void seedance_request_free(seedance_request *r)
{
    if (!r)
        return;
    free(r->prompt);
    free(r->quality);
    free(r->aspect_ratio);
    free(r->callback_url);
    free(r->model);
    free(r->image);
    free(r->last_image);
    free(r);
}

int seedance_request_generate_audio(const seedance_request *r)
{
    /* not set: the API's default, an audio track */
    return !r || r->generate_audio != 0;
}

int sd_request_image_count(const seedance_request *r)
{
    return (r->image != NULL) + (r->last_image != NULL);
}

int sd_model_is_t2v(const char *model)
{
    return !strcmp(model, SEEDANCE_MODEL_T2V) || !strcmp(model, SEEDANCE_MODEL_T2V_PRO);
}

int sd_model_is_i2v(const char *model)
{
    return !strcmp(model, SEEDANCE_MODEL_I2V) || !strcmp(model, SEEDANCE_MODEL_I2V_PRO);
}

const char *seedance_request_model(const seedance_request *r)
{
    if (!r)
        return NULL;
    if (r->model)
        return r->model;
    return sd_request_image_count(r) ? SEEDANCE_MODEL_I2V : SEEDANCE_MODEL_T2V;
}

int sd_parse_bool(const char *s)
{
    static const char *const yes[] = { "1", "true", "yes", "on", NULL };
    static const char *const no[] = { "0", "false", "no", "off", NULL };

    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(s, yes[i]))
            return 1;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(s, no[i]))
            return 0;
    return -1;
}

int sd_option_bool(const char *name, const char *value, int *out, seedance_error *err)
{
    int b = sd_parse_bool(value);

    if (b < 0)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not a boolean: allowed 1/0, "
                        "true/false, yes/no, on/off", name, value);
    *out = b;
    return SEEDANCE_OK;
}

/* Replace *dst with a copy of value; an empty value clears the field. */
static int set_str(char **dst, const char *value, seedance_error *err)
{
    char *v = NULL;

    if (*value && !(v = strdup(value)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    free(*dst);
    *dst = v;
    return SEEDANCE_OK;
}

static int set_bool(int *dst, const char *field, const char *value, seedance_error *err)
{
    if (!*value) {
        *dst = -1;
        return SEEDANCE_OK;
    }
    return sd_option_bool(field, value, dst, err);
}

static int set_duration(seedance_request *r, const char *value, seedance_error *err)
{
    char *end;
    long v;

    if (!*value) {
        r->duration_set = 0;
        return SEEDANCE_OK;
    }
    errno = 0;
    v = strtol(value, &end, 10);
    if (!isdigit((unsigned char)value[0]) || *end || errno || v > 1000000)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "duration: '%s' is not a whole number of seconds: allowed 4..15",
                            value);
    r->duration = (int)v;
    r->duration_set = 1;
    return SEEDANCE_OK;
}

/* "aspect-ratio" -> "aspect_ratio"; "model_params.web_search" -> "web_search". */
static void normalize_field(const char *in, char *out, size_t size)
{
    size_t i;

    if (!strncmp(in, "model_params.", 13) || !strncmp(in, "model-params.", 13))
        in += 13;
    for (i = 0; in[i] && i + 1 < size; i++)
        out[i] = in[i] == '-' ? '_' : (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

/* The text field named f (normalised), or NULL. */
static char **string_field(seedance_request *r, const char *f)
{
    if (!strcmp(f, "quality") || !strcmp(f, "resolution"))
        return &r->quality;
    if (!strcmp(f, "aspect_ratio"))
        return &r->aspect_ratio;
    if (!strcmp(f, "callback_url"))
        return &r->callback_url;
    if (!strcmp(f, "model"))
        return &r->model;
    if (!strcmp(f, "image") || !strcmp(f, "first_image") || !strcmp(f, "first_frame"))
        return &r->image;
    if (!strcmp(f, "last_image") || !strcmp(f, "last_frame"))
        return &r->last_image;
    return NULL;
}

/* The boolean field named f (normalised) and its API name, or NULL. */
static int *bool_field(seedance_request *r, const char *f, const char **name)
{
    if (!strcmp(f, "generate_audio") || !strcmp(f, "audio")) {
        *name = "generate_audio";
        return &r->generate_audio;
    }
    if (!strcmp(f, "content_filter") || !strcmp(f, "web_search")) {
        *name = f[0] == 'c' ? "content_filter" : "web_search";
        return f[0] == 'c' ? &r->content_filter : &r->web_search;
    }
    return NULL;
}

/* An empty prompt is kept as given: validation names it. */
static int set_prompt(seedance_request *r, const char *value, seedance_error *err)
{
    char *v = strdup(value);

    if (!v)
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    free(r->prompt);
    r->prompt = v;
    return SEEDANCE_OK;
}

static int set_image_mode(seedance_request *r, const char *value, seedance_error *err)
{
    if (!*value || !strcasecmp(value, "upload"))
        r->image_mode = SD_IMAGE_UPLOAD;
    else if (!strcasecmp(value, "inline"))
        r->image_mode = SD_IMAGE_INLINE;
    else
        return sd_error(err, SEEDANCE_E_INVALID,
                        "image_mode: '%s' is not allowed: allowed upload, inline", value);
    return SEEDANCE_OK;
}

int seedance_request_set(seedance_request *r, const char *field, const char *value,
                         seedance_error *err)
{
    char f[32], allowed[256];
    const char *name;
    char **str;
    int *flag;

    if (!r || !field)
        return sd_error(err, SEEDANCE_E_INVALID, "no field given");
    if (!value)
        value = "";
    if (strlen(field) < sizeof(f)) {
        normalize_field(field, f, sizeof(f));
        if (!strcmp(f, "prompt"))
            return set_prompt(r, value, err);
        if (!strcmp(f, "duration"))
            return set_duration(r, value, err);
        if (!strcmp(f, "image_mode"))
            return set_image_mode(r, value, err);
        if ((str = string_field(r, f)))
            return set_str(str, value, err);
        if ((flag = bool_field(r, f, &name)))
            return set_bool(flag, name, value, err);
    }
    sd_option_names(SEEDANCE_OPT_REQUEST, 0, allowed, sizeof(allowed));
    return sd_error(err, SEEDANCE_E_INVALID, "unknown field '%s': allowed %s", field, allowed);
}

int seedance_request_set_image_data(seedance_request *r, const char *field,
                                    const void *data, size_t size, const char *mime,
                                    seedance_error *err)
{
    const seedance_image_rules *rules = seedance_image_rules_get();
    const char *const *mimes = rules->mime_types;
    char **dst = NULL, *b64, *uri;
    size_t len;
    int ok = 0;

    if (r && field)
        dst = !strcmp(field, "image") ? &r->image : !strcmp(field, "last_image") ? &r->last_image
                                                                                 : NULL;
    if (!dst)
        return sd_error(err, SEEDANCE_E_INVALID, "image data: field '%s' is not allowed: "
                        "allowed image, last_image", field ? field : "(none)");
    for (int i = 0; mime && mimes[i]; i++)
        ok |= !strcmp(mime, mimes[i]);
    if (!ok)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: image type '%s' is not allowed: allowed "
                        "image/jpeg, image/png, image/webp", field, mime ? mime : "(none)");
    if (!data || !size)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: no image data given", field);
    if (size > rules->max_bytes)
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: image data of %zu bytes (%.1f MB): allowed "
                        "at most 30 MB per image", field, size, (double)size / (1024.0 * 1024.0));
    if (!(b64 = sd_base64(data, size)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    len = strlen(mime) + strlen(b64) + 16;
    if ((uri = malloc(len)))
        snprintf(uri, len, "data:%s;base64,%s", mime, b64);
    free(b64);
    if (!uri)
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    free(*dst);
    *dst = uri;
    return SEEDANCE_OK;
}
