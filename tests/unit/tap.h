/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny TAP producer for the C unit tests.
 *
 *   OK(cond, "what %d", x);   prints "ok N - what" or "not ok N - what"
 *   return done_testing();    prints the plan, 0 when all passed
 */
#ifndef SEEDANCE_TAP_H
#define SEEDANCE_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define OK(cond, ...)                                                   \
    do {                                                                \
        int tap_ok_ = !!(cond);                                         \
        tap_n++;                                                        \
        if (!tap_ok_)                                                   \
            tap_failed++;                                               \
        printf("%sok %d - ", tap_ok_ ? "" : "not ", tap_n);             \
        printf(__VA_ARGS__);                                            \
        printf("\n");                                                   \
        if (!tap_ok_)                                                   \
            printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        fflush(stdout);                                                 \
    } while (0)

static inline int done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
