/*
 * Seedance 2.0 video generation filters: a part generated from footage
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
 * A generated part made from the footage of the inputs (reference-to-
 * video): seedance_extend and seedance_bridge in mode video,
 * seedance_edit. The library has no demuxer and reads local references
 * from files: the footage is written (seedance_segment.c) into a private
 * temporary directory, named in the request, checked (by the caller's
 * libavformat, seedance_av_probe()), priced, uploaded and submitted by
 * the library, and deleted once the submit returned. The library deletes
 * its uploads once the task has ended.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libavutil/avstring.h"
#include "libavutil/mem.h"
#include "libavutil/random_seed.h"

#include "seedance_filter.h"

#define MAX_FILES 4                 /* three videos, a sound */

static const char *const ref_defaults[] = {
    "aspect_ratio", "adaptive", "generate_audio", "0", NULL
};

int ff_seedance_reference_mode(void *log, const SeedanceRefOptions *o)
{
    if (o->mode && !strcmp(o->mode, "video"))
        return 1;
    if (o->mode && strcmp(o->mode, "frame")) {
        av_log(log, AV_LOG_ERROR, "mode: '%s' is not allowed: allowed frame (the default: the "
               "last frames are sent) or video (the footage is sent)\n", o->mode);
        return AVERROR(EINVAL);
    }
    if (o->o.opts[SEEDANCE_OPTION_IMAGE]) {
        av_log(log, AV_LOG_ERROR, "image: reference images are taken in mode video only; "
               "mode frame sends the input's frames as the images\n");
        return AVERROR(EINVAL);
    }
    return 0;
}

/* Add value to the list of field (video, audio), a '|' in it escaped. */
static int add_media(SeedanceClip *c, const char *field, const char *value)
{
    char escaped[2 * 4096 + 1];
    size_t n = 0;
    int code;

    for (const char *p = value; *p && n + 2 < sizeof(escaped); p++) {
        if (*p == '|')
            escaped[n++] = '\\';
        escaped[n++] = *p;
    }
    escaped[n] = '\0';
    if ((code = seedance_job_add(c->job, field, escaped, SEEDANCE_FROM_PROGRAM))) {
        av_log(c->log, AV_LOG_ERROR, "%s\n", seedance_last_error(seedance_job_client(c->job))->message);
        return seedance_averror(code);
    }
    return 0;
}

/* Check every option now, with https stand-ins for the footage: nothing
 * is read or sent, and the lists are emptied again. */
static int check_with_stand_ins(SeedanceClip *c, int nb_videos, int audio)
{
    char url[64];
    int ret = 0;

    for (int i = 0; i < nb_videos && ret >= 0; i++) {
        snprintf(url, sizeof(url), "https://stand-in.invalid/video%d.mp4", i + 1);
        ret = add_media(c, "video", url);
    }
    if (audio && ret >= 0)
        ret = add_media(c, "audio", "https://stand-in.invalid/audio1.wav");
    if (ret >= 0)
        ret = ff_seedance_clip_validate(c);
    seedance_job_set(c->job, "video", "", SEEDANCE_FROM_PROGRAM);
    seedance_job_set(c->job, "audio", "", SEEDANCE_FROM_PROGRAM);
    return ret;
}

int ff_seedance_reference_init(SeedanceGenerated *g, AVFilterContext *ctx, char *const *opts,
                               unsigned hidden, int nb_videos, int audio)
{
    int ret = ff_seedance_clip_init(&g->clip, ctx, ctx->filter->name, opts, hidden, ref_defaults);

    if (ret >= 0 && !seedance_job_task(g->clip.job))
        ret = check_with_stand_ins(&g->clip, nb_videos, audio);
    if (ret >= 0 && !(g->frame = av_frame_alloc()))
        ret = AVERROR(ENOMEM);
    return ret;
}

void ff_seedance_log_cost(SeedanceClip *c)
{
    seedance_cost cost;
    seedance_error err;
    char line[320];

    /* an invalid request is reported by the submit */
    if (seedance_job_task(c->job) ||
        seedance_request_cost(seedance_job_request(c->job), seedance_job_client(c->job),
                              &cost, &err))
        return;
    seedance_cost_describe(&cost, line, sizeof(line));
    av_log(c->log, AV_LOG_INFO, "Estimated cost: %s\n", line);
}

/* ---- the files sent ---------------------------------------------------- */

typedef struct Files {
    char dir[4096];
    char *path[MAX_FILES];
    int nb;
} Files;

/* A directory only this user reads, in $TMPDIR (else /tmp): mkdtemp() by hand,
 * since FFmpeg builds with _XOPEN_SOURCE=600, which does not declare it. */
static int files_open(void *log, Files *f)
{
    const char *tmp = getenv("TMPDIR");

    for (int tries = 0; tries < 16; tries++) {
        snprintf(f->dir, sizeof(f->dir), "%s/seedance-%08x%08x", tmp && *tmp ? tmp : "/tmp",
                 av_get_random_seed(), av_get_random_seed());
        if (!mkdir(f->dir, 0700))
            return 0;
        if (errno != EEXIST)
            break;
    }
    av_log(log, AV_LOG_ERROR, "Cannot create a private directory for the footage sent in %s: "
           "%s (set TMPDIR to a writable directory)\n", tmp && *tmp ? tmp : "/tmp",
           strerror(errno));
    f->dir[0] = '\0';
    return AVERROR(errno);
}

/* A new file of the directory, readable by this user only. */
static const char *files_add(void *log, Files *f, const char *name)
{
    char *path;
    int fd;

    if (f->nb == MAX_FILES || !(path = av_asprintf("%s/%s", f->dir, name)))
        return NULL;
    f->path[f->nb++] = path;
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
        av_log(log, AV_LOG_ERROR, "Cannot create %s: %s\n", path, strerror(errno));
        return NULL;
    }
    close(fd);
    return path;
}

static void files_close(Files *f)
{
    for (int i = 0; i < f->nb; i++) {
        unlink(f->path[i]);
        av_freep(&f->path[i]);
    }
    if (f->dir[0])
        rmdir(f->dir);
    f->nb = 0;
    f->dir[0] = '\0';
}

/* Write each reference and name it in the request. */
static int write_references(SeedanceGenerated *g, AVFilterContext *ctx, Files *files,
                            const SeedanceFootage *videos, int nb_videos,
                            const SeedanceSegment *audio, int attach)
{
    char name[32];
    const char *path;
    int ret = 0;

    for (int i = 0; i <= nb_videos && ret >= 0; i++) {
        const SeedanceFootage *v = i < nb_videos ? &videos[i] : NULL;

        if (!v && !audio)
            break;
        if (v)
            snprintf(name, sizeof(name), "video%d.mp4", i + 1);
        else
            av_strlcpy(name, "audio1.wav", sizeof(name));
        if (!(path = files_add(ctx, files, name)))
            return AVERROR(EIO);
        ret = v ? ff_seedance_segment_write(ctx, v->seg, v->seconds, v->from_end, path,
                                            i ? NULL : g->seam)
                : ff_seedance_segment_write(ctx, audio, 0, 0, path, NULL);
        if (ret >= 0 && !attach)
            ret = add_media(&g->clip, v ? "video" : "audio", path);
    }
    return ret;
}

int ff_seedance_reference_start(SeedanceGenerated *g, AVFilterContext *ctx,
                                const SeedanceFootage *videos, int nb_videos,
                                const SeedanceSegment *audio, int decode_audio,
                                AVRational rate, int64_t start)
{
    SeedanceClip *c = &g->clip;
    int attach = !!seedance_job_task(c->job), ret;
    Files files = { 0 };

    if (nb_videos + !!audio > MAX_FILES)
        return AVERROR_BUG;
    /* attaching to a task, the footage is still written: checked, and kept
     * to find the seam */
    if ((ret = files_open(ctx, &files)) >= 0 &&
        (ret = write_references(g, ctx, &files, videos, nb_videos, audio, attach)) >= 0 &&
        !attach && (ret = ff_seedance_clip_validate(c)) >= 0) {
        ff_seedance_log_cost(c);
        ret = ff_seedance_clip_submit(c);
    }
    files_close(&files);
    if (ret < 0 || (ret = ff_seedance_clip_start(c, attach, decode_audio)) < 0)
        return ret;
    ff_seedance_retime_init(&g->retime, ctx->outputs[0]->time_base, rate, start);
    ff_filter_set_ready(ctx, 100);
    return 0;
}
