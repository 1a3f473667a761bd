/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance internals: the poll schedule of a wait (poll.c), a pure
 * function of what the task said so far and of the clock. Not installed.
 *
 * All times are seconds since the wait started (the submit reply when the
 * wait follows a submit). A model of the task turns the replies into a
 * predicted completion time with an uncertainty; the schedule polls
 * densely only around that prediction, and the progress reports between
 * polls are read off the same model.
 */
#ifndef SEEDANCE_POLL_H
#define SEEDANCE_POLL_H

/* One reading of a value (progress or estimated_time) at time t. */
typedef struct sd_poll_sample {
    double t;               /* < 0: none */
    int v;
} sd_poll_sample;

typedef struct sd_poll {
    int polls;              /* queries sent so far (a seed is not one) */
    double last_poll;       /* time of the last reply, -1 before the first */
    double retry_after;     /* earliest next query allowed, 0 none */

    /* What the replies said. A "run" restarts when the value goes back. */
    sd_poll_sample e_first, e_last;   /* estimated_time of the current run */
    int e_flat;             /* replies in a row whose estimate did not fall */
    double zero_t;          /* last reply with progress 0 before any rise, -1 */
    sd_poll_sample p_first, p_last;   /* positive progress of the current run */
    int p_gcd;              /* greatest common divisor of its values */
    int p_jump;             /* largest rise between two readings */

    /* The model. */
    double end;             /* predicted completion, -1 unknown */
    double lo, hi;          /* the range it lies in (hi may be huge: no bound) */
    int trust;              /* 0: nothing measured; 1: one rate measured over
                               replies; 2: two measured rates agree */
} sd_poll;

void sd_poll_init(sd_poll *p);

/* Record a reply received at time now. progress/eta -1 when absent. */
void sd_poll_update(sd_poll *p, double now, int progress, int estimated_time);

/*
 * Seed the schedule with what the submit reply said at time at (no query
 * counted), so that the wait after a submit needs no immediate query.
 */
void sd_poll_seed(sd_poll *p, double at, int progress, int estimated_time);

/* Seconds to wait from now before the next query. */
double sd_poll_delay(const sd_poll *p, double now);

/*
 * Seconds from now before any query is allowed at all: a second after the
 * last reply, not before Retry-After. sd_poll_delay() is never shorter;
 * a query off the schedule (the wait's last look at its deadline) waits
 * this long.
 */
double sd_poll_earliest(const sd_poll *p, double now);

/*
 * The model's reading at time now, for progress reports between queries:
 * *percent done (0..99; -1 unknown) and *remaining seconds (-1 unknown,
 * e.g. once the predicted end has passed). Not monotonic by itself: the
 * caller keeps what it reported from running backwards.
 */
void sd_poll_estimate(const sd_poll *p, double now, double *percent, double *remaining);

#endif /* SEEDANCE_POLL_H */
