/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The commands of seedance: one table (name, synopsis, description, the
 * option groups each takes, the handler's id) from which the grammar, the
 * help and the dispatch are made. Data only: the help reads it without
 * depending on the handlers (commands.c).
 */
#include <stddef.h>
#include <string.h>

#include <seedance.h>

#include "cli.h"

/* The options of every command that talks to the API. */
#define API_OPTIONS (CLI_CLIENT | CLI_OUTPUT | CLI_HELP)

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
      CLI_REQUEST | API_OPTIONS | CLI_FILE, CLI_ARGS_PROMPT, CLI_GENERATE },
    { "submit", "submit [options] [PROMPT...]",
      "Submit the request and print its task id (with --json: {\"task_id\", \"attached\"}). "
      "The same request again prints the task it created before (attached) instead of paying "
      "twice, unless --new is given. A failure after the request was sent may have created a "
      "paid task: it is not retried (see generate); look for the task at the provider's "
      "dashboard (" SEEDANCE_DASHBOARD_URL "). Status reads and downloads (seedance wait, "
      "seedance download) are free and are retried automatically.",
      CLI_REQUEST | API_OPTIONS, CLI_ARGS_PROMPT, CLI_SUBMIT },
    { "cost", "cost [options] [PROMPT...]",
      "Print the request body exactly as it would be sent (local files appear by name: they "
      "are uploaded first) and its estimated cost in credits and US dollars, from the "
      "published rates of " SEEDANCE_RATES_DATE ": per second by tier and quality, 10% more "
      "without the content filter, web searches billed per search on top. Where no price is "
      "published (the mini tier, 1080p, 4k) it says so instead of guessing. Prices change: "
      "what a task costs is its reply's credits_reserved, shown when it is submitted. With "
      "--max-credits, it fails as the submit would when the estimate is above the limit or "
      "unknown. It sends nothing and pays nothing.",
      CLI_REQUEST | CLI_CLIENT | CLI_OUTPUT | CLI_HELP, CLI_ARGS_PROMPT, CLI_COST },
    { "status", "status [options] TASK-ID",
      "Query the task once and print its id, status and progress, and its result URL or its "
      "error when it has ended (with --json: the API's reply).",
      API_OPTIONS, CLI_ARGS_TASK, CLI_STATUS },
    { "wait", "wait [options] TASK-ID",
      "Wait until the task ends and print its result URL (with --json: the API's final "
      "reply). When --timeout passes first the task goes on on the server: wait again.",
      API_OPTIONS, CLI_ARGS_TASK, CLI_WAIT },
    { "download", "download [options] TASK-ID -o FILE",
      "Wait for the task if it has not ended and save its video to FILE (-o -: standard "
      "output), from the local cache when the clip is there. It pays nothing.",
      API_OPTIONS | CLI_FILE, CLI_ARGS_TASK, CLI_DOWNLOAD },
    { "credits", "credits [options]",
      "Print the account's credits as JSON. It checks the API key without paying anything.",
      API_OPTIONS, CLI_ARGS_NONE, CLI_CREDITS },
    { "files", "files [options] [--delete ID]...",
      "List the files of the account on the Files API (where local references are uploaded) "
      "and its quota, or delete the files given with --delete, freeing their slots. The "
      "quota is small: libseedance deletes its own uploads once their task has ended, but a "
      "program stopped before that leaves them until they expire (72 hours). With --json: "
      "the Files API's reply.",
      API_OPTIONS | CLI_FILES, CLI_ARGS_NONE, CLI_FILES_COMMAND },
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
      CLI_CLIENT | CLI_OUTPUT | CLI_HELP, CLI_ARGS_OPTIONAL, CLI_LEDGER },
    { "run", "run PROGRAM [ARGS...]",
      "Run PROGRAM (ffmpeg, ffprobe, ffplay, mpv, a PyAV script: any program linked with the "
      "shared libavformat, or the ffmpeg built with the protocol) with seedance: URLs "
      "available, without rebuilding it. The seedance: URLs of ARGS (with -i on the command "
      "line, the arguments of -i) are submitted all at once before PROGRAM starts, each paid "
      "once, so that its inputs are generated side by side; a URL whose request is "
      "incomplete, that names a task, has cache=0 or new_generation=1, or follows -f or an "
      "option of the protocol is left to PROGRAM. Ctrl-C while submitting names every task "
      "created. Options come from the URL and the SEEDANCE_* environment variables.",
      0, CLI_ARGS_RAW, CLI_RUN },
    { "help", "help [COMMAND]",
      "Print the commands, or the synopsis, description and options of COMMAND (the same "
      "as seedance COMMAND --help).",
      CLI_HELP, CLI_ARGS_OPTIONAL, CLI_HELP_COMMAND },
    { NULL, NULL, NULL, 0, 0, CLI_COMMANDS }
};

const cli_command *cli_command_find(const char *name)
{
    for (const cli_command *c = cli_commands; name && c->name; c++)
        if (!strcmp(name, c->name))
            return c;
    return NULL;
}
