/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One seedance: input: a libseedance job opened from the URL and the
 * SEEDANCE_* variables, its stream behind a custom AVIOContext, its
 * progress and errors on av_log() in the words of the seedance protocol
 * (ffmpeg/libavformat/seedance.c), and the list of open inputs.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seedance.h>

#include "preload.h"

/* the protocol's words and codes, through the program's av_log(); local
 * reference clips read by the program's libavformat */
#define SEEDANCE_AV_LOG pl_log
#define SEEDANCE_AV_LOG_LEVEL() pl_log_level()
#define SEEDANCE_AV_OPEN_INPUT(ps, url, fmt, o) pl_libav_get()->avformat_open_input(ps, url, fmt, o)
#define SEEDANCE_AV_FIND_STREAM_INFO(fc, o) pl_libav_get()->avformat_find_stream_info(fc, o)
#define SEEDANCE_AV_CLOSE_INPUT(ps) pl_libav_get()->avformat_close_input(ps)
#include <seedance_av.h>

#define IO_BUFFER_SIZE 32768

typedef struct pl_input {
    const AVClass *class;      /* av_log context, first member */
    const pl_libav *av;
    AVIOInterruptCB interrupt; /* the caller's */
    seedance_job *job;
    seedance_stream *stream;
    AVIOContext *pb;
    SeedanceAVReport report;   /* progress and error lines */
    SeedanceAVIO io;           /* reads and seeks of the stream */
    struct pl_input *next;
} pl_input;

static pl_input *inputs;       /* open inputs */
static pthread_mutex_t inputs_lock = PTHREAD_MUTEX_INITIALIZER;

int pl_is_seedance(const char *url)
{
    return url && !strncmp(url, "seedance:", 9);
}

static int fail(pl_input *in, int code)
{
    return seedance_av_fail(&in->report, seedance_job_client(in->job), code);
}

static int on_interrupt(void *opaque)
{
    pl_input *in = opaque;

    return in->interrupt.callback && in->interrupt.callback(in->interrupt.opaque);
}

/* The job from the environment and the URL, then submit or attach, wait, open. */
static int open_job(pl_input *in, const char *url)
{
    seedance_client *c;
    int code;

    if (!(in->job = seedance_job_new()))
        return AVERROR(ENOMEM);
    c = seedance_job_client(in->job);
    seedance_client_set_interrupt(c, on_interrupt, in);
    seedance_av_report_client(&in->report, c);
    seedance_client_set_probe(c, seedance_av_probe, NULL);   /* local reference clips */
    if ((code = seedance_job_set_env(in->job)) || (code = seedance_job_parse_url(in->job, url)))
        return fail(in, code);
    if (seedance_job_task(in->job))
        snprintf(in->report.task_id, sizeof(in->report.task_id), "%s",
                 seedance_job_task(in->job));
    if ((code = seedance_job_open(in->job, &in->stream)))
        return fail(in, code);
    seedance_av_report_end(&in->report);
    return 0;
}

/* The AVIOContext around the stream. */
static int open_io(pl_input *in)
{
    const pl_libav *av = in->av;
    unsigned char *buf = av->av_malloc(IO_BUFFER_SIZE);

    if (!buf)
        return AVERROR(ENOMEM);
    in->io = (SeedanceAVIO){ in->stream, seedance_job_client(in->job), &in->report, 0 };
    in->pb = av->avio_alloc_context(buf, IO_BUFFER_SIZE, 0, &in->io, seedance_avio_read, NULL,
                                    seedance_avio_seek);
    if (!in->pb) {
        av->av_freep(&buf);
        return AVERROR(ENOMEM);
    }
    in->pb->seekable = seedance_stream_seekable(in->stream) ? AVIO_SEEKABLE_NORMAL : 0;
    return 0;
}

void pl_input_free(pl_input *in)
{
    if (!in)
        return;
    seedance_stream_close(in->stream);
    seedance_job_free(in->job);
    if (in->pb) {
        /* the demuxer may have replaced the buffer: free the current one */
        in->av->av_freep(&in->pb->buffer);
        in->av->avio_context_free(&in->pb);
    }
    free(in);
}

int pl_input_open(const pl_libav *av, const char *url, int flags,
                  const AVIOInterruptCB *cb, AVIOContext **pb)
{
    pl_input *in;
    int ret;

    *pb = NULL;
    if (flags & AVIO_FLAG_WRITE) {
        pl_log(NULL, AV_LOG_ERROR, "The seedance protocol is read-only\n");
        return AVERROR(ENOSYS);
    }
    if (!(in = calloc(1, sizeof(*in))))
        return AVERROR(ENOMEM);
    in->class = pl_log_class();
    in->av = av;
    seedance_av_report_init(&in->report, in, "with: -i seedance:%s");
    if (cb)
        in->interrupt = *cb;
    if ((ret = open_job(in, url)) < 0 || (ret = open_io(in)) < 0) {
        pl_input_free(in);
        return ret;
    }
    pthread_mutex_lock(&inputs_lock);
    in->next = inputs;
    inputs = in;
    pthread_mutex_unlock(&inputs_lock);
    *pb = in->pb;
    return 0;
}

int pl_input_is(const AVIOContext *pb)
{
    int found = 0;

    if (!pb)
        return 0;
    pthread_mutex_lock(&inputs_lock);
    for (const pl_input *in = inputs; in && !found; in = in->next)
        found = in->pb == pb;
    pthread_mutex_unlock(&inputs_lock);
    return found;
}

pl_input *pl_input_take(AVIOContext *pb)
{
    pl_input *in = NULL;

    if (!pb)
        return NULL;
    pthread_mutex_lock(&inputs_lock);
    for (pl_input **p = &inputs; *p; p = &(*p)->next) {
        if ((*p)->pb == pb) {
            in = *p;
            *p = in->next;
            break;
        }
    }
    pthread_mutex_unlock(&inputs_lock);
    return in;
}

int pl_input_close(AVIOContext *pb)
{
    pl_input *in = pl_input_take(pb);

    pl_input_free(in);
    return in != NULL;
}
