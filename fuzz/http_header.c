/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Header lines of API replies: sd_http_header(), the library's header
 * callback, on a line exactly as long as libcurl hands it (no NUL after
 * it: reading past its length is caught), then the Retry-After value it
 * keeps through sd_retry_after_parse().
 *
 * Input: one byte (size of the Retry-After buffer, 1..128), then the line
 * (cut after its first newline, as libcurl delivers lines).
 * Checks: the value kept is NUL-terminated inside its buffer and trimmed;
 * only a Retry-After line sets it; only "idempotency-replayed: true" (any
 * case, blanks around) sets replayed; the delay is -1 or within
 * 0..SD_RETRY_AFTER_MAX.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "api.h"

/* Does line[0..len) start with name (any case)? */
static int is_header(const uint8_t *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len >= n && !strncasecmp((const char *)line, name, n);
}

/* The oracle for replayed: the trimmed value is "true". */
static int says_true(const uint8_t *line, size_t len)
{
    size_t a = 21, b = len;

    while (a < b && (line[a] == ' ' || line[a] == '\t'))
        a++;
    while (b > a && isspace(line[b - 1]))
        b--;
    return b - a == 4 && !strncasecmp((const char *)line + a, "true", 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *ra;
    size_t cap, n;
    uint8_t *line;
    int replayed = 0;
    double d;

    if (size < 1)
        return 0;
    cap = 1 + data[0] % 128;
    n = size - 1;
    /* libcurl hands over one line at a time: up to its first newline */
    if (memchr(data + 1, '\n', n))
        n = (size_t)((const uint8_t *)memchr(data + 1, '\n', n) - (data + 1)) + 1;
    line = malloc(n ? n : 1);
    memcpy(line, data + 1, n);
    ra = malloc(cap);           /* exactly: writing past it is caught */
    memset(ra, 'X', cap);
    ra[0] = '\0';
    sd_http_header((const char *)line, n, ra, cap, &replayed);

    FZ_CHECK("header-nul", memchr(ra, 0, cap) != NULL, "Retry-After value not terminated");
    if (is_header(line, n, "Retry-After:")) {
        size_t l = strlen(ra);
        /* trimmed (a value cut to the buffer or at a NUL may end inside it) */
        FZ_CHECK("header-trim", l == 0 || memchr(line, 0, n) || (ra[0] != ' ' && ra[0] != '\t' &&
                 (l == cap - 1 || !isspace((unsigned char)ra[l - 1]))),
                 "value '%s' not trimmed", ra);
        FZ_CHECK("header-replayed-untouched", !replayed, "a Retry-After line set replayed");
        d = sd_retry_after_parse(ra, 1774857405);
        FZ_CHECK("retry-after-finite", d == -1 || (isfinite(d) && d >= 0 &&
                 d <= SD_RETRY_AFTER_MAX), "Retry-After '%.80s' gives %g s", ra, d);
    } else {
        FZ_CHECK("header-other", ra[0] == '\0', "a line that is not Retry-After set '%s'", ra);
    }
    /* (libcurl refuses a header line holding a NUL byte) */
    if (!memchr(line, 0, n))
        FZ_CHECK("header-replayed", replayed == (is_header(line, n, "idempotency-replayed:") &&
                 says_true(line, n)), "replayed %d for this line", replayed);
    free(ra);
    free(line);
    return 0;
}
