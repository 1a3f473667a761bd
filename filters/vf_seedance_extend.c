/*
 * Seedance 2.0 continuation of a video (Evolink API) via libseedance
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
 * seedance_extend: passes its input through unchanged, then appends a
 * generated continuation: an image-to-video generation whose first frame
 * is the input's last frame. The generated frames are converted to the
 * input's size, pixel format and colour properties, at its frame rate, and
 * their timestamps continue where the input ended.
 *
 * The last frame is sent as a PNG image (scaled up to the API's minimum
 * size when needed); libseedance identifies it by content, so running the
 * same command again attaches to the same task and pays nothing.
 *
 * mode=video sends the input's last context seconds instead, as @video1 of
 * a reference-to-video generation: the filter holds references to the
 * frames of that window while it passes the input through. A clip that
 * replays that footage before the new part is cut where the new part
 * starts (seedance_seam.c): the output is the input, then new footage.
 */

#include "seedance_filter.h"

enum { PASS, GENERATE, DONE };

typedef struct SeedanceExtendContext {
    SeedanceRefOptions o;       ///< first: the class and the options
    SeedanceGenerated gen;
    int video;                  ///< mode video: the footage is sent
    SeedanceSegment tail;       ///< mode video: the input's last context seconds
    SeedanceSeam seam;
    int state;
    AVFrame *last;              ///< the input's last frame so far
    int64_t end;                ///< where the input ends, in the output's time base
} SeedanceExtendContext;

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;

    s->end = AV_NOPTS_VALUE;
    if ((s->video = ff_seedance_reference_mode(ctx, &s->o)) <= 0)
        return s->video < 0 ? s->video : ff_seedance_generated_init(&s->gen, ctx, s->o.o.opts, 1);
    s->gen.seam = &s->seam;
    return ff_seedance_reference_init(&s->gen, ctx, s->o.o.opts, SEEDANCE_REF_HIDDEN, 1, 0);
}

static int config_input(AVFilterLink *inlink)
{
    SeedanceExtendContext *s = inlink->dst->priv;

    if (s->video) {
        ff_seedance_segment_uninit(&s->tail);
        ff_seedance_segment_init(&s->tail, inlink, av_rescale_q(s->o.context, AV_TIME_BASE_Q,
                                                                inlink->time_base),
                                 "The end of the input of seedance_extend");
        return ff_seedance_check_footage(inlink->dst, "seedance_extend input", inlink->w,
                                         inlink->h, inlink->sample_aspect_ratio);
    }
    if (seedance_job_task(s->gen.clip.job))
        return 0;
    return ff_seedance_check_frame(inlink->dst, "seedance_extend input",
                                   inlink->w, inlink->h, inlink->sample_aspect_ratio);
}

static int config_output(AVFilterLink *outlink)
{
    return ff_seedance_config_as_input(outlink, outlink->src->inputs[0]);
}

/* The output ends at pts with status. */
static int finish(AVFilterContext *ctx, int status, int64_t pts)
{
    SeedanceExtendContext *s = ctx->priv;

    ff_outlink_set_status(ctx->outputs[0], status, pts);
    s->state = DONE;
    return 0;
}

/* The input ended: generate from its last frame. */
static int start(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int ret;

    if (s->end == AV_NOPTS_VALUE)
        s->end = 0;
    if (!s->last) {
        av_log(ctx, AV_LOG_WARNING, "The input has no frame: nothing to continue\n");
        return finish(ctx, AVERROR_EOF, s->end);
    }
    if (s->video) {
        SeedanceFootage tail = { &s->tail, s->o.context / (double)AV_TIME_BASE, 1 };

        ret = ff_seedance_reference_start(&s->gen, ctx, &tail, 1, NULL, 0,
                                          SEEDANCE_FRAME_RATE(outlink), s->end);
        ff_seedance_segment_uninit(&s->tail);   /* what the seam needs is in s->seam */
    } else {
        ret = ff_seedance_generated_start(&s->gen, ctx, s->last, NULL,
                                          SEEDANCE_FRAME_RATE(outlink), s->end);
    }
    if (ret < 0)
        return ret;
    s->state = GENERATE;
    return 0;
}

static int pass(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0], *outlink = ctx->outputs[0];
    int64_t pts;
    int ret, status;

    FF_FILTER_FORWARD_STATUS_BACK(outlink, inlink);
    if ((ret = ff_seedance_pass_held(inlink, outlink, &s->last, s->video ? &s->tail : NULL,
                                     &s->end, &status, &pts)) != 1)
        return ret;
    return status == AVERROR_EOF ? start(ctx) : finish(ctx, status, pts);
}

static int activate(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    int done = 0, ret;

    if (s->state == PASS)
        return pass(ctx);
    if (s->state != GENERATE)
        return FFERROR_NOT_READY;
    ret = ff_seedance_generated_step(&s->gen, ctx, s->last, &done);
    if (done) {
        if (s->video)
            ff_seedance_seam_end(&s->seam, ctx);
        finish(ctx, AVERROR_EOF, ff_seedance_retime_end(&s->gen.retime));
    }
    return ret;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;

    ff_seedance_generated_uninit(&s->gen);
    ff_seedance_segment_uninit(&s->tail);
    ff_seedance_seam_uninit(&s->seam);
    av_frame_free(&s->last);
}

static const AVFilterPad inputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_input,
    },
};

SEEDANCE_DEFINE_I2V_FILTER(seedance_extend, SeedanceExtendContext, inputs,
                           "Continue a video with a Seedance 2.0 generation from its last "
                           "frame (mode frame) or its last seconds (mode video).");
