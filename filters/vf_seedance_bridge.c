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
 *
 * mode=video sends footage instead of two frames (reference-to-video): the
 * first input's last context seconds as @video1 and the second input's
 * first context seconds as @video2. The filter holds references to the
 * frames of both while it waits; a clip that replays @video1 before the
 * transition is cut where the transition starts (seedance_seam.c).
 */

#include "seedance_filter.h"

enum { FROM, HEAD_TO, GENERATE, TO, DONE };

typedef struct SeedanceBridgeContext {
    SeedanceRefOptions o;       ///< first: the class and the options
    SeedanceGenerated gen;
    int video;                  ///< mode video: footage is sent
    int state;
    AVFrame *last_from;         ///< the first input's last frame so far
    SeedanceSegment tail;       ///< mode video: the first input's last context seconds
    SeedanceSegment head;       ///< the second input's first frame (mode video: seconds),
                                ///< held until the transition has been output
    int head_status;            ///< the second input ended while its head was taken
    int64_t head_pts;
    SeedanceSeam seam;
    int64_t end;                ///< where the first input ends (output time base)
    int64_t to_offset;          ///< second input: output pts = rescaled pts + to_offset
    int64_t last_pts;           ///< the last pts sent
} SeedanceBridgeContext;

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    s->end = s->last_pts = AV_NOPTS_VALUE;
    if ((s->video = ff_seedance_reference_mode(ctx, &s->o)) <= 0)
        return s->video < 0 ? s->video : ff_seedance_generated_init(&s->gen, ctx, s->o.o.opts, 2);
    s->gen.seam = &s->seam;
    return ff_seedance_reference_init(&s->gen, ctx, s->o.o.opts, SEEDANCE_REF_HIDDEN, 2, 0);
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
    if (s->video) {
        int64_t context = s->o.context;

        /* the footage of both inputs together is a reference's at most */
        if (2 * context > (int64_t)(seedance_media_rules_get("video")->max_total * AV_TIME_BASE)) {
            av_log(ctx, AV_LOG_ERROR, "context: %.3f s from each input makes %.3f s of "
                   "footage: reference videos last %g s at most together; allowed up to %g\n",
                   context / (double)AV_TIME_BASE, 2 * context / (double)AV_TIME_BASE,
                   seedance_media_rules_get("video")->max_total,
                   seedance_media_rules_get("video")->max_total / 2);
            return AVERROR(EINVAL);
        }
        ff_seedance_segment_uninit(&s->tail);
        ff_seedance_segment_init(&s->tail, a, av_rescale_q(context, AV_TIME_BASE_Q, a->time_base),
                                 "The end of the first input of seedance_bridge");
        if ((ret = ff_seedance_check_footage(ctx, "seedance_bridge inputs", a->w, a->h,
                                             a->sample_aspect_ratio)) < 0)
            return ret;
    } else if (!seedance_job_task(s->gen.clip.job) &&
               (ret = ff_seedance_check_frame(ctx, "seedance_bridge inputs", a->w, a->h,
                                              a->sample_aspect_ratio)) < 0) {
        return ret;
    }
    ff_seedance_segment_uninit(&s->head);
    ff_seedance_segment_init(&s->head, b, 0, "The start of the second input of seedance_bridge");
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

/* The second input follows from at on (output time base), from its first
 * frame: the frames of its head, then the rest. */
static int follow_with_to(AVFilterContext *ctx, int64_t at)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFrame *frame = s->head.frames[0];
    int64_t pts = frame->pts == AV_NOPTS_VALUE ? 0 : frame->pts;
    int ret = 0;

    s->to_offset = at - av_rescale_q(pts, ctx->inputs[1]->time_base, ctx->outputs[0]->time_base);
    while (ret >= 0 && (frame = ff_seedance_segment_shift(&s->head)))
        ret = send_to(ctx, frame);
    if (ret < 0)
        return ret;
    if (s->head_status)
        return finish(ctx, s->head_status, s->head_pts, 1);
    s->state = TO;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

/* The first input, passed through (its last seconds held in mode video). */
static int pass_from(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    int64_t pts;
    int ret, status;

    if ((ret = ff_seedance_pass_held(ctx->inputs[0], ctx->outputs[0], &s->last_from,
                                     s->video ? &s->tail : NULL, &s->end, &status, &pts)) != 1)
        return ret;
    if (status != AVERROR_EOF)
        return finish(ctx, status, pts, 0);
    if (s->last_from && s->last_from->pts != AV_NOPTS_VALUE)
        s->last_pts = s->last_from->pts;
    if (s->end == AV_NOPTS_VALUE)
        s->end = 0;
    s->state = HEAD_TO;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

/* The transition from the first input's end to the head of the second. */
static int start(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVRational rate = SEEDANCE_FRAME_RATE(ctx->inputs[0]);
    int ret;

    if (s->video) {
        double seconds = s->o.context / (double)AV_TIME_BASE;
        SeedanceFootage footage[2] = { { &s->tail, seconds, 1 }, { &s->head, seconds, 0 } };

        ret = ff_seedance_reference_start(&s->gen, ctx, footage, 2, NULL, 0, rate, s->end);
        ff_seedance_segment_uninit(&s->tail);
    } else {
        ret = ff_seedance_generated_start(&s->gen, ctx, s->last_from, s->head.frames[0], rate,
                                          s->end);
    }
    if (ret < 0)
        return ret;
    s->state = GENERATE;
    return 0;
}

/* The head of the second input: its first frame (mode video: its first
 * context seconds), the transition's end. */
static int take_head_to(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;
    AVFilterLink *b = ctx->inputs[1];
    double want = s->video ? s->o.context / (double)AV_TIME_BASE : 0;
    AVFrame *frame;
    int ret;

    while (!s->head_status && (!s->head.nb_frames || ff_seedance_segment_seconds(&s->head) < want)) {
        if ((ret = ff_inlink_consume_frame(b, &frame)) < 0)
            return ret;
        if (!ret) {
            if (ff_inlink_acknowledge_status(b, &s->head_status, &s->head_pts))
                break;
            ff_inlink_request_frame(b);
            return FFERROR_NOT_READY;
        }
        ret = ff_seedance_segment_add(&s->head, frame);
        av_frame_free(&frame);
        if (ret < 0)
            return ret;
    }
    if (!s->head.nb_frames) {
        if (s->last_from)
            av_log(ctx, AV_LOG_WARNING, "The second input has no frame: no transition\n");
        return finish(ctx, s->head_status, s->end, 0);
    }
    if (!s->last_from) {
        av_log(ctx, AV_LOG_WARNING, "The first input has no frame: no transition\n");
        return follow_with_to(ctx, s->end);
    }
    return start(ctx);
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
    if (s->video)
        ff_seedance_seam_end(&s->seam, ctx);
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
    case HEAD_TO:  return take_head_to(ctx);
    case GENERATE: return generate(ctx);
    case TO:       return pass_to(ctx);
    }
    return FFERROR_NOT_READY;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceBridgeContext *s = ctx->priv;

    ff_seedance_generated_uninit(&s->gen);
    ff_seedance_segment_uninit(&s->tail);
    ff_seedance_segment_uninit(&s->head);
    ff_seedance_seam_uninit(&s->seam);
    av_frame_free(&s->last_from);
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
                           "one's last frame to the second one's first frame (mode frame), or "
                           "between their footage (mode video).");
