/*
 * Seedance 2.0 video generation filters: a generated part of an output
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
 * A generated part of an output (seedance_extend, seedance_bridge): the
 * clip generated from the frames around it (seedance_clip.c), decoded,
 * retimed and converted to the output (seedance_frame.c), and cut where it
 * replays the footage it was made from (seedance_seam.c).
 */

#include "libavutil/frame.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

int ff_seedance_generated_init(SeedanceGenerated *g, AVFilterContext *ctx, char *const *opts,
                               int nb_frames)
{
    int ret = ff_seedance_clip_init_i2v(&g->clip, ctx, opts, nb_frames);

    if (ret < 0)
        return ret;
    return (g->frame = av_frame_alloc()) ? 0 : AVERROR(ENOMEM);
}

int ff_seedance_generated_start(SeedanceGenerated *g, AVFilterContext *ctx, const AVFrame *first,
                                const AVFrame *last, AVRational rate, int64_t start)
{
    int ret;

    if (!seedance_job_task(g->clip.job) &&
        ((ret = ff_seedance_clip_set_frame(&g->clip, "image", first)) < 0 ||
         (last && (ret = ff_seedance_clip_set_frame(&g->clip, "last_image", last)) < 0)))
        return ret;
    ff_seedance_log_cost(&g->clip);
    if ((ret = ff_seedance_clip_start(&g->clip, 1, 0)) < 0)
        return ret;
    ff_seedance_retime_init(&g->retime, ctx->outputs[0]->time_base, rate, start);
    ff_filter_set_ready(ctx, 100);
    return 0;
}

int ff_seedance_generated_step(SeedanceGenerated *g, AVFilterContext *ctx, const AVFrame *like,
                               int *done)
{
    AVFilterLink *outlink = ctx->outputs[0];
    SeedanceRetime *r = &g->retime;
    int ret, n;

    if (ff_outlink_get_status(outlink))
        return 0;                       /* nobody reads it any more */
    if (!ff_outlink_frame_wanted(outlink))
        return FFERROR_NOT_READY;
    if ((ret = ff_seedance_clip_activate_wait(ctx, &g->clip)) != 1)
        return ret;
    if (r->first == AV_NOPTS_VALUE)
        r->in_tb = ff_seedance_clip_stream(&g->clip, SEEDANCE_VIDEO)->time_base;

    ret = ff_seedance_clip_read(&g->clip, g->frame);
    if (ret == AVERROR_EOF) {
        if ((n = ff_seedance_retime_push(r, outlink, &g->sws, NULL, like)) < 0)
            return n;
        *done = 1;
        ff_filter_set_ready(ctx, 100);
        return 0;
    }
    if (ret < 0)
        return ret;
    /* a frame that replays the footage sent is cut */
    n = ret != SEEDANCE_VIDEO ? 0 :
        g->seam ? ff_seedance_seam_keep(g->seam, ctx, g->frame, r->in_tb) : 1;
    if (n > 0)
        n = ff_seedance_retime_push(r, outlink, &g->sws, g->frame, like);
    av_frame_unref(g->frame);
    if (n < 0)
        return n;
    /* a frame that only replaced the held one: decode on */
    if (!n || ff_outlink_frame_wanted(outlink))
        ff_filter_set_ready(ctx, 100);
    return 0;
}

void ff_seedance_generated_uninit(SeedanceGenerated *g)
{
    ff_seedance_clip_uninit(&g->clip);
    ff_seedance_retime_uninit(&g->retime);
    av_frame_free(&g->frame);
    sws_freeContext(g->sws);
    g->sws = NULL;
}
