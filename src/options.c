/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The option table: every setting a front end takes by name, with its
 * aliases, and the grammar of the values that are not request fields.
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
#define SD_X(id, name, ffname, flags, help) { SEEDANCE_OPTION_##id, name, ffname, flags, help },
    SEEDANCE_OPTION_LIST(SD_X)
#undef SD_X
    { SEEDANCE_OPTION__COUNT, NULL, NULL, 0, NULL }
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
