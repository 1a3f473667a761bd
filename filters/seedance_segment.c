/*
 * Seedance 2.0 video generation filters: footage and sound sent as references
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
 * A stretch of an input held by a filter (SeedanceSegment), and its
 * writing as a reference of reference-to-video: video as an H.264 MP4,
 * sound as a 48 kHz WAV, within the rules of the library
 * (seedance_media_rules_get()): scaled into the pixel range, its frame
 * rate brought into 24..60 fps, each said at info level; a segment too
 * short or too long is refused, naming the rule.
 *
 * The bytes are the journal's key of the request (libseedance identifies
 * local references by content), so the writing is deterministic: one
 * encoder thread, a fixed configuration, bitexact muxers. The same
 * segment gives the same file, and running the same graph again finds
 * the task it paid for.
 */

#include <math.h>
#include <string.h>

#include "libavutil/channel_layout.h"
#include "libavutil/mathematics.h"
#include "libavutil/mem.h"
#include "libavutil/pixdesc.h"
#include "libswresample/swresample.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

/* the encoder of the footage, and its fixed configuration: a bitrate cap
 * keeps 15 s well under the 50 MB of a reference video */
#define VIDEO_ENCODER    "libx264"
#define VIDEO_PRESET     "veryfast"
#define VIDEO_CRF        "16"
#define VIDEO_MAX_RATE   20000000
#define VIDEO_PIX_FMT    AV_PIX_FMT_YUV420P
#define AUDIO_RATE       48000
/* durations are compared to the rules in whole milliseconds, as the service reads them */
#define DURATION_SLACK   0.0005

/* ---- a held stretch of an input ------------------------------------ */

void ff_seedance_segment_init(SeedanceSegment *s, AVFilterLink *inlink, int64_t window,
                              const char *what)
{
    memset(s, 0, sizeof(*s));
    s->type   = inlink->type;
    s->tb     = inlink->time_base;
    s->rate   = inlink->type == AVMEDIA_TYPE_VIDEO ? SEEDANCE_FRAME_RATE(inlink)
                                                   : (AVRational){ 0, 1 };
    s->window = window;
    s->what   = what;
    s->start  = s->end = AV_NOPTS_VALUE;
}

static int64_t frame_end(const SeedanceSegment *s, const AVFrame *f)
{
    if (s->type == AVMEDIA_TYPE_AUDIO)
        return f->pts + FFMAX(av_rescale_q(f->nb_samples, (AVRational){ 1, f->sample_rate },
                                           s->tb), 1);
    return ff_seedance_frame_end(f, s->tb, s->rate);
}

int ff_seedance_segment_add(SeedanceSegment *s, const AVFrame *frame)
{
    AVFrame *f;

    if (s->nb_frames == s->nb_alloc) {
        int n = FFMAX(16, s->nb_alloc * 2);
        AVFrame **frames = av_realloc_array(s->frames, n, sizeof(*frames));

        if (!frames)
            return AVERROR(ENOMEM);
        s->frames   = frames;
        s->nb_alloc = n;
    }
    if (!(f = av_frame_clone(frame)))
        return AVERROR(ENOMEM);
    /* a frame without a time comes right after the one before it */
    if (f->pts == AV_NOPTS_VALUE)
        f->pts = s->end == AV_NOPTS_VALUE ? 0 : s->end;
    s->frames[s->nb_frames++] = f;
    if (s->start == AV_NOPTS_VALUE)
        s->start = f->pts;
    s->end = FFMAX(s->end == AV_NOPTS_VALUE ? f->pts : s->end, frame_end(s, f));
    /* a window: the frames that show its last seconds, no more */
    while (s->window > 0 && s->nb_frames > 1 && s->frames[1]->pts <= s->end - s->window) {
        AVFrame *old = ff_seedance_segment_shift(s);
        av_frame_free(&old);
    }
    return 0;
}

int ff_seedance_pass_held(AVFilterLink *inlink, AVFilterLink *outlink, AVFrame **last,
                          SeedanceSegment *held, int64_t *end, int *status, int64_t *pts)
{
    AVFrame *got = NULL;
    int ret = ff_seedance_pass_input(inlink, outlink, &got, end, status, pts), err;

    if (got) {                          /* a frame passed: the last one so far */
        av_frame_free(last);
        *last = got;
        if (held && (err = ff_seedance_segment_add(held, got)) < 0)
            return err;
    }
    return ret;
}

AVFrame *ff_seedance_segment_shift(SeedanceSegment *s)
{
    AVFrame *f;

    if (!s->nb_frames)
        return NULL;
    f = s->frames[0];
    memmove(s->frames, s->frames + 1, (s->nb_frames - 1) * sizeof(*s->frames));
    s->nb_frames--;
    if (s->nb_frames)
        s->start = s->frames[0]->pts;
    return f;
}

double ff_seedance_segment_seconds(const SeedanceSegment *s)
{
    return s->nb_frames ? (s->end - s->start) * av_q2d(s->tb) : 0;
}

void ff_seedance_segment_uninit(SeedanceSegment *s)
{
    for (int i = 0; i < s->nb_frames; i++)
        av_frame_free(&s->frames[i]);
    av_freep(&s->frames);
    s->nb_frames = s->nb_alloc = 0;
}

/* ---- the rules ------------------------------------------------------- */

static double display_width(int w, AVRational sar)
{
    return sar.num > 0 && sar.den > 0 ? w * av_q2d(sar) : w;
}

int ff_seedance_check_footage(void *log, const char *what, int w, int h, AVRational sar)
{
    const seedance_media_rules *ru = seedance_media_rules_get("video");

    return ff_seedance_check_ratio(log, what, w, h, sar, ru->min_ratio, ru->max_ratio,
                                   "a reference video's");
}

/* A duration against the rules of a field ("video", "audio"). */
static int check_duration(void *log, const char *what, const char *field, double seconds)
{
    const seedance_media_rules *ru = seedance_media_rules_get(field);

    if (seconds < ru->min_duration - DURATION_SLACK || seconds > ru->max_duration + DURATION_SLACK) {
        av_log(log, AV_LOG_ERROR, "%s lasts %.3f s: a reference %s must last %g..%g s; "
               "nothing was sent\n", what, seconds, field, ru->min_duration, ru->max_duration);
        return AVERROR(EINVAL);
    }
    return 0;
}

int ff_seedance_check_segment_length(void *log, const SeedanceSegment *s)
{
    const seedance_media_rules *ru =
        seedance_media_rules_get(s->type == AVMEDIA_TYPE_AUDIO ? "audio" : "video");

    /* a frame of slack: the frame that ends the segment may pass its end */
    if (ff_seedance_segment_seconds(s) > ru->max_duration + 0.1) {
        av_log(log, AV_LOG_ERROR, "%s lasts more than %g s: a reference %s must last %g..%g s; "
               "nothing was sent\n", s->what, ru->max_duration, ru->field, ru->min_duration,
               ru->max_duration);
        return AVERROR(EINVAL);
    }
    return 0;
}

/* Even sides of square pixels within the pixel range of the rules, the
 * shape of w x h (sar); 1 when it is not w x h itself. */
static int sent_size(const seedance_media_rules *ru, int w, int h, AVRational sar,
                     int *ow, int *oh)
{
    double dw = display_width(w, sar), ratio = dw / h, px = dw * h, s = 1;

    if (px < ru->min_pixels)
        s = sqrt(ru->min_pixels / px);
    else if (px > ru->max_pixels)
        s = sqrt(ru->max_pixels / px);
    *ow = 2 * (int)lrint(dw * s / 2);
    *oh = 2 * (int)lrint(h * s / 2);
    while ((long)*ow * *oh < ru->min_pixels)
        *(*ow < *oh * ratio ? ow : oh) += 2;
    while ((long)*ow * *oh > ru->max_pixels)
        *(*ow > *oh * ratio ? ow : oh) -= 2;
    return *ow != w || *oh != h;
}

/* ---- writing -------------------------------------------------------- */

typedef struct Writer {
    void *log;
    AVFormatContext *fmt;
    AVCodecContext *enc;
    AVStream *st;
    AVPacket *pkt;
} Writer;

static int writer_open(Writer *w, void *log, const char *path, const char *format,
                       const char *encoder, enum AVCodecID id)
{
    const AVCodec *codec = encoder ? avcodec_find_encoder_by_name(encoder)
                                   : avcodec_find_encoder(id);
    int ret;

    w->log = log;
    if (!codec) {
        av_log(log, AV_LOG_ERROR, "This FFmpeg has no %s encoder: it is needed to send %s "
               "as a reference\n", encoder ? encoder : avcodec_get_name(id),
               encoder ? "footage" : "sound");
        return AVERROR_ENCODER_NOT_FOUND;
    }
    if ((ret = avformat_alloc_output_context2(&w->fmt, NULL, format, path)) < 0)
        return ret;
    w->fmt->flags |= AVFMT_FLAG_BITEXACT;
    if (!(w->enc = avcodec_alloc_context3(codec)) || !(w->st = avformat_new_stream(w->fmt, NULL)) ||
        !(w->pkt = av_packet_alloc()))
        return AVERROR(ENOMEM);
    /* no global header: libx264 would log its version at info level; the
     * muxer takes the parameter sets from the first packet */
    w->enc->flags |= AV_CODEC_FLAG_BITEXACT;
    w->enc->thread_count = 1;
    return 0;
}

/* The encoder configured: open it, the stream and the file. */
static int writer_start(Writer *w, const char *path)
{
    char url[4200];
    int ret;

    snprintf(url, sizeof(url), "file:%s", path);
    if ((ret = avcodec_open2(w->enc, w->enc->codec, NULL)) < 0 ||
        (ret = avcodec_parameters_from_context(w->st->codecpar, w->enc)) < 0)
        return ret;
    w->st->time_base = w->enc->time_base;
    if (w->enc->codec_type == AVMEDIA_TYPE_VIDEO)
        w->st->avg_frame_rate = w->enc->framerate;
    if ((ret = avio_open(&w->fmt->pb, url, AVIO_FLAG_WRITE)) < 0)
        return ret;
    return avformat_write_header(w->fmt, NULL);
}

/* Encode a frame (NULL: the end) and write what comes out. */
static int writer_send(Writer *w, const AVFrame *frame)
{
    int ret = avcodec_send_frame(w->enc, frame);

    while (ret >= 0) {
        ret = avcodec_receive_packet(w->enc, w->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            break;
        av_packet_rescale_ts(w->pkt, w->enc->time_base, w->st->time_base);
        w->pkt->stream_index = 0;
        ret = av_interleaved_write_frame(w->fmt, w->pkt);
    }
    return ret;
}

static int writer_finish(Writer *w)
{
    int ret = writer_send(w, NULL);

    return ret < 0 ? ret : av_write_trailer(w->fmt);
}

static void writer_close(Writer *w)
{
    if (w->fmt && w->fmt->pb)
        avio_closep(&w->fmt->pb);
    avformat_free_context(w->fmt);
    avcodec_free_context(&w->enc);
    av_packet_free(&w->pkt);
}

/* What footage is sent: where it starts, how many frames at what rate and size. */
typedef struct Plan {
    int64_t from;               ///< the time of the first frame sent (the segment's tb)
    int nb;                     ///< frames sent
    AVRational rate;
    int w, h;
} Plan;

static int plan_video(void *log, const SeedanceSegment *s, double seconds, int from_end,
                      Plan *p)
{
    const seedance_media_rules *ru = seedance_media_rules_get("video");
    const AVFrame *f = s->frames[0];
    double span = ff_seedance_segment_seconds(s), sent, fps;
    AVRational src = s->rate;
    int ret, scaled;

    if ((ret = ff_seedance_check_footage(log, s->what, f->width, f->height,
                                         f->sample_aspect_ratio)) < 0)
        return ret;
    /* a frame rate the rules take is kept; any other is converted, as the
     * fps filter does (the nearest frame in time) */
    if (src.num <= 0 || src.den <= 0)
        src = av_d2q(lrint(s->nb_frames / FFMAX(span, 1e-3)), 1000);
    fps = av_q2d(src);
    p->rate = fps < ru->min_fps ? av_d2q(ru->min_fps, 1000) :
              fps > ru->max_fps ? av_d2q(ru->max_fps, 1000) : src;
    sent = seconds > 0 && seconds < span ? seconds : span;
    p->nb = (int)llrint(sent * av_q2d(p->rate));
    if ((ret = check_duration(log, s->what, "video", p->nb / av_q2d(p->rate))) < 0)
        return ret;
    p->from = from_end ? s->end - av_rescale_q(p->nb, av_inv_q(p->rate), s->tb) : s->start;

    scaled = sent_size(ru, f->width, f->height, f->sample_aspect_ratio, &p->w, &p->h);
    if (scaled)
        av_log(log, abs(p->w - f->width) > 1 || abs(p->h - f->height) > 1 ? AV_LOG_INFO
                                                                          : AV_LOG_VERBOSE,
               "%s is sent scaled from %dx%d (%ld pixels) to %dx%d (%ld pixels, square, "
               "even sides): a reference video has %ld to %ld pixels (width x height)\n",
               s->what, f->width, f->height, (long)f->width * f->height, p->w, p->h,
               (long)p->w * p->h, ru->min_pixels, ru->max_pixels);
    if (av_cmp_q(p->rate, src))
        av_log(log, AV_LOG_INFO, "%s is sent at %.5g fps, converted from %.5g fps: a reference "
               "video runs at %g to %g fps\n", s->what, av_q2d(p->rate), fps, ru->min_fps,
               ru->max_fps);
    return 0;
}

/* A frame of the sent size, format and colours with the pixels of src. */
static AVFrame *sent_frame(void *log, struct SwsContext **sws, const Plan *p, const AVFrame *src)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(src->format);
    AVFrame *out = av_frame_alloc();

    if (!out)
        return NULL;
    out->width  = p->w;
    out->height = p->h;
    out->format = VIDEO_PIX_FMT;
    out->color_range     = AVCOL_RANGE_MPEG;
    out->color_primaries = src->color_primaries;
    out->color_trc       = src->color_trc;
    /* YUV keeps its matrix; RGB gets BT.709's */
    out->colorspace = d && (d->flags & AV_PIX_FMT_FLAG_RGB) ? AVCOL_SPC_BT709 : src->colorspace;
    out->sample_aspect_ratio = (AVRational){ 1, 1 };
    if (av_frame_get_buffer(out, 0) < 0 || ff_seedance_convert(log, sws, out, src) < 0)
        av_frame_free(&out);
    return out;
}

static int write_video(void *log, const SeedanceSegment *s, double seconds, int from_end,
                       const char *path, SeedanceSeam *seam)
{
    struct SwsContext *sws = NULL;
    AVFrame *cur = NULL;
    Writer w = { 0 };
    Plan p;
    int ret, j = 0, shown = -1;

    if ((ret = plan_video(log, s, seconds, from_end, &p)) < 0 ||
        (ret = writer_open(&w, log, path, "mp4", VIDEO_ENCODER, AV_CODEC_ID_NONE)) < 0)
        goto end;
    w.enc->width     = p.w;
    w.enc->height    = p.h;
    w.enc->pix_fmt   = VIDEO_PIX_FMT;
    w.enc->time_base = av_inv_q(p.rate);
    w.enc->framerate = p.rate;
    w.enc->sample_aspect_ratio = (AVRational){ 1, 1 };
    w.enc->rc_max_rate    = VIDEO_MAX_RATE;
    w.enc->rc_buffer_size = VIDEO_MAX_RATE;
    av_opt_set(w.enc->priv_data, "preset", VIDEO_PRESET, 0);
    av_opt_set(w.enc->priv_data, "crf", VIDEO_CRF, 0);
    av_opt_set(w.enc->priv_data, "x264-params", "log=1", 0);   /* warnings and errors */
    if (seam && (ret = ff_seedance_seam_init(seam, p.nb, p.w, p.h, p.rate)) < 0)
        goto end;

    for (int k = 0; k < p.nb; k++) {
        /* the frame shown at the k-th tick: the nearest in time */
        int64_t t = p.from + av_rescale_q(2 * k + 1, av_inv_q(p.rate), s->tb) / 2;
        AVFrame *out;

        while (j + 1 < s->nb_frames && s->frames[j + 1]->pts <= t)
            j++;
        if (j != shown) {
            av_frame_free(&cur);
            if (!(cur = sent_frame(log, &sws, &p, s->frames[j]))) {
                ret = AVERROR(ENOMEM);
                goto end;
            }
            if (!k) {                   /* the file takes the colours of the first */
                w.enc->colorspace      = cur->colorspace;
                w.enc->color_range     = cur->color_range;
                w.enc->color_primaries = cur->color_primaries;
                w.enc->color_trc       = cur->color_trc;
                if ((ret = writer_start(&w, path)) < 0)
                    goto end;
            }
        }
        if (seam && (ret = ff_seedance_seam_add(seam, k, j == shown ? NULL : cur)) < 0)
            goto end;
        shown = j;
        if (!(out = av_frame_clone(cur))) {
            ret = AVERROR(ENOMEM);
            goto end;
        }
        out->pts = k;
        ret = writer_send(&w, out);
        av_frame_free(&out);
        if (ret < 0)
            goto end;
    }
    ret = writer_finish(&w);
end:
    if (ret < 0 && ret != AVERROR(EINVAL) && ret != AVERROR_ENCODER_NOT_FOUND)
        av_log(log, AV_LOG_ERROR, "%s: writing it as a reference video failed: %s\n", s->what,
               av_err2str(ret));
    av_frame_free(&cur);
    sws_freeContext(sws);
    writer_close(&w);
    return ret;
}

int ff_seedance_resample(void *log, SwrContext **swr, AVFrame **frame, const AVFrame *in,
                         enum AVSampleFormat fmt, int rate, const AVChannelLayout *layout)
{
    AVFrame *out;
    int ret;

    *frame = NULL;
    if (!*swr) {
        if (!in)
            return 0;
        /* (FFmpeg 5.1 declares the layouts without const) */
        if ((ret = swr_alloc_set_opts2(swr, (AVChannelLayout *)layout, fmt, rate,
                                       (AVChannelLayout *)&in->ch_layout, in->format,
                                       in->sample_rate, 0, log)) < 0 ||
            (ret = swr_init(*swr)) < 0)
            return ret;
    }
    if (!(out = av_frame_alloc()))
        return AVERROR(ENOMEM);
    out->format      = fmt;
    out->sample_rate = rate;
    out->nb_samples  = (int)swr_get_out_samples(*swr, in ? in->nb_samples : 0);
    if ((ret = av_channel_layout_copy(&out->ch_layout, layout)) < 0 ||
        (out->nb_samples > 0 && (ret = av_frame_get_buffer(out, 0)) < 0) ||
        (ret = swr_convert(*swr, out->extended_data, out->nb_samples,
                           in ? (const uint8_t **)in->extended_data : NULL,
                           in ? in->nb_samples : 0)) <= 0) {
        av_frame_free(&out);
        return ret;
    }
    out->nb_samples = ret;
    if (in && (ret = av_frame_copy_props(out, in)) < 0) {
        av_frame_free(&out);
        return ret;
    }
    out->sample_rate = rate;
    *frame = out;
    return 0;
}

static int write_audio(void *log, const SeedanceSegment *s, const char *path)
{
    SwrContext *swr = NULL;
    Writer w = { 0 };
    int64_t samples = 0, in_samples = 0;
    AVFrame *out = NULL;
    int ret;

    for (int i = 0; i < s->nb_frames; i++)
        in_samples += s->frames[i]->nb_samples;
    if ((ret = check_duration(log, s->what, "audio", s->nb_frames ? (double)in_samples /
                              s->frames[0]->sample_rate : 0)) < 0)
        return ret;
    if ((ret = writer_open(&w, log, path, "wav", NULL, AV_CODEC_ID_PCM_S16LE)) < 0)
        goto end;
    w.enc->sample_fmt  = AV_SAMPLE_FMT_S16;
    w.enc->sample_rate = AUDIO_RATE;
    w.enc->time_base   = (AVRational){ 1, AUDIO_RATE };
    av_channel_layout_default(&w.enc->ch_layout,
                              s->frames[0]->ch_layout.nb_channels == 1 ? 1 : 2);
    if ((ret = writer_start(&w, path)) < 0)
        goto end;
    /* every sample in order, then what the resampler still holds */
    for (int i = 0; i <= s->nb_frames; i++) {
        do {
            if ((ret = ff_seedance_resample(log, &swr, &out, i < s->nb_frames ? s->frames[i] : NULL,
                                            w.enc->sample_fmt, AUDIO_RATE,
                                            &w.enc->ch_layout)) < 0)
                goto end;
            if (!out)
                break;
            out->pts = samples;
            samples += out->nb_samples;
            ret = writer_send(&w, out);
            av_frame_free(&out);
            if (ret < 0)
                goto end;
        } while (i == s->nb_frames);
    }
    ret = writer_finish(&w);
end:
    if (ret < 0 && ret != AVERROR_ENCODER_NOT_FOUND)
        av_log(log, AV_LOG_ERROR, "%s: writing it as a reference sound failed: %s\n", s->what,
               av_err2str(ret));
    swr_free(&swr);
    writer_close(&w);
    return ret;
}

int ff_seedance_segment_write(void *log, const SeedanceSegment *s, double seconds, int from_end,
                              const char *path, SeedanceSeam *seam)
{
    if (s->type == AVMEDIA_TYPE_AUDIO)
        return write_audio(log, s, path);
    if (!s->nb_frames)
        return check_duration(log, s->what, "video", 0);
    return write_video(log, s, seconds, from_end, path, seam);
}
