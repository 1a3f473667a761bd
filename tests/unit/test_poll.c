/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The poll schedule (src/poll.c) on a simulated clock: simulated tasks
 * answer each query the way the emulator does (pending for 15% of the
 * time, then progress 5..99; estimated_time a factor off the truth), the
 * schedule says how long to wait, and the test checks the delays it asks
 * for: how late it notices the end, how many queries it spends, against
 * the published clients' 5 s / 10 s poller and a fixed 10 s poller.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "poll.h"
#include "tap.h"

enum { LINEAR, STEPS, THIRDS, STUCK, BACKWARDS, JUMP };
static const char *const shape_name[] = { "linear", "steps of 25", "10, 40, 70 by thirds",
                                          "stuck at 0", "going back", "jumping to 90" };

/* A simulated task: ends at `end` s; estimate `factor` times the truth
 * (0: none), in every reply or in the submit reply only (once); progress
 * of the given shape. */
typedef struct task {
    double end, factor;
    int shape, once;
    double overrun;     /* it completes this long after its readings say */
} task;

static int progress_at(const task *k, double t)
{
    double pend = 0.15 * k->end, x = fmin((t - pend) / (k->end - pend), 1);
    int p;

    if (k->shape == STUCK || t < pend)
        return 0;
    p = 5 + (int)(94 * x);
    if (k->shape == STEPS)
        p = p / 25 * 25;
    if (k->shape == THIRDS)
        p = x < 1.0 / 3 ? 10 : x < 2.0 / 3 ? 40 : 70;
    if (k->shape == BACKWARDS && x > 0.5 && x < 0.7)
        p = 20;                         /* a restart of the count half way */
    if (k->shape == JUMP)
        p = x < 0.3 ? 90 : 90 + (int)(9 * x);
    return p;
}

static int eta_at(const task *k, double t)
{
    double left = ceil(k->factor * (k->end - t));

    if (k->factor <= 0 || (k->once && t > 0))
        return -1;
    return left < 1 ? 1 : (int)left;
}

typedef struct outcome {
    double late;        /* completion noticed this long after it */
    int polls;
    double min_gap;     /* shortest time between two queries */
    double max_gap;     /* longest */
} outcome;

/* Run the schedule against task k, seeded by its submit reply at 0. */
static outcome run(const task *k)
{
    outcome o = { -1, 0, 1e9, 0 };
    double now = 0, last = 0;
    sd_poll p;

    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, eta_at(k, 0));
    for (int guard = 0; guard < 10000; guard++) {
        double d = sd_poll_delay(&p, now);
        now += d + 0.02;                /* the delay asked for, and a round trip */
        o.polls++;
        if (o.polls > 1 && now - last < o.min_gap)
            o.min_gap = now - last;
        if (now - last > o.max_gap)
            o.max_gap = now - last;
        last = now;
        if (now >= k->end + k->overrun) {
            o.late = now - k->end - k->overrun;
            return o;
        }
        sd_poll_update(&p, now, progress_at(k, now), eta_at(k, now));
    }
    return o;
}

/* The published clients' poller: every 5 s, every 10 s after 30 s; and a
 * fixed 10 s poller (period 10). */
static outcome fixed(double end, double period)
{
    outcome o = { 0, 0, 0, 0 };
    double t = 0;

    for (;;) {
        t += period > 0 ? period : t <= 30 ? 5 : 10;
        o.polls++;
        if (t + 0.02 >= end) {
            o.late = t + 0.02 - end;
            return o;
        }
    }
}

static const double ends[] = { 7, 21, 48 };

/* The three tasks of the benchmark with one estimate factor and shape. */
static void bench_case(double factor, int shape, int once, outcome *ours, outcome *f510,
                       outcome *f10)
{
    memset(ours, 0, sizeof(*ours));
    memset(f510, 0, sizeof(*f510));
    memset(f10, 0, sizeof(*f10));
    ours->min_gap = 1e9;
    for (int i = 0; i < 3; i++) {
        task k = { ends[i], factor, shape, once, 0 };
        outcome o = run(&k), a = fixed(ends[i], 0), b = fixed(ends[i], 10);

        ours->late += o.late / 3;
        ours->polls += o.polls;
        ours->min_gap = fmin(ours->min_gap, o.min_gap);
        ours->max_gap = fmax(ours->max_gap, o.max_gap);
        f510->late += a.late / 3;
        f510->polls += a.polls;
        f10->late += b.late / 3;
        f10->polls += b.polls;
    }
}

static const char *factor_name(double f)
{
    return f == 0 ? "missing" : f == 1 ? "exact" : f < 1 ? "0.4x the truth" : "2.5x the truth";
}

/* Steady progress: about a second late on average, no more queries than
 * the fixed 10 s poller, whatever the estimate says. */
static void test_steady(void)
{
    static const double factors[] = { 1, 0.4, 2.5, 0 };

    for (size_t i = 0; i < sizeof(factors) / sizeof(*factors); i++) {
        outcome o, a, b;

        bench_case(factors[i], LINEAR, 0, &o, &a, &b);
        OK(o.late >= 0 && o.late <= 1.0 && o.polls <= b.polls + (factors[i] == 0 ? 2 : 0) &&
           o.min_gap >= 1.0,
           "steady progress, estimate %s: %.2f s late with %d queries (fixed 10 s: %.2f s, %d)",
           factor_name(factors[i]), o.late, o.polls, b.late, b.polls);
    }
}

/* Progress that says little or nothing: no later and no more queries than
 * the published clients' poller. */
static void test_uninformative(void)
{
    static const double factors[] = { 1, 0.4, 2.5, 0 };

    for (int shape = STEPS; shape <= JUMP; shape++) {
        for (size_t i = 0; i < sizeof(factors) / sizeof(*factors); i++) {
            outcome o, a, b;

            bench_case(factors[i], shape, 0, &o, &a, &b);
            OK(o.late >= 0 && o.late <= a.late && o.polls <= a.polls + 2 && o.min_gap >= 1.0,
               "progress %s, estimate %s: %.2f s late with %d queries (5 s / 10 s: %.2f s, %d)",
               shape_name[shape], factor_name(factors[i]), o.late, o.polls, a.late, a.polls);
        }
    }
}

/* An estimate in the submit reply only (later replies omit it). */
static void test_estimate_once(void)
{
    static const double factors[] = { 1, 0.4, 2.5 };

    for (size_t i = 0; i < sizeof(factors) / sizeof(*factors); i++) {
        outcome o, a, b;

        bench_case(factors[i], LINEAR, 1, &o, &a, &b);
        OK(o.late >= 0 && o.late <= 1.0 && o.polls <= b.polls + 3 && o.min_gap >= 1.0,
           "steady progress, estimate %s in the submit reply only: %.2f s late with %d "
           "queries (fixed 10 s: %.2f s, %d)", factor_name(factors[i]), o.late, o.polls,
           b.late, b.polls);
        bench_case(factors[i], STUCK, 1, &o, &a, &b);
        OK(o.late >= 0 && o.late <= a.late && o.polls <= a.polls && o.min_gap >= 1.0,
           "progress stuck, estimate %s in the submit reply only: %.2f s late with %d queries "
           "(5 s / 10 s: %.2f s, %d)", factor_name(factors[i]), o.late, o.polls, a.late,
           a.polls);
    }
}

/* A task that goes on after its readings say it ends (99%, "1 s left"):
 * queries spread out; no later in all than the published poller, at most
 * the two queries more per task that the budget allows. */
static void test_overrun(void)
{
    double late = 0, late510 = 0;
    int polls = 0, polls510 = 0, min_ok = 1, n = 0;

    for (int i = 0; i < 3; i++) {
        for (double over = 2; over <= 30; over *= 2) {
            task k = { ends[i], 1, LINEAR, 0, over };
            outcome o = run(&k), a = fixed(ends[i] + over, 0);

            late += o.late;
            polls += o.polls;
            late510 += a.late;
            polls510 += a.polls;
            min_ok &= o.min_gap >= 1.0;
            n++;
        }
    }
    OK(late <= late510 && polls <= polls510 + 2 * n && min_ok,
       "tasks overrunning their readings by 2 to 16 s: %.1f s late in all with %d queries "
       "(5 s / 10 s: %.1f s, %d)", late, polls, late510, polls510);
}

/* Over many task lengths: never more than a query a second, never more
 * than two ahead of the published poller, gaps bounded. */
static void test_bounds(void)
{
    static const double factors[] = { 1, 0.4, 0.7, 1.5, 2.5, 0 };
    int n = 0, bad_gap = 0, bad_budget = 0, bad_late = 0;
    double worst_late = 0;

    for (double end = 2; end <= 900; end *= 1.09) {
        for (size_t i = 0; i < sizeof(factors) / sizeof(*factors); i++) {
            for (int shape = LINEAR; shape <= JUMP; shape++) {
                task k = { end, factors[i], shape, shape == BACKWARDS, 0 };
                outcome o = run(&k), a = fixed(end + o.late, 0);

                n++;
                bad_gap += o.min_gap < 1.0 || o.max_gap > 20.0 + 0.1;
                bad_budget += o.polls > a.polls + 2;
                bad_late += o.late < 0 || o.late > 20.0 + 0.1;
                worst_late = fmax(worst_late, o.late);
            }
        }
    }
    OK(bad_gap == 0, "%d runs: queries at least 1 s and at most 20 s apart (%d not)", n, bad_gap);
    OK(bad_budget == 0, "never more than two queries ahead of the 5 s / 10 s poller (%d not)",
       bad_budget);
    OK(bad_late == 0, "a wrong prediction costs at most the 20 s gap (worst %.1f s)", worst_late);
}

/* The delays asked for in simple situations. */
static void test_delays(void)
{
    double pct, left, prev;
    sd_poll p;

    sd_poll_init(&p);
    OK(sd_poll_delay(&p, 0) == 0, "nothing known: query at once");
    sd_poll_seed(&p, 0, 0, -1);
    OK(p.polls == 0, "a seed is not a query");
    OK(fabs(sd_poll_delay(&p, 0) - 5) < 1e-9, "seeded without an estimate: the 5 s period");

    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 20);
    OK(fabs(sd_poll_delay(&p, 0) - 8) < 1e-9,
       "an unchecked estimate of 20 s: first query at 40%% of it (%.2f s)", sd_poll_delay(&p, 0));
    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 300);
    OK(fabs(sd_poll_delay(&p, 0) - 20) < 1e-9, "an estimate of 300 s: first query after 20 s");

    /* an estimate falling 2.5 s per second is 2.5 times too long */
    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 100);
    sd_poll_update(&p, 10, -1, 75);
    OK(p.lo <= 40 && p.hi >= 40 && p.hi - p.lo < 4,
       "an estimate falling 2.5 s a second: the end is near 40 s ([%.1f, %.1f])", p.lo, p.hi);
    /* progress alone: 10 points in 5 s from 22 at 10 s: the end near 50 s */
    sd_poll_init(&p);
    sd_poll_update(&p, 10, 22, -1);
    sd_poll_update(&p, 15, 32, -1);
    OK(p.lo <= 49 && p.hi >= 49 && p.end > 45 && p.end < 55,
       "progress 22 -> 32 in 5 s: the end near 49 s ([%.1f, %.1f])", p.lo, p.hi);
    sd_poll_init(&p);
    sd_poll_update(&p, 10, 25, -1);
    sd_poll_update(&p, 15, 50, -1);
    OK(p.lo < 20 && p.hi > 1000,
       "progress 25 -> 50 is read in steps of 25: it bounds the end from below only");
    sd_poll_update(&p, 20, 10, -1);
    OK(p.p_first.v == 10 && p.p_first.t == 20, "progress going back restarts its reading");

    /* "1 s left" twice: the estimate drops out, the last range stays */
    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 10);
    sd_poll_update(&p, 9, -1, 1);
    sd_poll_update(&p, 12, -1, 1);
    sd_poll_update(&p, 15, -1, 1);
    OK(p.e_flat >= 2 && sd_poll_delay(&p, 15) >= 1.0,
       "an estimate stuck at 1 s drops out; the next query still at least 1 s later");

    sd_poll_init(&p);
    sd_poll_seed(&p, 0, 0, 30);
    p.retry_after = 25;
    OK(sd_poll_delay(&p, 0) >= 25 - 1e-9, "never sooner than Retry-After");

    /* the estimate between queries: rises with the clock, below 100 */
    sd_poll_init(&p);
    sd_poll_update(&p, 10, 22, -1);
    sd_poll_update(&p, 15, 32, -1);
    prev = 32;
    for (double t = 15; t < 80; t += 0.5) {
        sd_poll_estimate(&p, t, &pct, &left);
        if (pct < prev || pct > 99 || (t < p.end && (left < 0 || left > p.end - t + 1e-9)))
            break;
        prev = pct;
    }
    OK(prev == 99, "between queries the percent rises to 99, not 100, and time left falls");
    sd_poll_estimate(&p, 16, &pct, &left);
    OK(pct > 32 && pct < 36 && fabs(left - (p.end - 16)) < 1e-9,
       "one second after 32%%: %.1f%%, %.1f s left", pct, left);
}

int main(void)
{
    test_steady();
    test_uninformative();
    test_estimate_once();
    test_overrun();
    test_bounds();
    test_delays();
    return done_testing();
}
