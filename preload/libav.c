/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The running program's libav functions, looked up behind this library
 * (RTLD_NEXT), and av_log() through them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>

#include "preload.h"

static pl_libav table;
static int found;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Look one function up; POSIX makes dlsym()'s result usable as a function pointer. */
#define LOOKUP(name) \
    (missing += !(table.name = (__typeof__(table.name))dlsym(RTLD_NEXT, #name)))

static void load(void)
{
    int missing = 0;

    LOOKUP(avformat_open_input);
    LOOKUP(avformat_close_input);
    LOOKUP(avio_open);
    LOOKUP(avio_open2);
    LOOKUP(avio_close);
    LOOKUP(avio_closep);
    LOOKUP(avformat_version);
    LOOKUP(avformat_alloc_context);
    LOOKUP(avformat_free_context);
    LOOKUP(avformat_find_stream_info);
    LOOKUP(avio_alloc_context);
    LOOKUP(avio_context_free);
    LOOKUP(av_malloc);
    LOOKUP(av_freep);
    LOOKUP(av_vlog);
    LOOKUP(av_log_get_level);
    if (!table.avformat_open_input || !table.avformat_version)
        return;
    found = 1;
    table.major = (int)(table.avformat_version() >> 16);
    table.usable = !missing && table.major == LIBAVFORMAT_VERSION_MAJOR;
}

const pl_libav *pl_libav_get(void)
{
    pthread_once(&once, load);
    return found ? &table : NULL;
}

static const char *item_name(void *ctx)
{
    (void)ctx;
    return "seedance";
}

/*
 * The log context of messages that concern no open input. The AVClass
 * sits in zeroed storage larger than any libavutil's AVClass, so a newer
 * libavutil that reads a field this one does not know reads zero.
 */
static const union {
    AVClass class;
    char pad[512];
} log_class = { .class = {
    .class_name = "seedance",
    .item_name  = item_name,
    .version    = LIBAVUTIL_VERSION_INT,
} };
static const struct {
    const AVClass *class;
} log_ctx = { &log_class.class };

const AVClass *pl_log_class(void)
{
    return &log_class.class;
}

void pl_log(void *ctx, int level, const char *fmt, ...)
{
    const pl_libav *av = pl_libav_get();
    va_list ap;

    if (!av || !av->av_vlog)
        return;
    va_start(ap, fmt);
    av->av_vlog(ctx ? ctx : (void *)&log_ctx, level, fmt, ap);
    va_end(ap);
}

int pl_log_level(void)
{
    const pl_libav *av = pl_libav_get();

    return av && av->av_log_get_level ? av->av_log_get_level() : AV_LOG_INFO;
}
