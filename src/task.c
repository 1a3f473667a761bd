/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A task as the API reports it: accessors over the parsed reply.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define TASK_ID_MAX 95

seedance_task *sd_task_new(void)
{
    seedance_task *t = calloc(1, sizeof(*t));

    if (t) {
        t->progress = -1;
        t->estimated_time = -1;
        t->credits_reserved = -1;
    }
    return t;
}

void seedance_task_free(seedance_task *t)
{
    if (!t)
        return;
    free(t->id);
    free(t->status);
    free(t->model);
    free(t->result_url);
    free(t->error_code);
    free(t->error_message);
    free(t->json);
    free(t);
}

const char *seedance_task_id(const seedance_task *t) { return t ? t->id : NULL; }
const char *seedance_task_status(const seedance_task *t) { return t ? t->status : NULL; }
const char *seedance_task_model(const seedance_task *t) { return t ? t->model : NULL; }
int seedance_task_progress(const seedance_task *t) { return t ? t->progress : -1; }
int seedance_task_estimated_time(const seedance_task *t) { return t ? t->estimated_time : -1; }
const char *seedance_task_json(const seedance_task *t) { return t ? t->json : NULL; }
const char *seedance_task_error_code(const seedance_task *t) { return t ? t->error_code : NULL; }
double seedance_task_credits_reserved(const seedance_task *t)
{
    return t ? t->credits_reserved : -1;
}
const char *seedance_task_error_message(const seedance_task *t)
{
    return t ? t->error_message : NULL;
}

static const struct {
    const char *name;
    int state;
} statuses[] = {
    { "completed", SD_TASK_SUCCEEDED }, { "succeeded", SD_TASK_SUCCEEDED },
    { "success", SD_TASK_SUCCEEDED },   { "failed", SD_TASK_FAILED },
    { "cancelled", SD_TASK_CANCELLED }, { "canceled", SD_TASK_CANCELLED },
    { "expired", SD_TASK_EXPIRED },
};

int sd_status_state(const char *status)
{
    size_t n;

    if (!status)
        return SD_TASK_RUNNING;
    while (isspace((unsigned char)*status))
        status++;
    n = strlen(status);
    while (n > 0 && isspace((unsigned char)status[n - 1]))
        n--;
    for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
        if (strlen(statuses[i].name) == n && !strncasecmp(status, statuses[i].name, n))
            return statuses[i].state;
    return SD_TASK_RUNNING;
}

int sd_task_state(const seedance_task *t)
{
    return t ? sd_status_state(t->status) : SD_TASK_RUNNING;
}

int seedance_task_is_final(const seedance_task *t)
{
    return sd_task_state(t) != SD_TASK_RUNNING;
}

const char *seedance_task_result_url(const seedance_task *t)
{
    return sd_task_state(t) == SD_TASK_SUCCEEDED ? t->result_url : NULL;
}

int seedance_task_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > TASK_ID_MAX || id[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && !strchr("-_.", id[i]))
            return 0;
    return 1;
}

/* id for a message: at most SHOW_MAX characters, each printable ('?' if not). */
#define SHOW_MAX 40

static void show_id(const char *id, size_t n, char *buf, size_t size)
{
    size_t k = n > SHOW_MAX ? SHOW_MAX : n, j = 0;

    for (size_t i = 0; i < k && j + 1 < size; i++)
        buf[j++] = isprint((unsigned char)id[i]) ? id[i] : '?';
    buf[j] = '\0';
    if (k < n)
        snprintf(buf + j, size - j, "...");
}

const char *sd_task_id_problem(const char *id, char *buf, size_t size)
{
    size_t n = id ? strlen(id) : 0;
    char shown[SHOW_MAX + 4];

    if (seedance_task_id_valid(id)) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    show_id(id, n, shown, sizeof(shown));
    if (n == 0)
        snprintf(buf, size, "missing: expected an id like task-unified-...");
    else if (n > TASK_ID_MAX)
        snprintf(buf, size, "'%s' is %zu characters long: allowed at most %d", shown, n,
                 TASK_ID_MAX);
    else
        snprintf(buf, size, "'%s' is not allowed: letters, digits, - _ . and not starting "
                 "with '.' (like task-unified-...)", shown);
    return buf;
}

int sd_check_task_id(seedance_client *c, const char *id)
{
    char why[160];

    if (seedance_task_id_valid(id))
        return SEEDANCE_OK;
    return sd_fail(c, SEEDANCE_E_INVALID, "task id: %s",
                   sd_task_id_problem(id, why, sizeof(why)));
}
