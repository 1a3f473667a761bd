/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance in FFmpeg components: what the seedance: protocol, the
 * seedance filters and the preload library for stock ffmpeg share, so that
 * they report progress and errors with the same words, at the same levels,
 * with the same AVERROR codes.
 *
 * Header only, for code that has included libavutil's log.h and error.h
 * (and seedance.h) first: libseedance itself does not depend on FFmpeg.
 * Code that has included libavformat's avio.h too gets the AVIO adapter
 * (SeedanceAVIO: reads and seeks over a stream, with the errors reported).
 * Lines go through SEEDANCE_AV_LOG (default av_log) and the log level is
 * read with SEEDANCE_AV_LOG_LEVEL() (default av_log_get_level()); a
 * component that reaches libavutil another way defines both first.
 *
 * seedance_av_probe(), libseedance's media probe made of libavformat, is
 * there for code that has included libavformat/avformat.h; it calls
 * libavformat through SEEDANCE_AV_OPEN_INPUT, SEEDANCE_AV_FIND_STREAM_INFO
 * and SEEDANCE_AV_CLOSE_INPUT (default: the functions of those names).
 */
#ifndef SEEDANCE_AV_H
#define SEEDANCE_AV_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seedance.h"

#ifndef SEEDANCE_AV_LOG
#define SEEDANCE_AV_LOG av_log
#endif
#ifndef SEEDANCE_AV_LOG_LEVEL
#define SEEDANCE_AV_LOG_LEVEL() av_log_get_level()
#endif

/* Plain progress lines: at most one per this many seconds, plus status changes. */
#define SEEDANCE_AV_PLAIN_INTERVAL 5.0

/* The AVERROR code of a libseedance code (negated codes are accepted too). */
static inline int seedance_averror(int code)
{
    switch (code < 0 && code > -SEEDANCE_E__LAST ? -code : code) {
    case SEEDANCE_OK:                return 0;
    case SEEDANCE_E_INVALID:
    case SEEDANCE_E_CONFIG:
    case SEEDANCE_E_IMAGE:           return AVERROR(EINVAL);
    case SEEDANCE_E_BAD_REQUEST:     return AVERROR_HTTP_BAD_REQUEST;
    case SEEDANCE_E_AUTH:            return AVERROR_HTTP_UNAUTHORIZED;
    case SEEDANCE_E_FORBIDDEN:
    case SEEDANCE_E_EXPIRED:         return AVERROR_HTTP_FORBIDDEN;
    case SEEDANCE_E_NOT_FOUND:       return AVERROR_HTTP_NOT_FOUND;
    case SEEDANCE_E_QUOTA:
    case SEEDANCE_E_TOO_LARGE:
    case SEEDANCE_E_RATE_LIMIT:
    case SEEDANCE_E_HTTP:            return AVERROR_HTTP_OTHER_4XX;
    case SEEDANCE_E_SERVER:          return AVERROR_HTTP_SERVER_ERROR;
    case SEEDANCE_E_PROTOCOL:        return AVERROR_INVALIDDATA;
    case SEEDANCE_E_TIMEOUT:         return AVERROR(ETIMEDOUT);
    case SEEDANCE_E_INTERRUPTED:     return AVERROR_EXIT;
    case SEEDANCE_E_NOMEM:           return AVERROR(ENOMEM);
    case SEEDANCE_E_NETWORK:
    case SEEDANCE_E_IO:              return AVERROR(EIO);
    default:                         return AVERROR_EXTERNAL;
    }
}

/* The av_log level of a libseedance log level. */
static inline int seedance_av_level(int level)
{
    static const int levels[] = { AV_LOG_ERROR, AV_LOG_WARNING, AV_LOG_VERBOSE, AV_LOG_DEBUG };

    return levels[level < 0 ? 0 : level > 3 ? 3 : level];
}

/* What a component keeps to report one job. */
typedef struct SeedanceAVReport {
    void *avcl;            /* the av_log context of the lines */
    const char *resume;    /* how to resume a task, one %s: "with: -i seedance:%s" */
    int in_place;          /* draw one status line redrawn in place */
    int drawn;             /* characters of the in-place line on screen, 0 none */
    double last_line;      /* clock of the last plain status line */
    char last_status[32];
    char task_id[96];
} SeedanceAVReport;

static inline double seedance_av_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Does the ffmpeg command line say -nostats (the last of -stats/-nostats
 * wins)? Components get no other view of it; where /proc is missing the
 * answer is no.
 */
static inline int seedance_av_nostats(void)
{
    char buf[8192];
    size_t n;
    int nostats = 0;
    FILE *f = fopen("/proc/self/cmdline", "r");

    if (!f)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        if (!strcmp(buf + i, "-nostats"))
            nostats = 1;
        else if (!strcmp(buf + i, "-stats"))
            nostats = 0;
    }
    return nostats;
}

/*
 * Start reporting. The status line is redrawn in place, like ffmpeg's own
 * statistics line, when stderr is a terminal, the level shows info lines
 * and the command line does not say -nostats; otherwise plain lines come at
 * most every SEEDANCE_AV_PLAIN_INTERVAL seconds and on status changes.
 */
static inline void seedance_av_report_init(SeedanceAVReport *r, void *avcl, const char *resume)
{
    memset(r, 0, sizeof(*r));
    r->avcl = avcl;
    r->resume = resume;
    r->last_line = -1e9;
    r->in_place = isatty(2) && SEEDANCE_AV_LOG_LEVEL() >= AV_LOG_INFO && !seedance_av_nostats();
}

/* End an in-place line, so that what follows starts on a line of its own. */
static inline void seedance_av_report_end(SeedanceAVReport *r)
{
    if (!r->drawn)
        return;
    SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "\n");
    r->drawn = 0;
}

/* The percent done to show, in whole percents: the estimate rounded down
 * (99.7 is not done); 100 once the task completed. */
static inline int seedance_av_percent(const seedance_progress *p)
{
    if (p->event == SEEDANCE_EV_COMPLETED || (p->status && !strcmp(p->status, "completed")))
        return 100;
    return p->estimated >= 0 ? (int)p->estimated : p->progress >= 0 ? p->progress : 0;
}

static inline void seedance_av_status_line(SeedanceAVReport *r, const seedance_progress *p)
{
    const char *status = p->status && *p->status ? p->status : "waiting";
    int pct = seedance_av_percent(p);
    char bar[21], left[32] = "";
    int n, e = (int)p->elapsed;

    for (int i = 0; i < 20; i++)
        bar[i] = i < pct / 5 ? '#' : '.';
    bar[20] = '\0';
    if (p->remaining >= 0 && pct < 100)
        snprintf(left, sizeof(left), ", about %d:%02d left",
                 (int)p->remaining / 60, (int)p->remaining % 60);
    n = snprintf(NULL, 0, "Task %s: %s [%s] %3d%%, %d:%02d elapsed%s", r->task_id, status,
                 bar, pct, e / 60, e % 60, left);
    SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Task %s: %s [%s] %3d%%, %d:%02d elapsed%s%*s\r",
                    r->task_id, status, bar, pct, e / 60, e % 60, left,
                    r->drawn > n ? r->drawn - n : 0, "");
    r->drawn = n > r->drawn ? n : r->drawn;
}

/* A query's reply or the clock moved the estimate. */
static inline void seedance_av_status(SeedanceAVReport *r, const seedance_progress *p)
{
    const char *status = p->status && *p->status ? p->status : "waiting";
    int changed = strcmp(status, r->last_status);
    double now = seedance_av_clock();
    int pct;

    if (r->in_place) {
        seedance_av_status_line(r, p);
        return;
    }
    if (!changed && now - r->last_line < SEEDANCE_AV_PLAIN_INTERVAL)
        return;
    snprintf(r->last_status, sizeof(r->last_status), "%s", status);
    r->last_line = now;
    pct = seedance_av_percent(p);
    if (p->remaining >= 0 && pct < 100)
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Task %s: %s, %d%%, about %.0f s left\n",
                        r->task_id, status, pct, p->remaining);
    else
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Task %s: %s, %d%%\n", r->task_id, status, pct);
}

/* An upload: a line when it starts; on a terminal the percent sent,
 * redrawn in place; a verbose line when it is done. */
static inline void seedance_av_upload(SeedanceAVReport *r, const seedance_progress *p)
{
    const char *file = p->file ? p->file : "a local file";
    int n, pct = p->size > 0 ? (int)(p->sent * 100 / p->size) : 0;

    if (p->sent == 0) {
        seedance_av_report_end(r);
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Uploading %s (%" PRId64 " bytes)\n", file,
                        p->size);
        return;
    }
    if (r->in_place) {
        n = snprintf(NULL, 0, "Uploading %s: %3d%%", file, pct);
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Uploading %s: %3d%%%*s\r", file, pct,
                        r->drawn > n ? r->drawn - n : 0, "");
        r->drawn = n > r->drawn ? n : r->drawn;
    }
    if (p->sent >= p->size) {
        seedance_av_report_end(r);
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_VERBOSE, "Uploaded %s\n", file);
    }
}

/* The progress callback's work: a line per event, the status as above. */
static inline void seedance_av_progress(SeedanceAVReport *r, const seedance_progress *p)
{
    if (p->task_id && p->task_id != r->task_id)
        snprintf(r->task_id, sizeof(r->task_id), "%s", p->task_id);
    if (p->event == SEEDANCE_EV_POLL || p->event == SEEDANCE_EV_TICK) {
        seedance_av_status(r, p);
        return;
    }
    if (p->event == SEEDANCE_EV_UPLOAD) {
        seedance_av_upload(r, p);
        return;
    }
    if (p->event == SEEDANCE_EV_RETRY) {
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_VERBOSE, "Retrying a request\n");
        return;
    }
    if (p->event == SEEDANCE_EV_COMPLETED && r->drawn)
        seedance_av_status_line(r, p);  /* the line's last state: done, 100% */
    seedance_av_report_end(r);
    switch (p->event) {
    case SEEDANCE_EV_SUBMITTED:
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Task %s submitted\n", r->task_id);
        break;
    case SEEDANCE_EV_ATTACHED:
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Attached to task %s (no new generation)\n",
                        r->task_id);
        break;
    case SEEDANCE_EV_COMPLETED:
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Task %s completed\n", r->task_id);
        break;
    case SEEDANCE_EV_DOWNLOAD:
        if (p->size >= 0)
            SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Downloading the result of %s (%" PRId64
                            " bytes)\n", r->task_id, p->size);
        else
            SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Downloading the result of %s\n", r->task_id);
        break;
    case SEEDANCE_EV_CACHED:
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_INFO, "Using the cached clip of task %s\n", r->task_id);
        break;
    default:
        break;
    }
}

/* A libseedance log line. */
static inline void seedance_av_log_line(SeedanceAVReport *r, int level, const char *msg)
{
    seedance_av_report_end(r);
    SEEDANCE_AV_LOG(r->avcl, seedance_av_level(level), "%s\n", msg);
}

/* The client's log and progress callbacks of a component that needs no
 * more than the lines above (opaque: its SeedanceAVReport). */
static inline void seedance_av_on_log(void *report, int level, const char *msg)
{
    seedance_av_log_line(report, level, msg);
}

static inline void seedance_av_on_progress(void *report, const seedance_progress *p)
{
    seedance_av_progress(report, p);
}

/* Report the log and progress of client c through r. */
static inline void seedance_av_report_client(SeedanceAVReport *r, seedance_client *c)
{
    seedance_client_set_progress(c, seedance_av_on_progress, r);
    seedance_client_set_log(c, seedance_av_on_log, r);
}

/* Report a failure of client c as one line; returns its AVERROR code. */
static inline int seedance_av_fail(SeedanceAVReport *r, seedance_client *c, int code)
{
    const seedance_error *e = seedance_last_error(c);
    char resume[160];

    seedance_av_report_end(r);
    if (code == SEEDANCE_E_INTERRUPTED || code == -SEEDANCE_E_INTERRUPTED) {
        if (r->task_id[0]) {
            snprintf(resume, sizeof(resume), r->resume, r->task_id);
            SEEDANCE_AV_LOG(r->avcl, AV_LOG_WARNING, "Interrupted; task %s keeps running. "
                            "Resume %s\n", r->task_id, resume);
        } else {
            SEEDANCE_AV_LOG(r->avcl, AV_LOG_WARNING, "Interrupted before a task was created\n");
        }
    } else {
        SEEDANCE_AV_LOG(r->avcl, AV_LOG_ERROR, "%s\n",
                        e->message[0] ? e->message : seedance_strerror(code));
    }
    return seedance_averror(code);
}

#ifdef AVFORMAT_AVFORMAT_H
#ifndef SEEDANCE_AV_OPEN_INPUT
#define SEEDANCE_AV_OPEN_INPUT avformat_open_input
#define SEEDANCE_AV_FIND_STREAM_INFO avformat_find_stream_info
#define SEEDANCE_AV_CLOSE_INPUT avformat_close_input
#endif

/*
 * A media probe for seedance_client_set_probe(): the duration of a file,
 * and the frame rate and size of its first video stream, as libavformat
 * reads them. 0, or -1 when it is no media file libavformat can read.
 */
static inline int seedance_av_probe(void *opaque, const char *path, seedance_media_info *info)
{
    AVFormatContext *fc = NULL;
    int found_video = 0;

    (void)opaque;
    if (SEEDANCE_AV_OPEN_INPUT(&fc, path, NULL, NULL) < 0)
        return -1;
    if (SEEDANCE_AV_FIND_STREAM_INFO(fc, NULL) < 0) {
        SEEDANCE_AV_CLOSE_INPUT(&fc);
        return -1;
    }
    info->duration = fc->duration > 0 ? fc->duration / (double)AV_TIME_BASE : -1;
    for (unsigned i = 0; i < fc->nb_streams; i++) {
        const AVStream *st = fc->streams[i];
        AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;

        if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
            info->has_audio = 1;
        if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || found_video ||
            (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            continue;
        found_video = info->has_video = 1;
        info->width = st->codecpar->width;
        info->height = st->codecpar->height;
        info->fps = r.num && r.den ? av_q2d(r) : -1;
    }
    SEEDANCE_AV_CLOSE_INPUT(&fc);
    return 0;
}
#endif /* AVFORMAT_AVFORMAT_H */

#ifdef AVSEEK_SIZE
/*
 * The AVIO adapter of the FFmpeg components: a stream behind an
 * AVIOContext's read_packet and seek callbacks (opaque: a SeedanceAVIO),
 * or behind a protocol's url_read and url_seek. A failure is reported as
 * one line through report (seedance_av_fail) and returned as its AVERROR;
 * with quiet_interrupt, an interruption is only returned (AVERROR_EXIT):
 * the component reports it itself, with the task's id.
 */
typedef struct SeedanceAVIO {
    seedance_stream *stream;
    seedance_client *client;
    SeedanceAVReport *report;
    int quiet_interrupt;
} SeedanceAVIO;

static inline int seedance_avio_fail(SeedanceAVIO *io, int code)
{
    if (io->quiet_interrupt && code == SEEDANCE_E_INTERRUPTED)
        return AVERROR_EXIT;
    return seedance_av_fail(io->report, io->client, code);
}

/* read_packet: up to size bytes; AVERROR_EOF at the end of the clip. */
static inline int seedance_avio_read(void *opaque, uint8_t *buf, int size)
{
    SeedanceAVIO *io = opaque;
    int64_t n = seedance_stream_read(io->stream, buf, (size_t)size);

    if (n == 0)
        return AVERROR_EOF;
    return n < 0 ? seedance_avio_fail(io, (int)-n) : (int)n;
}

/* seek: SEEK_SET, SEEK_CUR, SEEK_END (AVSEEK_FORCE ignored: every position
 * can be reached), or AVSEEK_SIZE (ENOSYS while the size is unknown). */
static inline int64_t seedance_avio_seek(void *opaque, int64_t pos, int whence)
{
    SeedanceAVIO *io = opaque;
    int64_t ret;

    if (whence & AVSEEK_SIZE) {
        ret = seedance_stream_size(io->stream);
        return ret < 0 ? AVERROR(ENOSYS) : ret;
    }
    ret = seedance_stream_seek(io->stream, pos, whence & ~AVSEEK_FORCE);
    return ret < 0 ? seedance_avio_fail(io, (int)-ret) : ret;
}
#endif /* AVSEEK_SIZE */

#endif /* SEEDANCE_AV_H */
