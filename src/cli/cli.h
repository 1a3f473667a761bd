/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seedance command: shared state of its source files.
 *
 * The command is a table of commands (table.c): name, synopsis,
 * description, the option groups it takes. Everything else is made from
 * that table: the command line grammar (options.c, with the library's
 * options from seedance_options() and the command's own), the usage and
 * per-command help (help.c) and the dispatch (main.c) to the handlers
 * (commands.c). The table is data: it calls nothing, so the help made
 * from it never depends on the commands.
 * progress.c renders the library's progress events; output.c the results
 * and failures.
 */
#ifndef SEEDANCE_CLI_H
#define SEEDANCE_CLI_H

#include <signal.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "seedance.h"

/* Exit statuses. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,         /* the API, the network, the task or a local file */
    EXIT_USAGE = 2,        /* bad command line or invalid request: nothing sent */
    EXIT_INTERRUPTED = 130 /* SIGINT */
};

/* The option groups a command takes. */
enum {
    CLI_REQUEST = 0x01,    /* the request's fields, --new, -p */
    CLI_CLIENT  = 0x02,    /* the client's settings: cache, timeout, bases, key file */
    CLI_OUTPUT  = 0x04,    /* --json, --progress, -q, -v */
    CLI_FILE    = 0x08,    /* -o FILE */
    CLI_HELP    = 0x10,    /* -h (every command but those taking their arguments raw) */
    CLI_FILES   = 0x20     /* --delete ID */
};

/* What a command takes after its options. */
enum {
    CLI_ARGS_NONE,         /* nothing */
    CLI_ARGS_PROMPT,       /* the prompt's words */
    CLI_ARGS_TASK,         /* exactly one task id */
    CLI_ARGS_OPTIONAL,     /* at most one word (help's COMMAND) */
    CLI_ARGS_RAW           /* a program and its arguments, not parsed at all */
};

/* Where progress goes (stderr). */
enum {
    CLI_PROGRESS_AUTO,     /* a bar on a terminal, lines otherwise */
    CLI_PROGRESS_BAR,      /* one line redrawn in place */
    CLI_PROGRESS_LINES,    /* plain lines at a modest rate */
    CLI_PROGRESS_JSON,     /* one JSON object per event */
    CLI_PROGRESS_NONE
};

typedef struct cli cli;

/* The commands, each with a handler in commands.c. */
typedef enum cli_command_id {
    CLI_GENERATE,
    CLI_SUBMIT,
    CLI_COST,
    CLI_STATUS,
    CLI_WAIT,
    CLI_DOWNLOAD,
    CLI_CREDITS,
    CLI_FILES_COMMAND,
    CLI_LEDGER,
    CLI_RUN,
    CLI_HELP_COMMAND,
    CLI_COMMANDS
} cli_command_id;

typedef struct cli_command {
    const char *name;
    const char *synopsis;      /* what follows "seedance " */
    const char *description;   /* one paragraph; its first sentence is the summary */
    unsigned options;          /* CLI_REQUEST | CLI_CLIENT | ... */
    int args;                  /* CLI_ARGS_* */
    cli_command_id id;         /* its handler */
} cli_command;

/* A library option to set, in command-line order. */
typedef struct cli_setting {
    const char *name;
    const char *value;
    int add;                   /* a media option given again: added to its list */
} cli_setting;

struct cli {
    const cli_command *cmd;
    seedance_job *job;
    seedance_client *client;   /* the job's */
    int argc;                  /* what follows the options */
    char **argv;
    cli_setting *settings;     /* the library options given, in order */
    int nsettings;
    int have_prompt;           /* --prompt or -p given */
    int json;                  /* --json: machine-readable stdout */
    int progress;              /* CLI_PROGRESS_* (AUTO until resolved) */
    int verbose;               /* -v */
    const char *output;        /* -o FILE */
    const char **deletes;      /* --delete ID, in order */
    int ndeletes;
    char task_id[128];         /* the task in hand, for the resume hint */
    int printed;               /* a JSON document is already on stdout */
    /* progress.c */
    int shown;                 /* a redrawn line is on screen */
    char status[32];           /* the last status shown */
    double last_line;          /* when the last plain status line was written */
    double download_start;     /* when the download started, 0 if it did not */
};

extern volatile sig_atomic_t cli_interrupted;
/* main.c: the first SIGINT sets cli_interrupted, a second one ends the process. */
void cli_catch_sigint(void);

/* A function's "go on": neither an exit status nor a failure. */
#define CLI_GO_ON (-1)

/* table.c: the table, ended by an entry with name NULL. */
extern const cli_command cli_commands[];
const cli_command *cli_command_find(const char *name);

/* commands.c: run the handler of st->cmd (its options applied to st->job
 * and its arguments checked, or CLI_ARGS_RAW). Its exit status. */
int cli_command_run(cli *st);

/* options.c */
/* Parse argv (argv[0] is the command): CLI_GO_ON, or the exit status when
 * the help was shown or the command line is wrong. */
int cli_parse(cli *st, int argc, char **argv);
/* Set the options and arguments on st->job: EXIT_OK or the failure's status. */
int cli_apply(cli *st);
/* The options of the groups, a section each, through cli_help_line(). */
void cli_print_options(unsigned groups);
/* "seedance: MESSAGE" and where the help is on stderr; EXIT_USAGE. st may be NULL. */
int cli_usage_error(const cli *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* help.c */
int cli_help(const char *command);      /* NULL: the usage; an exit status */
int cli_unknown_command(const char *name);
void cli_help_line(const char *lead, const char *text);  /* one option of the help */

/* output.c */
int cli_fail(cli *st, const seedance_error *e);  /* reports it; the exit status */
int cli_save(cli *st, seedance_stream *s);       /* to st->output; closes s */
int cli_to_stdout(const cli *st);                /* -o -: the video on standard output */
void cli_print_task(cli *st, const seedance_task *t);
void cli_print(cli *st, const char *text);       /* one line on stdout */

/* progress.c */
void cli_progress_start(cli *st);   /* the mode, the progress and log callbacks */
void cli_progress(void *opaque, const seedance_progress *p);
void cli_log(void *opaque, int level, const char *msg);
void cli_line_end(cli *st);         /* end a redrawn line before other output */
/* The download ended: size bytes in seconds (< 0: from the cache). */
void cli_downloaded(cli *st, int64_t size, double seconds);
/* "12.3 MB" */
void cli_bytes_text(char *buf, size_t size, double bytes);
double cli_now(void);
/* A JSON event in CLI_PROGRESS_JSON mode: {"event", "task_id"} to add
 * members to, NULL in the other modes (cJSON_Add* do nothing on NULL). */
cJSON *cli_event_new(cli *st, const char *event);
void cli_event_send(cli *st, cJSON *ev);   /* one line on stderr; frees ev */

/* run.c */
int cli_run(int argc, char **argv);    /* argv[0] is the program */

/* Give a client the media probe of the system's libavformat (probe.c); the
 * command's client, with libavformat's own lines quiet unless -v. */
void cli_probe(seedance_client *c);
void cli_probe_setup(cli *st);

/* ahead.c: submit the seedance: URLs of the program's arguments before it
 * starts (all at once), and with wait also wait for their tasks, showing
 * the progress; EXIT_OK, or the exit status after the message. */
int cli_run_ahead(int argc, char **argv, int wait);

/* ledger.c: the ledger command's handler */
int cli_ledger(cli *st);

#endif
