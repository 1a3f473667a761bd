/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The option table: every setting a front end takes by name, with its
 * aliases, and the grammar of values: booleans, choices, numbers.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define TIMEOUT_MAX (7 * 86400.0)

static const seedance_option table[] = {
#define SD_X(id, name, ffname, flags, help, json, allowed, dflt) \
    { SEEDANCE_OPTION_##id, name, ffname, flags, help, json, allowed, dflt },
    SEEDANCE_OPTION_LIST(SD_X)
#undef SD_X
    { SEEDANCE_OPTION__COUNT, NULL, NULL, 0, NULL, NULL, NULL, NULL }
};

/* Other spellings in use (the API's older names, the command's shorthands). */
static const struct {
    const char *alias, *name;
} aliases[] = {
    { "resolution", "quality" },
    { "audio", "generate_audio" },
    { "first_image", "image" },
    { "first_frame", "image" },
    { "last_frame", "last_image" },
    { "new", "new_generation" },
};

const seedance_option *seedance_options(void)
{
    return table;
}

const seedance_option *sd_option(int id)
{
    return id >= 0 && id < SEEDANCE_OPTION__COUNT ? &table[id] : NULL;
}

/* "Aspect-Ratio" -> "aspect_ratio", "model_params.web_search" -> "web_search". */
static int normalize(const char *in, char *out, size_t size)
{
    size_t i;

    if (!strncasecmp(in, "model_params.", 13) || !strncasecmp(in, "model-params.", 13))
        in += 13;
    for (i = 0; in[i]; i++) {
        if (i + 1 >= size)
            return -1;
        out[i] = in[i] == '-' ? '_' : (char)tolower((unsigned char)in[i]);
    }
    out[i] = '\0';
    return 0;
}

const seedance_option *seedance_option_find(const char *name)
{
    char n[32];

    if (!name || normalize(name, n, sizeof(n)) < 0)
        return NULL;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (!strcmp(n, aliases[i].alias))
            return seedance_option_find(aliases[i].name);
    for (const seedance_option *o = table; o->name; o++)
        if (!strcmp(n, o->name) || !strcmp(n, o->ffname))
            return o;
    return NULL;
}

size_t sd_option_names(int need, int refuse, char *buf, size_t size)
{
    size_t len = 0;

    if (size)
        buf[0] = '\0';
    for (const seedance_option *o = table; o->name; o++) {
        if ((o->flags & need) != need || (o->flags & refuse))
            continue;
        len += (size_t)snprintf(buf + (len < size ? len : size),
                                len < size ? size - len : 0, "%s%s", len ? ", " : "", o->name);
    }
    return len;
}

int sd_option_seconds(const char *name, const char *value, double *out, seedance_error *err)
{
    char *end;
    double v = strtod(value, &end);

    if (end == value || *end || isspace((unsigned char)*value) || !isfinite(v) || v <= 0 ||
        v > TIMEOUT_MAX)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not a number of seconds: "
                        "allowed above 0, at most %.0f", name, value, TIMEOUT_MAX);
    *out = v;
    return SEEDANCE_OK;
}

int sd_option_credits(const char *name, const char *value, double *out, seedance_error *err)
{
    char *end;
    double v = strtod(value, &end);

    if (end == value || *end || isspace((unsigned char)*value) || !isfinite(v) || v < 0)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not a number of credits: "
                        "allowed 0 or more", name, value);
    *out = v;
    return SEEDANCE_OK;
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

int sd_choice_index(const seedance_option *o, const char *value)
{
    const char *p = o->allowed;
    size_t n = value ? strlen(value) : 0;

    for (int i = 0; n && *p; i++) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncasecmp(p, value, n))
            return i;
        p += len + (p[len] == '|');
    }
    return -1;
}

const char *sd_choice_name(const seedance_option *o, int index, char *buf, size_t size)
{
    const char *p = o->allowed;

    for (int i = 0; *p; i++) {
        size_t len = strcspn(p, "|");
        if (i == index) {
            snprintf(buf, size, "%.*s", (int)len, p);
            return buf;
        }
        p += len + (p[len] == '|');
    }
    if (size)
        buf[0] = '\0';
    return NULL;
}

const char *sd_option_allowed(const seedance_option *o, char *buf, size_t size)
{
    size_t n = 0;

    for (const char *p = o->allowed; *p && n + 3 < size; p++) {
        if (*p == '|') {
            buf[n++] = ',';
            buf[n++] = ' ';
        } else {
            buf[n++] = *p;
        }
    }
    buf[n < size ? n : size - 1] = '\0';
    return buf;
}

int sd_option_range(const seedance_option *o, long *lo, long *hi)
{
    return sscanf(o->allowed, "%ld..%ld", lo, hi) == 2 ? 0 : -1;
}
