/*
 * Seedance 2.0 video generation filters: where a clip stops replaying its footage
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
 * The seam of a clip generated from footage (@video1): services differ on
 * whether the clip holds only the new part or @video1 first, then the new
 * part. The frames sent are kept as small grey pictures; the clip's first
 * frames are compared with them:
 *
 *  - the clip's first frame is @video1's first frame (closer to it than to
 *    @video1's last one, which the new part starts from): @video1 is
 *    replayed; each following frame is compared with the frame sent at its
 *    time, and dropped while it matches, until the time of @video1's end;
 *  - else the clip is new footage from its first frame.
 *
 * The new part of a replay starts from @video1's last frame, so the frames
 * around the seam look alike: the time of @video1's end, not the best
 * match, places the seam there, and the comparison finds a replay that
 * ends early. Pictures are compared as the service fits them to the clip:
 * @video1 cropped about its centre to the clip's shape.
 */

#include <math.h>
#include <string.h>

#include "libavutil/mem.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

#define THUMB_W     128     /* frames are kept this wide, grey */
#define GRID_W      40      /* and compared on a grid this wide */
/* the mean absolute difference (of 255) two grids of one picture stay
 * under after encoding and scaling; another picture is well above it */
#define MATCH_MAD   6.0
#define TIME_SLACK  0.0005  /* durations are read in whole milliseconds */

enum { SEAM_FIRST, SEAM_REPLAY, SEAM_FOUND };

int ff_seedance_seam_init(SeedanceSeam *s, int nb, int w, int h, AVRational rate)
{
    ff_seedance_seam_uninit(s);
    s->tw    = THUMB_W;
    s->th    = FFMAX(2, (int)lrint((double)THUMB_W * h / w));
    s->rate  = rate;
    s->first = AV_NOPTS_VALUE;
    s->state = SEAM_FIRST;
    if (!(s->thumbs = av_malloc_array(nb, (size_t)s->tw * s->th)))
        return AVERROR(ENOMEM);
    s->nb = nb;
    return 0;
}

/* f as a grey picture of w x h: through RGB, each frame read with its own
 * colour matrix (the service may encode the replay with another one). */
static int thumbnail(SeedanceSeam *s, const AVFrame *f, uint8_t *dst, int w, int h)
{
    AVFrame *rgb = s->rgb;
    int ret;

    if (!rgb || rgb->width != w || rgb->height != h) {
        av_frame_free(&s->rgb);
        if (!(rgb = s->rgb = av_frame_alloc()))
            return AVERROR(ENOMEM);
        rgb->width  = w;
        rgb->height = h;
        rgb->format = AV_PIX_FMT_RGB24;
        rgb->color_range = AVCOL_RANGE_JPEG;
        if ((ret = av_frame_get_buffer(rgb, 0)) < 0)
            return ret;
    }
    if ((ret = ff_seedance_convert(NULL, &s->sws, rgb, f)) < 0)
        return ret;
    for (int y = 0; y < h; y++) {
        const uint8_t *p = rgb->data[0] + y * rgb->linesize[0];

        for (int x = 0; x < w; x++, p += 3)
            dst[y * w + x] = (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8;
    }
    return 0;
}

int ff_seedance_seam_add(SeedanceSeam *s, int k, const AVFrame *frame)
{
    size_t size = (size_t)s->tw * s->th;

    if (k < 0 || k >= s->nb)
        return AVERROR_BUG;
    if (!frame) {                   /* the frame before it again */
        memcpy(s->thumbs + k * size, s->thumbs + (k - 1) * size, size);
        return 0;
    }
    return thumbnail(s, frame, s->thumbs + k * size, s->tw, s->th);
}

/* The mean of the pixels of p (w x h) in the box at x, y of bw x bh. */
static double box_mean(const uint8_t *p, int w, int h, double x, double y, double bw, double bh)
{
    int x0 = av_clip((int)floor(x), 0, w - 1), y0 = av_clip((int)floor(y), 0, h - 1);
    int x1 = av_clip((int)ceil(x + bw), x0 + 1, w), y1 = av_clip((int)ceil(y + bh), y0 + 1, h);
    unsigned sum = 0;

    for (int j = y0; j < y1; j++)
        for (int i = x0; i < x1; i++)
            sum += p[j * w + i];
    return (double)sum / ((x1 - x0) * (y1 - y0));
}

/* How far the clip's frame (s->cur) is from frame k sent, cropped to the clip's shape. */
static double difference(const SeedanceSeam *s, int k)
{
    const uint8_t *sent = s->thumbs + (size_t)k * s->tw * s->th;
    double ratio = (double)s->cw / s->ch, sw = s->tw, sh = s->th, x0 = 0, y0 = 0, sum = 0;
    int gw = GRID_W, gh = FFMAX(2, (int)lrint(GRID_W / ratio));

    if (sw / sh > ratio) {
        x0 = (sw - sh * ratio) / 2;
        sw = sh * ratio;
    } else {
        y0 = (sh - sw / ratio) / 2;
        sh = sw / ratio;
    }
    for (int gy = 0; gy < gh; gy++)
        for (int gx = 0; gx < gw; gx++)
            sum += fabs(box_mean(sent, s->tw, s->th, x0 + gx * sw / gw, y0 + gy * sh / gh,
                                 sw / gw, sh / gh) -
                        box_mean(s->cur, s->cw, s->ch, gx * (double)s->cw / gw,
                                 gy * (double)s->ch / gh, (double)s->cw / gw,
                                 (double)s->ch / gh));
    return sum / (gw * gh);
}

/* The seam is before the clip's current frame. */
static int found(SeedanceSeam *s, void *log, double at)
{
    s->state = SEAM_FOUND;
    if (s->dropped)
        av_log(log, AV_LOG_INFO, "The clip replays the footage sent first (%d frames): cut; "
               "the new footage follows from %.3f s of the clip\n", s->dropped, at);
    else
        av_log(log, AV_LOG_VERBOSE, "The clip is new footage from its first frame\n");
    return 1;
}

int ff_seedance_seam_keep(SeedanceSeam *s, void *log, const AVFrame *frame, AVRational tb)
{
    double t, footage, d;
    int k, ret;

    if (s->state == SEAM_FOUND || !s->nb)
        return 1;
    if (s->first == AV_NOPTS_VALUE)
        s->first = frame->pts == AV_NOPTS_VALUE ? 0 : frame->pts;
    t = frame->pts == AV_NOPTS_VALUE ? s->dropped / av_q2d(s->rate)
                                     : (frame->pts - s->first) * av_q2d(tb);
    footage = s->nb / av_q2d(s->rate);
    if (s->state == SEAM_REPLAY && t >= footage - TIME_SLACK)
        return found(s, log, t);

    if (s->cw != THUMB_W || !s->cur) {
        s->cw = THUMB_W;
        s->ch = FFMAX(2, (int)lrint((double)THUMB_W * frame->height / frame->width));
        av_freep(&s->cur);
        if (!(s->cur = av_malloc((size_t)s->cw * s->ch)))
            return AVERROR(ENOMEM);
    }
    if ((ret = thumbnail(s, frame, s->cur, s->cw, s->ch)) < 0)
        return ret;
    k = FFMIN(s->nb - 1, (int)floor((t + TIME_SLACK) * av_q2d(s->rate)));
    d = difference(s, k);
    av_log(log, AV_LOG_DEBUG, "clip frame at %.3f s: %.2f from the frame sent at %.3f s\n",
           t, d, k / av_q2d(s->rate));
    /* the new part starts from the last frame sent: the first frame is a
     * replay only when it is the first frame sent, and not the last one */
    if (d > MATCH_MAD || (s->state == SEAM_FIRST && d >= difference(s, s->nb - 1)))
        return found(s, log, t);
    s->state = SEAM_REPLAY;
    s->dropped++;
    return 0;
}

void ff_seedance_seam_end(SeedanceSeam *s, void *log)
{
    if (s->state == SEAM_REPLAY)
        av_log(log, AV_LOG_WARNING, "The clip is only the footage sent, replayed (%d frames): "
               "nothing new follows it; a longer duration leaves room for new footage\n",
               s->dropped);
}

void ff_seedance_seam_uninit(SeedanceSeam *s)
{
    av_freep(&s->thumbs);
    av_freep(&s->cur);
    av_frame_free(&s->rgb);
    sws_freeContext(s->sws);
    s->sws = NULL;
    s->nb = 0;
}
