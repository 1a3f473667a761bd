/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The running program's libav functions, and av_log() through them.
 *
 * They are looked up behind this library (RTLD_NEXT): the libavformat of
 * the program and of the libraries loaded with it. A libavformat loaded
 * privately (dlopen() with RTLD_LOCAL: a Python extension module such as
 * PyAV's, a plugin) is not there; the functions are then looked up from
 * the module that made the call, among its own dependencies, and the
 * program is told so once (verbose level). Until they are found, every
 * call tries again from its caller: an input this library does not serve
 * is never failed for want of a lookup that another caller could make.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "preload.h"

static pl_libav table;
static atomic_int found;        /* the table is complete */
static pthread_mutex_t lookup_lock = PTHREAD_MUTEX_INITIALIZER;

/* Look one function up in h (RTLD_NEXT or a module's handle); POSIX makes
 * dlsym()'s result usable as a function pointer. */
#define LOOKUP(h, name) \
    (missing += !(table.name = (__typeof__(table.name))dlsym(h, #name)))

/* Fill the table from h; 0 when libavformat was found there. */
static int fill(void *h)
{
    int missing = 0;

    LOOKUP(h, avformat_open_input);
    LOOKUP(h, avformat_close_input);
    LOOKUP(h, avio_open);
    LOOKUP(h, avio_open2);
    LOOKUP(h, avio_close);
    LOOKUP(h, avio_closep);
    LOOKUP(h, avformat_version);
    LOOKUP(h, avformat_alloc_context);
    LOOKUP(h, avformat_free_context);
    LOOKUP(h, avio_alloc_context);
    LOOKUP(h, avio_context_free);
    LOOKUP(h, av_malloc);
    LOOKUP(h, av_freep);
    LOOKUP(h, av_vlog);
    LOOKUP(h, av_log_get_level);
    if (!table.avformat_open_input || !table.avformat_version)
        return -1;
    table.major = (int)(table.avformat_version() >> 16);
    table.usable = !missing && table.major == LIBAVFORMAT_VERSION_MAJOR;
    return 0;
}

/* The handle of the shared object holding code address addr, unless it is
 * this library; NULL for the program itself or an unknown address. */
static void *module_of(const void *addr, const char **name)
{
    Dl_info self, info;

    if (!addr || !dladdr(addr, &info) || !info.dli_fname || !*info.dli_fname ||
        (dladdr((void *)module_of, &self) && self.dli_fbase == info.dli_fbase))
        return NULL;
    *name = info.dli_fname;
    /* already loaded, so RTLD_NOLOAD; dlsym() on it searches its dependencies */
    return dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
}

const pl_libav *pl_libav_find(const void *caller)
{
    static int told;
    const char *name = NULL;
    void *h;

    if (atomic_load_explicit(&found, memory_order_acquire))
        return &table;
    pthread_mutex_lock(&lookup_lock);
    if (!atomic_load_explicit(&found, memory_order_relaxed)) {
        if (!fill(RTLD_NEXT)) {
            atomic_store_explicit(&found, 1, memory_order_release);
        } else if ((h = module_of(caller, &name)) && !fill(h)) {
            atomic_store_explicit(&found, 1, memory_order_release);
            pl_log(NULL, AV_LOG_VERBOSE, "libseedance-preload: libavformat is not in the "
                   "program's global scope (loaded privately, RTLD_LOCAL); using the one "
                   "%s was linked with\n", name);
        } else if (!told) {
            told = 1;
            fprintf(stderr, "libseedance-preload: the program's libavformat is not in its "
                    "global scope and %s does not link it: the calls this library receives "
                    "fail (ENOSYS)\n", name ? name : "the calling code");
        }
    }
    pthread_mutex_unlock(&lookup_lock);
    return atomic_load_explicit(&found, memory_order_acquire) ? &table : NULL;
}

__typeof__(av_vlog) *pl_av_vlog(const void *caller)
{
    static _Atomic(__typeof__(av_vlog) *) real;
    __typeof__(av_vlog) *f = atomic_load_explicit(&real, memory_order_acquire);
    const char *name;
    void *h;

    if (f)
        return f;
    if (!(f = (__typeof__(av_vlog) *)dlsym(RTLD_NEXT, "av_vlog")) &&
        (h = module_of(caller, &name)))
        f = (__typeof__(av_vlog) *)dlsym(h, "av_vlog");
    if (f)
        atomic_store_explicit(&real, f, memory_order_release);
    return f;
}

const pl_libav *pl_libav_get(void)
{
    return atomic_load_explicit(&found, memory_order_acquire) ? &table : NULL;
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
