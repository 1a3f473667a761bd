/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handlers of seedance's commands (the table of the commands is
 * table.c). A handler finds its options applied to st->job and its
 * arguments checked (options.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* generate and download: open the job (its request, or the task given)
 * and save the video. */
static int cmd_save(cli *st)
{
    seedance_stream *s;

    /* before anything is paid for: stdout must be able to take the clip */
    if (cli_to_stdout(st) && st->json)
        return cli_usage_error(st, "-o - writes the video on standard output, where --json "
                               "writes its document: give -o FILE with --json");
    if (cli_to_stdout(st) && isatty(STDOUT_FILENO))
        return cli_usage_error(st, "-o - would write the video to a terminal: redirect "
                               "standard output (-o - | ... or -o - >FILE) or give -o FILE");
    if (seedance_job_open(st->job, &s))
        return cli_fail(st, seedance_last_error(st->client));
    return cli_save(st, s);
}

static int cmd_submit(cli *st)
{
    char *id = NULL, text[256];
    int attached = 0;
    cJSON *ev;

    if (seedance_submit(st->client, seedance_job_request(st->job), seedance_job_flags(st->job),
                        &id, &attached))
        return cli_fail(st, seedance_last_error(st->client));
    if (st->json)   /* a task id is letters, digits, - _ . only */
        snprintf(text, sizeof(text), "{\"task_id\":\"%s\",\"attached\":%s}", id,
                 attached ? "true" : "false");
    else
        snprintf(text, sizeof(text), "%s", id);
    cli_print(st, text);
    ev = cli_event_new(st, "done");
    cJSON_AddBoolToObject(ev, "attached", attached);
    cli_event_send(st, ev);
    free(id);
    return EXIT_OK;
}

/* The body as it would be sent, and what it is estimated to cost. */
static int cmd_cost(cli *st)
{
    const seedance_request *r = seedance_job_request(st->job);
    char *body = seedance_request_to_json(r), line[400];
    seedance_cost cost;
    seedance_error err;
    cJSON *o, *e;
    char *doc;

    if (seedance_request_cost(r, st->client, &cost, &err)) {
        free(body);
        return cli_fail(st, &err);
    }
    seedance_cost_describe(&cost, line, sizeof(line));
    if (!st->json) {
        cli_print(st, body);
        printf("estimated cost: %s\n", line);
    } else if ((o = cJSON_CreateObject())) {
        cJSON_AddItemToObject(o, "request", cJSON_Parse(body));
        e = cJSON_AddObjectToObject(o, "estimate");
        cJSON_AddBoolToObject(e, "known", cost.known);
        cJSON_AddStringToObject(e, "model", cost.model);
        cJSON_AddStringToObject(e, "rates_date", SEEDANCE_RATES_DATE);
        if (cost.known) {
            cJSON_AddNumberToObject(e, "credits", cost.credits);
            cJSON_AddNumberToObject(e, "usd", cost.usd);
            cJSON_AddNumberToObject(e, "rate_credits", cost.rate_credits);
            cJSON_AddNumberToObject(e, "rate_usd", cost.rate_usd);
            cJSON_AddNumberToObject(e, "output_seconds", cost.output_seconds);
            cJSON_AddNumberToObject(e, "input_seconds", cost.input_seconds);
            cJSON_AddNumberToObject(e, "factor", cost.factor);
        } else {
            cJSON_AddStringToObject(e, "why", cost.why);
        }
        cJSON_AddBoolToObject(e, "web_search", cost.web_search);
        cJSON_AddStringToObject(e, "text", line);
        if ((doc = cJSON_PrintUnformatted(o)))
            cli_print(st, doc);
        free(doc);
        cJSON_Delete(o);
    }
    free(body);
    fflush(stdout);
    /* what the submit would do with the same max_credits */
    return seedance_cost_allowed(st->client, &cost) ? cli_fail(st, seedance_last_error(st->client))
                                                   : EXIT_OK;
}

static int cmd_status(cli *st)
{
    seedance_task *t;
    cJSON *ev;

    if (seedance_get_task(st->client, seedance_job_task(st->job), &t))
        return cli_fail(st, seedance_last_error(st->client));
    cli_print_task(st, t);
    ev = cli_event_new(st, "done");
    cJSON_AddStringToObject(ev, "status", seedance_task_status(t));
    cli_event_send(st, ev);
    seedance_task_free(t);
    return EXIT_OK;
}

static int cmd_wait(cli *st)
{
    seedance_task *t = NULL;
    int rc = seedance_wait(st->client, seedance_job_task(st->job), &t);

    if (t && st->json) {
        cli_print(st, seedance_task_json(t));
        st->printed = 1;
    } else if (t && rc == SEEDANCE_OK && seedance_task_result_url(t)) {
        cli_print(st, seedance_task_result_url(t));
    }
    seedance_task_free(t);
    if (rc)
        return cli_fail(st, seedance_last_error(st->client));
    cli_event_send(st, cli_event_new(st, "done"));
    return EXIT_OK;
}

static int cmd_credits(cli *st)
{
    char *json = NULL;

    if (seedance_credits(st->client, &json))
        return cli_fail(st, seedance_last_error(st->client));
    cli_print(st, json);
    free(json);
    cli_event_send(st, cli_event_new(st, "done"));
    return EXIT_OK;
}

/* One line per file of a list reply: id, name, size, expiry. */
static void print_files(cli *st, const char *json)
{
    cJSON *o = cJSON_Parse(json), *data = cJSON_GetObjectItemCaseSensitive(o, "data"), *arr;
    cJSON *f;
    char line[600];

    arr = cJSON_IsArray(data) ? data : NULL;
    for (cJSON *it = cJSON_IsObject(data) ? data->child : NULL; it && !arr; it = it->next)
        if (cJSON_IsArray(it))
            arr = it;
    cJSON_ArrayForEach(f, arr) {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "file_id"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "file_name"));
        const char *exp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "expires_at"));
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "file_size");

        snprintf(line, sizeof(line), "%s  %s  %.0f bytes%s%s", id ? id : "?", name ? name : "?",
                 cJSON_IsNumber(size) ? size->valuedouble : 0, exp ? "  expires " : "",
                 exp ? exp : "");
        cli_print(st, line);
    }
    cJSON_Delete(o);
}

/* The Files API: delete the files given, else list them with the quota. */
static int cmd_files(cli *st)
{
    char *list = NULL, *quota = NULL, line[200];
    cJSON *q, *d;

    for (int i = 0; i < st->ndeletes; i++) {
        if (seedance_file_delete(st->client, st->deletes[i]))
            return cli_fail(st, seedance_last_error(st->client));
        if (!st->json)
            fprintf(stderr, "seedance: deleted %s\n", st->deletes[i]);
    }
    if (st->ndeletes) {
        cli_event_send(st, cli_event_new(st, "done"));
        return EXIT_OK;
    }
    if (seedance_files_quota(st->client, &quota) || seedance_files_list(st->client, 1, &list)) {
        free(quota);
        return cli_fail(st, seedance_last_error(st->client));
    }
    if (st->json) {
        cli_print(st, list);
    } else {
        q = cJSON_Parse(quota);
        d = cJSON_GetObjectItemCaseSensitive(q, "data");
        snprintf(line, sizeof(line), "quota: %.0f of %.0f files used",
                 cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "used_files")),
                 cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "max_files")));
        cli_print(st, line);
        cJSON_Delete(q);
        print_files(st, list);
    }
    free(list);
    free(quota);
    cli_event_send(st, cli_event_new(st, "done"));
    return EXIT_OK;
}

static int cmd_help(cli *st)
{
    return cli_help(st->argc ? st->argv[0] : NULL);
}

static int cmd_run(cli *st)
{
    return cli_run(st->argc, st->argv);
}

int cli_command_run(cli *st)
{
    static int (*const handlers[CLI_COMMANDS])(cli *st) = {
        [CLI_GENERATE] = cmd_save,      [CLI_SUBMIT] = cmd_submit,
        [CLI_COST] = cmd_cost,
        [CLI_STATUS] = cmd_status,      [CLI_WAIT] = cmd_wait,
        [CLI_DOWNLOAD] = cmd_save,      [CLI_CREDITS] = cmd_credits,
        [CLI_FILES_COMMAND] = cmd_files,
        [CLI_LEDGER] = cli_ledger,
        [CLI_RUN] = cmd_run,            [CLI_HELP_COMMAND] = cmd_help,
    };

    return handlers[st->cmd->id](st);
}
