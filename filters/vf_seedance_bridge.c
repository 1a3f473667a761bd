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

#include "seedance_filter.h"

enum { FROM, FIRST_TO, GENERATE, TO, DONE };

typedef struct SeedanceBridgeContext {
    SeedanceOptions o;          ///< first: the class and the options
    SeedanceGenerated gen;
    int state;
    AVFrame *last_from;         ///< the first input's last frame so far
    AVFrame *first_to;          ///< the second input's first frame
    int64_t end;                ///< where the first input ends (output time base)
    int64_t to_offset;          ///< second input: output pts = rescaled pts + to_offset
    int64_t last_pts;           ///< the last pts sent
} SeedanceBridgeContext;

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    s->end = s->last_pts = AV_NOPTS_VALUE;
    return ff_seedance_generated_init(&s->gen, ctx, s->o.opts, 2);
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
    if (!seedance_job_task(s->gen.clip.job) &&
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

/* The output ends with status at pts (of the second input when rescale is set). */
static int finish(AVFilterContext *ctx, int status, int64_t pts, int rescale)
{
    SeedanceBridgeContext *s = ctx->priv;

    if (rescale && pts != AV_NOPTS_VALUE)
        pts = av_rescale_q(pts, ctx->inputs[1]->time_base, ctx->outputs[0]->time_base) +
              s->to_offset;
    if (s->last_pts != AV_NOPTS_VALUE && (pts == AV_NOPTS_VALUE || pts <= s->last_pts))
        pts = s->last_pts + 1;
    ff_outlink_set_status(ctx->outputs[0], status, pts == AV_NOPTS_VALUE ? 0 : pts);
    s->state = DONE;
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

/* The second input follows from at on (output time base), from its first frame. */
static int follow_with_to(AVFilterContext *ctx, int64_t at)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFrame *first = s->first_to;
    int64_t pts = first->pts == AV_NOPTS_VALUE ? 0 : first->pts;

    s->to_offset = at - av_rescale_q(pts, ctx->inputs[1]->time_base, ctx->outputs[0]->time_base);
    s->state = TO;
    s->first_to = NULL;
    return send_to(ctx, first);
}

/* The first input, passed through. */
static int pass_from(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    int64_t pts;
    int ret, status;

    if ((ret = ff_seedance_pass_input(ctx->inputs[0], ctx->outputs[0], &s->last_from, &s->end,
                                      &status, &pts)) != 1)
        return ret;
    if (status != AVERROR_EOF)
        return finish(ctx, status, pts, 0);
    if (s->last_from && s->last_from->pts != AV_NOPTS_VALUE)
        s->last_pts = s->last_from->pts;
    if (s->end == AV_NOPTS_VALUE)
        s->end = 0;
    s->state = FIRST_TO;
    ff_filter_set_ready(ctx, 100);
    return 0;
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
        if (!s->last_from) {
            av_log(ctx, AV_LOG_WARNING, "The first input has no frame: no transition\n");
            return follow_with_to(ctx, s->end);
        }
        if ((ret = ff_seedance_generated_start(&s->gen, ctx, s->last_from, s->first_to,
                                               SEEDANCE_FRAME_RATE(ctx->inputs[0]), s->end)) < 0)
            return ret;
        s->state = GENERATE;
        return 0;
    }
    if (ff_inlink_acknowledge_status(b, &status, &pts)) {
        if (s->last_from)
            av_log(ctx, AV_LOG_WARNING, "The second input has no frame: no transition\n");
        return finish(ctx, status, s->end, 0);
    }
    ff_inlink_request_frame(b);
    return FFERROR_NOT_READY;
}

/* The second input, after the transition. */
static int pass_to(AVFilterContext *ctx)
{
    AVFilterLink *b = ctx->inputs[1], *outlink = ctx->outputs[0];
    AVFrame *frame;
    int64_t pts;
    int ret, status;

    if ((ret = ff_inlink_consume_frame(b, &frame)) < 0)
        return ret;
    if (ret)
        return send_to(ctx, frame);
    if (ff_inlink_acknowledge_status(b, &status, &pts))
        return finish(ctx, status, pts, 1);
    FF_FILTER_FORWARD_WANTED(outlink, b);
    return FFERROR_NOT_READY;
}

/* The transition, then the second input from its first frame. */
static int generate(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    int done = 0, ret;

    ret = ff_seedance_generated_step(&s->gen, ctx, s->last_from, &done);
    if (ret < 0 || !done)
        return ret;
    if (s->gen.retime.last_out != AV_NOPTS_VALUE)
        s->last_pts = s->gen.retime.last_out;
    return follow_with_to(ctx, ff_seedance_retime_end(&s->gen.retime));
}

static int activate(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    if (s->state != DONE && ff_outlink_get_status(ctx->outputs[0])) {
        /* nobody reads the output any more */
        ff_inlink_set_status(ctx->inputs[0], AVERROR_EOF);
        ff_inlink_set_status(ctx->inputs[1], AVERROR_EOF);
        s->state = DONE;
        return 0;
    }
    switch (s->state) {
    case FROM:     return pass_from(ctx);
    case FIRST_TO: return take_first_to(ctx);
    case GENERATE: return generate(ctx);
    case TO:       return pass_to(ctx);
    }
    return FFERROR_NOT_READY;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    ff_seedance_generated_uninit(&s->gen);
    av_frame_free(&s->last_from);
    av_frame_free(&s->first_to);
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

SEEDANCE_DEFINE_I2V_FILTER(seedance_bridge, SeedanceBridgeContext, inputs,
                           "Join two videos with a Seedance 2.0 transition from the first "
                           "one's last frame to the second one's first frame.");
