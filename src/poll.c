/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The poll schedule, a pure function of what the task said so far.
 *
 * The API reports estimated_time (seconds left) and progress. With an
 * estimate, the next query goes halfway to the expected end while that is
 * far away (a refreshed estimate costs one query), and just after the
 * expected end when it is near, so completion is noticed well within a
 * second of it when the estimate is right. Once the expected end has
 * passed, queries go about once a second, spreading out as the task
 * overruns. Whatever the estimates say, the schedule never sends more
 * queries than a fixed 10 s poller would for a task ending at that time,
 * plus one. Without any estimate the interval grows from 2 s to 10 s.
 * Never more than one query a second, never sooner than Retry-After.
 */
#include "api.h"

#define MIN_INTERVAL   1.0    /* at most one query a second */
#define NEAR_END       12.0   /* "near": jump straight past the expected end */
#define PAST_END_SLACK 0.3    /* query this long after the expected end */
#define MAX_SLEEP      60.0   /* re-check at least this often while far away */
#define FIXED_PERIOD   10.0   /* the fixed poller the schedule must not exceed */

void sd_poll_init(sd_poll *p)
{
    p->polls = 0;
    p->last_poll = -1;
    p->expected_end = -1;
    p->p0_time = -1;
    p->p0 = -1;
    p->retry_after = 0;
}

void sd_poll_update(sd_poll *p, double now, int progress, int estimated_time)
{
    p->polls++;
    p->last_poll = now;
    if (progress >= 0 && (p->p0_time < 0 || progress < p->p0)) {
        /* first sample, or progress went back: restart the rate */
        p->p0_time = now;
        p->p0 = progress;
    }
    if (estimated_time >= 0) {
        p->expected_end = now + estimated_time;
    } else if (progress >= 0 && progress > p->p0 && now > p->p0_time) {
        double rate = (progress - p->p0) / (now - p->p0_time);   /* percent per second */
        p->expected_end = now + (100 - progress) / rate;
    }
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

double sd_poll_delay(const sd_poll *p, double now)
{
    double delay;

    if (p->last_poll < 0)
        delay = 0;                              /* nothing known yet: ask now */
    else if (p->expected_end < 0) {
        delay = clamp(now * 0.5, 2.0, FIXED_PERIOD);
    } else {
        double left = p->expected_end - now;

        if (left > NEAR_END)
            delay = clamp(left * 0.5, NEAR_END / 2, MAX_SLEEP);
        else if (left >= 0)
            delay = left + PAST_END_SLACK;
        else
            delay = clamp(1.0 - 0.25 * left, MIN_INTERVAL, FIXED_PERIOD);
    }
    /* The budget: the n-th query may go at time t only when a fixed 10 s
     * poller would send at least n - 1 queries for a task ending at t,
     * i.e. n <= ceil(t / 10) + 2, which means t > 10 (n - 3). */
    if (p->polls + 1 > 3) {
        double earliest = FIXED_PERIOD * (p->polls + 1 - 3) + 0.001;
        if (now + delay < earliest)
            delay = earliest - now;
    }
    if (p->last_poll >= 0 && now + delay < p->last_poll + MIN_INTERVAL)
        delay = p->last_poll + MIN_INTERVAL - now;
    if (p->retry_after > 0 && now + delay < p->retry_after)
        delay = p->retry_after - now;
    return delay > 0 ? delay : 0;
}
