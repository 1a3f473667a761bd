/*
 * Seedance 2.0 video generation source (Evolink API) via libseedance
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
 * seedance source: generates a clip from a prompt (and optional images)
 * and outputs its video, then its audio when generate_audio is on (the
 * default).
 *
 *   -filter_complex "seedance=prompt=a calm sea:duration=5[v][a]"
 *
 * Options are the seedance: URL keys, parsed by libseedance. init() only
 * checks them: the ffmpeg command line builds a throw-away graph to learn
 * the pads. The job is submitted when the real graph negotiates formats,
 * which happens for every filter before any output is configured, so all
 * the generations of a graph run at the same time. A worker thread waits
 * for the task and opens the clip; activate() schedules itself until then.
 *
 * The clip's size follows from quality and aspect_ratio (the API's table,
 * as libseedance gives it), at 24 fps, yuv420p, 48 kHz stereo: the output
 * is configured with those before the clip exists. When they cannot be
 * known (aspect_ratio adaptive, or task=...) the output's configuration
 * waits for the clip. A clip that differs from what was announced is
 * converted, with a warning.
 */

#include "libavutil/channel_layout.h"
#include "libavutil/mem.h"
#include "libavutil/pixdesc.h"
#include "libswresample/swresample.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

#define CLIP_FPS        24
#define CLIP_PIX_FMT    AV_PIX_FMT_YUV420P
#define CLIP_SAMPLE_FMT AV_SAMPLE_FMT_FLTP
#define CLIP_RATE       48000

typedef struct SeedanceSrcContext {
    SeedanceOptions o;          ///< first: the class and the options

    SeedanceClip clip;
    int started;
    int audio;                  ///< has an audio output
    int known;                  ///< the clip's size is known from the options
    int w, h;
    AVFrame *frame;
    struct SwsContext *sws;
    SwrContext *swr;
    int warned[2];
    int64_t next_pts[2];        ///< end of the last frame sent, per output
} SeedanceSrcContext;

AVFILTER_DEFINE_CLASS_EXT(seedance, "seedance", ff_seedance_options);

static int config_video(AVFilterLink *outlink);
static int config_audio(AVFilterLink *outlink);

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceSrcContext *s = ctx->priv;
    AVFilterPad pad = { 0 };
    int ret;

    if ((ret = ff_seedance_clip_init(&s->clip, ctx, "seedance", s->o.opts, 0, NULL)) < 0 ||
        (ret = ff_seedance_clip_validate(&s->clip)) < 0)
        return ret;
    s->audio = ff_seedance_clip_has_audio(&s->clip);
    s->known = ff_seedance_clip_frame_size(&s->clip, &s->w, &s->h);
    if (!(s->frame = av_frame_alloc()))
        return AVERROR(ENOMEM);

    /* the pads follow from the options alone */
    pad.name         = "video";
    pad.type         = AVMEDIA_TYPE_VIDEO;
    pad.config_props = config_video;
    if ((ret = ff_append_outpad(ctx, &pad)) < 0 || !s->audio)
        return ret;
    pad.name         = "audio";
    pad.type         = AVMEDIA_TYPE_AUDIO;
    pad.config_props = config_audio;
    return ff_append_outpad(ctx, &pad);
}

/* Format negotiation of the real graph: submit now, wait in the worker. */
static int query_formats(AVFilterContext *ctx)
{
    SeedanceSrcContext *s = ctx->priv;
    static const int pix_fmts[]    = { CLIP_PIX_FMT, AV_PIX_FMT_NONE };
    static const int sample_fmts[] = { CLIP_SAMPLE_FMT, AV_SAMPLE_FMT_NONE };
    static const int rates[]       = { CLIP_RATE, -1 };
    static const AVChannelLayout layouts[] = { AV_CHANNEL_LAYOUT_STEREO, { 0 } };
    int ret;

    if (!s->started) {
        if ((ret = ff_seedance_clip_submit(&s->clip)) < 0 ||
            (ret = ff_seedance_clip_start(&s->clip, 0, s->audio)) < 0)
            return ret;
        s->started = 1;
    }
    if ((ret = ff_formats_ref(ff_make_format_list(pix_fmts), &ctx->outputs[0]->incfg.formats)) < 0 ||
        ctx->nb_outputs < 2)
        return ret;
    if ((ret = ff_formats_ref(ff_make_format_list(sample_fmts), &ctx->outputs[1]->incfg.formats)) < 0 ||
        (ret = ff_formats_ref(ff_make_format_list(rates), &ctx->outputs[1]->incfg.samplerates)) < 0)
        return ret;
    return ff_channel_layouts_ref(ff_make_channel_layout_list(layouts),
                                  &ctx->outputs[1]->incfg.channel_layouts);
}

static int config_video(AVFilterLink *outlink)
{
    SeedanceSrcContext *s = outlink->src->priv;
    AVStream *st;
    int ret;

    if (s->known) {
        outlink->w = s->w;
        outlink->h = s->h;
        outlink->time_base = (AVRational){ 1, 90000 };
        outlink->sample_aspect_ratio = (AVRational){ 1, 1 };
        SEEDANCE_FRAME_RATE(outlink) = (AVRational){ CLIP_FPS, 1 };
        return 0;
    }
    /* the size follows the clip: wait for it (every job of the graph is
     * submitted by now, so they are generated at the same time) */
    if ((ret = ff_seedance_clip_wait(&s->clip)) < 0)
        return ret;
    st = ff_seedance_clip_stream(&s->clip, SEEDANCE_VIDEO);
    outlink->w = st->codecpar->width;
    outlink->h = st->codecpar->height;
    outlink->time_base = st->time_base;
    outlink->sample_aspect_ratio = av_guess_sample_aspect_ratio(s->clip.fmt, st, NULL);
    if (!outlink->sample_aspect_ratio.num)
        outlink->sample_aspect_ratio = (AVRational){ 1, 1 };
    SEEDANCE_FRAME_RATE(outlink) = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    return 0;
}

static int config_audio(AVFilterLink *outlink)
{
    outlink->time_base = (AVRational){ 1, outlink->sample_rate };
    return 0;
}

/* Warn once when the clip is not what the output announced. */
static void warn_mismatch(AVFilterContext *ctx, int type, const AVFrame *f)
{
    SeedanceSrcContext *s = ctx->priv;
    AVFilterLink *l = ctx->outputs[type];

    if (s->warned[type]++)
        return;
    if (type == SEEDANCE_VIDEO)
        av_log(ctx, AV_LOG_WARNING, "The clip is %dx%d %s, not %dx%d %s as documented: "
               "converted\n", f->width, f->height, av_get_pix_fmt_name(f->format),
               l->w, l->h, av_get_pix_fmt_name(l->format));
    else
        av_log(ctx, AV_LOG_WARNING, "The clip's audio is %d Hz %s, not %d Hz %s as documented: "
               "converted\n", f->sample_rate, av_get_sample_fmt_name(f->format),
               l->sample_rate, av_get_sample_fmt_name(l->format));
}

/* Send a decoded frame to its output, in the output's time base and format. */
static int send_frame(AVFilterContext *ctx, int type, AVFrame *in)
{
    SeedanceSrcContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[type];
    AVRational tb = ff_seedance_clip_stream(&s->clip, type)->time_base;
    AVFrame *out;
    int ret;

    if (type == SEEDANCE_VIDEO && (in->width != outlink->w || in->height != outlink->h ||
                                   in->format != outlink->format)) {
        warn_mismatch(ctx, type, in);
        out = ff_seedance_output_frame(outlink, &s->sws, in, NULL);
        av_frame_unref(in);
    } else {
        if ((out = av_frame_alloc()))
            av_frame_move_ref(out, in);
    }
    if (!out)
        return AVERROR(ENOMEM);
    if (out->pts != AV_NOPTS_VALUE)
        out->pts = av_rescale_q(out->pts, tb, outlink->time_base);
    SEEDANCE_DURATION(out) = av_rescale_q(SEEDANCE_DURATION(out), tb, outlink->time_base);
    if (type == SEEDANCE_AUDIO && (out->format != outlink->format ||
                                   out->sample_rate != outlink->sample_rate ||
                                   av_channel_layout_compare(&out->ch_layout, &outlink->ch_layout))) {
        AVFrame *clip = out;

        warn_mismatch(ctx, type, out);
        ret = ff_seedance_resample(ctx, &s->swr, &out, clip, outlink->format,
                                   outlink->sample_rate, &outlink->ch_layout);
        av_frame_free(&clip);
        if (ret < 0 || !out)
            return ret;
    }
    if (out->pts != AV_NOPTS_VALUE)
        s->next_pts[type] = out->pts + FFMAX(SEEDANCE_DURATION(out), 1);
    return ff_filter_frame(outlink, out);
}

static int activate(AVFilterContext *ctx)
{
    SeedanceSrcContext *s = ctx->priv;
    int wanted = 0, open = 0, ret;

    for (unsigned i = 0; i < ctx->nb_outputs; i++) {
        if (ff_outlink_get_status(ctx->outputs[i]))
            continue;
        open++;
        wanted += ff_outlink_frame_wanted(ctx->outputs[i]);
    }
    if (!open)
        return 0;                       /* every consumer closed its input */
    if (!wanted)
        return FFERROR_NOT_READY;
    if ((ret = ff_seedance_clip_activate_wait(ctx, &s->clip)) != 1)
        return ret;

    ret = ff_seedance_clip_read(&s->clip, s->frame);
    if (ret == AVERROR_EOF) {
        for (unsigned i = 0; i < ctx->nb_outputs; i++)
            ff_outlink_set_status(ctx->outputs[i], AVERROR_EOF, s->next_pts[i]);
        return 0;
    }
    if (ret < 0)
        return ret;
    if ((unsigned)ret < ctx->nb_outputs && !ff_outlink_get_status(ctx->outputs[ret])) {
        if ((ret = send_frame(ctx, ret, s->frame)) < 0)
            return ret;
    }
    av_frame_unref(s->frame);
    for (unsigned i = 0; i < ctx->nb_outputs; i++)
        if (ff_outlink_frame_wanted(ctx->outputs[i]))
            ff_filter_set_ready(ctx, 100);
    return 0;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceSrcContext *s = ctx->priv;

    ff_seedance_clip_uninit(&s->clip);
    av_frame_free(&s->frame);
    sws_freeContext(s->sws);
    swr_free(&s->swr);
}

const SEEDANCE_FILTER ff_vsrc_seedance = {
    SEEDANCE_PUB(name)        = "seedance",
    SEEDANCE_PUB(description) = NULL_IF_CONFIG_SMALL("Generate a clip with Seedance 2.0 "
                                                     "(video, then audio when generate_audio is on)."),
    SEEDANCE_PUB(priv_class)  = &seedance_class,
    SEEDANCE_PUB(flags)       = AVFILTER_FLAG_DYNAMIC_OUTPUTS,
    .priv_size     = sizeof(SeedanceSrcContext),
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_QUERY_FUNC(query_formats),
};
