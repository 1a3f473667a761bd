/*
 * Seedance 2.0 edit of a video segment (Evolink API) via libseedance
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
 * seedance_edit: replaces the segment that reaches it (2 to 15 s, cut
 * before it with trim) by a reference-to-video generation that takes the
 * segment as @video1 ("make @video1 claymation"), and with audio_in=1 the
 * segment's sound as @audio1. The filter holds the segment until its
 * inputs end, writes it as references (seedance_segment.c), submits, and
 * outputs the generated clip in its place: the input's size, pixel format,
 * sample aspect ratio and colour properties, at its frame rate, from the
 * segment's first timestamp for the segment's length (the request's
 * duration is the segment's, rounded up into the API's range, and the clip
 * is cut to the segment). The audio output, when there is one, carries
 * the input's sound (keep_audio, the default with an audio input) or the
 * generated one, for the same time.
 */

#include <math.h>
#include <stdio.h>

#include "libavutil/channel_layout.h"
#include "libswresample/swresample.h"
#include "libswscale/swscale.h"

#include "seedance_filter.h"

enum { COLLECT, GENERATE, DONE };

typedef struct SeedanceEditContext {
    SeedanceRefOptions o;       ///< first: the class and the options
    SeedanceGenerated gen;
    int state;
    int keep;                   ///< the audio output passes the input's sound
    int gen_audio;              ///< the clip's sound is decoded and output
    int audio_out;              ///< there is an audio output
    SeedanceSegment seg[2];     ///< the segment's video and sound, until they are sent
    int in_eof[2];
    int out_eof[2];
    AVFrame *like;              ///< the segment's first frame: the colours of the output
    int64_t start, end;         ///< the segment's first pts and its end (video time base)
    int64_t audio_next;         ///< generated sound: the next pts and
    int64_t audio_end;          ///< the end (the audio output's time base)
    SwrContext *swr;
    AVFrame *sound;
} SeedanceEditContext;

static int config_video_in(AVFilterLink *inlink)
{
    SeedanceEditContext *s = inlink->dst->priv;

    ff_seedance_segment_uninit(&s->seg[SEEDANCE_VIDEO]);
    ff_seedance_segment_init(&s->seg[SEEDANCE_VIDEO], inlink, 0, "The segment that reached "
                             "seedance_edit");
    return ff_seedance_check_footage(inlink->dst, "seedance_edit input", inlink->w, inlink->h,
                                     inlink->sample_aspect_ratio);
}

static int config_audio_in(AVFilterLink *inlink)
{
    SeedanceEditContext *s = inlink->dst->priv;

    ff_seedance_segment_uninit(&s->seg[SEEDANCE_AUDIO]);
    ff_seedance_segment_init(&s->seg[SEEDANCE_AUDIO], inlink, 0, "The sound that reached "
                             "seedance_edit");
    return 0;
}

static int config_video_out(AVFilterLink *outlink)
{
    return ff_seedance_config_as_input(outlink, outlink->src->inputs[SEEDANCE_VIDEO]);
}

static int config_audio_out(AVFilterLink *outlink)
{
    SeedanceEditContext *s = outlink->src->priv;

    outlink->time_base = s->keep ? outlink->src->inputs[SEEDANCE_AUDIO]->time_base
                                 : (AVRational){ 1, outlink->sample_rate };
    return 0;
}

/* Which sound is output, and so which is asked for. */
static int choose_audio(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    const char *given = s->o.o.opts[SEEDANCE_OPTION_GENERATE_AUDIO];
    int code;

    s->keep = s->o.keep_audio < 0 ? s->o.audio_in : s->o.keep_audio;
    s->gen_audio = ff_seedance_clip_has_audio(&s->gen.clip);
    if (s->keep && !s->o.audio_in) {
        av_log(ctx, AV_LOG_ERROR, "keep_audio: 1 without audio_in=1: there is no input sound "
               "to keep\n");
        return AVERROR(EINVAL);
    }
    if (s->keep && s->gen_audio) {
        av_log(ctx, AV_LOG_ERROR, "generate_audio: 1 with keep_audio=1 would pay for a sound "
               "that is dropped: keep_audio=0 outputs the generated sound instead of the "
               "input's\n");
        return AVERROR(EINVAL);
    }
    if (s->o.audio_in && !s->keep && !s->gen_audio) {
        if (given) {
            av_log(ctx, AV_LOG_ERROR, "generate_audio: 0 with audio_in=1 and keep_audio=0 "
                   "leaves the audio output no sound: keep_audio=1 outputs the input's\n");
            return AVERROR(EINVAL);
        }
        if ((code = seedance_job_set(s->gen.clip.job, "generate_audio", "1",
                                     SEEDANCE_FROM_PROGRAM)))
            return seedance_averror(code);
        s->gen_audio = 1;
    }
    s->audio_out = s->o.audio_in || s->gen_audio;
    return 0;
}

static av_cold int init(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    AVFilterPad in[2] = {
        { .name = "video", .type = AVMEDIA_TYPE_VIDEO, .config_props = config_video_in },
        { .name = "audio", .type = AVMEDIA_TYPE_AUDIO, .config_props = config_audio_in },
    };
    AVFilterPad out[2] = {
        { .name = "video", .type = AVMEDIA_TYPE_VIDEO, .config_props = config_video_out },
        { .name = "audio", .type = AVMEDIA_TYPE_AUDIO, .config_props = config_audio_out },
    };
    int ret;

    s->start = s->end = AV_NOPTS_VALUE;
    if ((ret = ff_seedance_reference_init(&s->gen, ctx, s->o.o.opts, SEEDANCE_EDIT_HIDDEN, 1,
                                          s->o.audio_in)) < 0 ||
        (ret = choose_audio(ctx)) < 0)
        return ret;
    if ((ret = ff_append_inpad(ctx, &in[0])) < 0 ||
        (s->o.audio_in && (ret = ff_append_inpad(ctx, &in[1])) < 0) ||
        (ret = ff_append_outpad(ctx, &out[0])) < 0 ||
        (s->audio_out && (ret = ff_append_outpad(ctx, &out[1])) < 0))
        return ret;
    return 0;
}

/* Any audio format on an audio link (one list for both when the sound
 * passes through); 48 kHz stereo float for a generated sound. */
static int query_formats(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    static const int sample_fmts[] = { AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_NONE };
    static const int rates[]       = { 48000, -1 };
    static const AVChannelLayout stereo[] = { AV_CHANNEL_LAYOUT_STEREO, { 0 } };
    AVFilterFormatsConfig *cfg[2] = { NULL, NULL };
    int ret;

    if ((ret = ff_seedance_query_video(ctx)) < 0)
        return ret;
    if (s->o.audio_in)
        cfg[0] = &ctx->inputs[SEEDANCE_AUDIO]->outcfg;
    if (s->audio_out)
        cfg[1] = &ctx->outputs[SEEDANCE_AUDIO]->incfg;
    for (int i = 0; i < 2; i++) {
        AVFilterFormats *formats, *samplerates;
        AVFilterChannelLayouts *layouts;

        if (!cfg[i] || (i && s->keep))
            continue;
        if (i && !s->keep) {
            formats     = ff_make_format_list(sample_fmts);
            samplerates = ff_make_format_list(rates);
            layouts     = ff_make_channel_layout_list(stereo);
        } else {
            formats     = ff_all_formats(AVMEDIA_TYPE_AUDIO);
            samplerates = ff_all_samplerates();
            layouts     = ff_all_channel_counts();
        }
        /* the sound passed through: the output's lists are the input's */
        if ((ret = ff_formats_ref(formats, &cfg[i]->formats)) < 0 ||
            (ret = ff_formats_ref(samplerates, &cfg[i]->samplerates)) < 0 ||
            (ret = ff_channel_layouts_ref(layouts, &cfg[i]->channel_layouts)) < 0 ||
            (!i && s->keep &&
             ((ret = ff_formats_ref(formats, &cfg[1]->formats)) < 0 ||
              (ret = ff_formats_ref(samplerates, &cfg[1]->samplerates)) < 0 ||
              (ret = ff_channel_layouts_ref(layouts, &cfg[1]->channel_layouts)) < 0)))
            return ret;
    }
    return 0;
}

/* Every output ends now (the video, once generated, ends in end_video()). */
static int finish(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;

    for (unsigned i = 0; i < ctx->nb_outputs; i++)
        if (!s->out_eof[i])
            ff_outlink_set_status(ctx->outputs[i], AVERROR_EOF,
                                  i == SEEDANCE_VIDEO ? 0 : s->audio_next);
    for (unsigned i = 0; i < ctx->nb_inputs; i++)
        ff_inlink_set_status(ctx->inputs[i], AVERROR_EOF);
    s->out_eof[0] = s->out_eof[1] = 1;
    s->state = DONE;
    return 0;
}

/* The request's duration: the segment's, rounded up into the option's range. */
static int set_duration(AVFilterContext *ctx, double seconds)
{
    SeedanceEditContext *s = ctx->priv;
    const char *allowed = seedance_options()[SEEDANCE_OPTION_DURATION].allowed;
    int lo = 4, hi = 15, code;
    char value[16];

    sscanf(allowed, "%d..%d", &lo, &hi);
    snprintf(value, sizeof(value), "%d", av_clip((int)ceil(seconds - 0.001), lo, hi));
    av_log(ctx, AV_LOG_VERBOSE, "The segment lasts %.3f s: duration=%s\n", seconds, value);
    if ((code = seedance_job_set(s->gen.clip.job, "duration", value, SEEDANCE_FROM_PROGRAM))) {
        av_log(ctx, AV_LOG_ERROR, "%s\n",
               seedance_last_error(seedance_job_client(s->gen.clip.job))->message);
        return seedance_averror(code);
    }
    return 0;
}

/* The whole segment is here: send it. */
static int start(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    SeedanceSegment *v = &s->seg[SEEDANCE_VIDEO];
    SeedanceFootage footage = { v, 0, 0 };
    int ret;

    if (!v->nb_frames) {
        av_log(ctx, AV_LOG_WARNING, "The input has no frame: nothing to edit\n");
        return finish(ctx);
    }
    s->start = v->start;
    s->end   = v->end;
    if (!(s->like = av_frame_clone(v->frames[0])))
        return AVERROR(ENOMEM);
    if (s->audio_out) {
        AVFilterLink *aout = ctx->outputs[SEEDANCE_AUDIO];

        s->audio_next = av_rescale_q(s->start, v->tb, aout->time_base);
        s->audio_end  = av_rescale_q(s->end, v->tb, aout->time_base);
    }
    if ((ret = set_duration(ctx, ff_seedance_segment_seconds(v))) < 0 ||
        (ret = ff_seedance_reference_start(&s->gen, ctx, &footage, 1,
                                           s->o.audio_in ? &s->seg[SEEDANCE_AUDIO] : NULL,
                                           s->gen_audio, SEEDANCE_FRAME_RATE(ctx->inputs[0]),
                                           s->start)) < 0)
        return ret;
    ff_seedance_segment_uninit(v);
    if (!s->keep)
        ff_seedance_segment_uninit(&s->seg[SEEDANCE_AUDIO]);
    s->state = GENERATE;
    return 0;
}

/* Take in the segment until every input has ended. */
static int collect(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    int wanted = 0, ended = 0, status, ret;
    int64_t pts;

    for (unsigned i = 0; i < ctx->nb_outputs; i++)
        wanted |= !ff_outlink_get_status(ctx->outputs[i]) &&
                  ff_outlink_frame_wanted(ctx->outputs[i]);
    for (unsigned i = 0; i < ctx->nb_inputs; i++) {
        AVFilterLink *inlink = ctx->inputs[i];
        AVFrame *frame;

        while (!s->in_eof[i] && (ret = ff_inlink_consume_frame(inlink, &frame)) > 0) {
            ret = ff_seedance_segment_add(&s->seg[i], frame);
            av_frame_free(&frame);
            /* a segment too long for a reference is refused now, before
             * more of it is held */
            if (ret < 0 || (ret = ff_seedance_check_segment_length(ctx, &s->seg[i])) < 0)
                return ret;
        }
        if (!s->in_eof[i] && ff_inlink_acknowledge_status(inlink, &status, &pts)) {
            if (status != AVERROR_EOF)
                return status;
            s->in_eof[i] = 1;
        }
        ended += s->in_eof[i];
        if (!s->in_eof[i] && wanted)
            ff_inlink_request_frame(inlink);
    }
    if (ended == ctx->nb_inputs)
        return start(ctx);
    return FFERROR_NOT_READY;
}

/* The clip's video ends: at the segment's end at the latest. */
static int end_video(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    SeedanceRetime *r = &s->gen.retime;
    AVFilterLink *outlink = ctx->outputs[SEEDANCE_VIDEO];
    int64_t limit = av_rescale_q(s->end - s->start, outlink->time_base, r->in_tb);
    int ret;

    if (s->out_eof[SEEDANCE_VIDEO])
        return 0;
    if (r->held && r->held_end > limit)
        r->held_end = FFMAX(limit, r->held->pts + 1);
    if ((ret = ff_seedance_retime_push(r, outlink, &s->gen.sws, NULL, s->like)) < 0)
        return ret;
    ff_outlink_set_status(outlink, AVERROR_EOF, ff_seedance_retime_end(r));
    s->out_eof[SEEDANCE_VIDEO] = 1;
    return 0;
}

static int push_video(AVFilterContext *ctx, AVFrame *frame)
{
    SeedanceEditContext *s = ctx->priv;
    SeedanceRetime *r = &s->gen.retime;

    if (s->out_eof[SEEDANCE_VIDEO])
        return 0;
    /* past the segment's length: the rest of the clip is not output */
    if (r->first != AV_NOPTS_VALUE && frame->pts != AV_NOPTS_VALUE &&
        av_compare_ts(frame->pts - r->first, r->in_tb, s->end - s->start,
                      ctx->outputs[SEEDANCE_VIDEO]->time_base) >= 0)
        return end_video(ctx);
    return ff_seedance_retime_push(r, ctx->outputs[SEEDANCE_VIDEO], &s->gen.sws, frame, s->like);
}

/* The generated sound, converted to the output, from the segment's start for its length. */
static int push_audio(AVFilterContext *ctx, AVFrame *frame)
{
    SeedanceEditContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[SEEDANCE_AUDIO];
    int64_t left = s->audio_end - s->audio_next;
    int ret;

    if (!s->gen_audio || s->out_eof[SEEDANCE_AUDIO])
        return 0;
    if ((ret = ff_seedance_resample(ctx, &s->swr, &s->sound, frame, outlink->format,
                                    outlink->sample_rate, &outlink->ch_layout)) < 0 ||
        !s->sound)
        return ret;
    if (s->sound->nb_samples >= left) {
        s->sound->nb_samples = (int)left;
        s->out_eof[SEEDANCE_AUDIO] = 1;
    }
    s->sound->pts = s->audio_next;
    s->audio_next += s->sound->nb_samples;
    if (s->sound->nb_samples > 0)
        ret = ff_filter_frame(outlink, s->sound);
    else
        av_frame_free(&s->sound);
    s->sound = NULL;
    if (s->out_eof[SEEDANCE_AUDIO])
        ff_outlink_set_status(outlink, AVERROR_EOF, s->audio_next);
    return ret < 0 ? ret : 1;
}

/* The input's sound, as it came. */
static int pass_audio(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    SeedanceSegment *a = &s->seg[SEEDANCE_AUDIO];
    AVFilterLink *outlink = ctx->outputs[SEEDANCE_AUDIO];
    int64_t end = a->end == AV_NOPTS_VALUE ? 0 : a->end;
    AVFrame *frame;
    int ret;

    while ((frame = ff_seedance_segment_shift(a)))
        if ((ret = ff_filter_frame(outlink, frame)) < 0)
            return ret;
    ff_outlink_set_status(outlink, AVERROR_EOF, end);
    s->out_eof[SEEDANCE_AUDIO] = 1;
    return 0;
}

static int generate(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;
    SeedanceGenerated *g = &s->gen;
    int wanted = 0, ret, sent = 0;

    if (s->keep && !s->out_eof[SEEDANCE_AUDIO] && (ret = pass_audio(ctx)) < 0)
        return ret;
    for (unsigned i = 0; i < ctx->nb_outputs; i++) {
        s->out_eof[i] |= !!ff_outlink_get_status(ctx->outputs[i]);
        wanted |= !s->out_eof[i] && ff_outlink_frame_wanted(ctx->outputs[i]);
    }
    if (s->out_eof[SEEDANCE_VIDEO] && (!s->audio_out || s->out_eof[SEEDANCE_AUDIO]))
        return finish(ctx);
    if (!wanted)
        return FFERROR_NOT_READY;
    if ((ret = ff_seedance_clip_activate_wait(ctx, &g->clip)) != 1)
        return ret;
    if (g->retime.first == AV_NOPTS_VALUE)
        g->retime.in_tb = ff_seedance_clip_stream(&g->clip, SEEDANCE_VIDEO)->time_base;

    ret = ff_seedance_clip_read(&g->clip, g->frame);
    if (ret == AVERROR_EOF) {
        if ((ret = end_video(ctx)) < 0)
            return ret;
        return finish(ctx);
    }
    if (ret == SEEDANCE_VIDEO)
        sent = push_video(ctx, g->frame);
    else if (ret == SEEDANCE_AUDIO)
        sent = push_audio(ctx, g->frame);
    av_frame_unref(g->frame);
    if (ret < 0 || sent < 0)
        return ret < 0 ? ret : sent;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

static int activate(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;

    switch (s->state) {
    case COLLECT:  return collect(ctx);
    case GENERATE: return generate(ctx);
    }
    return FFERROR_NOT_READY;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SeedanceEditContext *s = ctx->priv;

    ff_seedance_generated_uninit(&s->gen);
    for (int i = 0; i < 2; i++)
        ff_seedance_segment_uninit(&s->seg[i]);
    av_frame_free(&s->like);
    av_frame_free(&s->sound);
    swr_free(&s->swr);
}

AVFILTER_DEFINE_CLASS_EXT(seedance_edit, "seedance_edit", ff_seedance_edit_options);

const SEEDANCE_FILTER ff_vf_seedance_edit = {
    SEEDANCE_PUB(name)        = "seedance_edit",
    SEEDANCE_PUB(description) = NULL_IF_CONFIG_SMALL("Replace a video segment (2 to 15 s) by "
                                                     "a Seedance 2.0 generation from its footage "
                                                     "(and sound)."),
    SEEDANCE_PUB(priv_class)  = &seedance_edit_class,
    SEEDANCE_PUB(flags)       = AVFILTER_FLAG_DYNAMIC_INPUTS | AVFILTER_FLAG_DYNAMIC_OUTPUTS,
    .priv_size     = sizeof(SeedanceEditContext),
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_QUERY_FUNC(query_formats),
};
