/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libavformat entry points this library puts in front of the
 * program's: a seedance: URL is opened here, everything else goes to the
 * real function as it came.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "preload.h"

/* Why a seedance: URL cannot be opened in this program; 0 when it can. */
static int unusable(const pl_libav *av)
{
    if (av->usable)
        return 0;
    if (av->major != LIBAVFORMAT_VERSION_MAJOR)
        pl_log(NULL, AV_LOG_ERROR, "libseedance-preload was built for libavformat %d, this "
               "program uses libavformat %d: build libseedance-preload against the headers "
               "of the program's FFmpeg to open seedance: URLs in it\n",
               LIBAVFORMAT_VERSION_MAJOR, av->major);
    else
        pl_log(NULL, AV_LOG_ERROR, "libseedance-preload: a libavformat function it needs is "
               "missing from this program\n");
    return AVERROR(ENOSYS);
}

/* Open url into a context of the caller's (or a new one) as custom I/O. */
static int open_seedance_input(const pl_libav *av, AVFormatContext **ps, const char *url,
                               const AVInputFormat *fmt, AVDictionary **options)
{
    AVFormatContext *s = *ps;
    AVIOContext *pb;
    int ret;

    if ((ret = unusable(av)) < 0)
        goto fail;
    if (!s && !(s = av->avformat_alloc_context()))
        return AVERROR(ENOMEM);
    if ((ret = pl_input_open(av, url, AVIO_FLAG_READ, &s->interrupt_callback, &pb)) < 0)
        goto fail;
    s->pb = pb;    /* avformat_open_input() sets AVFMT_FLAG_CUSTOM_IO */
    *ps = s;
    if ((ret = av->avformat_open_input(ps, url, fmt, options)) < 0)
        pl_input_close(pb);    /* the real function freed s but not a custom pb */
    return ret;

fail:
    /* a failed avformat_open_input() frees the caller's context */
    if (s && av->avformat_free_context)
        av->avformat_free_context(s);
    *ps = NULL;
    return ret;
}

PL_EXPORT int avformat_open_input(AVFormatContext **ps, const char *url,
                                  const AVInputFormat *fmt, AVDictionary **options)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());

    if (!av)
        return AVERROR(ENOSYS);
    if (!pl_is_seedance(url) || !ps)
        return av->avformat_open_input(ps, url, fmt, options);
    /* a context with its own pb reads from there, and a format that reads
     * no file (lavfi, devices) takes the URL for something else: pay nothing */
    if (av->usable && ((*ps && (*ps)->pb) || (fmt && (fmt->flags & AVFMT_NOFILE))))
        return av->avformat_open_input(ps, url, fmt, options);
    return open_seedance_input(av, ps, url, fmt, options);
}

PL_EXPORT void avformat_close_input(AVFormatContext **ps)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());
    struct pl_input *in = NULL;

    if (!av)
        return;
    if (ps && *ps && av->usable)
        in = pl_input_take((*ps)->pb);
    av->avformat_close_input(ps);    /* leaves a custom pb alone */
    pl_input_free(in);
}

PL_EXPORT int avio_open2(AVIOContext **s, const char *url, int flags,
                         const AVIOInterruptCB *int_cb, AVDictionary **options)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());
    int ret;

    if (!av)
        return AVERROR(ENOSYS);
    if (!pl_is_seedance(url))
        return av->avio_open2(s, url, flags, int_cb, options);
    *s = NULL;
    if ((ret = unusable(av)) < 0)
        return ret;
    return pl_input_open(av, url, flags, int_cb, s);
}

PL_EXPORT int avio_open(AVIOContext **s, const char *url, int flags)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());

    if (!av)
        return AVERROR(ENOSYS);
    if (!pl_is_seedance(url))
        return av->avio_open(s, url, flags);
    return avio_open2(s, url, flags, NULL, NULL);
}

PL_EXPORT int avio_close(AVIOContext *s)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());

    if (!av)
        return AVERROR(ENOSYS);
    if (pl_input_close(s))
        return 0;
    return av->avio_close(s);
}

PL_EXPORT int avio_closep(AVIOContext **s)
{
    const pl_libav *av = pl_libav_find(PL_CALLER());

    if (!av)
        return AVERROR(ENOSYS);
    if (s && pl_input_close(*s)) {
        *s = NULL;
        return 0;
    }
    return av->avio_closep(s);
}

/*
 * libavformat says at info level, of every input whose URL names no
 * protocol it knows, that it cannot tell a local input from a network one
 * (ff_configure_buffers_for_index(), called by the MP4 demuxer): about an
 * input of this library that is noise, not the user's problem. Every other
 * message goes to the real av_vlog() as it came.
 */
static int is_noise(void *avcl, const char *fmt)
{
    static const char noise[] = "Protocol name not provided";
    const pl_libav *av;
    const AVClass *cls;

    if (!fmt || fmt[0] != 'P' || strncmp(fmt, noise, sizeof(noise) - 1) || !avcl)
        return 0;
    av = pl_libav_get();
    cls = *(const AVClass **)avcl;
    return av && av->usable && cls && cls->class_name &&
           !strcmp(cls->class_name, "AVFormatContext") &&
           pl_input_is(((AVFormatContext *)avcl)->pb);
}

PL_EXPORT void av_log(void *avcl, int level, const char *fmt, ...)
{
    __typeof__(av_vlog) *real = pl_av_vlog(PL_CALLER());
    va_list ap;

    if (!real || is_noise(avcl, fmt))
        return;
    va_start(ap, fmt);
    real(avcl, level, fmt, ap);
    va_end(ap);
}

/*
 * For "seedance run": the libavformat major version this library was
 * built for, to compare with the program's before it runs.
 */
PL_EXPORT int seedance_preload_libavformat_major(void)
{
    return LIBAVFORMAT_VERSION_MAJOR;
}
