/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The poll schedule: when to ask again, learned from the task itself.
 *
 * Each reply narrows down when the task will end, as a range [lo, hi]:
 *   - the estimate: how estimated_time falls between replies calibrates
 *     it. One that drops 2.5 s per second waited is 2.5 times too long,
 *     one that drops 0.4 s per second 2.5 times too short; the range
 *     allows each reading to be off by a second. A single estimate is
 *     unchecked: the end may lie anywhere from 0.4 to 2.5 times it.
 *     An estimate that stops falling (stuck at "1 s left") drops out.
 *   - the progress: points per second between the first and the last
 *     reading of a rise, extrapolated to 100. Values that all share a
 *     step of 5 or more (10, 40, 70) are read as coarsely as the largest
 *     jump between them. One reading after a 0 bounds the end from above
 *     only. Going back restarts the reading.
 * Ranges that overlap are intersected; ranges that disagree give the
 * earlier one, since polling early is what tells them apart.
 *
 * The schedule: while the range is wide, the next query goes at its
 * earliest end (a first, unchecked estimate: 40% of the way), where the
 * range will be much narrower; once it is narrow (or narrowing it would
 * spend more queries than a fixed 10 s poller), just after its middle.
 * Past the range, queries spread out as the task overruns. With nothing
 * to go on, the published clients' schedule: every 5 s, every 10 s after
 * 30 s. Gaps are bounded so that a prediction that is badly wrong costs a
 * bounded delay: 20 s before the first query, 12 s (or half the time
 * waited, at most 20 s) once a rate was measured, 5 s / 10 s otherwise.
 * Never more than one query a second, never sooner than Retry-After, and
 * never more than two queries ahead of the published 5 s / 10 s poller.
 */
#include <math.h>
#include <string.h>

#include "poll.h"

#define MIN_INTERVAL  1.0    /* at most one query a second */
#define JUMP_WIDTH    2.0    /* an end known this well: straight after it */
#define SLACK         0.3    /* query this long after the predicted end */
#define LOW_FACTOR    0.4    /* how far toward an unchecked estimate to go */
#define MIN_PROBE     3.0    /* ... but at least this far */
#define FAST_PERIOD   5.0    /* no prediction: every 5 s ... */
#define SLOW_PERIOD   10.0   /* ... then every 10 s ... */
#define SLOW_AFTER    30.0   /* ... after this long */
#define MAX_GAP       20.0   /* never a longer gap between queries */
#define FIRST_CAP     MAX_GAP
#define MIN_GAP       12.0   /* a measured rate allows gaps this long ... */
#define GAP_SHARE     0.5    /* ... or half the time waited */
#define FIXED_PERIOD  10.0   /* the fixed poller whose queries the schedule spends */
#define MIN_DROP      2      /* seconds an estimate must fall to give a rate */
#define MIN_RISE      2      /* points progress must rise to give a rate */

void sd_poll_init(sd_poll *p)
{
    memset(p, 0, sizeof(*p));
    p->last_poll = -1;
    p->e_first.t = p->e_last.t = -1;
    p->p_first.t = p->p_last.t = -1;
    p->zero_t = -1;
    p->end = -1;
}

/* How fast the estimate falls, in its seconds per second (1 until measured). */
static double estimate_rate(const sd_poll *p)
{
    const sd_poll_sample *a = &p->e_first, *b = &p->e_last;

    if (a->t >= 0 && b->t - a->t >= 1 && a->v - b->v >= MIN_DROP)
        return (a->v - b->v) / (b->t - a->t);
    return 1;
}

static void note_estimate(sd_poll *p, double now, int eta)
{
    if (eta < 0)
        return;
    if (p->e_last.t >= 0 && eta > p->e_last.v)
        p->e_first.t = -1;                      /* re-estimated longer: a new run */
    if (p->e_last.t >= 0 && eta == p->e_last.v &&
        now - p->e_last.t >= fmax(MIN_INTERVAL, 1.5 / estimate_rate(p)))
        p->e_flat += eta <= 1 ? 2 : 1;          /* "1 s left" twice: it is stuck */
    else if (p->e_last.t < 0 || eta != p->e_last.v)
        p->e_flat = 0;
    if (p->e_first.t < 0)
        p->e_first = (sd_poll_sample){ now, eta };
    p->e_last = (sd_poll_sample){ now, eta };
}

/* How coarse the progress is: values that all share a step of 5 or more
 * (10, 40, 70...) may lag the work by as much as the largest jump seen. */
static int progress_step(const sd_poll *p)
{
    if (p->p_gcd < 5 || p->p_gcd % 5)
        return 1;
    return p->p_jump > p->p_gcd ? p->p_jump : p->p_gcd;
}

static int gcd(int a, int b)
{
    while (b) {
        int r = a % b;
        a = b;
        b = r;
    }
    return a;
}

static void note_progress(sd_poll *p, double now, int progress)
{
    if (progress < 0)
        return;
    if (progress == 0) {
        p->zero_t = now;
        p->p_first.t = p->p_last.t = -1;        /* not started, or back to 0 */
        return;
    }
    if (p->p_first.t < 0 || progress < p->p_last.v) {
        p->p_first = (sd_poll_sample){ now, progress };   /* first, or went back */
        p->p_gcd = p->p_jump = 0;
    } else if (progress == p->p_last.v) {
        return;         /* the same value: it was reached when first read */
    } else if (progress - p->p_last.v > p->p_jump) {
        p->p_jump = progress - p->p_last.v;
    }
    p->p_last = (sd_poll_sample){ now, progress };
    p->p_gcd = gcd(progress, p->p_gcd);
}

/* A range of completion times; measured: from a rate seen over replies. */
typedef struct span {
    double lo, hi;
    int measured;
} span;

#define NEVER 1e9

/* The end by the progress rate, or from one reading since it was 0. */
static int from_progress(const sd_poll *p, span *s)
{
    const sd_poll_sample *a = &p->p_first, *b = &p->p_last;
    double q = progress_step(p), rise = b->v - a->v, dt = b->t - a->t;

    if (a->t >= 0 && dt >= 0.5 && rise >= MIN_RISE) {
        double slow = (rise - q) / dt, fast = (rise + q) / dt;   /* points a second */
        s->lo = b->t + fmax(100 - b->v - q, 0) / fast;
        s->hi = slow > 0 ? b->t + (100 - b->v) / slow : NEVER;
        s->measured = slow > 0;
        return 1;
    }
    if (b->t >= 0 && p->zero_t >= 0 && p->zero_t < b->t) {
        /* started at some time since the last 0: at least this fast */
        s->lo = b->t;
        s->hi = b->t + (100 - b->v) * (b->t - p->zero_t) / b->v;
        s->measured = 0;
        return 1;
    }
    return 0;
}

/* The end by the estimate: calibrated by its rate of fall when it fell
 * enough, else within a factor 1/LOW_FACTOR either way. */
static int from_estimate(const sd_poll *p, span *s)
{
    const sd_poll_sample *a = &p->e_first, *b = &p->e_last;
    double drop = a->v - b->v, dt = b->t - a->t;

    if (b->t < 0 || p->e_flat >= 2)
        return 0;                               /* none, or it stopped falling */
    if (dt >= 1 && drop >= MIN_DROP) {
        double slow = (drop - 1) / dt, fast = (drop + 1) / dt;  /* estimate s a second */
        s->lo = b->t + fmax(b->v - 1, 0) / fast;
        s->hi = b->t + (b->v + 1) / slow;
        s->measured = 1;
        return 1;
    }
    s->lo = b->t + fmax(LOW_FACTOR * b->v, fmin(b->v, MIN_PROBE));
    s->hi = b->t + b->v / LOW_FACTOR;
    s->measured = 0;
    return 1;
}

/* A measured range narrow enough to vouch for another: at most half as
 * wide as the time to its middle. */
static int tight(const span *s, double now)
{
    return s->measured && s->hi - s->lo <= 0.5 * ((s->lo + s->hi) / 2 - now);
}

/* Combine the readings into p->lo, p->hi, p->end and p->trust. */
static void predict(sd_poll *p, double now)
{
    span g, e, r;
    int hg = from_progress(p, &g), he = from_estimate(p, &e);

    p->trust = 0;
    if (!hg && !he)
        return;                 /* nothing new: keep the last range, if any */
    if (hg && he) {
        r = (span){ fmax(g.lo, e.lo), fmin(g.hi, e.hi), g.measured || e.measured };
        if (r.lo <= r.hi)
            p->trust = tight(&g, now) + tight(&e, now);
        else                                    /* they disagree: the earlier */
            r = g.hi < e.lo ? g : e;
    } else {
        r = hg ? g : e;
    }
    if (p->trust < 2)
        p->trust = r.measured;
    p->lo = r.lo;
    p->hi = r.hi;
    p->end = r.hi < NEVER ? (r.lo + r.hi) / 2 : r.lo;
}

void sd_poll_update(sd_poll *p, double now, int progress, int estimated_time)
{
    p->polls++;
    p->last_poll = now;
    note_estimate(p, now, estimated_time);
    note_progress(p, now, progress);
    predict(p, now);
}

void sd_poll_seed(sd_poll *p, double at, int progress, int estimated_time)
{
    sd_poll_update(p, at, progress, estimated_time);
    p->polls = 0;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The time of the next query by the model alone. */
static double next_by_model(const sd_poll *p, double now)
{
    double period = p->last_poll < SLOW_AFTER ? FAST_PERIOD : SLOW_PERIOD;
    double lo = p->lo, w = p->hi - p->lo;

    if (p->end < 0)         /* no prediction: the published clients' schedule */
        return p->last_poll + period;
    if (now > p->hi)        /* overrunning: spread out as it goes on */
        return now + clamp(0.75 * (now - p->hi), MIN_INTERVAL, period);
    /* Known well, or well enough that another query to narrow it down
     * would spend more than a fixed 10 s poller does: just after it. */
    if (w <= JUMP_WIDTH || (w <= 2 * JUMP_WIDTH &&
                            p->polls + 2 > ceil(p->end / FIXED_PERIOD)))
        return p->end + fmax(SLACK, w / 4);
    if (lo - now >= MIN_INTERVAL)   /* refine: at the earliest end */
        return lo;
    return now + clamp(w / 3, MIN_INTERVAL, period);   /* inside a wide range */
}

/* When the published clients' poller sends its n-th query (n >= 0). */
static double budget_time(int n)
{
    int fast = (int)(SLOW_AFTER / FAST_PERIOD) + 1;     /* 5, 10, ... 35 */

    if (n <= 0)
        return 0;
    return n <= fast ? n * FAST_PERIOD : fast * FAST_PERIOD + (n - fast) * SLOW_PERIOD;
}

double sd_poll_delay(const sd_poll *p, double now)
{
    double next, cap;

    if (p->last_poll < 0)
        return 0;                               /* nothing known yet: ask now */
    next = next_by_model(p, now);
    /* How far a wrong prediction may take the next query. */
    if (p->polls == 0)
        cap = FIRST_CAP;
    else if (p->trust >= 1)
        cap = clamp(GAP_SHARE * now, MIN_GAP, MAX_GAP);
    else
        cap = now < SLOW_AFTER ? FAST_PERIOD : SLOW_PERIOD;
    /* Nothing measured: not more often than every 2.5 s (5 s later on),
     * except for the first probe of an estimate. */
    if (p->trust == 0 && p->polls > 0 && next < p->last_poll + cap / 2)
        next = p->last_poll + cap / 2;
    if (next > now + cap)
        next = now + cap;
    /* The budget: the n-th query may go at time t only when the published
     * clients' 5 s / 10 s poller sends at least n - 2 by then. */
    if (next < budget_time(p->polls + 1 - 2))
        next = budget_time(p->polls + 1 - 2);
    return fmax(next - now, sd_poll_earliest(p, now));
}

double sd_poll_earliest(const sd_poll *p, double now)
{
    double next = now;

    if (p->last_poll >= 0 && next < p->last_poll + MIN_INTERVAL)
        next = p->last_poll + MIN_INTERVAL;
    if (p->retry_after > 0 && next < p->retry_after)
        next = p->retry_after;
    return next - now;
}

void sd_poll_estimate(const sd_poll *p, double now, double *percent, double *remaining)
{
    double t0 = 0, v0 = 0, pct;

    *percent = *remaining = -1;
    if (p->p_last.t >= 0) {
        t0 = p->p_last.t;
        v0 = p->p_last.v;
    } else if (p->zero_t >= 0) {
        v0 = 0;
    }
    if (p->end < 0) {
        if (p->p_last.t >= 0 || p->zero_t >= 0)
            *percent = v0 > 99 ? 99 : v0;
        return;
    }
    if (p->end > t0 && now < p->end)
        pct = v0 + (100 - v0) * (now - t0) / (p->end - t0);
    else
        pct = 99;
    *percent = clamp(pct, 0, 99);
    if (now <= p->end)
        *remaining = p->end - now;
}
