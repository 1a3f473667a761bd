/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The help of seedance, made from the command table: the usage (the
 * commands, each with the first sentence of its description) and the help
 * of one command (its synopsis, description and options).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define WIDTH 79          /* the help fits an 80-column terminal */
#define OPTION_COLUMN 26  /* where the help of an option starts */

/* Text from column col (where the cursor is), wrapped at WIDTH with the
 * next lines indented to indent. */
static void wrap(const char *text, int col, int indent)
{
    for (int first = 1; *text; first = 0) {
        int n = (int)strcspn(text, " ");

        if (!first && col + 1 + n > WIDTH) {
            printf("\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        printf("%.*s", n, text);
        col += n;
        text += n;
        text += strspn(text, " ");
    }
    putchar('\n');
}

void cli_help_line(const char *lead, const char *text)
{
    int n = (int)strlen(lead);

    fputs(lead, stdout);
    if (n + 1 >= OPTION_COLUMN) {
        putchar('\n');
        n = 0;
    }
    printf("%*s", OPTION_COLUMN - n, "");
    wrap(text, OPTION_COLUMN, OPTION_COLUMN);
}

static int usage(void)
{
    puts("usage: seedance COMMAND [options] [arguments]\n\nCommands:");
    for (const cli_command *c = cli_commands; c->name; c++) {
        const char *end = strstr(c->description, ". ");
        char summary[256];

        snprintf(summary, sizeof(summary), "%.*s.",
                 (int)(end ? (size_t)(end - c->description) : strlen(c->description) - 1),
                 c->description);
        printf("  %-10s", c->name);
        wrap(summary, 12, 12);
    }
    puts("\nseedance help COMMAND (or seedance COMMAND --help) prints the synopsis,\n"
         "description and options of a command.\n"
         "\n"
         "--tier (standard, fast, mini; default fast) and --mode (text, image,\n"
         "reference; default from the inputs) name one of the nine Seedance 2.0\n"
         "models; seedance cost prints a request and its price without paying.\n"
         "\n"
         "The API key comes from SEEDANCE_API_KEY (else EVOLINK_API_KEY) or from\n"
         "--api-key-file, never from the command line.\n"
         "\n"
         "Exit status: 0 done, 1 failed, 2 bad usage or invalid request (nothing sent),\n"
         "130 interrupted (the task goes on; its id is printed).");
    return EXIT_OK;
}

static int command_help(const cli_command *c)
{
    printf("usage: seedance %s\n\n", c->synopsis);
    wrap(c->description, 0, 0);
    cli_print_options(c->options);
    return EXIT_OK;
}

int cli_unknown_command(const char *name)
{
    char names[256] = "";

    for (const cli_command *c = cli_commands; c->name; c++) {
        size_t n = strlen(names);
        snprintf(names + n, sizeof(names) - n, "%s%s",
                 c == cli_commands ? "" : c[1].name ? ", " : " or ", c->name);
    }
    return cli_usage_error(NULL, "unknown command '%s': expected %s", name, names);
}

int cli_help(const char *command)
{
    const cli_command *c = cli_command_find(command);

    if (command && !c)
        return cli_unknown_command(command);
    return c ? command_help(c) : usage();
}
