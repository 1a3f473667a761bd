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
#include <time.h>

#include <seedance.h>

#include "preload.h"

#define IO_BUFFER_SIZE 32768
/* at most one progress line per this many seconds (as the protocol) */
#define PROGRESS_INTERVAL 5.0

typedef struct pl_input {
    const AVClass *class;      /* av_log context, first member */
    const pl_libav *av;
    AVIOInterruptCB interrupt; /* the caller's */
    seedance_job *job;
    seedance_stream *stream;
    AVIOContext *pb;
    double last_progress;
    char last_status[32];
    char task_id[96];
    struct pl_input *next;
} pl_input;

static pl_input *inputs;       /* open inputs */
static pthread_mutex_t inputs_lock = PTHREAD_MUTEX_INITIALIZER;

int pl_is_seedance(const char *url)
{
    return url && !strncmp(url, "seedance:", 9);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * libseedance codes as AVERROR codes. The same mapping as the protocol's
 * seedance_averror(); keep the two identical until the library provides it.
 */
static int averror_of(int code)
{
    switch (code) {
    case SEEDANCE_OK:                return 0;
    case SEEDANCE_E_INVALID:
    case SEEDANCE_E_CONFIG:
    case SEEDANCE_E_IMAGE:           return AVERROR(EINVAL);
    case SEEDANCE_E_BAD_REQUEST:     return AVERROR_HTTP_BAD_REQUEST;
    case SEEDANCE_E_AUTH:            return AVERROR_HTTP_UNAUTHORIZED;
    case SEEDANCE_E_FORBIDDEN:
    case SEEDANCE_E_EXPIRED:         return AVERROR_HTTP_FORBIDDEN;
    case SEEDANCE_E_NOT_FOUND:       return AVERROR_HTTP_NOT_FOUND;
    case SEEDANCE_E_QUOTA:
    case SEEDANCE_E_TOO_LARGE:
    case SEEDANCE_E_RATE_LIMIT:
    case SEEDANCE_E_HTTP:            return AVERROR_HTTP_OTHER_4XX;
    case SEEDANCE_E_SERVER:          return AVERROR_HTTP_SERVER_ERROR;
    case SEEDANCE_E_PROTOCOL:        return AVERROR_INVALIDDATA;
    case SEEDANCE_E_TIMEOUT:         return AVERROR(ETIMEDOUT);
    case SEEDANCE_E_INTERRUPTED:     return AVERROR_EXIT;
    case SEEDANCE_E_NOMEM:           return AVERROR(ENOMEM);
    case SEEDANCE_E_NETWORK:
    case SEEDANCE_E_IO:              return AVERROR(EIO);
    default:                         return AVERROR_EXTERNAL;
    }
}

/* Log the job's last error as one line and return its AVERROR. */
static int fail(pl_input *in, int code)
{
    const seedance_error *e = seedance_last_error(seedance_job_client(in->job));

    if (code == SEEDANCE_E_INTERRUPTED) {
        if (in->task_id[0])
            pl_log(in, AV_LOG_WARNING, "Interrupted; task %s keeps running. "
                   "Resume with: -i seedance:%s\n", in->task_id, in->task_id);
        else
            pl_log(in, AV_LOG_WARNING, "Interrupted before a task was created\n");
    } else {
        pl_log(in, AV_LOG_ERROR, "%s\n", e->message[0] ? e->message : seedance_strerror(code));
    }
    return averror_of(code);
}

static int on_interrupt(void *opaque)
{
    pl_input *in = opaque;

    return in->interrupt.callback && in->interrupt.callback(in->interrupt.opaque);
}

static void on_log(void *opaque, int level, const char *msg)
{
    static const int levels[] = { AV_LOG_ERROR, AV_LOG_WARNING, AV_LOG_VERBOSE, AV_LOG_DEBUG };

    level = levels[level < 0 ? 0 : level > 3 ? 3 : level];
    pl_log(opaque, level, "%s\n", msg);
}

/* A poll line when the status changed or the last line is old enough. */
static void on_poll(pl_input *in, const seedance_progress *p)
{
    const char *status = p->status ? p->status : "unknown";
    int changed = strcmp(status, in->last_status);
    double t = now();

    if (!strcmp(status, "completed") ||   /* SEEDANCE_EV_COMPLETED says it */
        (!changed && t - in->last_progress < PROGRESS_INTERVAL))
        return;
    snprintf(in->last_status, sizeof(in->last_status), "%s", status);
    in->last_progress = t;
    if (p->estimated_time >= 0)
        pl_log(in, AV_LOG_INFO, "Task %s: %s, %d%%, about %d s left\n",
               in->task_id, status, p->progress > 0 ? p->progress : 0, p->estimated_time);
    else
        pl_log(in, AV_LOG_INFO, "Task %s: %s, %d%%\n",
               in->task_id, status, p->progress > 0 ? p->progress : 0);
}

static void on_progress(void *opaque, const seedance_progress *p)
{
    pl_input *in = opaque;

    if (p->task_id && p->task_id != in->task_id)
        snprintf(in->task_id, sizeof(in->task_id), "%s", p->task_id);

    switch (p->event) {
    case SEEDANCE_EV_SUBMITTED:
        pl_log(in, AV_LOG_INFO, "Task %s submitted\n", in->task_id);
        break;
    case SEEDANCE_EV_ATTACHED:
        pl_log(in, AV_LOG_INFO, "Attached to task %s (no new generation)\n", in->task_id);
        break;
    case SEEDANCE_EV_UPLOAD:
        pl_log(in, AV_LOG_INFO, "Uploading a local image\n");
        break;
    case SEEDANCE_EV_RETRY:
        pl_log(in, AV_LOG_VERBOSE, "Retrying a request\n");
        break;
    case SEEDANCE_EV_POLL:
        on_poll(in, p);
        break;
    case SEEDANCE_EV_COMPLETED:
        pl_log(in, AV_LOG_INFO, "Task %s completed\n", in->task_id);
        break;
    case SEEDANCE_EV_DOWNLOAD:
        if (p->size >= 0)
            pl_log(in, AV_LOG_INFO, "Downloading the result of %s (%" PRId64 " bytes)\n",
                   in->task_id, p->size);
        else
            pl_log(in, AV_LOG_INFO, "Downloading the result of %s\n", in->task_id);
        break;
    case SEEDANCE_EV_CACHED:
        pl_log(in, AV_LOG_INFO, "Using the cached clip of task %s\n", in->task_id);
        break;
    }
}

static int io_read(void *opaque, uint8_t *buf, int size)
{
    pl_input *in = opaque;
    int64_t n = seedance_stream_read(in->stream, buf, (size_t)size);

    if (n == 0)
        return AVERROR_EOF;
    if (n < 0)
        return fail(in, (int)-n);
    return (int)n;
}

static int64_t io_seek(void *opaque, int64_t pos, int whence)
{
    pl_input *in = opaque;
    int64_t ret;

    if (whence & AVSEEK_SIZE) {
        ret = seedance_stream_size(in->stream);
        return ret < 0 ? AVERROR(ENOSYS) : ret;
    }
    ret = seedance_stream_seek(in->stream, pos, whence & ~AVSEEK_FORCE);
    return ret < 0 ? fail(in, (int)-ret) : ret;
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
    seedance_client_set_progress(c, on_progress, in);
    seedance_client_set_log(c, on_log, in);
    if ((code = seedance_job_set_env(in->job)) || (code = seedance_job_parse_url(in->job, url)))
        return fail(in, code);
    if (seedance_job_task(in->job))
        snprintf(in->task_id, sizeof(in->task_id), "%s", seedance_job_task(in->job));
    if ((code = seedance_job_open(in->job, &in->stream)))
        return fail(in, code);
    return 0;
}

/* The AVIOContext around the stream. */
static int open_io(pl_input *in)
{
    const pl_libav *av = in->av;
    unsigned char *buf = av->av_malloc(IO_BUFFER_SIZE);

    if (!buf)
        return AVERROR(ENOMEM);
    in->pb = av->avio_alloc_context(buf, IO_BUFFER_SIZE, 0, in, io_read, NULL, io_seek);
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
