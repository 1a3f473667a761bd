/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance run: not part of this build yet.
 */
#include <stdio.h>

#include "cli.h"

int cli_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("seedance run: not built\n", stderr);
    return EXIT_FAIL;
}
