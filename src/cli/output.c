/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the commands print: results on stdout (text, or one JSON document
 * with --json), failures as one clear line on stderr (or a JSON "error"
 * event), with the commands that resume an interrupted task.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int exit_status(int code)
{
    switch (code) {
    case SEEDANCE_OK: return EXIT_OK;
    case SEEDANCE_E_INVALID: case SEEDANCE_E_CONFIG: case SEEDANCE_E_IMAGE: return EXIT_USAGE;
    case SEEDANCE_E_INTERRUPTED: return EXIT_INTERRUPTED;
    default: return EXIT_FAIL;
    }
}

void cli_print(cli *st, const char *text)
{
    cli_line_end(st);
    puts(text);
    fflush(stdout);
}

/* The members describing a failure. */
static void add_error(cJSON *o, const seedance_error *e, const char *message)
{
    cJSON_AddStringToObject(o, "code", seedance_strerror(e->code));
    cJSON_AddNumberToObject(o, "seedance_code", e->code);
    cJSON_AddStringToObject(o, "message", message);
    if (e->http_status)
        cJSON_AddNumberToObject(o, "http_status", e->http_status);
    if (*e->api_code)
        cJSON_AddStringToObject(o, "api_code", e->api_code);
}

/* {"error": {...}} on stdout, the document of a failed --json command. */
static void print_json_error(cli *st, const seedance_error *e, const char *message)
{
    cJSON *o = cJSON_CreateObject(), *err = cJSON_AddObjectToObject(o, "error");
    char *s;

    add_error(err, e, message);
    if (*st->task_id)
        cJSON_AddStringToObject(err, "task_id", st->task_id);
    if ((s = cJSON_PrintUnformatted(o)))
        cli_print(st, s);
    free(s);
    cJSON_Delete(o);
}

/* The commands that pick up the task a failure leaves: how many (0..2). */
static int resume_commands(const cli *st, int code, char cmds[2][300])
{
    const char *id = st->task_id;

    if (!*id || (code != SEEDANCE_E_INTERRUPTED && code != SEEDANCE_E_TIMEOUT))
        return 0;
    snprintf(cmds[0], 300, "seedance wait %s", id);
    snprintf(cmds[1], 300, "seedance download %s -o %s", id, st->output ? st->output : "FILE");
    return code == SEEDANCE_E_INTERRUPTED ? 2 : 1;
}

int cli_fail(cli *st, const seedance_error *e)
{
    char message[sizeof(e->message) + 200], cmds[2][300];
    const char *list[2] = { cmds[0], cmds[1] };
    int resume;
    cJSON *ev;

    if (*e->task_id)
        snprintf(st->task_id, sizeof(st->task_id), "%s", e->task_id);
    if (e->code == SEEDANCE_E_INTERRUPTED)
        snprintf(message, sizeof(message), *st->task_id ? "interrupted; task %s goes on on "
                 "the server" : "interrupted before a task was created%s", st->task_id);
    else
        snprintf(message, sizeof(message), "%s", *e->message ? e->message :
                 seedance_strerror(e->code));
    resume = resume_commands(st, e->code, cmds);
    cli_line_end(st);
    if (st->json && !st->printed)
        print_json_error(st, e, message);
    if ((ev = cli_event_new(st, "error"))) {
        add_error(ev, e, message);
        if (resume)
            cJSON_AddItemToObject(ev, "resume", cJSON_CreateStringArray(list, resume));
        cli_event_send(st, ev);
        return exit_status(e->code);
    }
    fprintf(stderr, "seedance: %s%s\n", message, resume ? ". Resume with:" : "");
    for (int i = 0; i < resume; i++)
        fprintf(stderr, "  %s\n", cmds[i]);
    return exit_status(e->code);
}

void cli_print_task(cli *st, const seedance_task *t)
{
    if (st->json) {
        cli_print(st, seedance_task_json(t));
        return;
    }
    cli_line_end(st);
    printf("%s %s", seedance_task_id(t), seedance_task_status(t));
    if (seedance_task_progress(t) >= 0)
        printf(" %d%%", seedance_task_progress(t));
    if (seedance_task_estimated_time(t) >= 0 && !seedance_task_is_final(t))
        printf(" about %d s left", seedance_task_estimated_time(t));
    if (seedance_task_result_url(t))
        printf(" %s", seedance_task_result_url(t));
    if (seedance_task_error_code(t) || seedance_task_error_message(t))
        printf(" %s: %s", seedance_task_error_code(t) ? seedance_task_error_code(t) : "error",
               seedance_task_error_message(t) ? seedance_task_error_message(t) : "");
    putchar('\n');
}

int cli_to_stdout(const cli *st)
{
    return st->output && !strcmp(st->output, "-");
}

/* The saved file: a JSON document with --json, an event or a line. */
static void report_saved(cli *st, const char *id, int64_t size)
{
    char text[64];
    cJSON *o;

    if (st->json) {
        char *s;
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "task_id", id);
        cJSON_AddStringToObject(o, "output", st->output);
        cJSON_AddNumberToObject(o, "size", (double)size);
        if ((s = cJSON_PrintUnformatted(o)))
            cli_print(st, s);
        free(s);
        cJSON_Delete(o);
    }
    if ((o = cli_event_new(st, "done"))) {
        cJSON_AddStringToObject(o, "output", st->output);
        cJSON_AddNumberToObject(o, "size", (double)size);
        cli_event_send(st, o);
    } else if (st->progress != CLI_PROGRESS_NONE) {
        cli_bytes_text(text, sizeof(text), (double)size);
        cli_line_end(st);
        if (cli_to_stdout(st))
            fprintf(stderr, "seedance: wrote the clip of task %s to standard output (%s)\n", id,
                    text);
        else
            fprintf(stderr, "seedance: saved %s (%s) from task %s\n", st->output, text, id);
    }
}

/* The stream on standard output ("-o -") as it comes; 0 or a seedance_code. */
static int write_stdout(cli *st, seedance_stream *s, int64_t *total)
{
    static char buf[256 * 1024];
    int64_t n, size;

    *total = 0;
    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        for (int64_t done = 0; done < n;) {
            ssize_t w = write(STDOUT_FILENO, buf + done, (size_t)(n - done));

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                cli_line_end(st);
                fprintf(stderr, "seedance: cannot write to standard output: %s\n",
                        strerror(w < 0 ? errno : EIO));
                return SEEDANCE_E_IO;
            }
            done += w;
        }
        *total += n;
    }
    if (n < 0)
        return (int)-n;
    size = seedance_stream_size(s);
    if (size >= 0 && *total != size) {
        cli_line_end(st);
        fprintf(stderr, "seedance: task %s: got %" PRId64 " bytes of a %" PRId64 "-byte clip\n",
                seedance_stream_task_id(s), *total, size);
        return SEEDANCE_E_PROTOCOL;
    }
    return SEEDANCE_OK;
}

int cli_save(cli *st, seedance_stream *s)
{
    double start = cli_now();
    int64_t size = 0;
    int rc;

    if (cli_to_stdout(st)) {
        if ((rc = write_stdout(st, s, &size)) && rc != SEEDANCE_E_IO && rc != SEEDANCE_E_PROTOCOL)
            rc = cli_fail(st, seedance_last_error(st->client));
        else if (rc)
            rc = EXIT_FAIL;
    } else if ((rc = seedance_stream_save(s, st->output))) {
        rc = cli_fail(st, seedance_last_error(st->client));
    } else {
        size = seedance_stream_size(s);
    }
    if (rc) {
        seedance_stream_close(s);
        return rc;
    }
    if (st->download_start > 0)
        cli_downloaded(st, size, cli_now() - (st->download_start < start ?
                                              st->download_start : start));
    report_saved(st, seedance_stream_task_id(s), size);
    seedance_stream_close(s);
    return EXIT_OK;
}
