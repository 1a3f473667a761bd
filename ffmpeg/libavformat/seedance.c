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
 * (validation, exactly-once submit, polling, download, cache) is done by
 * libseedance; this file maps URL and AVOptions onto it, its progress onto
 * av_log() and its errors onto AVERROR codes.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <seedance.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"
#include "libavutil/time.h"

#include "avformat.h"
#include "url.h"

/* at most one progress line per this many microseconds */
#define PROGRESS_INTERVAL 5000000

typedef struct SeedanceContext {
    const AVClass *class;

    /* generation request, same meaning as the URL query keys */
    char *prompt;
    int   duration;
    char *quality;
    char *aspect_ratio;
    int   generate_audio;
    int   content_filter;
    int   web_search;
    char *callback_url;
    char *model;
    char *image;
    char *last_image;
    char *image_mode;
    char *task;

    /* client settings */
    char  *api_base;
    char  *files_base;
    char  *api_key;
    char  *api_key_file;
    char  *cache_dir;
    int    cache;
    int    new_generation;
    double timeout;

    seedance_client  *client;
    seedance_request *req;
    seedance_stream  *stream;
    URLContext       *h;
    int64_t last_progress;     /* av_gettime_relative() of the last line */
    char    last_status[32];
    char    task_id[96];
} SeedanceContext;

#define OFFSET(x) offsetof(SeedanceContext, x)
#define D AV_OPT_FLAG_DECODING_PARAM

/*
 * Option names are the API's field names, except where ffmpeg or another
 * component already has an option of that name (duration, quality, timeout,
 * cache_dir): those get a "video_" or "seedance_" prefix. The URL query
 * always uses the API names.
 */
static const AVOption seedance_options[] = {
    { "prompt",         "text prompt",                                  OFFSET(prompt),         AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "video_duration", "clip length in seconds (4-15; API field duration)", OFFSET(duration), AV_OPT_TYPE_INT,  { .i64 = 0 }, 0, INT_MAX, D },
    { "video_quality",  "resolution: 480p or 720p (API field quality)", OFFSET(quality),       AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "aspect_ratio",   "16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive",  OFFSET(aspect_ratio),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "generate_audio", "generate an audio track",                      OFFSET(generate_audio), AV_OPT_TYPE_BOOL,   { .i64 = -1 },   -1, 1, D },
    { "content_filter", "standard content filter (0 costs 10% more)",   OFFSET(content_filter), AV_OPT_TYPE_BOOL,   { .i64 = -1 },   -1, 1, D },
    { "web_search",     "let the model search the web (text-to-video)", OFFSET(web_search),     AV_OPT_TYPE_BOOL,   { .i64 = -1 },   -1, 1, D },
    { "callback_url",   "HTTPS URL notified when the task ends",        OFFSET(callback_url),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "model",          "model name (default: chosen from the inputs)", OFFSET(model),          AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "image",          "first frame: local path, http(s) URL or data: URI", OFFSET(image),    AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "last_image",     "last frame: local path, http(s) URL or data: URI",  OFFSET(last_image), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "image_mode",     "how local images reach the API: upload or inline", OFFSET(image_mode), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "task",           "attach to an existing task id instead of submitting", OFFSET(task),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "api_base",       "API base URL (default $SEEDANCE_API_BASE or " SEEDANCE_DEFAULT_API_BASE ")", OFFSET(api_base), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "files_base",     "Files API base URL (default $SEEDANCE_FILES_BASE or " SEEDANCE_DEFAULT_FILES_BASE ")", OFFSET(files_base), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "api_key",        "API key (prefer $SEEDANCE_API_KEY or api_key_file)", OFFSET(api_key), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "api_key_file",   "read the API key from this file",              OFFSET(api_key_file),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "cache",          "use the local journal and clip cache",         OFFSET(cache),          AV_OPT_TYPE_BOOL,   { .i64 = 1 },     0, 1, D },
    { "seedance_cache_dir", "cache directory (default $SEEDANCE_CACHE_DIR or ~/.cache/seedance)", OFFSET(cache_dir), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, D },
    { "new_generation", "pay for a new generation even if this request was made before", OFFSET(new_generation), AV_OPT_TYPE_BOOL, { .i64 = 0 }, 0, 1, D },
    { "seedance_timeout", "give up waiting for the task after this many seconds", OFFSET(timeout), AV_OPT_TYPE_DOUBLE, { .dbl = 3600 }, 1, 7 * 86400, D },
    { NULL }
};

static const AVClass seedance_class = {
    .class_name = "seedance",
    .item_name  = av_default_item_name,
    .option     = seedance_options,
    .version    = LIBAVUTIL_VERSION_INT,
};

static int seedance_averror(int code)
{
    switch (code) {
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

/* Log the client's last error as one line and return its AVERROR. */
static int seedance_fail(URLContext *h, SeedanceContext *s, int code)
{
    const seedance_error *e = seedance_last_error(s->client);

    if (code == SEEDANCE_E_INTERRUPTED) {
        if (s->task_id[0])
            av_log(h, AV_LOG_WARNING, "Interrupted; task %s keeps running. "
                   "Resume with: -i seedance:%s\n", s->task_id, s->task_id);
        else
            av_log(h, AV_LOG_WARNING, "Interrupted before a task was created\n");
    } else {
        av_log(h, AV_LOG_ERROR, "%s\n", e->message[0] ? e->message : seedance_strerror(code));
    }
    return seedance_averror(code);
}

static int seedance_interrupt(void *opaque)
{
    URLContext *h = opaque;
    return ff_check_interrupt(&h->interrupt_callback);
}

static void seedance_on_log(void *opaque, int level, const char *msg)
{
    static const int levels[] = { AV_LOG_ERROR, AV_LOG_WARNING, AV_LOG_VERBOSE, AV_LOG_DEBUG };
    SeedanceContext *s = opaque;

    level = levels[FFMIN(FFMAX(level, 0), 3)];
    av_log(s->h, level, "%s\n", msg);
}

static void seedance_on_progress(void *opaque, const seedance_progress *p)
{
    SeedanceContext *s = opaque;
    URLContext *h = s->h;
    int64_t now = av_gettime_relative();

    if (p->task_id && p->task_id != s->task_id)
        av_strlcpy(s->task_id, p->task_id, sizeof(s->task_id));

    switch (p->event) {
    case SEEDANCE_EV_SUBMITTED:
        av_log(h, AV_LOG_INFO, "Task %s submitted\n", s->task_id);
        break;
    case SEEDANCE_EV_ATTACHED:
        av_log(h, AV_LOG_INFO, "Attached to task %s (no new generation)\n", s->task_id);
        break;
    case SEEDANCE_EV_UPLOAD:
        av_log(h, AV_LOG_INFO, "Uploading a local image\n");
        break;
    case SEEDANCE_EV_RETRY:
        av_log(h, AV_LOG_VERBOSE, "Retrying a request\n");
        break;
    case SEEDANCE_EV_POLL: {
        const char *status = p->status ? p->status : "unknown";
        int changed = strcmp(status, s->last_status);

        if (!strcmp(status, "completed") ||   /* SEEDANCE_EV_COMPLETED says it */
            (!changed && now - s->last_progress < PROGRESS_INTERVAL))
            break;
        av_strlcpy(s->last_status, status, sizeof(s->last_status));
        s->last_progress = now;
        if (p->estimated_time >= 0)
            av_log(h, AV_LOG_INFO, "Task %s: %s, %d%%, about %d s left\n",
                   s->task_id, status, FFMAX(p->progress, 0), p->estimated_time);
        else
            av_log(h, AV_LOG_INFO, "Task %s: %s, %d%%\n",
                   s->task_id, status, FFMAX(p->progress, 0));
        break;
    }
    case SEEDANCE_EV_COMPLETED:
        av_log(h, AV_LOG_INFO, "Task %s completed\n", s->task_id);
        break;
    case SEEDANCE_EV_DOWNLOAD:
        if (p->size >= 0)
            av_log(h, AV_LOG_INFO, "Downloading the result of %s (%"PRId64" bytes)\n",
                   s->task_id, p->size);
        else
            av_log(h, AV_LOG_INFO, "Downloading the result of %s\n", s->task_id);
        break;
    case SEEDANCE_EV_CACHED:
        av_log(h, AV_LOG_INFO, "Using the cached clip of task %s\n", s->task_id);
        break;
    }
}

/* Decode %XX escapes in place; other bytes (including '+') are kept. */
static void percent_decode(char *str)
{
    char *o = str;

    for (const char *p = str; *p; p++) {
        if (p[0] == '%' && av_isxdigit(p[1]) && av_isxdigit(p[2])) {
            char hex[3] = { p[1], p[2], 0 };
            *o++ = (char)strtol(hex, NULL, 16);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}

static int set_field(URLContext *h, SeedanceContext *s, const char *key, const char *value)
{
    seedance_error err;
    int ret;

    if (!value)
        return 0;
    ret = seedance_request_set(s->req, key, value, &err);
    if (ret) {
        av_log(h, AV_LOG_ERROR, "%s\n", err.message);
        return AVERROR(EINVAL);
    }
    return 0;
}

static int set_bool_field(URLContext *h, SeedanceContext *s, const char *key, int value)
{
    return value < 0 ? 0 : set_field(h, s, key, value ? "1" : "0");
}

/* Request fields given as AVOptions; the URL may override them. */
static int apply_options(URLContext *h, SeedanceContext *s)
{
    char dur[16];
    int ret = 0;

    if (s->duration > 0) {
        snprintf(dur, sizeof(dur), "%d", s->duration);
        ret = set_field(h, s, "duration", dur);
    }
    if (!ret) ret = set_field(h, s, "prompt",         s->prompt);
    if (!ret) ret = set_field(h, s, "quality",        s->quality);
    if (!ret) ret = set_field(h, s, "aspect_ratio",   s->aspect_ratio);
    if (!ret) ret = set_field(h, s, "callback_url",   s->callback_url);
    if (!ret) ret = set_field(h, s, "model",          s->model);
    if (!ret) ret = set_field(h, s, "image",          s->image);
    if (!ret) ret = set_field(h, s, "last_image",     s->last_image);
    if (!ret) ret = set_field(h, s, "image_mode",     s->image_mode);
    if (!ret) ret = set_bool_field(h, s, "generate_audio", s->generate_audio);
    if (!ret) ret = set_bool_field(h, s, "content_filter", s->content_filter);
    if (!ret) ret = set_bool_field(h, s, "web_search",     s->web_search);
    return ret;
}

static int is_task_id(const char *str)
{
    return av_strstart(str, "task-unified-", NULL) && !strpbrk(str, " ?&=/");
}

/* Client settings that may also come from the URL query. */
static int set_client_key(URLContext *h, SeedanceContext *s, const char *key, const char *value)
{
    char **dst = !strcmp(key, "task")      ? &s->task      :
                 !strcmp(key, "cache_dir") || !strcmp(key, "seedance_cache_dir") ? &s->cache_dir : NULL;

    if (!strcmp(key, "api_key") || !strcmp(key, "api-key")) {
        /* URLs end up in logs, shell history and ffprobe output */
        av_log(h, AV_LOG_ERROR, "The API key is not accepted in the URL; use "
               "SEEDANCE_API_KEY, -api_key_file or -api_key\n");
        return AVERROR(EINVAL);
    }
    if (!strcmp(key, "api_base") || !strcmp(key, "files_base")) {
        av_log(h, AV_LOG_ERROR, "%s is not accepted in the URL (the API key would be sent "
               "there); use the -%s option or SEEDANCE_%s\n", key, key,
               !strcmp(key, "api_base") ? "API_BASE" : "FILES_BASE");
        return AVERROR(EINVAL);
    }
    if (!strcmp(key, "cache") || !strcmp(key, "new_generation") || !strcmp(key, "new")) {
        int *flag = !strcmp(key, "cache") ? &s->cache : &s->new_generation;
        if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "on"))
            *flag = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "off"))
            *flag = 0;
        else {
            av_log(h, AV_LOG_ERROR, "%s: '%s' is not a boolean: allowed 1/0, true/false, "
                   "yes/no, on/off\n", key, value);
            return AVERROR(EINVAL);
        }
        return 1;
    }
    if (!strcmp(key, "timeout") || !strcmp(key, "seedance_timeout")) {
        char *end;
        double t = strtod(value, &end);
        if (end == value || *end || t <= 0) {
            av_log(h, AV_LOG_ERROR, "timeout: '%s' is not a positive number of seconds\n", value);
            return AVERROR(EINVAL);
        }
        s->timeout = t;
        return 1;
    }
    if (!dst)
        return 0;
    av_freep(dst);
    if (!(*dst = av_strdup(value)))
        return AVERROR(ENOMEM);
    return 1;
}

/*
 * Parse what follows "seedance:": a query (?k=v&k=v), a task id, or a bare
 * prompt. "//" right after the scheme is tolerated.
 */
static int parse_url(URLContext *h, SeedanceContext *s, const char *uri)
{
    char *buf, *p, *save = NULL;
    int ret = 0;

    av_strstart(uri, "seedance:", &uri);
    if (av_strstart(uri, "//", &uri) && *uri == '/')
        uri++;
    if (!*uri)
        return 0;
    if (!(buf = av_strdup(uri)))
        return AVERROR(ENOMEM);

    if (*buf != '?') {
        percent_decode(buf);
        if (is_task_id(buf))
            ret = set_client_key(h, s, "task", buf) < 0 ? AVERROR(ENOMEM) : 0;
        else
            ret = set_field(h, s, "prompt", buf);
        av_free(buf);
        return ret;
    }

    for (p = av_strtok(buf + 1, "&", &save); p && ret >= 0; p = av_strtok(NULL, "&", &save)) {
        char *value = strchr(p, '=');

        if (!value) {
            av_log(h, AV_LOG_ERROR, "URL query item '%s' has no value: expected key=value\n", p);
            ret = AVERROR(EINVAL);
            break;
        }
        *value++ = 0;
        percent_decode(p);
        percent_decode(value);
        ret = set_client_key(h, s, p, value);
        if (ret == 0)
            ret = set_field(h, s, p, value);
    }
    av_free(buf);
    return ret < 0 ? ret : 0;
}

static int read_key_file(URLContext *h, const char *path, char *key, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f) {
        av_log(h, AV_LOG_ERROR, "Cannot open the API key file %s: %s\n", path, strerror(errno));
        return AVERROR(errno);
    }
    n = fread(key, 1, size - 1, f);
    fclose(f);
    key[n] = 0;
    while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r' || key[n - 1] == ' '))
        key[--n] = 0;
    if (!n) {
        av_log(h, AV_LOG_ERROR, "The API key file %s is empty\n", path);
        return AVERROR(EINVAL);
    }
    return 0;
}

static int setup_client(URLContext *h, SeedanceContext *s)
{
    seedance_client *c = s->client;
    int code;

    seedance_client_set_interrupt(c, seedance_interrupt, h);
    seedance_client_set_progress(c, seedance_on_progress, s);
    seedance_client_set_log(c, seedance_on_log, s);
    seedance_client_set_cache(c, s->cache);
    seedance_client_set_timeout(c, s->timeout);

    if (s->api_key_file) {
        char key[4096];
        int ret = read_key_file(h, s->api_key_file, key, sizeof(key));
        if (ret < 0)
            return ret;
        code = seedance_client_set_api_key(c, key);
        memset(key, 0, sizeof(key));
        if (code)
            return seedance_fail(h, s, code);
    } else if (s->api_key && *s->api_key) {
        if ((code = seedance_client_set_api_key(c, s->api_key)))
            return seedance_fail(h, s, code);
    }
    if (s->api_base && (code = seedance_client_set_api_base(c, s->api_base)))
        return seedance_fail(h, s, code);
    if (s->files_base && (code = seedance_client_set_files_base(c, s->files_base)))
        return seedance_fail(h, s, code);
    if (s->cache_dir && (code = seedance_client_set_cache_dir(c, s->cache_dir)))
        return seedance_fail(h, s, code);
    return 0;
}

static int open_stream(URLContext *h, SeedanceContext *s, const char *uri, int flags)
{
    int ret, code;

    s->h = h;
    if (flags & AVIO_FLAG_WRITE) {
        av_log(h, AV_LOG_ERROR, "The seedance protocol is read-only\n");
        return AVERROR(ENOSYS);
    }
    if (!(s->client = seedance_client_new()) || !(s->req = seedance_request_new()))
        return AVERROR(ENOMEM);

    if ((ret = apply_options(h, s)) < 0 || (ret = parse_url(h, s, uri)) < 0)
        return ret;
    if ((ret = setup_client(h, s)) < 0)
        return ret;

    if (s->task) {
        if (!is_task_id(s->task)) {
            av_log(h, AV_LOG_ERROR, "task: '%s' is not a task id: expected task-unified-...\n",
                   s->task);
            return AVERROR(EINVAL);
        }
        av_strlcpy(s->task_id, s->task, sizeof(s->task_id));
        code = seedance_open_task(s->client, s->task, &s->stream);
    } else {
        code = seedance_open(s->client, s->req, s->new_generation ? SEEDANCE_NEW : 0,
                             &s->stream);
    }
    if (code)
        return seedance_fail(h, s, code);

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
    int64_t n = seedance_stream_read(s->stream, buf, size);

    if (n == 0)
        return AVERROR_EOF;
    if (n < 0)
        return seedance_fail(h, s, (int)-n);
    return (int)n;
}

static int64_t seedance_url_seek(URLContext *h, int64_t pos, int whence)
{
    SeedanceContext *s = h->priv_data;
    int64_t ret;

    if (whence == AVSEEK_SIZE) {
        ret = seedance_stream_size(s->stream);
        return ret < 0 ? AVERROR(ENOSYS) : ret;
    }
    ret = seedance_stream_seek(s->stream, pos, whence & ~AVSEEK_FORCE);
    return ret < 0 ? seedance_fail(h, s, (int)-ret) : ret;
}

static int seedance_url_close(URLContext *h)
{
    SeedanceContext *s = h->priv_data;

    seedance_stream_close(s->stream);
    s->stream = NULL;
    seedance_request_free(s->req);
    s->req = NULL;
    seedance_client_free(s->client);
    s->client = NULL;
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
