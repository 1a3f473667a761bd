/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Progress and log output of the seedance command, on stderr, in one of
 * three forms:
 *   bar    (a terminal) one line redrawn in place: task id, status, a bar,
 *          percent, elapsed time and time left; then the download with its
 *          bytes and rate. It is ended before any other output.
 *   lines  (not a terminal) plain lines: every change of status, and at
 *          most one line every LINE_INTERVAL seconds in between.
 *   json   one JSON object per event, for scripts: submitted, upload,
 *          retry, status, completed, download, log, done, error; each with
 *          "event" and "task_id" (null before the task exists).
 * Any event that carries a task's status (the queries, and the periodic
 * events between them) is drawn as a status: the library's estimate of
 * percent and time left, which moves with the clock between queries;
 * "waiting" before the first query returns. JSON status events carry it
 * as "estimated" (percent, never lower than before, 100 only once
 * completed) and "remaining" (seconds), beside the API's last "progress"
 * and "estimated_time".
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define BAR_MIN 8         /* the width of the bar, within the terminal's */
#define BAR_MAX 30
#define LINE_INTERVAL 5.0

double cli_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_bytes_text(char *buf, size_t size, double bytes)
{
    static const char *const units[] = { "bytes", "kB", "MB", "GB" };
    int u = 0;

    while (bytes >= 1000 && u < 3) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

/* "0:07", "12:30", "1:02:03" */
static void clock_text(char *buf, size_t size, double seconds)
{
    long s = seconds > 0 ? (long)(seconds + 0.5) : 0;

    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

static int columns(void)
{
    struct winsize w;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 20)
        return w.ws_col;
    return 80;
}

void cli_line_end(cli *st)
{
    if (st->shown) {
        fputc('\n', stderr);
        fflush(stderr);
        st->shown = 0;
    }
}

/* The line on a terminal: "BEFORE [####......] AFTER", the bar as wide as
 * the terminal leaves room for, the whole cut to its width (a wrapped line
 * cannot be redrawn). percent < 0: an empty bar. */
static void redraw(cli *st, const char *before, int percent, const char *after)
{
    int cols = columns(), width = cols - 5 - (int)strlen(before) - (int)strlen(after);
    int fill;
    char bar[BAR_MAX + 1], line[512];

    width = width < BAR_MIN ? BAR_MIN : width > BAR_MAX ? BAR_MAX : width;
    fill = percent < 0 ? 0 : percent > 100 ? width : percent * width / 100;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    snprintf(line, sizeof(line), "%s [%s] %s", before, bar, after);
    fprintf(stderr, "\r\033[K%.*s", cols - 1, line);
    fflush(stderr);
    st->shown = 1;
}

static void say(cli *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(cli *st, const char *fmt, ...)
{
    va_list ap;

    cli_line_end(st);
    fputs("seedance: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* ------------------------------------------------------------------ */
/* JSON events                                                        */

cJSON *cli_event_new(cli *st, const char *event)
{
    cJSON *o;

    if (st->progress != CLI_PROGRESS_JSON || !(o = cJSON_CreateObject()))
        return NULL;
    cJSON_AddStringToObject(o, "event", event);
    if (*st->task_id)
        cJSON_AddStringToObject(o, "task_id", st->task_id);
    else
        cJSON_AddNullToObject(o, "task_id");
    return o;
}

void cli_event_send(cli *st, cJSON *ev)
{
    char *s;

    (void)st;
    if (ev && (s = cJSON_PrintUnformatted(ev))) {
        fprintf(stderr, "%s\n", s);
        fflush(stderr);
        free(s);
    }
    cJSON_Delete(ev);
}

/* A number, or null when unknown (negative). */
static void add_known(cJSON *o, const char *name, double v)
{
    if (v >= 0)
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/*
 * The percent and the seconds left to show of a status event (-1 unknown):
 * the library's estimate, which moves between queries, never runs
 * backwards and stays below 100 while the task runs; 100 and nothing left
 * once the task is completed (the query that says so still carries the
 * running estimate).
 */
static double estimate(const seedance_progress *p, double *left)
{
    if (p->status && !strcmp(p->status, "completed")) {
        *left = 0;
        return 100;
    }
    *left = p->remaining;
    return p->estimated;
}

static const char *event_name(seedance_event ev)
{
    switch (ev) {
    case SEEDANCE_EV_SUBMITTED: case SEEDANCE_EV_ATTACHED: return "submitted";
    case SEEDANCE_EV_RETRY:     return "retry";
    case SEEDANCE_EV_COMPLETED: return "completed";
    case SEEDANCE_EV_DOWNLOAD:  case SEEDANCE_EV_CACHED: return "download";
    case SEEDANCE_EV_UPLOAD:    return "upload";
    default:                    return "status";
    }
}

static void json_event(cli *st, const seedance_progress *p)
{
    cJSON *o = cli_event_new(st, event_name(p->event));
    double pct, left;

    switch (p->event) {
    case SEEDANCE_EV_SUBMITTED: case SEEDANCE_EV_ATTACHED:
        cJSON_AddBoolToObject(o, "attached", p->event == SEEDANCE_EV_ATTACHED);
        if (p->event == SEEDANCE_EV_SUBMITTED)
            add_known(o, "credits_reserved", p->credits);
        break;
    case SEEDANCE_EV_RETRY:
        cJSON_AddNumberToObject(o, "delay", p->next_poll);
        break;
    case SEEDANCE_EV_COMPLETED:
        cJSON_AddStringToObject(o, "result_url", p->result_url);
        break;
    case SEEDANCE_EV_DOWNLOAD: case SEEDANCE_EV_CACHED: case SEEDANCE_EV_UPLOAD:
        add_known(o, "size", (double)p->size);
        if (p->event == SEEDANCE_EV_DOWNLOAD)
            cJSON_AddNumberToObject(o, "received", 0);
        if (p->event != SEEDANCE_EV_UPLOAD)
            cJSON_AddBoolToObject(o, "cached", p->event == SEEDANCE_EV_CACHED);
        break;
    default:
        pct = estimate(p, &left);
        cJSON_AddStringToObject(o, "status", p->status ? p->status : "waiting");
        add_known(o, "progress", p->progress);
        add_known(o, "estimated_time", p->estimated_time);
        add_known(o, "estimated", floor(pct * 10) / 10);  /* 99.97 is not 100 */
        add_known(o, "remaining", left >= 0 ? round(left * 10) / 10 : -1);
        cJSON_AddNumberToObject(o, "elapsed", round(p->elapsed * 10) / 10);
        break;
    }
    cli_event_send(st, o);
}

/* ------------------------------------------------------------------ */
/* Text                                                               */

/* A task's status: "waiting" until the first query returns. */
static void show_status(cli *st, const seedance_progress *p)
{
    const char *status = p->status ? p->status : "waiting";
    char elapsed[24], eta[24] = "", percent[16] = "--%", head[160], tail[96];
    int changed = strcmp(status, st->status) != 0, pct;
    double left, est = estimate(p, &left);

    snprintf(st->status, sizeof(st->status), "%s", status);
    clock_text(elapsed, sizeof(elapsed), p->elapsed);
    if (left > 0)
        clock_text(eta, sizeof(eta), left);
    pct = est >= 0 ? (int)floor(est) : -1;
    if (pct >= 0)
        snprintf(percent, sizeof(percent), "%d%%", pct);
    if (st->progress == CLI_PROGRESS_BAR) {
        snprintf(head, sizeof(head), "%s %s", p->task_id, status);
        snprintf(tail, sizeof(tail), "%4s %s%s%s%s", percent, elapsed, *eta ? ", " : "", eta,
                 *eta ? " left" : "");
        redraw(st, head, pct, tail);
    } else if (changed || cli_now() - st->last_line >= LINE_INTERVAL) {
        say(st, "task %s: %s, %s, %s elapsed%s%s%s", p->task_id, status, percent, elapsed,
            *eta ? ", about " : "", eta, *eta ? " left" : "");
        st->last_line = cli_now();
    }
}

/* The download line: received bytes of size (-1 unknown), rate in bytes/s (< 0 unknown). */
static void show_download(cli *st, int64_t received, int64_t size, double rate)
{
    char got[32], num[32], total[40] = "", speed[40] = "", tail[128];

    cli_bytes_text(got, sizeof(got), (double)received);
    if (size >= 0) {
        cli_bytes_text(num, sizeof(num), (double)size);
        snprintf(total, sizeof(total), " of %s", num);
    }
    if (rate >= 0) {
        cli_bytes_text(num, sizeof(num), rate);
        snprintf(speed, sizeof(speed), ", %s/s", num);
    }
    snprintf(tail, sizeof(tail), "%s%s%s", got, total, speed);
    if (st->progress == CLI_PROGRESS_BAR)
        redraw(st, "downloading", size > 0 ? (int)(received * 100 / size) : -1, tail);
    else
        say(st, "task %s: downloading, %s", st->task_id, tail);
}

/* The line of the events that are not a status or a download: the text
 * around the task id. */
static const char *const *event_text(seedance_event ev)
{
    static const char *const submitted[] = { "submitted task ", "" };
    static const char *const attached[] = { "reusing task ", " (the same request as before; "
                                            "--new for a new one)" };
    static const char *const cached[] = { "using the cached clip of task ", "" };

    return ev == SEEDANCE_EV_SUBMITTED ? submitted : ev == SEEDANCE_EV_ATTACHED ? attached :
           ev == SEEDANCE_EV_CACHED ? cached : NULL;
}

static void text_event(cli *st, const seedance_progress *p)
{
    const char *const *text = event_text(p->event);

    if (p->event == SEEDANCE_EV_RETRY)
        return;     /* the library's log line says why, on the first retry of a request */
    if (text) {
        say(st, "%s%s%s", text[0], p->task_id, text[1]);
        if (p->event == SEEDANCE_EV_SUBMITTED && p->credits >= 0)
            say(st, "task %s: %.3f credits reserved", p->task_id, p->credits);
    } else if (p->event == SEEDANCE_EV_UPLOAD)
        say(st, "uploading an image (%" PRId64 " bytes)", p->size);
    else if (p->event == SEEDANCE_EV_COMPLETED)
        cli_line_end(st);   /* the status line stays, the download gets its own */
    else if (p->event == SEEDANCE_EV_DOWNLOAD)
        show_download(st, 0, p->size, -1);
    else if (p->task_id)
        show_status(st, p);     /* a query's reply, or the clock between two */
}

void cli_progress(void *opaque, const seedance_progress *p)
{
    cli *st = opaque;

    if (p->task_id && *p->task_id)
        snprintf(st->task_id, sizeof(st->task_id), "%s", p->task_id);
    if (p->event == SEEDANCE_EV_DOWNLOAD && st->download_start <= 0)
        st->download_start = cli_now();
    if (st->progress == CLI_PROGRESS_JSON)
        json_event(st, p);
    else if (st->progress != CLI_PROGRESS_NONE)
        text_event(st, p);
}

void cli_downloaded(cli *st, int64_t size, double seconds)
{
    cJSON *o;

    if ((o = cli_event_new(st, "download"))) {
        add_known(o, "size", (double)size);
        cJSON_AddNumberToObject(o, "received", (double)size);
        cJSON_AddNumberToObject(o, "bytes_per_second", seconds > 0 ? round(size / seconds) : 0);
        cli_event_send(st, o);
    } else if (st->progress != CLI_PROGRESS_NONE) {
        show_download(st, size, size, seconds > 0 ? (double)size / seconds : -1);
        cli_line_end(st);
    }
}

void cli_log(void *opaque, int level, const char *msg)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    cli *st = opaque;
    cJSON *o;

    if (level >= SEEDANCE_LOG_INFO && !st->verbose)
        return;
    if ((o = cli_event_new(st, "log"))) {
        cJSON_AddStringToObject(o, "level", names[level < 0 ? 0 : level > 3 ? 3 : level]);
        cJSON_AddStringToObject(o, "message", msg);
        cli_event_send(st, o);
        return;
    }
    say(st, "%s%s", level == SEEDANCE_LOG_ERROR ? "error: " :
        level == SEEDANCE_LOG_WARNING ? "warning: " : "", msg);
}

void cli_progress_start(cli *st)
{
    if (st->progress < 0)
        st->progress = st->json ? CLI_PROGRESS_JSON : CLI_PROGRESS_AUTO;
    if (st->progress == CLI_PROGRESS_AUTO)
        st->progress = isatty(STDERR_FILENO) ? CLI_PROGRESS_BAR : CLI_PROGRESS_LINES;
    st->last_line = -LINE_INTERVAL;
    seedance_client_set_progress(st->client, cli_progress, st);
    seedance_client_set_log(st->client, cli_log, st);
}
