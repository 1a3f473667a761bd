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
 */

#include <string.h>

#include "libavutil/mem.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

enum { PASS, GENERATE, DONE };

typedef struct SeedanceExtendContext {
    const AVClass *class;
    char *opts[SEEDANCE_OPTION__COUNT];

    SeedanceClip clip;
    int state;
    AVFrame *last;              ///< the input's last frame so far
    int64_t end;                ///< where the input ends, in the output's time base
    SeedanceRetime retime;
    AVFrame *frame;
    struct SwsContext *sws;
} SeedanceExtendContext;

/* set by the filter: the first frame; the audio would be dropped; no web
 * search with images */
#define HIDDEN (SEEDANCE_OPTION_BIT(IMAGE) | SEEDANCE_OPTION_BIT(LAST_IMAGE) | \
                SEEDANCE_OPTION_BIT(GENERATE_AUDIO) | SEEDANCE_OPTION_BIT(WEB_SEARCH))

#define SEEDANCE_OPTION_CONTEXT SeedanceExtendContext
#define SEEDANCE_OPTION_HIDDEN  HIDDEN
#define SEEDANCE_OPTION_HELP(id, help) ((id) == SEEDANCE_OPTION_ASPECT_RATIO ?              \
    "16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (default adaptive: the input's shape)" : \
    help)

static const AVOption seedance_extend_options[] = {
    SEEDANCE_OPTION_LIST(SEEDANCE_AVOPTION)
    { NULL }
};

AVFILTER_DEFINE_CLASS(seedance_extend);

static const char *const defaults[] = {
    "aspect_ratio", "adaptive", "generate_audio", "0", NULL
};

/* Check every option now, before any frame: a stand-in first frame. */
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
        ret = ff_seedance_clip_set_frame(c, "image", f);
    }
    av_frame_free(&f);
    return ret;
}

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    int ret;

    if ((ret = ff_seedance_clip_init(&s->clip, ctx, "seedance_extend", s->opts,
                                     HIDDEN, defaults)) < 0)
        return ret;
    if (!seedance_job_task(s->clip.job) && (ret = check_request(&s->clip)) < 0)
        return ret;
    if (!(s->frame = av_frame_alloc()))
        return AVERROR(ENOMEM);
    s->end = AV_NOPTS_VALUE;
    return 0;
}

static int config_input(AVFilterLink *inlink)
{
    SeedanceExtendContext *s = inlink->dst->priv;

    if (seedance_job_task(s->clip.job))
        return 0;
    return ff_seedance_check_frame(inlink->dst, "seedance_extend input",
                                   inlink->w, inlink->h, inlink->sample_aspect_ratio);
}

static int config_output(AVFilterLink *outlink)
{
    AVFilterLink *inlink = outlink->src->inputs[0];

    outlink->w = inlink->w;
    outlink->h = inlink->h;
    outlink->sample_aspect_ratio = inlink->sample_aspect_ratio;
    outlink->time_base = inlink->time_base;
    SEEDANCE_FRAME_RATE(outlink) = SEEDANCE_FRAME_RATE(inlink);
    return 0;
}

/* The input ended: send its last frame and start the generation. */
static int start(AVFilterContext *ctx, int64_t eof_pts)
{
    SeedanceExtendContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int ret;

    if (!s->last) {
        av_log(ctx, AV_LOG_WARNING, "The input has no frame: nothing to continue\n");
        ff_outlink_set_status(outlink, AVERROR_EOF, eof_pts);
        s->state = DONE;
        return 0;
    }
    if (eof_pts != AV_NOPTS_VALUE && (s->end == AV_NOPTS_VALUE || eof_pts > s->end))
        s->end = eof_pts;
    if (s->end == AV_NOPTS_VALUE)
        s->end = 0;
    if (!seedance_job_task(s->clip.job) &&
        (ret = ff_seedance_clip_set_frame(&s->clip, "image", s->last)) < 0)
        return ret;
    if ((ret = ff_seedance_clip_start(&s->clip, 1, 0)) < 0)
        return ret;
    ff_seedance_retime_init(&s->retime, outlink->time_base, SEEDANCE_FRAME_RATE(outlink), s->end);
    s->state = GENERATE;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

static int pass(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0], *outlink = ctx->outputs[0];
    AVFrame *frame;
    int64_t pts;
    int ret, status;

    FF_FILTER_FORWARD_STATUS_BACK(outlink, inlink);
    if ((ret = ff_inlink_consume_frame(inlink, &frame)) < 0)
        return ret;
    if (ret) {
        av_frame_free(&s->last);
        if (!(s->last = av_frame_clone(frame))) {
            av_frame_free(&frame);
            return AVERROR(ENOMEM);
        }
        if (frame->pts != AV_NOPTS_VALUE)
            s->end = ff_seedance_frame_end(frame, inlink->time_base, SEEDANCE_FRAME_RATE(inlink));
        return ff_filter_frame(outlink, frame);
    }
    if (ff_inlink_acknowledge_status(inlink, &status, &pts)) {
        if (status != AVERROR_EOF) {
            ff_outlink_set_status(outlink, status, pts);
            s->state = DONE;
            return 0;
        }
        return start(ctx, pts);
    }
    FF_FILTER_FORWARD_WANTED(outlink, inlink);
    return FFERROR_NOT_READY;
}

static int activate(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int done = 0, ret;

    if (s->state == PASS)
        return pass(ctx);
    if (s->state != GENERATE)
        return FFERROR_NOT_READY;
    ret = ff_seedance_generated_step(ctx, outlink, &s->clip, &s->retime, s->frame,
                                     &s->sws, s->last, &done);
    if (done) {
        ff_outlink_set_status(outlink, AVERROR_EOF, ff_seedance_retime_end(&s->retime));
        s->state = DONE;
    }
    return ret;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceExtendContext *s = ctx->priv;

    ff_seedance_clip_uninit(&s->clip);
    ff_seedance_retime_uninit(&s->retime);
    av_frame_free(&s->last);
    av_frame_free(&s->frame);
    sws_freeContext(s->sws);
}

static const AVFilterPad inputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_input,
    },
};

static const AVFilterPad outputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_output,
    },
};

const SEEDANCE_FILTER ff_vf_seedance_extend = {
    SEEDANCE_PUB(name)        = "seedance_extend",
    SEEDANCE_PUB(description) = NULL_IF_CONFIG_SMALL("Continue a video with a Seedance 2.0 "
                                                     "generation starting on its last frame."),
    SEEDANCE_PUB(priv_class)  = &seedance_extend_class,
    .priv_size     = sizeof(SeedanceExtendContext),
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_INPUTS(inputs),
    FILTER_OUTPUTS(outputs),
    FILTER_QUERY_FUNC(ff_seedance_query_video),
};
