/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seedance command: shared state of its source files.
 */
#ifndef SEEDANCE_CLI_H
#define SEEDANCE_CLI_H

#include <signal.h>

#include "seedance.h"

/* Exit statuses. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,         /* the API, the network, the task or a local file */
    EXIT_USAGE = 2,        /* bad command line or invalid request: nothing sent */
    EXIT_INTERRUPTED = 130 /* SIGINT */
};

typedef struct cli {
    const char *command;
    int json;              /* --json: machine-readable stdout */
    int quiet;             /* -q: no progress */
    int verbose;           /* -v: informational log lines */
    int tty;               /* stderr is a terminal: a progress bar */
    const char *output;    /* -o FILE */
    char task_id[128];     /* the task in hand, for the resume hint */
    int bar_shown;         /* a progress bar line is on screen */
    int printed;           /* a JSON document is already on stdout */
} cli;

extern volatile sig_atomic_t cli_interrupted;

/* progress.c */
void cli_progress(void *opaque, const seedance_progress *p);
void cli_log(void *opaque, int level, const char *msg);
void cli_bar_end(cli *st);

#endif
