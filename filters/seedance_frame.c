/*
 * Seedance 2.0 video generation filters: frames
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
 * Frames for and from the Seedance API: the image rules, PNG encoding of
 * a frame, conversion of generated frames to a link's format, and their
 * timing in an output.
 */

#include <math.h>
#include <string.h>

#include "libavutil/imgutils.h"
#include "libavutil/mathematics.h"
#include "libavutil/mem.h"
#include "libavutil/pixdesc.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

/* The width frames of w x h show at (square pixels). */
static double display_width(int w, AVRational sar)
{
    return sar.num > 0 && sar.den > 0 ? w * av_q2d(sar) : w;
}

int ff_seedance_check_ratio(void *log, const char *what, int w, int h, AVRational sar,
                            double min, double max, const char *as)
{
    double ratio = h > 0 ? display_width(w, sar) / h : 0;

    if (w <= 0 || h <= 0 || ratio < min || ratio > max) {
        av_log(log, AV_LOG_ERROR, "%s: frames of %dx%d (width/height %.3f) cannot be sent to "
               "the API: %s width/height must be %g..%g; crop or pad them first\n",
               what, w, h, ratio, as, min, max);
        return AVERROR(EINVAL);
    }
    return 0;
}

/* The API's image rules are the library's (seedance_image_rules_get()):
 * frames are scaled to fit them here, and the library checks the encoded
 * image again before anything is sent. */
int ff_seedance_check_frame(void *log, const char *what, int w, int h, AVRational sar)
{
    const seedance_image_rules *rules = seedance_image_rules_get();

    return ff_seedance_check_ratio(log, what, w, h, sar, rules->min_ratio, rules->max_ratio,
                                   "an image's");
}

/* The size a frame is sent at: square pixels, scaled into the API's sides. */
static void image_size(const AVFrame *f, int *w, int *h)
{
    const seedance_image_rules *rules = seedance_image_rules_get();
    double dw = display_width(f->width, f->sample_aspect_ratio), dh = f->height;
    double s = 1;

    if (FFMIN(dw, dh) < rules->min_side)
        s = rules->min_side / FFMIN(dw, dh);
    if (FFMAX(dw, dh) * s > rules->max_side)
        s = rules->max_side / FFMAX(dw, dh);
    *w = av_clip(lrint(ceil(dw * s - 0.001)), rules->min_side, rules->max_side);
    *h = av_clip(lrint(ceil(dh * s - 0.001)), rules->min_side, rules->max_side);
}

static int sws_colorspace(enum AVColorSpace cs)
{
    switch (cs) {
    case AVCOL_SPC_BT709:      return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:        return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:  return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:  return SWS_CS_BT2020;
    default:                   return SWS_CS_ITU601;
    }
}

static int full_range(const AVFrame *f)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);

    if (f->color_range == AVCOL_RANGE_JPEG || (d && (d->flags & AV_PIX_FMT_FLAG_RGB)))
        return 1;
    return f->format == AV_PIX_FMT_YUVJ420P || f->format == AV_PIX_FMT_YUVJ422P ||
           f->format == AV_PIX_FMT_YUVJ444P || f->format == AV_PIX_FMT_YUVJ440P;
}

int ff_seedance_convert(void *log, struct SwsContext **sws, AVFrame *dst, const AVFrame *src)
{
    int ret;

    *sws = sws_getCachedContext(*sws, src->width, src->height, src->format,
                                dst->width, dst->height, dst->format,
                                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                NULL, NULL, NULL);
    if (!*sws) {
        av_log(log, AV_LOG_ERROR, "Cannot convert %dx%d %s frames to %dx%d %s\n",
               src->width, src->height, av_get_pix_fmt_name(src->format),
               dst->width, dst->height, av_get_pix_fmt_name(dst->format));
        return AVERROR(EINVAL);
    }
    /* fails harmlessly for RGB on either side */
    sws_setColorspaceDetails(*sws, sws_getCoefficients(sws_colorspace(src->colorspace)),
                             full_range(src), sws_getCoefficients(sws_colorspace(dst->colorspace)),
                             full_range(dst), 0, 1 << 16, 1 << 16);
    ret = sws_scale(*sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                    dst->data, dst->linesize);
    return ret < 0 ? ret : 0;
}

static int encode_png(void *log, const AVFrame *rgb, uint8_t **data, int *size)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *enc;
    AVPacket *pkt = av_packet_alloc();
    int ret;

    if (!codec) {
        av_log(log, AV_LOG_ERROR, "This FFmpeg has no PNG encoder (needed to send frames)\n");
        av_packet_free(&pkt);
        return AVERROR_ENCODER_NOT_FOUND;
    }
    if (!pkt || !(enc = avcodec_alloc_context3(codec))) {
        av_packet_free(&pkt);
        return AVERROR(ENOMEM);
    }
    enc->width     = rgb->width;
    enc->height    = rgb->height;
    enc->pix_fmt   = rgb->format;
    enc->time_base = (AVRational){ 1, 1 };
    if ((ret = avcodec_open2(enc, codec, NULL)) >= 0 &&
        (ret = avcodec_send_frame(enc, rgb)) >= 0 &&
        (ret = avcodec_send_frame(enc, NULL)) >= 0 &&
        (ret = avcodec_receive_packet(enc, pkt)) >= 0) {
        if (!(*data = av_memdup(pkt->data, pkt->size)))
            ret = AVERROR(ENOMEM);
        *size = pkt->size;
    }
    if (ret < 0)
        av_log(log, AV_LOG_ERROR, "Encoding a frame as PNG failed: %s\n", av_err2str(ret));
    avcodec_free_context(&enc);
    av_packet_free(&pkt);
    return ret;
}

int ff_seedance_frame_png(void *log, const AVFrame *frame, uint8_t **data, int *size)
{
    struct SwsContext *sws = NULL;
    AVFrame *rgb = av_frame_alloc();
    int ret;

    *data = NULL;
    if (!rgb)
        return AVERROR(ENOMEM);
    image_size(frame, &rgb->width, &rgb->height);
    rgb->format = AV_PIX_FMT_RGB24;
    rgb->color_range = AVCOL_RANGE_JPEG;
    if ((ret = av_frame_get_buffer(rgb, 0)) >= 0 &&
        (ret = ff_seedance_convert(log, &sws, rgb, frame)) >= 0)
        ret = encode_png(log, rgb, data, size);
    if (ret >= 0 && (rgb->width != frame->width || rgb->height != frame->height))
        av_log(log, AV_LOG_VERBOSE, "Frame of %dx%d sent as a %dx%d PNG image (%d bytes)\n",
               frame->width, frame->height, rgb->width, rgb->height, *size);
    sws_freeContext(sws);
    av_frame_free(&rgb);
    return ret;
}

AVFrame *ff_seedance_output_frame(AVFilterLink *outlink, struct SwsContext **sws,
                                  const AVFrame *src, const AVFrame *like)
{
    AVFrame *out;

    if (src->width == outlink->w && src->height == outlink->h &&
        src->format == outlink->format && (!like || (like->colorspace == src->colorspace &&
                                                    like->color_range == src->color_range))) {
        out = av_frame_clone(src);
    } else {
        out = ff_get_video_buffer(outlink, outlink->w, outlink->h);
        if (!out)
            return NULL;
        av_frame_copy_props(out, src);
        if (like) {
            out->colorspace      = like->colorspace;
            out->color_range     = like->color_range;
            out->color_primaries = like->color_primaries;
            out->color_trc       = like->color_trc;
        }
        if (ff_seedance_convert(outlink->src, sws, out, src) < 0)
            av_frame_free(&out);
    }
    if (out)
        out->sample_aspect_ratio = outlink->sample_aspect_ratio;
    return out;
}

/* ---- timing of generated frames ------------------------------------- */

void ff_seedance_retime_init(SeedanceRetime *r, AVRational out_tb, AVRational rate,
                             int64_t start)
{
    memset(r, 0, sizeof(*r));
    r->out_tb   = out_tb;
    r->rate     = rate.num > 0 && rate.den > 0 ? rate : (AVRational){ 0, 1 };
    r->in_tb    = (AVRational){ 1, 1 };
    r->start    = start;
    r->first    = AV_NOPTS_VALUE;
    r->last_out = AV_NOPTS_VALUE;
}

/* Send a copy of the held frame at output time pts (kept strictly increasing). */
static int send_held(SeedanceRetime *r, AVFilterLink *outlink, int64_t pts)
{
    AVFrame *out = av_frame_clone(r->held);

    if (!out)
        return AVERROR(ENOMEM);
    if (r->last_out != AV_NOPTS_VALUE && pts <= r->last_out)
        pts = r->last_out + 1;
    out->pts = r->last_out = pts;
    SEEDANCE_DURATION(out) = r->rate.num ? av_rescale_q(1, av_inv_q(r->rate), r->out_tb) : 0;
    return ff_filter_frame(outlink, out);
}

/* Output the held frame for every output tick before rel (in in_tb). */
static int flush_held(SeedanceRetime *r, AVFilterLink *outlink, int64_t rel)
{
    int n = 0, ret;

    if (!r->held)
        return 0;
    if (!r->rate.num) {     /* variable frame rate: the frame once, at its time */
        ret = send_held(r, outlink, r->start + av_rescale_q(r->held->pts, r->in_tb, r->out_tb));
        return ret < 0 ? ret : 1;
    }
    while (av_compare_ts(r->ticks, av_inv_q(r->rate), rel, r->in_tb) < 0) {
        ret = send_held(r, outlink, r->start + av_rescale_q(r->ticks, av_inv_q(r->rate), r->out_tb));
        if (ret < 0)
            return ret;
        r->ticks++;
        n++;
    }
    return n;
}

int ff_seedance_retime_push(SeedanceRetime *r, AVFilterLink *outlink, struct SwsContext **sws,
                            AVFrame *frame, const AVFrame *like)
{
    int64_t rel, dur;
    int n;

    if (!frame) {
        n = flush_held(r, outlink, r->held_end);
        av_frame_free(&r->held);
        return n;
    }
    if (r->first == AV_NOPTS_VALUE)
        r->first = frame->pts != AV_NOPTS_VALUE ? frame->pts : 0;
    rel = frame->pts != AV_NOPTS_VALUE ? frame->pts - r->first : r->held_end;
    if (r->held && rel <= r->held->pts)  /* out of order or repeated: skip it */
        return 0;
    /* a frame without duration lasts as long as the one before it */
    dur = SEEDANCE_DURATION(frame) > 0 ? SEEDANCE_DURATION(frame) :
          r->held ? rel - r->held->pts : 1;
    if ((n = flush_held(r, outlink, rel)) < 0)
        return n;
    av_frame_free(&r->held);
    if (!(r->held = ff_seedance_output_frame(outlink, sws, frame, like)))
        return AVERROR(ENOMEM);
    r->held->pts = rel;
    r->held_end  = rel + dur;
    return n;
}

int64_t ff_seedance_retime_end(const SeedanceRetime *r)
{
    int64_t end = r->rate.num ? r->start + av_rescale_q(r->ticks, av_inv_q(r->rate), r->out_tb)
                              : r->start + av_rescale_q(r->held_end, r->in_tb, r->out_tb);

    return r->last_out != AV_NOPTS_VALUE && end <= r->last_out ? r->last_out + 1 : end;
}

void ff_seedance_retime_uninit(SeedanceRetime *r)
{
    av_frame_free(&r->held);
}

/* ---- an input passed through -------------------------------------- */

int ff_seedance_config_as_input(AVFilterLink *outlink, AVFilterLink *inlink)
{
    outlink->w = inlink->w;
    outlink->h = inlink->h;
    outlink->sample_aspect_ratio = inlink->sample_aspect_ratio;
    outlink->time_base = inlink->time_base;
    SEEDANCE_FRAME_RATE(outlink) = SEEDANCE_FRAME_RATE(inlink);
    return 0;
}

int ff_seedance_pass_input(AVFilterLink *inlink, AVFilterLink *outlink, AVFrame **last,
                           int64_t *end, int *status, int64_t *pts)
{
    AVFrame *frame;
    int ret;

    if ((ret = ff_inlink_consume_frame(inlink, &frame)) < 0)
        return ret;
    if (ret) {
        av_frame_free(last);
        if (!(*last = av_frame_clone(frame))) {
            av_frame_free(&frame);
            return AVERROR(ENOMEM);
        }
        if (frame->pts != AV_NOPTS_VALUE)
            *end = ff_seedance_frame_end(frame, inlink->time_base, SEEDANCE_FRAME_RATE(inlink));
        ret = ff_filter_frame(outlink, frame);
        return ret < 0 ? ret : 0;
    }
    if (ff_inlink_acknowledge_status(inlink, status, pts)) {
        if (*status == AVERROR_EOF && *pts != AV_NOPTS_VALUE &&
            (*end == AV_NOPTS_VALUE || *pts > *end))
            *end = *pts;
        return 1;
    }
    FF_FILTER_FORWARD_WANTED(outlink, inlink);
    return FFERROR_NOT_READY;
}

int ff_seedance_query_video(AVFilterContext *ctx)
{
    AVFilterFormats *formats = NULL;
    const AVPixFmtDescriptor *d = NULL;
    int ret;

    while ((d = av_pix_fmt_desc_next(d))) {
        enum AVPixelFormat f = av_pix_fmt_desc_get_id(d);

        if (!(d->flags & AV_PIX_FMT_FLAG_HWACCEL) && !(d->flags & AV_PIX_FMT_FLAG_BITSTREAM) &&
            sws_isSupportedInput(f) && sws_isSupportedOutput(f) &&
            (ret = ff_add_format(&formats, f)) < 0)
            return ret;
    }
    /* one list: the output's format is the input's */
    for (unsigned i = 0; i < ctx->nb_inputs; i++)
        if (ctx->inputs[i]->type == AVMEDIA_TYPE_VIDEO &&
            (ret = ff_formats_ref(formats, &ctx->inputs[i]->outcfg.formats)) < 0)
            return ret;
    for (unsigned i = 0; i < ctx->nb_outputs; i++)
        if (ctx->outputs[i]->type == AVMEDIA_TYPE_VIDEO &&
            (ret = ff_formats_ref(formats, &ctx->outputs[i]->incfg.formats)) < 0)
            return ret;
    return 0;
}

int64_t ff_seedance_frame_end(const AVFrame *f, AVRational tb, AVRational rate)
{
    if (SEEDANCE_DURATION(f) > 0)
        return f->pts + SEEDANCE_DURATION(f);
    if (rate.num > 0 && rate.den > 0)
        return f->pts + FFMAX(av_rescale_q(1, av_inv_q(rate), tb), 1);
    return f->pts + 1;
}
