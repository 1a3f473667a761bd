/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A job: a client, a request and how to open it, set by option name from
 * any front end (command line, URL, AVOptions, filter options), so that
 * every front end reads the same names with the same grammar.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define TASK_PREFIX "task-unified-"

struct seedance_job {
    seedance_client *client;
    seedance_request *request;
    char *task;            /* attach to this task, NULL to submit */
    int new_generation;
};

seedance_job *seedance_job_new(void)
{
    seedance_job *j = calloc(1, sizeof(*j));

    if (!j)
        return NULL;
    if (!(j->client = seedance_client_new()) || !(j->request = seedance_request_new())) {
        seedance_job_free(j);
        return NULL;
    }
    return j;
}

void seedance_job_free(seedance_job *j)
{
    if (!j)
        return;
    seedance_request_free(j->request);
    seedance_client_free(j->client);
    free(j->task);
    free(j);
}

seedance_client *seedance_job_client(seedance_job *j)
{
    return j->client;
}

seedance_request *seedance_job_request(seedance_job *j)
{
    return j->request;
}

const char *seedance_job_task(const seedance_job *j)
{
    return j->task;
}

int seedance_job_flags(const seedance_job *j)
{
    return j->new_generation ? SEEDANCE_NEW : 0;
}

/* Why origin may not set o, or NULL when it may. */
static const char *refusal(const seedance_option *o, int origin)
{
    if (origin == SEEDANCE_FROM_URL && !(o->flags & SEEDANCE_OPT_URL)) {
        if (o->id == SEEDANCE_OPTION_API_BASE || o->id == SEEDANCE_OPTION_FILES_BASE)
            return "is not accepted in a URL or a filter graph: the API key would be sent "
                   "there; use the program's option or SEEDANCE_API_BASE/SEEDANCE_FILES_BASE";
        return "is not accepted in a URL or a filter graph: they end up in logs and shell "
               "history; use SEEDANCE_API_KEY or api_key_file";
    }
    if (origin == SEEDANCE_FROM_COMMAND_LINE && (o->flags & SEEDANCE_OPT_SECRET))
        return "is not accepted on the command line: other users can read it in the process "
               "list; use SEEDANCE_API_KEY or api_key_file";
    return NULL;
}

static int set_task(seedance_job *j, const char *value)
{
    char *v = NULL;

    if (*value && !seedance_task_id_valid(value))
        return sd_fail(j->client, SEEDANCE_E_INVALID, "task: '%s' is not a task id: expected "
                       TASK_PREFIX "... (letters, digits, - _ .)", value);
    if (*value && !(v = strdup(value)))
        return sd_fail(j->client, SEEDANCE_E_NOMEM, NULL);
    free(j->task);
    j->task = v;
    return SEEDANCE_OK;
}

/* A client setting or open parameter (not a request field). */
static int set_other(seedance_job *j, const seedance_option *o, const char *value)
{
    seedance_client *c = j->client;
    double number;
    int b, rc;

    switch (o->id) {
    case SEEDANCE_OPTION_TASK:
        return set_task(j, value);
    case SEEDANCE_OPTION_NEW_GENERATION:
    case SEEDANCE_OPTION_CACHE:
        b = o->id == SEEDANCE_OPTION_CACHE;    /* the defaults */
        if (*value && (rc = sd_option_bool(o->name, value, &b, &c->err)))
            return rc;
        if (o->id == SEEDANCE_OPTION_CACHE)
            seedance_client_set_cache(c, b);
        else
            j->new_generation = b;
        return SEEDANCE_OK;
    case SEEDANCE_OPTION_MAX_CREDITS:
        number = -1;    /* no limit */
        if (*value && (rc = sd_option_credits(o->name, value, &number, &c->err)))
            return rc;
        seedance_client_set_max_credits(c, number);
        return SEEDANCE_OK;
    case SEEDANCE_OPTION_TIMEOUT:
        number = 0;     /* the default */
        if (*value && (rc = sd_option_seconds(o->name, value, &number, &c->err)))
            return rc;
        seedance_client_set_timeout(c, number);
        return SEEDANCE_OK;
    case SEEDANCE_OPTION_CACHE_DIR:
        return seedance_client_set_cache_dir(c, value);
    case SEEDANCE_OPTION_JOURNAL:
        return seedance_client_set_journal(c, value);
    case SEEDANCE_OPTION_API_BASE:
        return seedance_client_set_api_base(c, value);
    case SEEDANCE_OPTION_FILES_BASE:
        return seedance_client_set_files_base(c, value);
    case SEEDANCE_OPTION_API_KEY_FILE:
        return *value ? seedance_client_set_api_key_file(c, value)
                      : seedance_client_set_api_key(c, NULL);
    case SEEDANCE_OPTION_API_KEY:
        return seedance_client_set_api_key(c, value);
    }
    return sd_fail(c, SEEDANCE_E_INVALID, "%s: not settable", o->name);
}

static int job_set(seedance_job *j, const char *name, const char *value, int origin, int add)
{
    const seedance_option *o = seedance_option_find(name);
    const char *why;
    char allowed[512];

    if (!value)
        value = "";
    if (!o) {
        sd_option_names(origin == SEEDANCE_FROM_URL ? SEEDANCE_OPT_URL : 0,
                        origin == SEEDANCE_FROM_COMMAND_LINE ? SEEDANCE_OPT_SECRET : 0,
                        allowed, sizeof(allowed));
        return sd_fail(j->client, SEEDANCE_E_INVALID, "unknown option '%s': allowed %s",
                       name ? name : "(none)", allowed);
    }
    if ((why = refusal(o, origin)))
        return sd_fail(j->client, SEEDANCE_E_INVALID, "%s %s", o->name, why);
    if (o->id == SEEDANCE_OPTION_JOURNAL && origin != SEEDANCE_FROM_PROGRAM &&
        sd_journal_pg_has_password(value))
        return sd_fail(j->client, SEEDANCE_E_INVALID, "journal: a connection string with a "
                       "password is not accepted %s; give the password in ~/.pgpass (or "
                       "PGPASSFILE), a service file, or $SEEDANCE_JOURNAL",
                       origin == SEEDANCE_FROM_URL ? "in a URL or a filter graph (they end up "
                       "in logs)" : "on the command line (other users can read it in the "
                       "process list)");
    if (add && (o->flags & SEEDANCE_OPT_MEDIA))
        return sd_request_add(j->request, o->id, value, &j->client->err);
    if (o->flags & SEEDANCE_OPT_REQUEST)
        return seedance_request_set(j->request, o->name, value, &j->client->err);
    return set_other(j, o, value);
}

int seedance_job_set(seedance_job *j, const char *name, const char *value, int origin)
{
    return job_set(j, name, value, origin, 0);
}

int seedance_job_add(seedance_job *j, const char *name, const char *value, int origin)
{
    return job_set(j, name, value, origin, 1);
}

int seedance_job_set_env(seedance_job *j)
{
    for (const seedance_option *o = seedance_options(); o->name; o++) {
        char var[64];
        const char *v;
        size_t i;
        int rc;

        if (!(o->flags & SEEDANCE_OPT_ENV))
            continue;
        i = (size_t)snprintf(var, sizeof(var), "SEEDANCE_%s", o->name);
        while (i-- > 9)
            var[i] = (char)toupper((unsigned char)var[i]);
        if (!(v = getenv(var)) || !*v)
            continue;
        if ((rc = seedance_job_set(j, o->name, v, SEEDANCE_FROM_PROGRAM))) {
            seedance_error *e = &j->client->err;
            char msg[sizeof(e->message)];
            snprintf(msg, sizeof(msg), "%s", e->message);
            snprintf(e->message, sizeof(e->message), "environment %s: %.900s", var, msg);
            return rc;
        }
    }
    return SEEDANCE_OK;
}

static int hexval(int ch)
{
    return isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10;
}

/* Decode %XX escapes in place; other bytes (including '+') are kept. */
static void percent_decode(char *s)
{
    char *o = s;

    for (const char *p = s; *p; p++) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            *o++ = (char)(hexval((unsigned char)p[1]) << 4 | hexval((unsigned char)p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Query items; a media key given again adds to its list. */
static int parse_query(seedance_job *j, char *query)
{
    char seen[SEEDANCE_OPTION__COUNT] = { 0 };
    char *save = NULL;

    for (char *p = strtok_r(query, "&", &save); p; p = strtok_r(NULL, "&", &save)) {
        char *value = strchr(p, '=');
        const seedance_option *o;
        int rc;

        if (!value) {
            percent_decode(p);
            return sd_fail(j->client, SEEDANCE_E_INVALID,
                           "URL query item '%s' has no value: expected key=value (a '&' "
                           "inside a value is written %%26, or give the prompt alone as "
                           "seedance:PROMPT)", p);
        }
        *value++ = '\0';
        percent_decode(p);
        percent_decode(value);
        o = seedance_option_find(p);
        if ((rc = job_set(j, p, value, SEEDANCE_FROM_URL, o && seen[o->id])))
            return rc;
        if (o)
            seen[o->id] = 1;
    }
    return SEEDANCE_OK;
}

int seedance_job_parse_url(seedance_job *j, const char *url)
{
    char *buf;
    int rc;

    if (!url)
        return SEEDANCE_OK;
    if (!strncmp(url, "seedance:", 9))
        url += 9;
    if (!strncmp(url, "//", 2))
        url += url[2] == '/' ? 3 : 2;
    if (!*url)
        return SEEDANCE_OK;
    if (!(buf = strdup(url)))
        return sd_fail(j->client, SEEDANCE_E_NOMEM, NULL);
    if (*buf == '?') {
        rc = parse_query(j, buf + 1);
    } else {
        percent_decode(buf);
        if (!strncmp(buf, TASK_PREFIX, strlen(TASK_PREFIX)) && seedance_task_id_valid(buf))
            rc = set_task(j, buf);
        else
            rc = seedance_request_set(j->request, "prompt", buf, &j->client->err);
    }
    free(buf);
    return rc;
}

int seedance_job_open(seedance_job *j, seedance_stream **out)
{
    *out = NULL;
    if (j->task)
        return seedance_open_task(j->client, j->task, out);
    return seedance_open(j->client, j->request, seedance_job_flags(j), out);
}
