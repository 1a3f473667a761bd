/*
 * Seedance 2.0 transition between two videos (Evolink API) via libseedance
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
 * seedance_bridge: outputs its first input, then a generated transition
 * from the first input's last frame to the second input's first frame (a
 * first-and-last-frame image-to-video generation), then the second input.
 * Timestamps continue without gap; the second input's frames wait in its
 * link while the transition is generated. The transition is converted to
 * the inputs' size, pixel format and colour properties, at the first
 * input's frame rate.
 */

#include <string.h>

#include "libavutil/mem.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

enum { FROM, FIRST_TO, GENERATE, TO, DONE };

typedef struct SeedanceBridgeContext {
    const AVClass *class;
    char *opts[SEEDANCE_OPTION__COUNT];

    SeedanceClip clip;
    int state;
    AVFrame *last_from;         ///< the first input's last frame so far
    AVFrame *first_to;          ///< the second input's first frame
    int64_t end;                ///< where the first input ends (output time base)
    int64_t to_offset;          ///< second input: output pts = rescaled pts + to_offset
    int64_t last_pts;           ///< the last pts sent
    SeedanceRetime retime;
    AVFrame *frame;
    struct SwsContext *sws;
} SeedanceBridgeContext;

#define HIDDEN (SEEDANCE_OPTION_BIT(IMAGE) | SEEDANCE_OPTION_BIT(LAST_IMAGE) | \
                SEEDANCE_OPTION_BIT(GENERATE_AUDIO) | SEEDANCE_OPTION_BIT(WEB_SEARCH))

#define SEEDANCE_OPTION_CONTEXT SeedanceBridgeContext
#define SEEDANCE_OPTION_HIDDEN  HIDDEN
#define SEEDANCE_OPTION_HELP(id, help) ((id) == SEEDANCE_OPTION_ASPECT_RATIO ?               \
    "16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (default adaptive: the inputs' shape)" :  \
    help)

static const AVOption seedance_bridge_options[] = {
    SEEDANCE_OPTION_LIST(SEEDANCE_AVOPTION)
    { NULL }
};

AVFILTER_DEFINE_CLASS(seedance_bridge);

static const char *const defaults[] = {
    "aspect_ratio", "adaptive", "generate_audio", "0", NULL
};

/* Check every option now, before any frame: stand-in first and last frames. */
static int check_request(SeedanceClip *c)
{
    AVFrame *f = av_frame_alloc();
    int ret;

    if (!f)
        return AVERROR(ENOMEM);
    f->width  = f->height = 320;
    f->format = AV_PIX_FMT_GRAY8;
    if ((ret = av_frame_get_buffer(f, 0)) >= 0 &&
        (ret = av_frame_make_writable(f)) >= 0) {
        memset(f->data[0], 128, f->linesize[0] * f->height);
        if ((ret = ff_seedance_clip_set_frame(c, "image", f)) >= 0)
            ret = ff_seedance_clip_set_frame(c, "last_image", f);
    }
    av_frame_free(&f);
    return ret;
}

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    int ret;

    if ((ret = ff_seedance_clip_init(&s->clip, ctx, "seedance_bridge", s->opts,
                                     HIDDEN, defaults)) < 0)
        return ret;
    if (!seedance_job_task(s->clip.job) && (ret = check_request(&s->clip)) < 0)
        return ret;
    if (!(s->frame = av_frame_alloc()))
        return AVERROR(ENOMEM);
    s->end = s->last_pts = AV_NOPTS_VALUE;
    return 0;
}

static int config_output(AVFilterLink *outlink)
{
    AVFilterContext *ctx = outlink->src;
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *a = ctx->inputs[0], *b = ctx->inputs[1];
    AVRational ra = SEEDANCE_FRAME_RATE(a), rb = SEEDANCE_FRAME_RATE(b);
    int ret;

    if (a->w != b->w || a->h != b->h ||
        av_cmp_q(a->sample_aspect_ratio, b->sample_aspect_ratio)) {
        av_log(ctx, AV_LOG_ERROR, "The inputs differ: %dx%d (SAR %d:%d) and %dx%d (SAR %d:%d); "
               "scale one to the other first\n", a->w, a->h, a->sample_aspect_ratio.num,
               a->sample_aspect_ratio.den, b->w, b->h, b->sample_aspect_ratio.num,
               b->sample_aspect_ratio.den);
        return AVERROR(EINVAL);
    }
    if (!seedance_job_task(s->clip.job) &&
        (ret = ff_seedance_check_frame(ctx, "seedance_bridge inputs", a->w, a->h,
                                       a->sample_aspect_ratio)) < 0)
        return ret;
    outlink->w = a->w;
    outlink->h = a->h;
    outlink->sample_aspect_ratio = a->sample_aspect_ratio;
    outlink->time_base = a->time_base;
    /* a constant rate only when both inputs have the same */
    SEEDANCE_FRAME_RATE(outlink) = !av_cmp_q(ra, rb) ? ra : (AVRational){ 0, 1 };
    return 0;
}

/* Output a frame of the second input at its place after the transition. */
static int send_to(AVFilterContext *ctx, AVFrame *frame)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int64_t pts = frame->pts;

    if (pts == AV_NOPTS_VALUE)
        pts = s->last_pts == AV_NOPTS_VALUE ? 0 : s->last_pts + 1;
    else
        pts = av_rescale_q(pts, ctx->inputs[1]->time_base, outlink->time_base) + s->to_offset;
    if (s->last_pts != AV_NOPTS_VALUE && pts <= s->last_pts)
        pts = s->last_pts + 1;
    frame->pts = s->last_pts = pts;
    SEEDANCE_DURATION(frame) = av_rescale_q(SEEDANCE_DURATION(frame), ctx->inputs[1]->time_base,
                                            outlink->time_base);
    return ff_filter_frame(outlink, frame);
}

/* Both frames are known: start the generation of the transition. */
static int start(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int ret;

    if (!seedance_job_task(s->clip.job) &&
        ((ret = ff_seedance_clip_set_frame(&s->clip, "image", s->last_from)) < 0 ||
         (ret = ff_seedance_clip_set_frame(&s->clip, "last_image", s->first_to)) < 0))
        return ret;
    if ((ret = ff_seedance_clip_start(&s->clip, 1, 0)) < 0)
        return ret;
    ff_seedance_retime_init(&s->retime, outlink->time_base, SEEDANCE_FRAME_RATE(ctx->inputs[0]),
                            s->end);
    s->state = GENERATE;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

/* The first input, passed through. */
static int pass_from(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *a = ctx->inputs[0], *outlink = ctx->outputs[0];
    AVFrame *frame;
    int64_t pts;
    int ret, status;

    if ((ret = ff_inlink_consume_frame(a, &frame)) < 0)
        return ret;
    if (ret) {
        av_frame_free(&s->last_from);
        if (!(s->last_from = av_frame_clone(frame))) {
            av_frame_free(&frame);
            return AVERROR(ENOMEM);
        }
        if (frame->pts != AV_NOPTS_VALUE) {
            s->end = ff_seedance_frame_end(frame, a->time_base, SEEDANCE_FRAME_RATE(a));
            s->last_pts = frame->pts;
        }
        return ff_filter_frame(outlink, frame);
    }
    if (ff_inlink_acknowledge_status(a, &status, &pts)) {
        if (status != AVERROR_EOF) {
            ff_outlink_set_status(outlink, status, pts);
            s->state = DONE;
            return 0;
        }
        if (pts != AV_NOPTS_VALUE && (s->end == AV_NOPTS_VALUE || pts > s->end))
            s->end = pts;
        s->state = FIRST_TO;
        ff_filter_set_ready(ctx, 100);
        return 0;
    }
    FF_FILTER_FORWARD_WANTED(outlink, a);
    return FFERROR_NOT_READY;
}

/* The second input's first frame: the transition's last frame. */
static int take_first_to(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *b = ctx->inputs[1];
    int64_t pts;
    int ret, status;

    if ((ret = ff_inlink_consume_frame(b, &s->first_to)) < 0)
        return ret;
    if (ret) {
        if (s->end == AV_NOPTS_VALUE)
            s->end = 0;
        if (s->last_from)
            return start(ctx);
        av_log(ctx, AV_LOG_WARNING, "The first input has no frame: no transition\n");
    } else if (ff_inlink_acknowledge_status(b, &status, &pts)) {
        if (s->last_from)
            av_log(ctx, AV_LOG_WARNING, "The second input has no frame: no transition\n");
        ff_outlink_set_status(ctx->outputs[0], status, s->end == AV_NOPTS_VALUE ? 0 : s->end);
        s->state = DONE;
        return 0;
    } else {
        ff_inlink_request_frame(b);
        return FFERROR_NOT_READY;
    }
    /* no transition: the second input follows the first directly */
    s->to_offset = s->end - av_rescale_q(s->first_to->pts == AV_NOPTS_VALUE ? 0 : s->first_to->pts,
                                         b->time_base, ctx->outputs[0]->time_base);
    s->state = TO;
    ret = send_to(ctx, s->first_to);
    s->first_to = NULL;
    return ret;
}

/* The transition ended: the second input follows it, from its first frame. */
static int end_transition(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *b = ctx->inputs[1], *outlink = ctx->outputs[0];
    int64_t first = s->first_to->pts == AV_NOPTS_VALUE ? 0 : s->first_to->pts;
    int ret;

    if (s->retime.last_out != AV_NOPTS_VALUE)
        s->last_pts = s->retime.last_out;
    s->to_offset = ff_seedance_retime_end(&s->retime) -
                   av_rescale_q(first, b->time_base, outlink->time_base);
    s->state = TO;
    ret = send_to(ctx, s->first_to);
    s->first_to = NULL;
    return ret;
}

static int pass_to(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *b = ctx->inputs[1], *outlink = ctx->outputs[0];
    AVFrame *frame;
    int64_t pts;
    int ret, status;

    if ((ret = ff_inlink_consume_frame(b, &frame)) < 0)
        return ret;
    if (ret)
        return send_to(ctx, frame);
    if (ff_inlink_acknowledge_status(b, &status, &pts)) {
        if (pts != AV_NOPTS_VALUE)
            pts = av_rescale_q(pts, b->time_base, outlink->time_base) + s->to_offset;
        if (s->last_pts != AV_NOPTS_VALUE && (pts == AV_NOPTS_VALUE || pts <= s->last_pts))
            pts = s->last_pts + 1;
        ff_outlink_set_status(outlink, status, pts);
        s->state = DONE;
        return 0;
    }
    FF_FILTER_FORWARD_WANTED(outlink, b);
    return FFERROR_NOT_READY;
}

static int activate(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int done = 0, ret;

    if (s->state != DONE && ff_outlink_get_status(outlink)) {
        /* nobody reads the output any more */
        ff_inlink_set_status(ctx->inputs[0], AVERROR_EOF);
        ff_inlink_set_status(ctx->inputs[1], AVERROR_EOF);
        s->state = DONE;
        return 0;
    }
    switch (s->state) {
    case FROM:     return pass_from(ctx);
    case FIRST_TO: return take_first_to(ctx);
    case TO:       return pass_to(ctx);
    case GENERATE:
        ret = ff_seedance_generated_step(ctx, outlink, &s->clip, &s->retime, s->frame,
                                         &s->sws, s->last_from, &done);
        if (ret >= 0 && done)
            ret = end_transition(ctx);
        return ret;
    }
    return FFERROR_NOT_READY;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    ff_seedance_clip_uninit(&s->clip);
    ff_seedance_retime_uninit(&s->retime);
    av_frame_free(&s->last_from);
    av_frame_free(&s->first_to);
    av_frame_free(&s->frame);
    sws_freeContext(s->sws);
}

static const AVFilterPad inputs[] = {
    {
        .name = "from",
        .type = AVMEDIA_TYPE_VIDEO,
    },
    {
        .name = "to",
        .type = AVMEDIA_TYPE_VIDEO,
    },
};

static const AVFilterPad outputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_output,
    },
};

const SEEDANCE_FILTER ff_vf_seedance_bridge = {
    SEEDANCE_PUB(name)        = "seedance_bridge",
    SEEDANCE_PUB(description) = NULL_IF_CONFIG_SMALL("Join two videos with a Seedance 2.0 "
                                                     "transition from the first one's last frame "
                                                     "to the second one's first frame."),
    SEEDANCE_PUB(priv_class)  = &seedance_bridge_class,
    .priv_size     = sizeof(SeedanceBridgeContext),
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_INPUTS(inputs),
    FILTER_OUTPUTS(outputs),
    FILTER_QUERY_FUNC(ff_seedance_query_video),
};
