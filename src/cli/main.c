/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance: generate Seedance 2.0 videos from the command line.
 *
 *   seedance COMMAND [options] [arguments]
 *
 * The commands are those of the table in commands.c. The API key comes
 * from SEEDANCE_API_KEY / EVOLINK_API_KEY or from --api-key-file, never
 * from the command line (other users could read it in the process list).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    cli_interrupted = 1;
    signal(SIGINT, SIG_DFL);   /* a second Ctrl-C ends the process at once */
}

void cli_catch_sigint(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

static int interrupt_cb(void *opaque)
{
    (void)opaque;
    return cli_interrupted;
}

static int is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* A command that talks to the API: a job with the options applied. */
static int run_job(cli *st)
{
    int rc;

    if (!(st->job = seedance_job_new())) {
        fputs("seedance: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    st->client = seedance_job_client(st->job);
    cli_progress_start(st);
    cli_probe_setup(st);
    seedance_client_set_interrupt(st->client, interrupt_cb, NULL);
    if ((rc = cli_apply(st)) == EXIT_OK) {
        cli_catch_sigint();
        /* A file size limit (ulimit -f) fails the write that reaches it
         * with EFBIG, reported like a full disk, instead of ending the
         * process: the kept part of a download stays resumable. */
        signal(SIGXFSZ, SIG_IGN);
        rc = cli_command_run(st);
    }
    cli_line_end(st);
    seedance_job_free(st->job);
    return rc;
}

/* argv[0] is the command's name. */
static int run_command(const cli_command *c, int argc, char **argv)
{
    cli st;
    int rc;

    memset(&st, 0, sizeof(st));
    st.cmd = c;
    st.progress = -1;          /* not given */
    if (c->args == CLI_ARGS_RAW) {
        /* the arguments belong to the program: only its name is checked */
        if (argc < 2)
            return cli_usage_error(&st, "%s needs a PROGRAM", c->name);
        if (is_help(argv[1]))
            return cli_help(c->name);
        st.argc = argc - 1;
        st.argv = argv + 1;
        return cli_command_run(&st);
    }
    rc = cli_parse(&st, argc, argv);
    if (rc == CLI_GO_ON)
        rc = (c->options & CLI_CLIENT) ? run_job(&st) : cli_command_run(&st);
    free(st.settings);
    free(st.deletes);
    return rc;
}

int main(int argc, char **argv)
{
    const cli_command *c;
    int rc;

    if (argc < 2)
        return cli_usage_error(NULL, "no command given");
    if (is_help(argv[1]))
        return cli_help(NULL);
    if (!strcmp(argv[1], "--version")) {
        puts("seedance " SEEDANCE_VERSION);
        return EXIT_OK;
    }
    if (!(c = cli_command_find(argv[1])))
        return cli_unknown_command(argv[1]);
    rc = run_command(c, argc - 1, argv + 1);
    fflush(stdout);
    return rc;
}
