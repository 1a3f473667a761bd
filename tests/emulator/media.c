/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reference video and audio, read with libavformat/libavcodec: what a file
 * holds (container, duration, frame rate, size, sound), its pictures one
 * after the other at the times a 24 fps clip shows them, and its sound as
 * 48 kHz stereo samples (libswresample).
 */
#include "emu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>

#define SAMPLE_RATE 48000
#define EPSILON     0.0005      /* half a millisecond: timestamps are rounded */

static void av_err(char *err, size_t errlen, const char *what, int ret)
{
    char e[AV_ERROR_MAX_STRING_SIZE] = "";
    av_strerror(ret, e, sizeof e);
    snprintf(err, errlen, "%s (%s)", what, e);
}

/* Opens a fetched file for reading. Only the file itself: a playlist or a
 * reference movie naming other files or URLs is not followed (the
 * emulator contacts nothing but what fetch.c allows). */
static int open_input(const char *path, AVFormatContext **fc)
{
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    int ret = avformat_open_input(fc, path, NULL, &opts);
    av_dict_free(&opts);
    return ret;
}

static double stream_seconds(const AVStream *st)
{
    return st->duration != AV_NOPTS_VALUE && st->duration > 0
           ? (double)st->duration * av_q2d(st->time_base) : -1;
}

int media_probe(const char *path, media_info *mi, char *err, size_t errlen)
{
    AVFormatContext *fc = NULL;
    memset(mi, 0, sizeof *mi);
    mi->duration = -1;
    int ret = open_input(path, &fc);
    if (ret < 0) {
        av_err(err, errlen, "not a media file libavformat can read", ret);
        return -1;
    }
    if ((ret = avformat_find_stream_info(fc, NULL)) < 0) {
        avformat_close_input(&fc);
        av_err(err, errlen, "its streams cannot be read", ret);
        return -1;
    }
    snprintf(mi->format, sizeof mi->format, "%s", fc->iformat->name);
    const AVDictionaryEntry *brand = av_dict_get(fc->metadata, "major_brand", NULL, 0);
    if (brand)
        snprintf(mi->brand, sizeof mi->brand, "%s", brand->value);
    double vdur = -1, adur = -1;
    for (unsigned i = 0; i < fc->nb_streams; i++) {
        const AVStream *st = fc->streams[i];
        const AVCodecParameters *par = st->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO && !mi->has_video &&
            !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
            mi->has_video = 1;
            mi->width = par->width;
            mi->height = par->height;
            AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
            mi->fps = r.num && r.den ? av_q2d(r) : 0;
            vdur = stream_seconds(st);
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO && !mi->has_audio) {
            mi->has_audio = 1;
            mi->sample_rate = par->sample_rate;
            mi->channels = par->ch_layout.nb_channels;
            adur = stream_seconds(st);
        }
    }
    mi->duration = mi->has_video ? vdur : adur;
    if (mi->duration < 0 && fc->duration != AV_NOPTS_VALUE && fc->duration > 0)
        mi->duration = (double)fc->duration / AV_TIME_BASE;
    avformat_close_input(&fc);
    return 0;
}

/* A decoder for the best stream of a type in an open file. */
static int open_decoder(AVFormatContext *fc, enum AVMediaType type, AVCodecContext **dec,
                        char *err, size_t errlen)
{
    const AVCodec *codec = NULL;
    int idx = av_find_best_stream(fc, type, -1, -1, &codec, 0);
    if (idx < 0 || !codec) {
        snprintf(err, errlen, "no %s stream that can be decoded",
                 type == AVMEDIA_TYPE_VIDEO ? "video" : "audio");
        return -1;
    }
    int ret;
    if (!(*dec = avcodec_alloc_context3(codec)) ||
        (ret = avcodec_parameters_to_context(*dec, fc->streams[idx]->codecpar)) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    (*dec)->thread_count = 1;
    (*dec)->pkt_timebase = fc->streams[idx]->time_base;
    if ((ret = avcodec_open2(*dec, codec, NULL)) < 0) {
        av_err(err, errlen, "cannot open its decoder", ret);
        return -1;
    }
    return idx;
}

static int open_file(const char *path, AVFormatContext **fc, char *err, size_t errlen)
{
    int ret = open_input(path, fc);
    if (ret >= 0)
        ret = avformat_find_stream_info(*fc, NULL);
    if (ret < 0) {
        av_err(err, errlen, "cannot read it", ret);
        return -1;
    }
    return 0;
}

/* The next decoded frame of stream idx into f: 0, AVERROR_EOF at the end,
 * or another error. */
static int next_frame(AVFormatContext *fc, AVCodecContext *dec, int idx, AVPacket *pkt,
                      AVFrame *f, int *flushed)
{
    for (;;) {
        int ret = avcodec_receive_frame(dec, f);
        if (ret != AVERROR(EAGAIN))
            return ret;
        if (*flushed)
            return AVERROR_EOF;
        ret = av_read_frame(fc, pkt);
        if (ret < 0) {
            *flushed = 1;
            avcodec_send_packet(dec, NULL);
            continue;
        }
        if (pkt->stream_index == idx)
            ret = avcodec_send_packet(dec, pkt);
        av_packet_unref(pkt);
        if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_INVALIDDATA)
            return ret;
    }
}

struct media_video {
    AVFormatContext *fc;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *next;              /* decoded, not shown yet */
    AVFrame *raw;               /* shown, as decoded */
    AVFrame *cur;               /* shown: cover-scaled */
    cover_scaler cs;
    int idx, w, h, flushed, have_next;
    int64_t first_pts, count;
    double fps, next_t;
};

/* Decodes the frame after the shown one into v->next. */
static void decode_next(media_video *v)
{
    v->have_next = 0;
    av_frame_unref(v->next);
    if (next_frame(v->fc, v->dec, v->idx, v->pkt, v->next, &v->flushed) < 0)
        return;
    int64_t pts = v->next->best_effort_timestamp;
    AVRational tb = v->fc->streams[v->idx]->time_base;
    if (v->count == 0)
        v->first_pts = pts;
    v->next_t = pts != AV_NOPTS_VALUE && v->first_pts != AV_NOPTS_VALUE
                ? (double)(pts - v->first_pts) * av_q2d(tb)
                : (double)v->count / (v->fps > 0 ? v->fps : EMU_FPS);
    v->count++;
    v->have_next = 1;
}

/* Shows the frame last taken (v->raw): scaled once, however many frames
 * were passed over to reach it. */
static int show(media_video *v)
{
    AVFrame *f = cover_scale(&v->cs, v->raw, v->w, v->h);
    if (!f)
        return -1;
    av_frame_free(&v->cur);
    v->cur = f;
    return 0;
}

/* Takes the decoded next frame as the one to show, and decodes the one after. */
static void take_next(media_video *v)
{
    av_frame_unref(v->raw);
    av_frame_move_ref(v->raw, v->next);
    decode_next(v);
}

media_video *media_video_open(const char *path, int w, int h, char *err, size_t errlen)
{
    media_video *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->w = w;
    v->h = h;
    if (open_file(path, &v->fc, err, errlen) ||
        (v->idx = open_decoder(v->fc, AVMEDIA_TYPE_VIDEO, &v->dec, err, errlen)) < 0)
        goto fail;
    AVStream *st = v->fc->streams[v->idx];
    AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    v->fps = r.num && r.den ? av_q2d(r) : 0;
    if (!(v->pkt = av_packet_alloc()) || !(v->next = av_frame_alloc()) ||
        !(v->raw = av_frame_alloc())) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    decode_next(v);
    if (!v->have_next) {
        snprintf(err, errlen, "no picture can be decoded");
        goto fail;
    }
    take_next(v);
    if (show(v)) {
        snprintf(err, errlen, "cannot scale its pictures to %dx%d", w, h);
        goto fail;
    }
    return v;
fail:
    media_video_close(v);
    return NULL;
}

const AVFrame *media_video_at(media_video *v, double t)
{
    int moved = 0;
    for (; v->have_next && v->next_t <= t + EPSILON; moved = 1)
        take_next(v);
    if (moved)
        show(v);                /* on failure the last picture stays */
    return v->cur;
}

void media_video_close(media_video *v)
{
    if (!v)
        return;
    av_frame_free(&v->cur);
    av_frame_free(&v->raw);
    av_frame_free(&v->next);
    av_packet_free(&v->pkt);
    avcodec_free_context(&v->dec);
    avformat_close_input(&v->fc);
    cover_scaler_free(&v->cs);
    free(v);
}

/* Appends what swr gives for frame f (NULL: flush) to l/r. */
static int take_samples(SwrContext *swr, const AVFrame *f, int out_ch, float *l, float *r,
                        int64_t *n, int64_t max)
{
    float tmp_l[4096], tmp_r[4096];
    uint8_t *out[2] = { (uint8_t *)tmp_l, (uint8_t *)tmp_r };
    const uint8_t **in = f ? (const uint8_t **)f->extended_data : NULL;
    int in_n = f ? f->nb_samples : 0;
    for (;;) {
        int k = swr_convert(swr, out, 4096, in, in_n);
        if (k < 0)
            return k;
        for (int i = 0; i < k && *n < max; i++, (*n)++) {
            l[*n] = tmp_l[i];
            r[*n] = out_ch == 1 ? tmp_l[i] : tmp_r[i];
        }
        if (k < 4096)
            return 0;
        in = NULL;
        in_n = 0;
    }
}

int media_audio_read(const char *path, int64_t max, float **l, float **r, int64_t *n,
                     char *err, size_t errlen)
{
    AVFormatContext *fc = NULL;
    AVCodecContext *dec = NULL;
    SwrContext *swr = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int idx, rc = -1, flushed = 0, ret;
    *l = malloc(sizeof **l * (size_t)(max > 0 ? max : 1));
    *r = malloc(sizeof **r * (size_t)(max > 0 ? max : 1));
    *n = 0;
    if (!pkt || !f || !*l || !*r) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (open_file(path, &fc, err, errlen) ||
        (idx = open_decoder(fc, AVMEDIA_TYPE_AUDIO, &dec, err, errlen)) < 0)
        goto out;
    /* mono stays mono (then goes to both channels as it is); more than two
     * channels are downmixed to stereo */
    int out_ch = dec->ch_layout.nb_channels == 1 ? 1 : 2;
    AVChannelLayout out_layout, in_layout;
    av_channel_layout_default(&out_layout, out_ch);
    if (dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&in_layout, dec->ch_layout.nb_channels);
    else
        av_channel_layout_copy(&in_layout, &dec->ch_layout);
    ret = swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_FLTP, SAMPLE_RATE,
                              &in_layout, dec->sample_fmt, dec->sample_rate, 0, NULL);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    if (ret < 0 || (ret = swr_init(swr)) < 0) {
        av_err(err, errlen, "cannot resample its sound", ret);
        goto out;
    }
    while (*n < max && (ret = next_frame(fc, dec, idx, pkt, f, &flushed)) >= 0) {
        ret = take_samples(swr, f, out_ch, *l, *r, n, max);
        av_frame_unref(f);
        if (ret < 0)
            break;
    }
    if (ret == AVERROR_EOF || *n >= max)
        ret = take_samples(swr, NULL, out_ch, *l, *r, n, max);
    if (ret < 0 && ret != AVERROR_EOF) {
        av_err(err, errlen, "cannot decode its sound", ret);
        goto out;
    }
    rc = 0;
out:
    if (rc) {
        free(*l);
        free(*r);
        *l = *r = NULL;
        *n = 0;
    }
    swr_free(&swr);
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fc);
    return rc;
}
