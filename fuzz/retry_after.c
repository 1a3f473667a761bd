/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Retry-After values (sd_retry_after_parse: seconds or an HTTP date), the
 * retry backoff, the status-to-code map and seedance_strerror().
 *
 * Input: 4 bytes (an int for the other functions), then the header value.
 * Checks: a delay is -1 (none) or a number of seconds within
 * 0..SD_RETRY_AFTER_MAX, never NaN or infinite; the backoff is 1..30 s and never
 * shrinks; only 2xx maps to SEEDANCE_OK; every int has a description.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const time_t now = 1774857405;   /* a fixed "now": runs are reproducible */
    int32_t n;
    char *v;
    double d;
    const char *s;

    if (size < 4)
        return 0;
    memcpy(&n, data, 4);
    v = fz_strndup(data + 4, size - 4);

    d = sd_retry_after_parse(v, now);
    FZ_CHECK("retry-after-finite", d == -1 || (isfinite(d) && d >= 0 && d <= SD_RETRY_AFTER_MAX),
             "Retry-After '%.80s' gives a delay of %g s", v, d);
    d = sd_retry_after_parse(v, 0);
    FZ_CHECK("retry-after-finite", d == -1 || (isfinite(d) && d >= 0 && d <= SD_RETRY_AFTER_MAX),
             "Retry-After '%.80s' at time 0 gives a delay of %g s", v, d);

    {
        int a = n & 0xff, b = (n >> 8) & 0xff;
        double da = sd_backoff(a), db = sd_backoff(b);
        FZ_CHECK("backoff-range", da >= 1 && da <= 30 && db >= 1 && db <= 30,
                 "backoff(%d) = %g, backoff(%d) = %g", a, da, b, db);
        FZ_CHECK("backoff-monotonic", a > b ? da >= db : da <= db,
                 "backoff(%d) = %g, backoff(%d) = %g", a, da, b, db);
    }
    FZ_CHECK("http-code", (sd_http_code(n) == SEEDANCE_OK) == (n >= 200 && n < 300),
             "status %d maps to %d", (int)n, sd_http_code(n));
    FZ_CHECK("http-code-range", sd_http_code(n) >= 0 && sd_http_code(n) < SEEDANCE_E__LAST,
             "status %d maps to %d", (int)n, sd_http_code(n));
    s = seedance_strerror(n);
    FZ_CHECK("strerror", s && *s, "seedance_strerror(%d) is empty", (int)n);
    {
        int m = (int)(0u - (uint32_t)n);     /* -n without overflow */
        s = seedance_strerror(m);
        FZ_CHECK("strerror", s && *s, "seedance_strerror(%d) is empty", m);
    }
    free(v);
    return 0;
}
