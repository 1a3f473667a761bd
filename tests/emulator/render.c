/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Real MP4 files with libavcodec/libavformat: H.264 (libx264, yuv420p,
 * BT.709 limited range, square pixels, 24 fps, exactly duration * 24
 * frames) and, when asked, AAC stereo 48 kHz, exactly duration * 48000
 * samples: a melody derived from the prompt, or for reference-to-video the
 * sound of a reference (render_job.sound) from its first sample, silence
 * after its end. faststart by default, or the moov atom at the end.
 * Written to a temporary name and renamed when complete.
 */
#include "emu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#define SAMPLE_RATE 48000

typedef struct out_stream {
    AVStream *st;
    AVCodecContext *enc;
    AVFrame *frame;
    int64_t next_pts;       /* in the encoder time base */
} out_stream;

typedef struct render_state {
    AVFormatContext *oc;
    out_stream v, a;
    AVPacket *pkt;
    draw_ctx *draw;
    int nframes;
    int64_t nsamples;
    uint64_t seed;
    float *sound[2];        /* a reference's sound, 48 kHz, or NULL */
    int64_t sound_len;
} render_state;

static int fail(char *err, size_t errlen, const char *what, int ret)
{
    char e[AV_ERROR_MAX_STRING_SIZE] = "";
    if (ret < 0)
        av_strerror(ret, e, sizeof e);
    snprintf(err, errlen, "%s%s%s", what, e[0] ? ": " : "", e);
    return -1;
}

/* Sends a frame (NULL = flush) and writes every packet that comes out. */
static int encode(render_state *rs, out_stream *os, AVFrame *frame)
{
    int ret = avcodec_send_frame(os->enc, frame);
    if (ret < 0)
        return ret;
    for (;;) {
        ret = avcodec_receive_packet(os->enc, rs->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return ret;
        if (os == &rs->v && rs->pkt->duration <= 0)
            rs->pkt->duration = 1;                  /* one frame at 1/24 s */
        av_packet_rescale_ts(rs->pkt, os->enc->time_base, os->st->time_base);
        rs->pkt->stream_index = os->st->index;
        ret = av_interleaved_write_frame(rs->oc, rs->pkt);
        if (ret < 0)
            return ret;
    }
}

/* A new stream of the muxer and its encoder context. */
static int new_stream(render_state *rs, out_stream *os, const AVCodec *codec, const char *name,
                      char *err, size_t errlen)
{
    char msg[64];
    if (!codec) {
        snprintf(msg, sizeof msg, "the %s encoder is not available", name);
        return fail(err, errlen, msg, 0);
    }
    if (!(os->st = avformat_new_stream(rs->oc, NULL)) || !(os->enc = avcodec_alloc_context3(codec)))
        return fail(err, errlen, "out of memory", 0);
    return 0;
}

static int open_video(render_state *rs, const render_job *job, char *err, size_t errlen)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    out_stream *os = &rs->v;
    if (new_stream(rs, os, codec, "libx264", err, errlen))
        return -1;
    AVCodecContext *c = os->enc;
    c->width = job->width;
    c->height = job->height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    /* tagged as the service's clips are: BT.709, limited range, square pixels */
    c->colorspace = AVCOL_SPC_BT709;
    c->color_primaries = AVCOL_PRI_BT709;
    c->color_trc = AVCOL_TRC_BT709;
    c->color_range = AVCOL_RANGE_MPEG;
    c->sample_aspect_ratio = (AVRational){ 1, 1 };
    c->time_base = (AVRational){ 1, EMU_FPS };
    c->framerate = (AVRational){ EMU_FPS, 1 };
    c->gop_size = 2 * EMU_FPS;
    c->thread_count = 2;
    if (rs->oc->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(c->priv_data, "preset", "ultrafast", 0);
    av_opt_set(c->priv_data, "crf", "18", 0);
    int ret = avcodec_open2(c, codec, NULL);
    if (ret < 0)
        return fail(err, errlen, "cannot open the H.264 encoder", ret);
    if ((ret = avcodec_parameters_from_context(os->st->codecpar, c)) < 0)
        return fail(err, errlen, "cannot set the video stream", ret);
    os->st->time_base = c->time_base;
    os->st->avg_frame_rate = c->framerate;
    os->st->sample_aspect_ratio = c->sample_aspect_ratio;
    if (!(os->frame = av_frame_alloc()))
        return fail(err, errlen, "out of memory", 0);
    os->frame->format = c->pix_fmt;
    os->frame->width = c->width;
    os->frame->height = c->height;
    if ((ret = av_frame_get_buffer(os->frame, 0)) < 0)
        return fail(err, errlen, "out of memory", ret);
    return 0;
}

static int open_audio(render_state *rs, char *err, size_t errlen)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    out_stream *os = &rs->a;
    if (new_stream(rs, os, codec, "AAC", err, errlen))
        return -1;
    AVCodecContext *c = os->enc;
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;
    c->sample_rate = SAMPLE_RATE;
    c->bit_rate = 128000;
    c->time_base = (AVRational){ 1, SAMPLE_RATE };
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    av_channel_layout_copy(&c->ch_layout, &stereo);
    if (rs->oc->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int ret = avcodec_open2(c, codec, NULL);
    if (ret < 0)
        return fail(err, errlen, "cannot open the AAC encoder", ret);
    if ((ret = avcodec_parameters_from_context(os->st->codecpar, c)) < 0)
        return fail(err, errlen, "cannot set the audio stream", ret);
    os->st->time_base = c->time_base;
    if (!(os->frame = av_frame_alloc()))
        return fail(err, errlen, "out of memory", 0);
    return 0;
}

/* A plucked pentatonic melody, one note every quarter second. */
static float melody(uint64_t seed, int64_t n, int ch)
{
    static const double steps[] = { 0, 2, 4, 7, 9, 12, 14, 16 };
    const int64_t note_len = SAMPLE_RATE / 4;
    int64_t note = n / note_len, k = n % note_len;
    uint64_t h = hash64(&note, sizeof note) ^ seed;
    h ^= h >> 29;
    double f = 220.0 * pow(2.0, steps[h % 8] / 12.0) * (ch ? 1.5 : 1.0);
    double t = (double)k / SAMPLE_RATE;
    double env = (k < 480 ? k / 480.0 : 1.0) * exp(-6.0 * t);
    return (float)(0.25 * env * sin(2 * M_PI * f * t));
}

static int write_audio_frame(render_state *rs)
{
    out_stream *os = &rs->a;
    AVFrame *fr = os->frame;
    int64_t left = rs->nsamples - os->next_pts;
    int n = (int)(left < os->enc->frame_size ? left : os->enc->frame_size);
    av_frame_unref(fr);
    fr->format = os->enc->sample_fmt;
    fr->sample_rate = SAMPLE_RATE;
    fr->nb_samples = n;
    int ret = av_channel_layout_copy(&fr->ch_layout, &os->enc->ch_layout);
    if (ret < 0 || (ret = av_frame_get_buffer(fr, 0)) < 0)
        return ret;
    for (int ch = 0; ch < 2; ch++) {
        float *s = (float *)fr->data[ch];
        for (int i = 0; i < n; i++) {
            int64_t k = os->next_pts + i;
            s[i] = !rs->sound[0] ? melody(rs->seed, k, ch)
                 : k < rs->sound_len ? rs->sound[ch][k] : 0.0f;
        }
    }
    fr->pts = os->next_pts;
    os->next_pts += n;
    return encode(rs, os, fr);
}

static int write_video_frame(render_state *rs)
{
    out_stream *os = &rs->v;
    int ret = av_frame_make_writable(os->frame);
    if (ret < 0)
        return ret;
    draw_frame(rs->draw, (int)os->next_pts, rs->nframes, os->frame);
    os->frame->pts = os->next_pts++;
    return encode(rs, os, os->frame);
}

static void close_stream(out_stream *os)
{
    avcodec_free_context(&os->enc);
    av_frame_free(&os->frame);
}

/* Every frame, interleaved (always the stream that is behind in time),
 * then the encoders' delayed packets and the trailer. 0 or -1 with err. */
static int write_frames(render_state *rs, int audio, char *err, size_t errlen)
{
    int ret;
    for (;;) {
        if (EMU_STOPPING())
            return fail(err, errlen, "stopped", 0);
        int v_more = rs->v.next_pts < rs->nframes;
        int a_more = audio && rs->a.next_pts < rs->nsamples;
        if (!v_more && !a_more)
            break;
        int do_video = v_more && (!a_more ||
            av_compare_ts(rs->v.next_pts, rs->v.enc->time_base,
                          rs->a.next_pts, rs->a.enc->time_base) <= 0);
        ret = do_video ? write_video_frame(rs) : write_audio_frame(rs);
        if (ret < 0)
            return fail(err, errlen, "encoding failed", ret);
    }
    if ((ret = encode(rs, &rs->v, NULL)) < 0 ||
        (audio && (ret = encode(rs, &rs->a, NULL)) < 0) ||
        (ret = av_write_trailer(rs->oc)) < 0)
        return fail(err, errlen, "cannot finish the MP4 file", ret);
    return 0;
}

int render_mp4(const render_job *job, const char *path, char *err, size_t errlen)
{
    render_state rs;
    memset(&rs, 0, sizeof rs);
    rs.nframes = job->duration * EMU_FPS;
    rs.nsamples = (int64_t)job->duration * SAMPLE_RATE;
    rs.seed = job->seed;
    buf tmp = { 0 };
    AVDictionary *opts = NULL;
    int rc = -1, ret;

    if (buf_printf(&tmp, "%s.part", path))
        return fail(err, errlen, "out of memory", 0);
    if ((ret = avformat_alloc_output_context2(&rs.oc, NULL, "mp4", tmp.data)) < 0) {
        fail(err, errlen, "cannot create the MP4 muxer", ret);
        goto out;
    }
    if (!(rs.pkt = av_packet_alloc())) {
        fail(err, errlen, "out of memory", 0);
        goto out;
    }
    if (!(rs.draw = draw_open(job, err, errlen)))
        goto out;
    if (job->audio && job->sound) {
        char why[256];
        if (media_audio_read(job->sound, rs.nsamples, &rs.sound[0], &rs.sound[1], &rs.sound_len,
                             why, sizeof why)) {
            snprintf(err, errlen, "cannot read the reference's sound: %s", why);
            goto out;
        }
    }
    if (open_video(&rs, job, err, errlen) || (job->audio && open_audio(&rs, err, errlen)))
        goto out;
    if ((ret = avio_open(&rs.oc->pb, tmp.data, AVIO_FLAG_WRITE)) < 0) {
        fail(err, errlen, "cannot write the MP4 file", ret);
        goto out;
    }
    if (!job->moov_at_end)
        av_dict_set(&opts, "movflags", "+faststart", 0);
    if ((ret = avformat_write_header(rs.oc, &opts)) < 0) {
        fail(err, errlen, "cannot write the MP4 header", ret);
        goto out;
    }
    rc = write_frames(&rs, job->audio, err, errlen);
out:
    av_dict_free(&opts);
    close_stream(&rs.v);
    close_stream(&rs.a);
    draw_close(rs.draw);
    free(rs.sound[0]);
    free(rs.sound[1]);
    av_packet_free(&rs.pkt);
    if (rs.oc) {
        if (rs.oc->pb)
            avio_closep(&rs.oc->pb);
        avformat_free_context(rs.oc);
    }
    if (!rc && rename(tmp.data, path)) {
        fail(err, errlen, "cannot rename the MP4 file", 0);
        rc = -1;
    }
    if (rc)
        unlink(tmp.data);
    buf_free(&tmp);
    return rc;
}
