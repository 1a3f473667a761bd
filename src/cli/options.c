/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command line of a command: the library's options (seedance_options(),
 * --NAME with '-' or '_') of the groups the command takes, and the
 * command's own options. Library options are kept in command-line order
 * and set with seedance_job_set(), so that every front end reads the same
 * names with the same grammar and the same messages.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { KEY_SET, KEY_OUTPUT, KEY_JSON, KEY_PROGRESS, KEY_QUIET, KEY_VERBOSE, KEY_HELP,
       KEY_DELETE };

/* The command's own options, and its shorthands for library options. */
typedef struct own_option {
    const char *name;      /* --NAME, NULL: a letter only */
    int letter;            /* -L, 0: none */
    const char *arg;       /* its value in the help, NULL: takes none */
    unsigned group;
    int key;
    const char *sets;      /* KEY_SET: the library option it sets */
    const char *value;     /* KEY_SET: the value it sets, NULL: its argument */
    const char *help;
} own_option;

static const own_option own[] = {
    { NULL, 'p', "PROMPT", CLI_REQUEST, KEY_SET, "prompt", NULL, "the same as --prompt" },
    { "new", 0, NULL, CLI_REQUEST, KEY_SET, "new_generation", "1",
      "the same as --new-generation 1" },
    { "no-cache", 0, NULL, CLI_CLIENT, KEY_SET, "cache", "0", "the same as --cache 0" },
    { "output", 'o', "FILE", CLI_FILE, KEY_OUTPUT, NULL, NULL,
      "where to write the video (a temporary file renamed when complete)" },
    { "json", 0, NULL, CLI_OUTPUT, KEY_JSON, NULL, NULL,
      "machine-readable: one JSON document on stdout, and JSON progress events on stderr "
      "unless --progress says otherwise" },
    { "progress", 0, "MODE", CLI_OUTPUT, KEY_PROGRESS, NULL, NULL,
      "progress on stderr: auto (a bar on a terminal, else lines), bar, lines, json (one "
      "object per event) or none (default auto)" },
    { "quiet", 'q', NULL, CLI_OUTPUT, KEY_QUIET, NULL, NULL,
      "no progress (the same as --progress none)" },
    { "verbose", 'v', NULL, CLI_OUTPUT, KEY_VERBOSE, NULL, NULL, "more log lines" },
    { "delete", 0, "ID", CLI_FILES, KEY_DELETE, NULL, NULL,
      "delete this file of the Files API, freeing its slot of the quota (repeatable)" },
    { "help", 'h', NULL, CLI_HELP, KEY_HELP, NULL, NULL, "this help" },
};
#define NOWN (int)(sizeof(own) / sizeof(own[0]))

/* getopt values: library options and own options by index. */
#define LIB_KEY 0x1000
#define OWN_KEY 0x2000

static const char *const progress_modes[] = { "auto", "bar", "lines", "json", "none", NULL };

/* The group of a library option; 0: the command does not take it. */
static unsigned library_group(const seedance_option *o)
{
    if (o->id == SEEDANCE_OPTION_TASK)
        return 0;   /* the commands take a task id as their argument */
    if ((o->flags & SEEDANCE_OPT_REQUEST) || o->id == SEEDANCE_OPTION_NEW_GENERATION)
        return CLI_REQUEST;
    return CLI_CLIENT;
}

int cli_usage_error(const cli *st, const char *fmt, ...)
{
    va_list ap;

    fputs("seedance: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (st)
        fprintf(stderr, "\n(seedance help %s for its options)\n", st->cmd->name);
    else
        fputs("\n(seedance --help for the commands)\n", stderr);
    return EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* The grammar of a command                                           */

typedef struct grammar {
    struct option *longs;
    char (*spelling)[40];  /* the other spelling of longs[i].name, '-' for '_' */
    char shorts[32];
    int n;
} grammar;

static void add_long(grammar *g, const char *name, int has_arg, int val)
{
    char *alt = g->spelling[g->n];

    g->longs[g->n++] = (struct option){ name, has_arg, NULL, val };
    if (!strpbrk(name, "-_") || strlen(name) >= sizeof(g->spelling[0]))
        return;
    for (size_t i = 0; name[i]; i++)
        alt[i] = name[i] == '_' ? '-' : name[i] == '-' ? '_' : name[i];
    alt[strlen(name)] = '\0';
    g->longs[g->n++] = (struct option){ alt, has_arg, NULL, val };
}

static int grammar_init(grammar *g, unsigned groups)
{
    const seedance_option *lib = seedance_options();
    int nlib = 0, len = 1;

    while (lib[nlib].name)
        nlib++;
    memset(g, 0, sizeof(*g));
    g->longs = calloc((size_t)(2 * (nlib + NOWN) + 1), sizeof(*g->longs));
    g->spelling = calloc((size_t)(2 * (nlib + NOWN) + 1), sizeof(*g->spelling));
    if (!g->longs || !g->spelling)
        return -1;
    g->shorts[0] = ':';    /* ':' for a missing value */
    for (int i = 0; i < nlib; i++)
        if (library_group(&lib[i]) & groups)
            add_long(g, lib[i].name, required_argument, LIB_KEY + i);
    for (int i = 0; i < NOWN; i++) {
        if (!(own[i].group & groups))
            continue;
        if (own[i].name)
            add_long(g, own[i].name, own[i].arg ? required_argument : no_argument, OWN_KEY + i);
        if (own[i].letter) {
            g->shorts[len++] = (char)own[i].letter;
            if (own[i].arg)
                g->shorts[len++] = ':';
        }
    }
    return 0;
}

static void grammar_free(grammar *g)
{
    free(g->longs);
    free(g->spelling);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */

/* A library option; a media option given again adds to its list. */
static int take_library(cli *st, const seedance_option *o, const char *value)
{
    int again = 0;

    for (int i = 0; i < st->nsettings; i++)
        again |= !strcmp(st->settings[i].name, o->name);
    if (o->id == SEEDANCE_OPTION_PROMPT)
        st->have_prompt = 1;
    st->settings[st->nsettings++] = (cli_setting){ o->name, value,
                                                   again && (o->flags & SEEDANCE_OPT_MEDIA) };
    return CLI_GO_ON;
}

static int take_progress(cli *st, const char *value)
{
    for (int i = 0; progress_modes[i]; i++)
        if (!strcmp(value, progress_modes[i])) {
            st->progress = i;
            return CLI_GO_ON;
        }
    return cli_usage_error(st, "progress: '%s' is not a progress mode: allowed auto, bar, "
                           "lines, json, none", value);
}

static int take_own(cli *st, const own_option *o, const char *value)
{
    switch (o->key) {
    case KEY_SET:      return take_library(st, seedance_option_find(o->sets),
                                           o->value ? o->value : value);
    case KEY_OUTPUT:   st->output = value; break;
    case KEY_JSON:     st->json = 1; break;
    case KEY_PROGRESS: return take_progress(st, value);
    case KEY_QUIET:    st->progress = CLI_PROGRESS_NONE; break;
    case KEY_VERBOSE:  st->verbose = 1; break;
    case KEY_HELP:     return cli_help(st->cmd->name);
    case KEY_DELETE:   st->deletes[st->ndeletes++] = value; break;
    }
    return CLI_GO_ON;
}

/* An option getopt does not know: named without a value after '=' (which
 * may be a mistyped option's secret). */
static int unknown(const cli *st, char **argv)
{
    char name[64];

    if (optopt)
        snprintf(name, sizeof(name), "-%c", optopt);
    else
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                 argv[optind - 1]);
    if (!strncmp(name, "--", 2) && seedance_option_find(name + 2))
        return cli_usage_error(st, "%s takes no option %s", st->cmd->name, name);
    return cli_usage_error(st, "unknown option '%s'", name);
}

static int take(cli *st, int o, char **argv)
{
    char name[64];

    if (o >= OWN_KEY)
        return take_own(st, &own[o - OWN_KEY], optarg);
    if (o >= LIB_KEY)
        return take_library(st, &seedance_options()[o - LIB_KEY], optarg);
    if (o == ':') {
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                 argv[optind - 1]);
        return cli_usage_error(st, "option '%s' needs a value", name);
    }
    for (int i = 0; i < NOWN; i++)
        if (o == own[i].letter)
            return take_own(st, &own[i], optarg);
    return unknown(st, argv);
}

/* What follows the options, as the command takes it. */
static int check_arguments(cli *st)
{
    const cli_command *c = st->cmd;

    if (c->args == CLI_ARGS_NONE && st->argc > 0)
        return cli_usage_error(st, "%s takes no argument (got '%s')", c->name, st->argv[0]);
    if (c->args == CLI_ARGS_OPTIONAL && st->argc > 1)
        return cli_usage_error(st, "%s takes one argument at most (got '%s')", c->name,
                               st->argv[1]);
    if (c->args == CLI_ARGS_TASK && st->argc != 1)
        return cli_usage_error(st, "%s needs exactly one task id", c->name);
    if (c->args == CLI_ARGS_PROMPT && st->argc > 0 && st->have_prompt)
        return cli_usage_error(st, "the prompt is given twice (--prompt and '%s')",
                               st->argv[0]);
    if ((c->options & CLI_FILE) && !st->output)
        return cli_usage_error(st, "%s needs -o FILE (where to write the video)", c->name);
    return CLI_GO_ON;
}

int cli_parse(cli *st, int argc, char **argv)
{
    grammar g;
    int o, rc = CLI_GO_ON;

    if (grammar_init(&g, st->cmd->options) < 0 ||
        !(st->settings = calloc((size_t)argc, sizeof(*st->settings))) ||
        !(st->deletes = calloc((size_t)argc, sizeof(*st->deletes)))) {
        grammar_free(&g);
        fputs("seedance: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    optind = 1;
    opterr = 0;
    while (rc == CLI_GO_ON && (o = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1)
        rc = take(st, o, argv);
    grammar_free(&g);
    if (rc != CLI_GO_ON)
        return rc;
    st->argc = argc - optind;
    st->argv = argv + optind;
    return check_arguments(st);
}

/* ------------------------------------------------------------------ */
/* Applying                                                           */

/* The prompt's words, joined by spaces. */
static int set_prompt_words(cli *st)
{
    size_t len = 1;
    char *prompt;
    int rc;

    for (int i = 0; i < st->argc; i++)
        len += strlen(st->argv[i]) + 1;
    if (!(prompt = calloc(1, len)))
        return SEEDANCE_E_NOMEM;
    for (int i = 0; i < st->argc; i++) {
        if (i)
            strcat(prompt, " ");
        strcat(prompt, st->argv[i]);
    }
    rc = seedance_job_set(st->job, "prompt", prompt, SEEDANCE_FROM_COMMAND_LINE);
    free(prompt);
    return rc;
}

int cli_apply(cli *st)
{
    int rc = seedance_job_set_env(st->job);

    for (int i = 0; !rc && i < st->nsettings; i++)
        rc = (st->settings[i].add ? seedance_job_add : seedance_job_set)(
            st->job, st->settings[i].name, st->settings[i].value, SEEDANCE_FROM_COMMAND_LINE);
    if (!rc && st->cmd->args == CLI_ARGS_PROMPT && st->argc > 0)
        rc = set_prompt_words(st);
    if (!rc && st->cmd->args == CLI_ARGS_TASK) {
        snprintf(st->task_id, sizeof(st->task_id), "%s", st->argv[0]);
        rc = seedance_job_set(st->job, "task", st->argv[0], SEEDANCE_FROM_COMMAND_LINE);
    }
    if (rc == SEEDANCE_E_NOMEM) {
        fputs("seedance: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    return rc ? cli_fail(st, seedance_last_error(st->client)) : EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Help                                                               */

/* "--aspect-ratio RATIO": the value named by the last word of the name. */
static void library_lead(const seedance_option *o, char *buf, size_t size)
{
    const char *word = strrchr(o->name, '_') ? strrchr(o->name, '_') + 1 : o->name;
    int n = snprintf(buf, size, "  --");

    for (const char *p = o->name; *p && (size_t)n + 1 < size; p++)
        buf[n++] = *p == '_' ? '-' : *p;
    n += snprintf(buf + n, size - (size_t)n, " ");
    if (o->flags & SEEDANCE_OPT_BOOL)
        word = "bool";
    for (const char *p = word; *p && (size_t)n + 1 < size; p++)
        buf[n++] = (char)toupper((unsigned char)*p);
    buf[n] = '\0';
}

static void own_lead(const own_option *o, char *buf, size_t size)
{
    char letter[8] = "";

    if (o->letter)
        snprintf(letter, sizeof(letter), "-%c%s", o->letter, o->name ? ", " : "");
    snprintf(buf, size, "  %s%s%s%s%s", letter, o->name ? "--" : "", o->name ? o->name : "",
             o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_group(unsigned group, const char *title)
{
    char lead[64];

    puts(title);
    for (const seedance_option *o = seedance_options(); o->name; o++)
        if ((library_group(o) & group) && !(o->flags & SEEDANCE_OPT_SECRET)) {
            library_lead(o, lead, sizeof(lead));
            cli_help_line(lead, o->help);
        }
    for (int i = 0; i < NOWN; i++)
        if (own[i].group & group) {
            own_lead(&own[i], lead, sizeof(lead));
            cli_help_line(lead, own[i].help);
        }
}

void cli_print_options(unsigned groups)
{
    if (groups & CLI_REQUEST)
        print_group(CLI_REQUEST, "\nRequest options (the API's field names; '-' and '_' "
                    "alike):");
    if (groups & CLI_CLIENT)
        print_group(CLI_CLIENT, "\nClient options:");
    if (groups & CLI_FILES)
        print_group(CLI_FILES, "\nFiles options:");
    if (groups & (CLI_OUTPUT | CLI_FILE | CLI_HELP))
        print_group(groups & (CLI_OUTPUT | CLI_FILE | CLI_HELP), "\nOutput options:");
}
