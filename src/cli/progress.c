/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Progress and log output of the seedance command, on stderr: a bar that
 * redraws itself on a terminal, one plain line per event otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define BAR_WIDTH 30

void cli_bar_end(cli *st)
{
    if (st->bar_shown) {
        fputs("\n", stderr);
        st->bar_shown = 0;
    }
}

static void line(cli *st, const char *fmt, const char *a, const char *b)
{
    cli_bar_end(st);
    fprintf(stderr, "seedance: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static void show_poll(cli *st, const seedance_progress *p)
{
    char eta[48] = "";

    if (p->estimated_time >= 0)
        snprintf(eta, sizeof(eta), ", about %d s left", p->estimated_time);
    if (st->tty) {
        int pct = p->progress >= 0 ? p->progress : 0, fill = pct * BAR_WIDTH / 100;
        char bar[BAR_WIDTH + 1];

        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
        bar[BAR_WIDTH] = '\0';
        fprintf(stderr, "\r\033[K[%s] %3d%% %s%s (%.0f s)", bar, pct,
                p->status ? p->status : "?", eta, p->elapsed);
        st->bar_shown = 1;
    } else {
        cli_bar_end(st);
        if (p->progress >= 0)
            fprintf(stderr, "seedance: task %s: %s, %d%%%s\n", p->task_id,
                    p->status ? p->status : "?", p->progress, eta);
        else
            fprintf(stderr, "seedance: task %s: %s%s\n", p->task_id,
                    p->status ? p->status : "?", eta);
    }
    fflush(stderr);
}

void cli_progress(void *opaque, const seedance_progress *p)
{
    cli *st = opaque;
    char num[64];

    if (p->task_id && *p->task_id)
        snprintf(st->task_id, sizeof(st->task_id), "%s", p->task_id);
    if (st->quiet)
        return;
    switch (p->event) {
    case SEEDANCE_EV_SUBMITTED:
        line(st, "submitted task %s%s", p->task_id, "");
        break;
    case SEEDANCE_EV_ATTACHED:
        line(st, "reusing task %s%s", p->task_id, " (same request as before; --new for a new one)");
        break;
    case SEEDANCE_EV_POLL:
        show_poll(st, p);
        break;
    case SEEDANCE_EV_RETRY:
        snprintf(num, sizeof(num), "%.1f", p->next_poll);
        line(st, "temporary failure, retrying in %s s%s", num, "");
        break;
    case SEEDANCE_EV_COMPLETED:
        line(st, "task %s completed%s", p->task_id, "");
        break;
    case SEEDANCE_EV_DOWNLOAD:
        if (p->size >= 0) {
            snprintf(num, sizeof(num), " (%" PRId64 " bytes)", p->size);
            line(st, "downloading the result of %s%s", p->task_id ? p->task_id : "", num);
        } else {
            line(st, "downloading the result of %s%s", p->task_id ? p->task_id : "", "");
        }
        break;
    case SEEDANCE_EV_CACHED:
        line(st, "using the cached clip of task %s%s", p->task_id ? p->task_id : "", "");
        break;
    case SEEDANCE_EV_UPLOAD:
        line(st, "uploading an image%s%s", "", "");
        break;
    case SEEDANCE_EV_TICK:
        break;
    }
}

void cli_log(void *opaque, int level, const char *msg)
{
    cli *st = opaque;

    if (level >= SEEDANCE_LOG_INFO && !st->verbose)
        return;
    cli_bar_end(st);
    fprintf(stderr, "seedance: %s%s\n", level == SEEDANCE_LOG_ERROR ? "error: " :
            level == SEEDANCE_LOG_WARNING ? "warning: " : "", msg);
}
