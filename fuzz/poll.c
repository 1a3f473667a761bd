/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The poll schedule (poll.h), driven through a simulated wait: each
 * 6-byte record is one task reply (latency, progress, estimated_time,
 * Retry-After) received after the delay the schedule asked for; the
 * model's reading (sd_poll_estimate) is taken between replies.
 *
 * Checks (the promises of poll.c): every delay is finite and >= 0; a
 * query never follows the last reply by less than a second, never comes
 * before Retry-After, and the n-th query never comes before the published
 * clients' 5 s / 10 s poller has sent n - 2; no gap is longer than 20 s
 * unless one of those rules asks for it; the reading is -1 or a percent
 * in 0..99 and -1 or a finite number of seconds left.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "api.h"
#include "poll.h"

#define MAX_GAP 20.0

/* When the published clients' poller (every 5 s, every 10 s after 30 s)
 * sends its n-th query. */
static double poller(int n)
{
    if (n <= 0)
        return 0;
    return n <= 7 ? n * 5.0 : 35.0 + (n - 7) * 10.0;
}

static void check_estimate(const sd_poll *p, double now)
{
    double pct = -2, left = -2;

    sd_poll_estimate(p, now, &pct, &left);
    FZ_CHECK("estimate-percent", pct == -1 || (pct >= 0 && pct <= 99), "percent %g at %g",
             pct, now);
    FZ_CHECK("estimate-left", left == -1 || (isfinite(left) && left >= 0), "%g s left at %g",
             left, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_poll p;
    double now = 0;

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
        double d = sd_poll_delay(&p, now), at = now + d, need = now + MAX_GAP;
        int n = p.polls + 1;

        FZ_CHECK("poll-finite", isfinite(d) && d >= 0, "delay %g at %g", d, now);
        if (p.last_poll >= 0)
            FZ_CHECK("poll-interval", at >= p.last_poll + 1.0 - 1e-9,
                     "a query at %g, the last reply at %g", at, p.last_poll);
        if (p.retry_after > 0)
            FZ_CHECK("poll-retry-after", at >= p.retry_after - 1e-9,
                     "a query at %g before Retry-After %g", at, p.retry_after);
        FZ_CHECK("poll-budget", at >= poller(n - 2) - 1e-9,
                 "query %d at %g s: the 5 s / 10 s poller sends its %d-th at %g", n, at,
                 n - 2, poller(n - 2));
        if (poller(n - 2) > need)
            need = poller(n - 2);
        if (p.last_poll >= 0 && p.last_poll + 1.0 > need)
            need = p.last_poll + 1.0;
        if (p.retry_after > need)
            need = p.retry_after;
        FZ_CHECK("poll-max-gap", at <= need + 1e-9, "a query at %g after a reply at %g "
                 "(latest allowed %g)", at, now, need);
        check_estimate(&p, now);
        check_estimate(&p, at);
        now = at + latency;
        sd_poll_update(&p, now, progress, eta);
        p.retry_after = ra > 0 ? now + ra : 0;
    }
    return 0;
}
