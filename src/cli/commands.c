/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The commands of seedance: one table (name, synopsis, description, the
 * option groups each takes, handler) from which the grammar, the help and
 * the dispatch are made, and the handlers. A handler finds its options
 * applied to st->job and its arguments checked (options.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The options of every command that talks to the API. */
#define API_OPTIONS (CLI_CLIENT | CLI_OUTPUT | CLI_HELP)

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

    if (seedance_request_cost(r, &cost, &err)) {
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

static int cmd_help(cli *st)
{
    return cli_help(st->argc ? st->argv[0] : NULL);
}

static int cmd_run(cli *st)
{
    return cli_run(st->argc, st->argv);
}

const cli_command cli_commands[] = {
    { "generate", "generate [options] [PROMPT...] -o FILE",
      "Submit the request, wait for its task and save the video to FILE (-o - writes it to "
      "standard output as it downloads). The request is "
      "submitted once: the same request again reuses its task and its cached clip and pays "
      "nothing, unless --new is given. A submit is retried only when it provably created "
      "nothing (no connection, or 429); any other failure after sending says the request may "
      "have created a paid task and is not retried, not even by a rerun, until --new: look "
      "for the task at the provider's dashboard (" SEEDANCE_DASHBOARD_URL ") before paying "
      "again. Status reads and downloads are free and are retried automatically; a result "
      "link that answers 404 right after completion is retried for about a minute. The "
      "prompt is --prompt or the words after the options.",
      CLI_REQUEST | API_OPTIONS | CLI_FILE, CLI_ARGS_PROMPT, cmd_save },
    { "submit", "submit [options] [PROMPT...]",
      "Submit the request and print its task id (with --json: {\"task_id\", \"attached\"}). "
      "The same request again prints the task it created before (attached) instead of paying "
      "twice, unless --new is given. A failure after the request was sent may have created a "
      "paid task: it is not retried (see generate); look for the task at the provider's "
      "dashboard (" SEEDANCE_DASHBOARD_URL "). Status reads and downloads (seedance wait, "
      "seedance download) are free and are retried automatically.",
      CLI_REQUEST | API_OPTIONS, CLI_ARGS_PROMPT, cmd_submit },
    { "cost", "cost [options] [PROMPT...]",
      "Print the request body exactly as it would be sent (local files appear by name: they "
      "are uploaded first) and its estimated cost in credits and US dollars, from the "
      "published rates of " SEEDANCE_RATES_DATE ": per second by tier and quality, 10% more "
      "without the content filter, web searches billed per search on top. Where no price is "
      "published (the mini tier, 1080p, 4k) it says so instead of guessing. Prices change: "
      "what a task costs is its reply's credits_reserved, shown when it is submitted. With "
      "--max-credits, it fails as the submit would when the estimate is above the limit or "
      "unknown. It sends nothing and pays nothing.",
      CLI_REQUEST | CLI_CLIENT | CLI_OUTPUT | CLI_HELP, CLI_ARGS_PROMPT, cmd_cost },
    { "status", "status [options] TASK-ID",
      "Query the task once and print its id, status and progress, and its result URL or its "
      "error when it has ended (with --json: the API's reply).",
      API_OPTIONS, CLI_ARGS_TASK, cmd_status },
    { "wait", "wait [options] TASK-ID",
      "Wait until the task ends and print its result URL (with --json: the API's final "
      "reply). When --timeout passes first the task goes on on the server: wait again.",
      API_OPTIONS, CLI_ARGS_TASK, cmd_wait },
    { "download", "download [options] TASK-ID -o FILE",
      "Wait for the task if it has not ended and save its video to FILE (-o -: standard "
      "output), from the local cache when the clip is there. It pays nothing.",
      API_OPTIONS | CLI_FILE, CLI_ARGS_TASK, cmd_save },
    { "credits", "credits [options]",
      "Print the account's credits as JSON. It checks the API key without paying anything.",
      API_OPTIONS, CLI_ARGS_NONE, cmd_credits },
    { "ledger", "ledger [options] [PERIOD]",
      "Print the submits the journal recorded in PERIOD (local time): when, who (user and "
      "machine), the model, duration and quality, the estimate and the credits the reply "
      "reserved, how the task ended and its id; then the totals: what was paid (completed "
      "and running tasks), refunded (failed, cancelled, expired) and uncertain (a submit "
      "whose reply never came: look for it at " SEEDANCE_DASHBOARD_URL "). The journal is "
      "the local one of --cache-dir, or the database every machine shares (--journal, "
      "$SEEDANCE_JOURNAL). PERIOD: today (default), yesterday, week (the last 7 days), month, "
      "all, YYYY-MM-DD, YYYY-MM, or FIRST..LAST of those. With --json: one document with "
      "the entries and the totals. It sends nothing to the API.",
      CLI_CLIENT | CLI_OUTPUT | CLI_HELP, CLI_ARGS_OPTIONAL, cli_ledger },
    { "run", "run PROGRAM [ARGS...]",
      "Run PROGRAM (ffmpeg, ffprobe, ffplay, mpv, a PyAV script: any program linked with the "
      "shared libavformat, or the ffmpeg built with the protocol) with seedance: URLs "
      "available, without rebuilding it. The seedance: URLs of ARGS (with -i on the command "
      "line, the arguments of -i) are submitted all at once before PROGRAM starts, each paid "
      "once, so that its inputs are generated side by side; a URL whose request is "
      "incomplete, that names a task, has cache=0 or new_generation=1, or follows -f or an "
      "option of the protocol is left to PROGRAM. Ctrl-C while submitting names every task "
      "created. Options come from the URL and the SEEDANCE_* environment variables.",
      0, CLI_ARGS_RAW, cmd_run },
    { "help", "help [COMMAND]",
      "Print the commands, or the synopsis, description and options of COMMAND (the same "
      "as seedance COMMAND --help).",
      CLI_HELP, CLI_ARGS_OPTIONAL, cmd_help },
    { NULL, NULL, NULL, 0, 0, NULL }
};

const cli_command *cli_command_find(const char *name)
{
    for (const cli_command *c = cli_commands; name && c->name; c++)
        if (!strcmp(name, c->name))
            return c;
    return NULL;
}
