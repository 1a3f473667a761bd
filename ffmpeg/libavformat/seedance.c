/*
 * Seedance 2.0 video generation protocol (Evolink API) via libseedance
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
 * seedance: protocol. Submits a generation job to the Seedance API, waits
 * for the task and reads the resulting MP4 as it downloads.
 *
 *   seedance:?prompt=...&duration=8&quality=480p&aspect_ratio=16:9...
 *   seedance:PROMPT TEXT
 *   seedance:task-unified-...           (attach to an existing task)
 *
 * Query keys are the API's field names, percent-decoded. All the work
 * (option and URL parsing, validation, exactly-once submit, polling,
 * download, cache) is done by libseedance; this file hands it the AVOptions
 * and the URL, and maps its progress onto av_log() and its errors onto
 * AVERROR codes.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <seedance.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"

#include "avformat.h"
#include "url.h"

#include <seedance_av.h>

typedef struct SeedanceContext {
    const AVClass *class;

    /* every option as text, parsed by libseedance (SEEDANCE_OPTION_LIST) */
    char *opt[SEEDANCE_OPTION__COUNT];

    seedance_job     *job;
    seedance_stream  *stream;
    SeedanceAVReport  report;  /* progress and error lines */
    SeedanceAVIO      io;      /* reads and seeks of the stream */
} SeedanceContext;

#define D AV_OPT_FLAG_DECODING_PARAM

/*
 * The options are libseedance's option table: the API's field names, except
 * where ffmpeg or another component already has an option of that name
 * (duration, quality, timeout, cache_dir), which get a "video_" or
 * "seedance_" prefix. The URL query always uses the API names. Values are
 * text in libseedance's grammar, so that an option and a URL key of the
 * same meaning accept the same values.
 */
#define SEEDANCE_AVOPTION(id, name, ffname, flags, help, ...) \
    { ffname, help, offsetof(SeedanceContext, opt[SEEDANCE_OPTION_##id]), \
      AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },

static const AVOption seedance_protocol_options[] = {
    SEEDANCE_OPTION_LIST(SEEDANCE_AVOPTION)
    { NULL }
};

static const AVClass seedance_class = {
    .class_name = "seedance",
    .item_name  = av_default_item_name,
    .option     = seedance_protocol_options,
    .version    = LIBAVUTIL_VERSION_INT,
};

static int seedance_fail(URLContext *h, SeedanceContext *s, int code)
{
    return seedance_av_fail(&s->report, seedance_job_client(s->job), code);
}

static int seedance_interrupt(void *opaque)
{
    URLContext *h = opaque;
    return ff_check_interrupt(&h->interrupt_callback);
}

/* Options first, then the URL: a URL key overrides the option of the same meaning. */
static int configure_job(URLContext *h, SeedanceContext *s, const char *uri)
{
    seedance_client *c = seedance_job_client(s->job);
    const seedance_option *o;
    int code;

    seedance_client_set_interrupt(c, seedance_interrupt, h);
    seedance_av_report_client(&s->report, c);
    seedance_client_set_probe(c, seedance_av_probe, NULL);   /* local reference clips */
    if ((code = seedance_job_set_env(s->job)))
        return seedance_fail(h, s, code);
    for (o = seedance_options(); o->name; o++)
        if (s->opt[o->id] &&
            (code = seedance_job_set(s->job, o->name, s->opt[o->id], SEEDANCE_FROM_PROGRAM)))
            return seedance_fail(h, s, code);
    if ((code = seedance_job_parse_url(s->job, uri)))
        return seedance_fail(h, s, code);
    return 0;
}

static int open_stream(URLContext *h, SeedanceContext *s, const char *uri, int flags)
{
    int ret, code;

    seedance_av_report_init(&s->report, h, "with: -i seedance:%s");
    if (flags & AVIO_FLAG_WRITE) {
        av_log(h, AV_LOG_ERROR, "The seedance protocol is read-only\n");
        return AVERROR(ENOSYS);
    }
    if (!(s->job = seedance_job_new()))
        return AVERROR(ENOMEM);
    if ((ret = configure_job(h, s, uri)) < 0)
        return ret;
    if (seedance_job_task(s->job))
        av_strlcpy(s->report.task_id, seedance_job_task(s->job), sizeof(s->report.task_id));
    if ((code = seedance_job_open(s->job, &s->stream)))
        return seedance_fail(h, s, code);
    seedance_av_report_end(&s->report);

    s->io = (SeedanceAVIO){ s->stream, seedance_job_client(s->job), &s->report, 0 };
    h->is_streamed = !seedance_stream_seekable(s->stream);
    return 0;
}

static int seedance_url_close(URLContext *h);

static int seedance_url_open(URLContext *h, const char *uri, int flags, AVDictionary **options)
{
    int ret = open_stream(h, h->priv_data, uri, flags);

    if (ret < 0)
        seedance_url_close(h);  /* url_close is called only after a successful open */
    return ret;
}

static int seedance_url_read(URLContext *h, unsigned char *buf, int size)
{
    SeedanceContext *s = h->priv_data;

    return seedance_avio_read(&s->io, buf, size);
}

static int64_t seedance_url_seek(URLContext *h, int64_t pos, int whence)
{
    SeedanceContext *s = h->priv_data;

    return seedance_avio_seek(&s->io, pos, whence);
}

static int seedance_url_close(URLContext *h)
{
    SeedanceContext *s = h->priv_data;

    seedance_stream_close(s->stream);
    s->stream = NULL;
    seedance_job_free(s->job);
    s->job = NULL;
    return 0;
}

const URLProtocol ff_seedance_protocol = {
    .name            = "seedance",
    .url_open2       = seedance_url_open,
    .url_read        = seedance_url_read,
    .url_seek        = seedance_url_seek,
    .url_close       = seedance_url_close,
    .priv_data_size  = sizeof(SeedanceContext),
    .priv_data_class = &seedance_class,
    .default_whitelist = "seedance",
};
