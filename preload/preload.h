/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance-preload: seedance: URLs in a stock, shared-linked ffmpeg.
 *
 * Loaded with LD_PRELOAD (see "seedance run"), the library defines
 * avformat_open_input(), avformat_close_input(), avio_open(), avio_open2(),
 * avio_close(), avio_closep() and av_log(). The dynamic linker binds the program's
 * calls (and libavfilter's, libavdevice's) to these definitions first. A
 * URL starting with "seedance:" is opened with libseedance and handed to
 * the real function as a custom, seekable AVIOContext; any other URL goes
 * to the real function untouched.
 *
 * The library never links against libav*: every libav function it needs is
 * looked up in the running program (libav.c), so it can be preloaded into
 * any program, and it only acts where the program's libavformat has the
 * major version it was compiled for.
 */
#ifndef SEEDANCE_PRELOAD_H
#define SEEDANCE_PRELOAD_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/log.h>

#define PL_EXPORT __attribute__((visibility("default")))

/* The libav functions of the running program. */
typedef struct pl_libav {
    /* the real definitions, behind the ones of this library */
    __typeof__(avformat_open_input)  *avformat_open_input;
    __typeof__(avformat_close_input) *avformat_close_input;
    __typeof__(avio_open)            *avio_open;
    __typeof__(avio_open2)           *avio_open2;
    __typeof__(avio_close)           *avio_close;
    __typeof__(avio_closep)          *avio_closep;
    /* used by this library */
    __typeof__(avformat_version)       *avformat_version;
    __typeof__(avformat_alloc_context) *avformat_alloc_context;
    __typeof__(avformat_free_context)  *avformat_free_context;
    __typeof__(avio_alloc_context)     *avio_alloc_context;
    __typeof__(avio_context_free)      *avio_context_free;
    __typeof__(av_malloc)              *av_malloc;
    __typeof__(av_freep)               *av_freep;
    __typeof__(av_vlog)                *av_vlog;
    __typeof__(av_log_get_level)       *av_log_get_level;
    int major;    /* the program's libavformat major version */
    int usable;   /* major == LIBAVFORMAT_VERSION_MAJOR and every function found */
} pl_libav;

/*
 * The program's libav functions, for a call made from code address caller
 * (__builtin_return_address(0) of an entry point): looked up behind this
 * library, or else among the dependencies of the module that called (a
 * libavformat loaded with RTLD_LOCAL). NULL while they cannot be found
 * (said once on stderr).
 */
const pl_libav *pl_libav_find(const void *caller);

/* The functions once found by pl_libav_find(), else NULL. */
const pl_libav *pl_libav_get(void);

/* The caller of the entry point this is used in. */
#define PL_CALLER() __builtin_return_address(0)

/*
 * The real av_vlog() for a call of av_log() from caller, found like the
 * table of pl_libav_find() but needing only libavutil (a program may log
 * without libavformat). NULL when it cannot be found.
 */
__typeof__(av_vlog) *pl_av_vlog(const void *caller);

/* The AVClass of this library's log contexts: "[seedance @ 0x...]" like the protocol. */
const AVClass *pl_log_class(void);

/* av_log() through the program's libavutil, with ctx an object whose first
 * member is a const AVClass * (NULL: this library's own context). */
void pl_log(void *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* av_log_get_level() of the program's libavutil (AV_LOG_INFO if not found). */
int pl_log_level(void);

/* Does the URL use the seedance: scheme? */
int pl_is_seedance(const char *url);

/*
 * Open a seedance: URL (submit or attach, wait, stream) as a new read-only,
 * seekable AVIOContext in *pb. cb (may be NULL) is the caller's interrupt
 * callback, honoured during the wait and every read. Failures are logged
 * through av_log() with the protocol's wording; returns 0 or an AVERROR.
 */
int pl_input_open(const pl_libav *av, const char *url, int flags,
                  const AVIOInterruptCB *cb, AVIOContext **pb);

/*
 * Release an AVIOContext made by pl_input_open(). Returns 1 when pb was
 * one (now freed), 0 when it is not (then nothing happened).
 */
int pl_input_close(AVIOContext *pb);

/* Is pb an AVIOContext made by pl_input_open() and not closed yet? */
int pl_input_is(const AVIOContext *pb);

/*
 * Unregister the AVIOContext pb and return the handle to free it with
 * pl_input_free() later, NULL when pb is not one of this library's. Used
 * around a real close so that no other thread can be handed the same
 * address meanwhile.
 */
struct pl_input *pl_input_take(AVIOContext *pb);
void pl_input_free(struct pl_input *in);

#endif /* SEEDANCE_PRELOAD_H */
