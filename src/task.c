/*
 * A task as the API reports it: accessors over the parsed reply.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

seedance_task *sd_task_new(void)
{
    seedance_task *t = calloc(1, sizeof(*t));

    if (t) {
        t->progress = -1;
        t->estimated_time = -1;
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
const char *seedance_task_error_message(const seedance_task *t)
{
    return t ? t->error_message : NULL;
}

int seedance_task_is_final(const seedance_task *t)
{
    return t && t->status && (!strcmp(t->status, "completed") || !strcmp(t->status, "failed") ||
                              !strcmp(t->status, "cancelled") || !strcmp(t->status, "canceled"));
}

const char *seedance_task_result_url(const seedance_task *t)
{
    return t && t->status && !strcmp(t->status, "completed") ? t->result_url : NULL;
}
