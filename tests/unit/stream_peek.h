/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a stream's main download has done, read under the stream's lock:
 * for the unit tests of the stream (src/stream.h internals).
 */
#ifndef SEEDANCE_TEST_STREAM_PEEK_H
#define SEEDANCE_TEST_STREAM_PEEK_H

#include <pthread.h>
#include <stdint.h>

#include "stream.h"

/* The download finished (complete or failed). */
static inline int main_done(seedance_stream *s)
{
    int d;
    pthread_mutex_lock(&s->lock);
    d = s->main.done;
    pthread_mutex_unlock(&s->lock);
    return d;
}

/* The clip offset the main download received up to. */
static inline int64_t main_end(seedance_stream *s)
{
    int64_t e;
    pthread_mutex_lock(&s->lock);
    e = s->main.end;
    pthread_mutex_unlock(&s->lock);
    return e;
}

#endif /* SEEDANCE_TEST_STREAM_PEEK_H */
