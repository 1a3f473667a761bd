/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The poll schedule (src/poll.c), run against simulated tasks on a
 * simulated clock: completion noticed within 1 s, no more polls than a
 * fixed 10 s poller, never more than one poll a second. */
#include <math.h>
#include <stdio.h>

#include "api.h"
#include "tap.h"

enum { EST_EXACT, EST_FLOOR, EST_CEIL, EST_NONE_PROGRESS, EST_NONE };

typedef struct { int polls; double noticed; double min_gap; } outcome;

/* A task that ends at `end` s but whose estimate says end*bias. */
static outcome simulate(double end, int mode, double bias)
{
    sd_poll p;
    double now = 0, last = -1;
    outcome o = { 0, -1, 1e9 };

    sd_poll_init(&p);
    for (int guard = 0; guard < 10000; guard++) {
        now += sd_poll_delay(&p, now);
        now += 0.02;                          /* round trip */
        if (last >= 0 && now - last < o.min_gap)
            o.min_gap = now - last;
        last = now;
        o.polls++;
        if (now >= end) {
            o.noticed = now - end;
            return o;
        }
        {
            double left = end * bias - now;
            int eta = -1, progress = (int)(100 * now / end);
            if (left < 0)
                left = 0;
            if (mode == EST_EXACT || mode == EST_FLOOR)
                eta = (int)floor(left);
            else if (mode == EST_CEIL)
                eta = (int)ceil(left);
            if (mode == EST_NONE)
                progress = -1;
            sd_poll_update(&p, now, progress, eta);
        }
    }
    return o;
}

static int fixed_polls(double end, double period)
{
    return (int)ceil(end / period) + 1;
}

int main(void)
{
    static const double ends[] = { 0.4, 3, 5, 8.5, 12, 20, 37, 60, 95, 165, 300 };
    sd_poll p;

    for (size_t i = 0; i < sizeof(ends) / sizeof(*ends); i++) {
        for (int mode = EST_FLOOR; mode <= EST_CEIL; mode++) {
            outcome o = simulate(ends[i], mode, 1.0);
            /* an estimate rounded down may cost one poll more */
            OK(o.noticed >= 0 && o.noticed <= 1.0 &&
               o.polls <= fixed_polls(ends[i], 10) + (mode == EST_FLOOR) && o.min_gap >= 1.0,
               "%.1f s task, estimate %s: noticed after %.2f s with %d polls (fixed 10 s: %d)",
               ends[i], mode == EST_FLOOR ? "rounded down" : "rounded up", o.noticed, o.polls,
               fixed_polls(ends[i], 10));
        }
    }
    for (size_t i = 3; i < sizeof(ends) / sizeof(*ends); i++) {
        outcome o = simulate(ends[i], EST_FLOOR, 0.6);     /* the task overruns by 2/3 */
        /* at most one poll more than a fixed poller sends by the time we notice */
        OK(o.noticed >= 0 && o.noticed <= 10.0 && o.polls <= fixed_polls(ends[i] + o.noticed, 10) + 1 &&
           o.min_gap >= 1.0,
           "%.1f s task with a 40%% short estimate: %d polls (fixed 10 s: %d), noticed after %.2f s",
           ends[i], o.polls, fixed_polls(ends[i], 10), o.noticed);
    }
    {
        outcome o = simulate(60, EST_FLOOR, 1.5);          /* pessimistic estimate */
        OK(o.noticed >= 0 && o.noticed <= 30 && o.polls <= fixed_polls(60, 10),
           "60 s task with a 50%% long estimate: noticed after %.1f s, %d polls", o.noticed, o.polls);
    }
    {
        outcome o = simulate(60, EST_NONE_PROGRESS, 1.0);
        OK(o.noticed >= 0 && o.noticed <= 1.0 && o.polls <= fixed_polls(60, 10),
           "no estimate, progress only: noticed after %.2f s with %d polls", o.noticed, o.polls);
        o = simulate(60, EST_NONE, 1.0);
        OK(o.noticed >= 0 && o.noticed <= 10.0 && o.polls <= fixed_polls(60 + o.noticed, 10) + 1 && o.min_gap >= 1.0,
           "no estimate, no progress: noticed after %.2f s with %d polls", o.noticed, o.polls);
    }

    sd_poll_init(&p);
    OK(sd_poll_delay(&p, 0) == 0, "first poll at once");
    sd_poll_update(&p, 0.1, 10, 100);
    OK(fabs(sd_poll_delay(&p, 0.1) - 50) < 1e-9, "far from the end: halfway (50 s of 100)");
    sd_poll_update(&p, 90, 90, 5);
    OK(fabs(sd_poll_delay(&p, 90) - 5.3) < 1e-9, "near the end: just after it (5.3 s)");
    sd_poll_update(&p, 95.3, 99, 0);
    OK(sd_poll_delay(&p, 95.3) >= 1.0, "past the end: not sooner than 1 s");
    p.retry_after = 120;
    OK(sd_poll_delay(&p, 95.3) >= 120 - 95.3 - 1e-9, "never sooner than Retry-After");
    sd_poll_init(&p);
    sd_poll_update(&p, 0, -1, -1);
    OK(sd_poll_delay(&p, 0) == 2.0, "no estimate: 2 s at first");
    sd_poll_update(&p, 100, -1, -1);
    OK(sd_poll_delay(&p, 100) == 10.0, "no estimate: 10 s at most");

    /* seeded by the submit reply: no immediate query, none counted */
    sd_poll_init(&p);
    OK(sd_poll_delay(&p, 0) == 0, "nothing known: query at once");
    sd_poll_seed(&p, 0, 0, 6);
    OK(p.polls == 0, "a seed is not a query");
    OK(fabs(sd_poll_delay(&p, 0.2) - 6.1) < 1e-9, "seeded with 6 s left: first query just after the end");
    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 165);
    OK(fabs(sd_poll_delay(&p, 0) - 60) < 1e-9, "seeded with 165 s left: first query 60 s later");
    return done_testing();
}
