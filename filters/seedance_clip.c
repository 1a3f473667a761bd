/*
 * Seedance 2.0 video generation filters: one generated clip
 * Copyright (c) 2026 the seedance for FFmpeg authors
 *
 * This file is part of FFmpeg.
 *
 * FFmpeg is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * FFmpeg is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with FFmpeg; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */

/**
 * @file
 * One generation for a filter: options through libseedance's option layer,
 * the submit, a worker thread that waits for the task and opens the clip,
 * Ctrl-C, progress lines and errors as the seedance: protocol prints them
 * (seedance_av.h), and the decoding of the clip (libavformat over the
 * library's stream, libavcodec).
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/mem.h"
#include "libavutil/time.h"

#include "seedance_filter.h"

/* the longest the filter thread waits for the worker in one go */
#define WAIT_SLICE_MS     100
#define IO_BUFFER_SIZE    65536

/* ---- Ctrl-C ----------------------------------------------------------
 * libavfilter gives filters no interrupt callback, and the filter thread
 * keeps running the graph while a filter waits. The program's own SIGINT
 * and SIGTERM handlers (ffmpeg, ffplay: they count or exit) are wrapped,
 * while any clip exists, by one that counts the signals first. A default
 * disposition is left alone: the signal ends the process anyway. */

static const int watched[2] = { SIGINT, SIGTERM };
static pthread_mutex_t signal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction signal_prev[2];
static int signal_wrapped[2];
static int signal_users;
static atomic_uint signal_count;

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    atomic_fetch_add(&signal_count, 1);
    for (int i = 0; i < 2; i++) {
        const struct sigaction *p = &signal_prev[i];

        if (watched[i] != sig)
            continue;
        if (p->sa_flags & SA_SIGINFO)
            p->sa_sigaction(sig, info, uctx);
        else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN)
            p->sa_handler(sig);
    }
}

static int is_ours(const struct sigaction *a)
{
    return (a->sa_flags & SA_SIGINFO) && a->sa_sigaction == on_signal;
}

static void signals_ref(void)
{
    pthread_mutex_lock(&signal_lock);
    signal_users++;
    for (int i = 0; i < 2; i++) {
        struct sigaction cur, ours;

        if (signal_wrapped[i] || sigaction(watched[i], NULL, &cur) < 0 || is_ours(&cur))
            continue;
        if (!(cur.sa_flags & SA_SIGINFO) &&
            (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
            continue;
        signal_prev[i]   = cur;
        ours             = cur;
        ours.sa_flags   |= SA_SIGINFO;
        ours.sa_sigaction = on_signal;
        signal_wrapped[i] = sigaction(watched[i], &ours, NULL) == 0;
    }
    pthread_mutex_unlock(&signal_lock);
}

static void signals_unref(void)
{
    pthread_mutex_lock(&signal_lock);
    if (!--signal_users) {
        for (int i = 0; i < 2; i++) {
            struct sigaction cur;

            /* put the program's handler back, unless it replaced ours since */
            if (signal_wrapped[i] && sigaction(watched[i], NULL, &cur) == 0 && is_ours(&cur))
                sigaction(watched[i], &signal_prev[i], NULL);
            signal_wrapped[i] = 0;
        }
    }
    pthread_mutex_unlock(&signal_lock);
}

static void clip_watch(SeedanceClip *c)
{
    if (c->watching)
        return;
    signals_ref();
    c->watching = 1;
}

/* Stop when the filter is freed, or once the process got SIGINT or SIGTERM:
 * the programs that handle them (ffmpeg, ffplay) are then on their way out,
 * and may still configure a graph again (FFmpeg 5.1 does) before they exit. */
static int clip_interrupted(SeedanceClip *c)
{
    return atomic_load(&c->stop) || (c->watching && atomic_load(&signal_count));
}

static int on_interrupt(void *opaque)
{
    return clip_interrupted(opaque);
}

/* ---- progress and errors, as the protocol prints them ---------------- */

/* clips waiting at the same time: their status lines are plain ones then */
static atomic_int clips_waiting;

static void on_log(void *opaque, int level, const char *msg)
{
    SeedanceClip *c = opaque;

    seedance_av_log_line(&c->report, level, msg);
}

static void on_progress(void *opaque, const seedance_progress *p)
{
    SeedanceClip *c = opaque;

    /* the worker names the task it submitted; nobody reads task_id meanwhile */
    if (p->task_id && !c->task_id[0])
        av_strlcpy(c->task_id, p->task_id, sizeof(c->task_id));
    /* one line redrawn in place cannot show several tasks */
    if (c->report.in_place && atomic_load(&clips_waiting) > 1) {
        seedance_av_report_end(&c->report);
        c->report.in_place = 0;
    }
    seedance_av_progress(&c->report, p);
}

static seedance_client *client_of(SeedanceClip *c)
{
    return seedance_job_client(c->job);
}

/* Log the client's last error as one line; its AVERROR. */
static int clip_error(SeedanceClip *c, int code)
{
    return seedance_av_fail(&c->report, client_of(c), code);
}

/* The task keeps running: say so, and how to resume it. */
static void report_interrupted(SeedanceClip *c)
{
    av_strlcpy(c->report.task_id, c->task_id, sizeof(c->report.task_id));
    seedance_av_fail(&c->report, client_of(c), SEEDANCE_E_INTERRUPTED);
}

/* The worker's failure, logged once (the worker has finished). */
static int clip_report(SeedanceClip *c)
{
    if (!c->reported) {
        c->reported = 1;
        if (c->code == SEEDANCE_E_INTERRUPTED || c->averror == AVERROR_EXIT)
            report_interrupted(c);
        else if (c->code)
            clip_error(c, c->code);
        else
            av_log(c->log, AV_LOG_ERROR, "Cannot read the clip of task %s: %s\n",
                   c->task_id, av_err2str(c->averror));
    }
    return c->averror;
}

/* ---- options ----------------------------------------------------------- */

#define FILTER_FLAGS (AV_OPT_FLAG_FILTERING_PARAM | AV_OPT_FLAG_VIDEO_PARAM)

/* set by an image-to-video filter: the frames (and so the mode); the audio
 * would be dropped; no web search with images; no footage or sound */
#define I2V_HIDDEN (SEEDANCE_OPTION_BIT(IMAGE) | SEEDANCE_OPTION_BIT(LAST_IMAGE) | \
                    SEEDANCE_OPTION_BIT(MODE) | SEEDANCE_OPTION_BIT(GENERATE_AUDIO) | \
                    SEEDANCE_OPTION_BIT(WEB_SEARCH) | SEEDANCE_OPTION_BIT(VIDEO) | \
                    SEEDANCE_OPTION_BIT(AUDIO))

static const char *const i2v_defaults[] = {
    "aspect_ratio", "adaptive", "generate_audio", "0", NULL
};

/*
 * One AVOption per entry of SEEDANCE_OPTION_LIST, a string at OFFSET(id)
 * (by default in SeedanceOptions.opts), listed when a URL may set it and
 * the filter does not set it itself (HIDDEN), with the help text
 * HELP(id, help).
 */
#define AVOPTION(id, name, ffname, flags, help, ...)                                           \
    { name, HELP(SEEDANCE_OPTION_##id, help), OFFSET(SEEDANCE_OPTION_##id),                  \
      AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0,                                            \
      ((flags) & SEEDANCE_OPT_URL) && !(HIDDEN & SEEDANCE_OPTION_BIT(id)) ? FILTER_FLAGS : 0, \
      NULL },
#define OPTS_OFFSET(id) (offsetof(SeedanceOptions, opts) + (id) * sizeof(char *))
#define REF_OFFSET(field) offsetof(SeedanceRefOptions, field)
#define ADAPTIVE_HELP "16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (default adaptive: the " \
                      "shape of the input frames)"

#define HIDDEN 0
#define HELP(id, help) help
#define OFFSET(id) OPTS_OFFSET(id)
const AVOption ff_seedance_options[] = {
    SEEDANCE_OPTION_LIST(AVOPTION)
    { NULL }
};
#undef HIDDEN
#undef HELP

/* the library's mode row is the filter's own mode (SeedanceRefOptions.mode):
 * one AVOption named mode, never two */
#define HIDDEN (I2V_HIDDEN & ~SEEDANCE_OPTION_BIT(IMAGE) & ~SEEDANCE_OPTION_BIT(MODE))
#define HELP(id, help) ((id) == SEEDANCE_OPTION_ASPECT_RATIO ? ADAPTIVE_HELP :              \
    (id) == SEEDANCE_OPTION_MODE ? "what is sent: frame (the last frames, image-to-video) " \
    "or video (the footage around the generated part, reference-to-video) (default frame)" : \
    (id) == SEEDANCE_OPTION_IMAGE ? "mode video only: reference images, up to 9 "          \
    "(|-separated), local files or https URLs, named @image1... in the prompt" : help)
#undef OFFSET
#define OFFSET(id) ((id) == SEEDANCE_OPTION_MODE ? REF_OFFSET(mode) : OPTS_OFFSET(id))
const AVOption ff_seedance_i2v_options[] = {
    SEEDANCE_OPTION_LIST(AVOPTION)
    { "context", "mode video: seconds of footage sent from each input, 2..15",
      REF_OFFSET(context), AV_OPT_TYPE_DURATION, { .i64 = 5000000 }, 2000000, 15000000,
      FILTER_FLAGS },
    { NULL }
};
#undef HIDDEN
#undef HELP
#undef OFFSET

#define HIDDEN SEEDANCE_EDIT_HIDDEN
#define HELP(id, help) ((id) == SEEDANCE_OPTION_ASPECT_RATIO ? ADAPTIVE_HELP :              \
    (id) == SEEDANCE_OPTION_IMAGE ? "reference images, up to 9 (|-separated), local files " \
    "or https URLs, named @image1... in the prompt" :                                     \
    (id) == SEEDANCE_OPTION_GENERATE_AUDIO ? "generate a sound track, output on a second "  \
    "output (default 0; with audio_in and keep_audio=0 it is on)" : help)
#define OFFSET(id) OPTS_OFFSET(id)
const AVOption ff_seedance_edit_options[] = {
    SEEDANCE_OPTION_LIST(AVOPTION)
    { "audio_in", "a second input, audio: its sound is sent with the video as @audio1",
      REF_OFFSET(audio_in), AV_OPT_TYPE_BOOL, { .i64 = 0 }, 0, 1,
      FILTER_FLAGS | AV_OPT_FLAG_AUDIO_PARAM },
    { "keep_audio", "output the audio input's sound rather than a generated one "
      "(auto: with audio_in)", REF_OFFSET(keep_audio), AV_OPT_TYPE_BOOL, { .i64 = -1 },
      -1, 1, FILTER_FLAGS | AV_OPT_FLAG_AUDIO_PARAM },
    { NULL }
};
#undef HIDDEN
#undef HELP
#undef OFFSET

static int set_option(SeedanceClip *c, const char *name, const char *value, int origin)
{
    int code = seedance_job_set(c->job, name, value, origin);

    return code ? clip_error(c, code) : 0;
}

int ff_seedance_clip_init(SeedanceClip *c, void *log, const char *name, char *const *opts,
                          unsigned hidden, const char *const *defaults)
{
    seedance_client *client;
    int ret, code;

    c->log = log;
    c->name = name;
    c->cur = c->index[0] = c->index[1] = -1;
    seedance_av_report_init(&c->report, log, "with: the same command again (nothing is paid "
                            "twice), or task=%s");
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (!(c->job = seedance_job_new()))
        return AVERROR(ENOMEM);
    client = client_of(c);
    seedance_client_set_progress(client, on_progress, c);
    seedance_client_set_log(client, on_log, c);
    seedance_client_set_interrupt(client, on_interrupt, c);
    seedance_client_set_probe(client, seedance_av_probe, NULL);   /* local reference clips */

    for (int i = 0; defaults && defaults[i]; i += 2)
        if ((ret = set_option(c, defaults[i], defaults[i + 1], SEEDANCE_FROM_PROGRAM)) < 0)
            return ret;
    if ((code = seedance_job_set_env(c->job)))
        return clip_error(c, code);
    for (const seedance_option *o = seedance_options(); o->name; o++) {
        if (!opts[o->id])
            continue;
        if (hidden & (1u << o->id)) {
            av_log(log, AV_LOG_ERROR, "%s: option %s is not accepted: %s sets it itself\n",
                   name, o->name, name);
            return AVERROR(EINVAL);
        }
        if ((ret = set_option(c, o->name, opts[o->id], SEEDANCE_FROM_URL)) < 0)
            return ret;
    }
    return 0;
}

int ff_seedance_clip_validate(SeedanceClip *c)
{
    seedance_error err;

    if (seedance_job_task(c->job))
        return 0;
    if (seedance_request_validate(seedance_job_request(c->job), client_of(c), &err)) {
        av_log(c->log, AV_LOG_ERROR, "%s\n", err.message);
        return seedance_averror(err.code);
    }
    return 0;
}

int ff_seedance_clip_has_audio(SeedanceClip *c)
{
    return seedance_request_generate_audio(seedance_job_request(c->job));
}

int ff_seedance_clip_frame_size(SeedanceClip *c, int *w, int *h)
{
    if (seedance_job_task(c->job))
        return 0;
    /* adaptive (0): the size follows the image, or the model's choice */
    return seedance_request_frame_size(seedance_job_request(c->job), w, h) > 0;
}

/* ---- submit and worker ------------------------------------------------ */

static int submit(SeedanceClip *c)
{
    const char *task = seedance_job_task(c->job);
    char *id = NULL;
    int code;

    if (task) {
        av_strlcpy(c->task_id, task, sizeof(c->task_id));
    } else {
        code = seedance_submit(client_of(c), seedance_job_request(c->job),
                               seedance_job_flags(c->job), &id, NULL);
        if (code)
            return code;
        av_strlcpy(c->task_id, id, sizeof(c->task_id));
        free(id);
    }
    av_strlcpy(c->report.task_id, c->task_id, sizeof(c->report.task_id));
    return SEEDANCE_OK;
}

int ff_seedance_clip_submit(SeedanceClip *c)
{
    int code;

    clip_watch(c);
    if ((code = submit(c))) {
        c->reported = 1;
        if (code == SEEDANCE_E_INTERRUPTED) {
            report_interrupted(c);
            return AVERROR_EXIT;
        }
        return clip_error(c, code);
    }
    return 0;
}

int ff_seedance_clip_set_frame(SeedanceClip *c, const char *field, const AVFrame *frame)
{
    seedance_error err;
    uint8_t *png;
    int size, ret;

    if ((ret = ff_seedance_frame_png(c->log, frame, &png, &size)) < 0)
        return ret;
    ret = seedance_request_set_image_data(seedance_job_request(c->job), field, png, size,
                                          "image/png", &err);
    av_free(png);
    if (ret) {
        av_log(c->log, AV_LOG_ERROR, "%s\n", err.message);
        return seedance_averror(ret);
    }
    return ff_seedance_clip_validate(c);
}

/* Check every option with grey stand-ins for the frames the filter will send. */
static int check_with_stand_ins(SeedanceClip *c, int nb_frames)
{
    static const char *const fields[2] = { "image", "last_image" };
    AVFrame *f = av_frame_alloc();
    int ret;

    if (!f)
        return AVERROR(ENOMEM);
    f->width  = f->height = 320;
    f->format = AV_PIX_FMT_GRAY8;
    if ((ret = av_frame_get_buffer(f, 0)) >= 0 && (ret = av_frame_make_writable(f)) >= 0) {
        memset(f->data[0], 128, f->linesize[0] * f->height);
        for (int i = 0; i < nb_frames && i < 2 && ret >= 0; i++)
            ret = ff_seedance_clip_set_frame(c, fields[i], f);
    }
    av_frame_free(&f);
    return ret;
}

int ff_seedance_clip_init_i2v(SeedanceClip *c, AVFilterContext *ctx, char *const *opts,
                              int nb_frames)
{
    int ret = ff_seedance_clip_init(c, ctx, ctx->filter->name, opts, I2V_HIDDEN, i2v_defaults);

    if (ret < 0 || seedance_job_task(c->job))
        return ret;
    return check_with_stand_ins(c, nb_frames);
}

static int clip_open(SeedanceClip *c);

static void *clip_worker(void *arg)
{
    SeedanceClip *c = arg;
    int code = SEEDANCE_OK, ret = 0;

    atomic_fetch_add(&clips_waiting, 1);
    if (c->submit_in_worker)
        code = submit(c);
    if (!code)
        code = seedance_open_task(client_of(c), c->task_id, &c->stream);
    if (!code)
        ret = clip_open(c);
    seedance_av_report_end(&c->report);
    atomic_fetch_sub(&clips_waiting, 1);

    pthread_mutex_lock(&c->lock);
    c->code    = code;
    c->averror = code ? seedance_averror(code) : ret;
    c->done    = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int ff_seedance_clip_start(SeedanceClip *c, int submit_first, int audio)
{
    int ret;

    clip_watch(c);
    c->submit_in_worker  = submit_first;
    c->want[SEEDANCE_VIDEO] = 1;
    c->want[SEEDANCE_AUDIO] = audio;
    if ((ret = pthread_create(&c->worker, NULL, clip_worker, c))) {
        av_log(c->log, AV_LOG_ERROR, "Cannot start a thread: %s\n", av_err2str(AVERROR(ret)));
        return AVERROR(ret);
    }
    c->worker_started = 1;
    return 0;
}

int ff_seedance_clip_ready(SeedanceClip *c, int timeout_ms)
{
    int done;

    pthread_mutex_lock(&c->lock);
    if (!c->done && timeout_ms > 0) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec  += timeout_ms / 1000;
        ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->cond, &c->lock, &ts);
    }
    done = c->done;
    pthread_mutex_unlock(&c->lock);
    if (!done)
        return 0;
    return c->averror < 0 ? clip_report(c) : 1;
}

int ff_seedance_clip_activate_wait(AVFilterContext *ctx, SeedanceClip *c)
{
    int ret = ff_seedance_clip_ready(c, WAIT_SLICE_MS);

    if (ret)
        return ret;
    /* not yet: be activated again (the worker wakes us as soon as it is done) */
    ff_filter_set_ready(ctx, 1);
    return FFERROR_NOT_READY;
}

int ff_seedance_clip_wait(SeedanceClip *c)
{
    int ret;

    while (!(ret = ff_seedance_clip_ready(c, WAIT_SLICE_MS)))
        ;
    return ret < 0 ? ret : 0;
}

/* ---- the clip: libavformat over the library's stream ---------------- */

static int open_decoder(SeedanceClip *c, int type)
{
    enum AVMediaType media = type == SEEDANCE_VIDEO ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
    const AVCodec *codec = NULL;
    AVCodecContext *dec;
    AVStream *st;
    int idx = av_find_best_stream(c->fmt, media, -1, -1, &codec, 0), ret;

    if (idx < 0) {
        if (type == SEEDANCE_VIDEO) {
            av_log(c->log, AV_LOG_ERROR, "The clip of task %s has no video stream\n", c->task_id);
            return AVERROR_INVALIDDATA;
        }
        av_log(c->log, AV_LOG_WARNING, "The clip of task %s has no audio track: "
               "the audio output ends at once\n", c->task_id);
        return 0;
    }
    st = c->fmt->streams[idx];
    if (!(dec = avcodec_alloc_context3(codec)))
        return AVERROR(ENOMEM);
    c->dec[type]   = dec;
    c->index[type] = idx;
    if ((ret = avcodec_parameters_to_context(dec, st->codecpar)) < 0)
        return ret;
    dec->pkt_timebase = st->time_base;
    return avcodec_open2(dec, codec, NULL);
}

static int clip_open(SeedanceClip *c)
{
    uint8_t *buf = av_malloc(IO_BUFFER_SIZE);
    int ret;

    /* an interruption is reported with the task's id (clip_report) */
    c->io = (SeedanceAVIO){ c->stream, client_of(c), &c->report, 1 };
    if (!buf || !(c->pb = avio_alloc_context(buf, IO_BUFFER_SIZE, 0, &c->io, seedance_avio_read,
                                             NULL, seedance_avio_seek))) {
        av_free(buf);
        return AVERROR(ENOMEM);
    }
    c->pb->seekable = seedance_stream_seekable(c->stream) ? AVIO_SEEKABLE_NORMAL : 0;
    if (!(c->fmt = avformat_alloc_context()) || !(c->pkt = av_packet_alloc()))
        return AVERROR(ENOMEM);
    c->fmt->pb = c->pb;
    c->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    c->fmt->interrupt_callback.callback = on_interrupt;
    c->fmt->interrupt_callback.opaque   = c;
    if ((ret = avformat_open_input(&c->fmt, NULL, NULL, NULL)) < 0 ||
        (ret = avformat_find_stream_info(c->fmt, NULL)) < 0)
        return ret;
    for (int type = 0; type < 2; type++)
        if (c->want[type] && (ret = open_decoder(c, type)) < 0)
            return ret;
    return 0;
}

AVStream *ff_seedance_clip_stream(SeedanceClip *c, int type)
{
    return c->fmt && c->index[type] >= 0 ? c->fmt->streams[c->index[type]] : NULL;
}

/* Demux the next packet for a decoder in use into it; 0, or AVERROR. */
static int feed(SeedanceClip *c)
{
    int ret = av_read_frame(c->fmt, c->pkt);

    if (ret == AVERROR_EOF) {
        c->demux_eof = 1;
        for (int i = 0; i < 2; i++)
            if (c->dec[i])
                avcodec_send_packet(c->dec[i], NULL);
        return 0;
    }
    if (ret < 0)
        return ret;
    for (int i = 0; i < 2; i++) {
        if (c->dec[i] && c->pkt->stream_index == c->index[i]) {
            ret = avcodec_send_packet(c->dec[i], c->pkt);
            c->cur = i;
            break;
        }
    }
    av_packet_unref(c->pkt);
    return ret == AVERROR_INVALIDDATA ? 0 : ret;  /* a damaged packet: go on */
}

int ff_seedance_clip_read(SeedanceClip *c, AVFrame *frame)
{
    int ret;

    for (;;) {
        if (c->cur >= 0) {
            ret = avcodec_receive_frame(c->dec[c->cur], frame);
            if (ret >= 0) {
                frame->pts = frame->best_effort_timestamp;
                return c->cur;
            }
            if (ret == AVERROR_EOF)
                c->dec_eof[c->cur] = 1;
            else if (ret != AVERROR(EAGAIN))
                return ret;
            c->cur = -1;
        }
        if (c->demux_eof) {
            for (int i = 0; i < 2 && c->cur < 0; i++)
                if (c->dec[i] && !c->dec_eof[i])
                    c->cur = i;
            if (c->cur < 0)
                return AVERROR_EOF;
            continue;
        }
        if ((ret = feed(c)) < 0)
            return ret;
    }
}

void ff_seedance_clip_uninit(SeedanceClip *c)
{
    if (c->worker_started) {
        int was_done;

        pthread_mutex_lock(&c->lock);
        was_done = c->done;
        pthread_mutex_unlock(&c->lock);
        atomic_store(&c->stop, 1);
        pthread_join(c->worker, NULL);
        c->worker_started = 0;
        if (!was_done && !c->reported) {
            c->reported = 1;
            report_interrupted(c);
        } else if (c->averror < 0) {
            clip_report(c);
        }
    }
    for (int i = 0; i < 2; i++)
        avcodec_free_context(&c->dec[i]);
    av_packet_free(&c->pkt);
    avformat_close_input(&c->fmt);
    if (c->pb)
        av_freep(&c->pb->buffer);
    avio_context_free(&c->pb);
    seedance_stream_close(c->stream);
    c->stream = NULL;
    seedance_job_free(c->job);
    c->job = NULL;
    if (c->watching)
        signals_unref();
    c->watching = 0;
    if (c->log) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
    }
    c->log = NULL;
}
