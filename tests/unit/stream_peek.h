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

/* done: whether the download finished (complete or failed); else the
 * clip offset it received up to */
static inline int64_t main_peek(seedance_stream *s, int done)
{
    int64_t v;
    pthread_mutex_lock(&s->lock);
    v = done ? sd_fetch_done(&s->main) : s->main.end;
    pthread_mutex_unlock(&s->lock);
    return v;
}

static inline int main_done(seedance_stream *s) { return (int)main_peek(s, 1); }
static inline int64_t main_end(seedance_stream *s) { return main_peek(s, 0); }

#endif /* SEEDANCE_TEST_STREAM_PEEK_H */
