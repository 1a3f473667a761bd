/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The poll schedule (sd_poll_*), driven through a simulated wait: each
 * 6-byte record is one task reply (latency, progress, estimated_time,
 * Retry-After) received after the delay the schedule asked for.
 *
 * Checks: every delay is finite and >= 0; a query never follows the last
 * reply by less than a second, never comes before Retry-After, and the
 * n-th query never comes before 10 * (n - 3) s (a fixed 10 s poller's
 * count plus two); no delay is longer than 60 s unless one of those rules
 * asks for it.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_poll p;
    double now = 0;
    int first = 1;

    sd_poll_init(&p);
    if (size >= 1 && (data[0] & 1)) {
        /* seeded by a submit reply: progress, estimate */
        if (size < 4)
            return 0;
        sd_poll_seed(&p, 0, data[1] > 100 ? -1 : data[1], (int)(data[2] << 8 | data[3]) - 1);
        data += 4;
        size -= 4;
    } else if (size >= 1) {
        data++;
        size--;
    }
    for (size_t i = 0; i + 6 <= size; i += 6) {
        const uint8_t *r = data + i;
        double latency = r[0] / 16.0;             /* 0..16 s */
        int progress = r[1] > 100 ? -1 : r[1];    /* -1..100, as a reply gives it */
        int eta = (int)(r[2] << 8 | r[3]) - 1;    /* -1..65534 */
        double ra = (r[4] << 8 | r[5]) / 8.0;     /* Retry-After, 0..8192 s from now */
        double d = sd_poll_delay(&p, now), at = now + d, need = 60;

        FZ_CHECK("poll-finite", isfinite(d) && d >= 0, "delay %g at %g", d, now);
        if (p.last_poll >= 0)
            FZ_CHECK("poll-interval", at >= p.last_poll + 1.0 - 1e-9,
                     "a query at %g, the last reply at %g", at, p.last_poll);
        if (p.retry_after > 0)
            FZ_CHECK("poll-retry-after", at >= p.retry_after - 1e-9,
                     "a query at %g before Retry-After %g", at, p.retry_after);
        if (p.polls + 1 > 3)
            FZ_CHECK("poll-budget", at >= 10.0 * (p.polls + 1 - 3),
                     "query %d at %g s: a 10 s poller would have sent fewer", p.polls + 1, at);
        if (p.polls + 1 > 3 && 10.0 * (p.polls + 1 - 3) + 0.001 - now > need)
            need = 10.0 * (p.polls + 1 - 3) + 0.001 - now;
        if (p.last_poll >= 0 && p.last_poll + 1.0 - now > need)
            need = p.last_poll + 1.0 - now;
        if (p.retry_after - now > need)
            need = p.retry_after - now;
        FZ_CHECK("poll-max", d <= need + 1e-9, "delay %g at %g (allowed %g)", d, now, need);
        if (first && p.polls == 0 && p.last_poll < 0)
            FZ_CHECK("poll-first", d == 0, "the first query waits %g s", d);
        first = 0;
        now = at + latency;
        sd_poll_update(&p, now, progress, eta);
        p.retry_after = ra > 0 ? now + ra : 0;
    }
    return 0;
}
