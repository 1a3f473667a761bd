/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance ledger [PERIOD]: the submits the journal recorded in a period
 * (local time): who, when, what, what it was estimated at and what was
 * reserved, how it ended, and the totals. A table, or one JSON document.
 *
 * PERIOD: today (the default), yesterday, week (the last 7 days), month
 * (this calendar month), all, YYYY-MM-DD, YYYY-MM, or FIRST..LAST of those
 * dates and months (both included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define FAR_FUTURE ((int64_t)1 << 40)

/* Local midnight of day (1-based; may overflow into the next month) of month of year. */
static int64_t midnight(int year, int month, int day)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* One date or month of a period, or a word: [*from, *to). 0, or -1. */
static int one_period(const char *s, size_t n, int64_t *from, int64_t *to)
{
    time_t now = time(NULL);
    struct tm today;
    char word[16];
    int y, m, d, used = 0;

    localtime_r(&now, &today);
    y = today.tm_year + 1900;
    m = today.tm_mon + 1;
    d = today.tm_mday;
    if (n >= sizeof(word))
        return -1;
    memcpy(word, s, n);
    word[n] = '\0';
    if (!strcmp(word, "today") || !strcmp(word, "week")) {
        *from = midnight(y, m, word[0] == 'w' ? d - 6 : d);
        *to = midnight(y, m, d + 1);
        return 0;
    }
    if (!strcmp(word, "yesterday")) {
        *from = midnight(y, m, d - 1);
        *to = midnight(y, m, d);
        return 0;
    }
    if (!strcmp(word, "month")) {
        *from = midnight(y, m, 1);
        *to = midnight(y, m + 1, 1);
        return 0;
    }
    if (sscanf(word, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && (size_t)used == n &&
        n == 10 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        *from = midnight(y, m, d);
        *to = midnight(y, m, d + 1);
        return 0;
    }
    if (sscanf(word, "%4d-%2d%n", &y, &m, &used) == 2 && (size_t)used == n && n == 7 &&
        m >= 1 && m <= 12) {
        *from = midnight(y, m, 1);
        *to = midnight(y, m + 1, 1);
        return 0;
    }
    return -1;
}

static int parse_period(const char *s, int64_t *from, int64_t *to)
{
    const char *dots = strstr(s, "..");
    int64_t f2, t2;

    if (!strcmp(s, "all")) {
        *from = 0;
        *to = FAR_FUTURE;
        return 0;
    }
    if (!dots)
        return one_period(s, strlen(s), from, to);
    if (one_period(s, (size_t)(dots - s), from, &t2) ||
        one_period(dots + 2, strlen(dots + 2), &f2, to) || *to <= *from)
        return -1;
    return 0;
}

static void time_text(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t <= 0 || t >= FAR_FUTURE || !localtime_r(&tt, &tm))
        snprintf(buf, size, "-");
    else
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* A credit amount, or "-" when unknown. */
static const char *credits_text(double v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.3f", v);
    return buf;
}

static void print_table(const seedance_ledger *l, const char *from, const char *to)
{
    char when[32], who[330], dur[16], est[32], cr[32], est2[32];

    printf("%s, %s to %s\n", l->journal, from, to);
    if (l->count)
        printf("%-19s  %-24s  %-32s %4s %-5s %10s %10s  %-10s  %s\n", "SUBMITTED", "WHO",
               "MODEL", "DUR", "QUAL", "ESTIMATE", "CREDITS", "STATE", "TASK");
    for (size_t i = 0; i < l->count; i++) {
        const seedance_ledger_entry *x = &l->entries[i];

        time_text(x->time, when, sizeof(when));
        snprintf(who, sizeof(who), "%s@%s", *x->user ? x->user : "-",
                 *x->host ? x->host : "-");
        snprintf(dur, sizeof(dur), x->duration >= 0 ? "%ds" : "-", x->duration);
        printf("%-19s  %-24s  %-32s %4s %-5s %10s %10s  %-10s  %s\n", when, who,
               *x->model ? x->model : "-", dur, *x->quality ? x->quality : "-",
               credits_text(x->estimate, est, sizeof(est)),
               credits_text(x->credits, cr, sizeof(cr)), x->state,
               *x->task_id ? x->task_id : "-");
    }
    printf("paid: %d task%s, %.3f credits reserved", l->paid, l->paid == 1 ? "" : "s",
           l->credits);
    if (l->unpriced)
        printf(" (%d without reserved credits)", l->unpriced);
    printf(", estimated %.3f\n", l->estimate);
    printf("refunded: %d; uncertain: %d", l->refunded, l->uncertain);
    if (l->uncertain)
        printf(" (estimated %s credits, may have been paid: look for them at %s)",
               credits_text(l->uncertain_estimate, est2, sizeof(est2)),
               SEEDANCE_DASHBOARD_URL);
    putchar('\n');
}

static void add_number(cJSON *o, const char *name, double v)
{
    if (v < 0)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, v);
}

static void add_time(cJSON *o, const char *name, int64_t t)
{
    char text[32];

    time_text(t, text, sizeof(text));
    if (t > 0 && t < FAR_FUTURE)
        cJSON_AddStringToObject(o, name, text);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *ledger_json(const seedance_ledger *l, int64_t from, int64_t to)
{
    const struct { const char *name; double value; } totals[] = {
        { "paid", l->paid }, { "credits", l->credits }, { "unpriced", l->unpriced },
        { "estimate", l->estimate }, { "refunded", l->refunded },
        { "uncertain", l->uncertain }, { "uncertain_estimate", l->uncertain_estimate },
    };
    cJSON *o = cJSON_CreateObject(), *v, *t;

    cJSON_AddStringToObject(o, "journal", l->journal);
    add_time(o, "from", from);
    add_time(o, "to", to);
    v = cJSON_AddArrayToObject(o, "entries");
    for (size_t i = 0; i < l->count; i++) {
        const seedance_ledger_entry *x = &l->entries[i];
        cJSON *e = cJSON_CreateObject();

        add_time(e, "submitted", x->time);
        cJSON_AddNumberToObject(e, "submitted_unix", (double)x->time);
        cJSON_AddStringToObject(e, "user", x->user);
        cJSON_AddStringToObject(e, "host", x->host);
        cJSON_AddStringToObject(e, "role", x->role);
        if (*x->task_id)
            cJSON_AddStringToObject(e, "task_id", x->task_id);
        else
            cJSON_AddNullToObject(e, "task_id");
        cJSON_AddStringToObject(e, "model", x->model);
        add_number(e, "duration", x->duration);
        cJSON_AddStringToObject(e, "quality", x->quality);
        add_number(e, "estimate", x->estimate);
        add_number(e, "credits", x->credits);
        cJSON_AddStringToObject(e, "state", x->state);
        add_time(e, "ended", x->ended);
        cJSON_AddItemToArray(v, e);
    }
    t = cJSON_AddObjectToObject(o, "totals");
    for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++)
        cJSON_AddNumberToObject(t, totals[i].name, totals[i].value);
    return o;
}

int cli_ledger(cli *st)
{
    const char *period = st->argc ? st->argv[0] : "today";
    char from_text[32], to_text[32], *doc;
    int64_t from, to;
    seedance_ledger *l;
    cJSON *o;

    if (parse_period(period, &from, &to))
        return cli_usage_error(st, "ledger: '%s' is not a period: allowed today, yesterday, "
                               "week, month, all, YYYY-MM-DD, YYYY-MM, or FIRST..LAST of "
                               "those dates and months", period);
    if (seedance_ledger_read(st->client, from, to, &l))
        return cli_fail(st, seedance_last_error(st->client));
    cli_line_end(st);
    if (st->json) {
        o = ledger_json(l, from, to);
        if ((doc = o ? cJSON_PrintUnformatted(o) : NULL))
            cli_print(st, doc);
        free(doc);
        cJSON_Delete(o);
    } else {
        time_text(from, from_text, sizeof(from_text));
        time_text(to, to_text, sizeof(to_text));
        print_table(l, from > 0 ? from_text : "the beginning",
                    to < FAR_FUTURE ? to_text : "now");
    }
    seedance_ledger_free(l);
    cli_event_send(st, cli_event_new(st, "done"));
    return EXIT_OK;
}
