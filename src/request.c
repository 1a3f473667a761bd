/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The request model: one generation job, set field by field by the names
 * of the option table (SEEDANCE_OPTION_LIST). A request keeps each field
 * as text, normalised by its kind; nothing else in the library knows a
 * field by anything but its row. Values are parsed here; ranges, choices
 * and the rules of the model are checked by validate.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

const char *const *seedance_request_fields(void)
{
    static const char *fields[SEEDANCE_OPTION__COUNT + 1];

    if (!fields[0]) {
        int n = 0;
        for (const seedance_option *o = seedance_options(); o->name; o++)
            if (o->flags & SEEDANCE_OPT_REQUEST)
                fields[n++] = o->name;
        fields[n] = NULL;
    }
    return fields;
}

seedance_request *seedance_request_new(void)
{
    return calloc(1, sizeof(seedance_request));
}

void seedance_request_free(seedance_request *r)
{
    if (!r)
        return;
    for (int i = 0; i < SEEDANCE_OPTION__COUNT; i++) {
        free(r->value[i]);
        sd_media_list_free(r->items[i]);
    }
    free(r);
}

const char *seedance_request_get(const seedance_request *r, int id, int *given)
{
    const seedance_option *o = sd_option(id);

    if (given)
        *given = 0;
    if (!r || !o || !(o->flags & SEEDANCE_OPT_REQUEST))
        return NULL;
    if (r->value[id]) {
        if (given)
            *given = 1;
        return r->value[id];
    }
    return *o->dflt ? o->dflt : NULL;
}

int sd_request_bool(const seedance_request *r, int id)
{
    const char *v = seedance_request_get(r, id, NULL);

    return v ? sd_parse_bool(v) : -1;
}

int sd_request_int(const seedance_request *r, int id)
{
    const char *v = seedance_request_get(r, id, NULL);

    return v ? atoi(v) : -1;
}

int sd_request_choice(const seedance_request *r, int id)
{
    const char *v = seedance_request_get(r, id, NULL);

    return v ? sd_choice_index(sd_option(id), v) : -1;
}

int seedance_request_generate_audio(const seedance_request *r)
{
    /* not set: the project's default, an audio track */
    return !r || sd_request_bool(r, SEEDANCE_OPTION_GENERATE_AUDIO) != 0;
}

int sd_request_image_mode(const seedance_request *r)
{
    return sd_request_choice(r, SEEDANCE_OPTION_IMAGE_MODE) == 1 ? SD_IMAGE_INLINE
                                                                  : SD_IMAGE_UPLOAD;
}

int sd_request_media(const seedance_request *r, sd_media *out, int max)
{
    int n = 0;

    for (const seedance_option *o = seedance_options(); o->name; o++)
        for (char **it = r->items[o->id]; it && *it; it++) {
            if (n < max)
                out[n] = (sd_media){ o->id, o->name, *it };
            n++;
        }
    return n;
}

int sd_request_media_count(const seedance_request *r, int kind)
{
    int n = 0;

    for (const seedance_option *o = seedance_options(); o->name; o++)
        if (kind < 0 || sd_media_kind(o->id) == kind)
            for (char **it = r->items[o->id]; it && *it; it++)
                n++;
    return n;
}

int sd_request_image_count(const seedance_request *r)
{
    return sd_request_media_count(r, SD_MEDIA_IMAGE);
}

/* "8" for a whole number, else a message naming the range. */
static int parse_int(const seedance_option *o, const char *value, char **out,
                     seedance_error *err)
{
    char *end, allowed[64];
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (!isdigit((unsigned char)value[0]) || *end)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not a whole number: allowed %s",
                        o->name, value, sd_option_allowed(o, allowed, sizeof(allowed)));
    if (errno)      /* beyond a long: out of any range (validation names smaller ones) */
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is out of range: allowed %s",
                        o->name, value, sd_option_allowed(o, allowed, sizeof(allowed)));
    if (!(*out = malloc(24)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    snprintf(*out, 24, "%ld", v);
    return SEEDANCE_OK;
}

/* A value of o's kind, normalised, into *out (allocated). */
static int parse_value(const seedance_option *o, const char *value, char **out,
                       seedance_error *err)
{
    char name[32], allowed[128];
    int b, i, rc;

    *out = NULL;
    if (o->flags & SEEDANCE_OPT_BOOL) {
        if ((rc = sd_option_bool(o->name, value, &b, err)))
            return rc;
        value = b ? "1" : "0";
    } else if (o->flags & SEEDANCE_OPT_INT) {
        return parse_int(o, value, out, err);
    } else if (o->flags & SEEDANCE_OPT_CHOICE) {
        if ((i = sd_choice_index(o, value)) < 0)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not allowed: allowed %s",
                            o->name, value, sd_option_allowed(o, allowed, sizeof(allowed)));
        value = sd_choice_name(o, i, name, sizeof(name));
    }
    if (!(*out = strdup(value)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    return SEEDANCE_OK;
}

/* v (allocated, or NULL) becomes o's value; a media list is split too. */
static int take_value(seedance_request *r, const seedance_option *o, char *v,
                      seedance_error *err)
{
    char **items = NULL;

    if (v && (o->flags & SEEDANCE_OPT_MEDIA)) {
        int n = sd_media_list_split(v, &items);
        if (n < 0) {
            free(v);
            return sd_error(err, SEEDANCE_E_NOMEM, NULL);
        }
        if (!n) {           /* "|": nothing */
            free(v);
            free(items);
            v = NULL;
            items = NULL;
        }
    }
    free(r->value[o->id]);
    sd_media_list_free(r->items[o->id]);
    r->value[o->id] = v;
    r->items[o->id] = items;
    return SEEDANCE_OK;
}

int seedance_request_set(seedance_request *r, const char *field, const char *value,
                         seedance_error *err)
{
    const seedance_option *o = field ? seedance_option_find(field) : NULL;
    char allowed[512], *v = NULL;
    int rc;

    if (!r || !field)
        return sd_error(err, SEEDANCE_E_INVALID, "no field given");
    if (!o || !(o->flags & SEEDANCE_OPT_REQUEST)) {
        sd_option_names(SEEDANCE_OPT_REQUEST, 0, allowed, sizeof(allowed));
        return sd_error(err, SEEDANCE_E_INVALID, "unknown field '%s': allowed %s", field,
                        allowed);
    }
    if (!value)
        value = "";
    /* an empty value restores the default; an empty prompt is kept: validation names it */
    if ((*value || o->id == SEEDANCE_OPTION_PROMPT) && (rc = parse_value(o, value, &v, err)))
        return rc;
    return take_value(r, o, v, err);
}

int sd_request_add(seedance_request *r, int id, const char *item, seedance_error *err)
{
    const seedance_option *o = sd_option(id);
    char *v;

    if (!(o->flags & SEEDANCE_OPT_MEDIA) || !r->value[id] || !*item)
        return seedance_request_set(r, o->name, item, err);
    if (!(v = sd_media_list_add(r->value[id], item)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    return take_value(r, o, v, err);
}

int seedance_request_set_image_data(seedance_request *r, const char *field,
                                    const void *data, size_t size, const char *mime,
                                    seedance_error *err)
{
    const seedance_image_rules *rules = seedance_image_rules_get();
    const char *const *mimes = rules->mime_types;
    const seedance_option *o = field ? seedance_option_find(field) : NULL;
    char *b64, *uri;
    size_t len;
    int ok = 0;

    if (!r || !o || (o->id != SEEDANCE_OPTION_IMAGE && o->id != SEEDANCE_OPTION_LAST_IMAGE))
        return sd_error(err, SEEDANCE_E_INVALID, "image data: field '%s' is not allowed: "
                        "allowed image, last_image", field ? field : "(none)");
    for (int i = 0; mime && mimes[i]; i++)
        ok |= !strcmp(mime, mimes[i]);
    if (!ok)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: image type '%s' is not allowed: allowed "
                        "image/jpeg, image/png, image/webp", o->name, mime ? mime : "(none)");
    if (!data || !size)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: no image data given", o->name);
    if (size > rules->max_bytes)
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: image data of %zu bytes (%.1f MB): allowed "
                        "at most 30 MB per image", o->name, size,
                        (double)size / (1024.0 * 1024.0));
    if (!(b64 = sd_base64(data, size)))
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    len = strlen(mime) + strlen(b64) + 16;
    if ((uri = malloc(len)))
        snprintf(uri, len, "data:%s;base64,%s", mime, b64);
    free(b64);
    if (!uri)
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    return take_value(r, o, uri, err);
}
