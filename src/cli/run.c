/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance run PROGRAM [ARGS...]: run a program (ffmpeg, ffprobe, ffplay,
 * mpv, a script, anything linked against the shared libavformat) with
 * libseedance-preload.so in LD_PRELOAD, so that it opens seedance: URLs.
 *
 * Before it replaces itself with the program, it checks what can be
 * checked: that the library loads, and that the program's executable is
 * not statically linked, has no libavformat of its own inside, and does
 * not need a libavformat of another major version than the library's. A
 * program with the seedance protocol built in (this project's ffmpeg)
 * needs no library. Then it submits the seedance: URLs of ARGS, all at
 * once (ahead.c), so that the program's opens attach to running tasks.
 * mpv gets "lavf://" before each URL (the only way it hands a name to
 * libavformat), and the tasks are waited for with their progress first,
 * since mpv shows libavformat's info lines only with -v.
 *
 * Exit statuses when the program does not run: 127 not found, 126 found
 * but it cannot be run or cannot use the library, 1 no usable library or a
 * submit that failed, 2 no program given, 130 interrupted.
 */
#define _GNU_SOURCE    /* memmem() */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "seedance-libdir.h"   /* SEEDANCE_LIBDIR: $(PRELOADDIR) of the build */

#define PRELOAD_NAME "libseedance-preload.so"
#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126

static int run_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run_error(int status, const char *fmt, ...)
{
    va_list ap;

    fputs("seedance run: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

static int readable(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, R_OK);
}

/* The preload library: $SEEDANCE_PRELOAD, ../lib next to this command, SEEDANCE_LIBDIR. */
static int find_library(char *out, size_t size)
{
    const char *env = getenv("SEEDANCE_PRELOAD");
    char self[PATH_MAX] = "";
    char *slash;

    if (env && *env) {
        if (!realpath(env, out) || !readable(out))
            return run_error(EXIT_FAIL, "SEEDANCE_PRELOAD=%s: no such library", env);
        return 0;
    }
    if (realpath("/proc/self/exe", self) && (slash = strrchr(self, '/'))) {
        *slash = '\0';
        if ((slash = strrchr(self, '/')))   /* .../bin/seedance -> .../lib */
            *slash = '\0';
        if (strlen(self) + 4 < sizeof(self))
            strcat(self, "/lib");
        if ((size_t)snprintf(out, size, "%s/" PRELOAD_NAME, self) < size && readable(out))
            return 0;
    }
    snprintf(out, size, "%s/" PRELOAD_NAME, SEEDANCE_LIBDIR);
    if (readable(out))
        return 0;
    return run_error(EXIT_FAIL, "no " PRELOAD_NAME " in %s%s%s (build it with \"make\", or "
                     "set SEEDANCE_PRELOAD to its path)", strcmp(self, SEEDANCE_LIBDIR) ? self : "",
                     *self && strcmp(self, SEEDANCE_LIBDIR) ? " or " : "", SEEDANCE_LIBDIR);
}

/* Load the library here once (it must load) and ask its libavformat major version. */
static int library_major(const char *path, int *major)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    int (*get)(void);

    if (!h)
        return run_error(EXIT_FAIL, "%s does not load: %s", path, dlerror());
    get = (int (*)(void))dlsym(h, "seedance_preload_libavformat_major");
    *major = get ? get() : 0;
    dlclose(h);
    if (!*major)
        return run_error(EXIT_FAIL, "%s is not a " PRELOAD_NAME, path);
    return 0;
}

/* PROGRAM as execvp() would find it: through PATH unless it has a slash. */
static int find_program(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    size_t len;

    if (strchr(name, '/')) {
        snprintf(out, size, "%s", name);
        return access(out, X_OK) ? run_error(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN,
                                             "%s: %s", name, strerror(errno)) : 0;
    }
    for (const char *p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p += len) {
        struct stat st;

        len = strcspn(p, ":");
        snprintf(out, size, "%.*s/%s", len ? (int)len : 1, len ? p : ".", name);
        if (!stat(out, &st) && S_ISREG(st.st_mode) && !access(out, X_OK))
            return 0;
        if (p[len] == ':')
            len++;
    }
    return run_error(EXIT_NOT_FOUND, "%s: command not found", name);
}

/* What an executable says about libavformat. */
typedef struct elf_facts {
    int elf;           /* an ELF file this command can read (else: a script, ...) */
    int interp;        /* has a program interpreter: dynamically linked */
    int lavf_major;    /* N of a DT_NEEDED libavformat.so.N, 0 if none */
    int lavf_inside;   /* holds libavformat's own identification: linked in */
    int protocol;      /* holds the seedance protocol's option names */
} elf_facts;

/* The file offset of a virtual address, through the PT_LOAD segments. */
static size_t vaddr_offset(const unsigned char *m, size_t size, const Elf64_Ehdr *eh, Elf64_Addr va)
{
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(m + eh->e_phoff + (size_t)i * eh->e_phentsize);

        if (ph->p_type == PT_LOAD && va >= ph->p_vaddr && va - ph->p_vaddr < ph->p_filesz &&
            ph->p_offset + (va - ph->p_vaddr) < size)
            return ph->p_offset + (va - ph->p_vaddr);
    }
    return 0;
}

/* The libavformat.so.N among the DT_NEEDED entries of the PT_DYNAMIC segment ph. */
static int needed_lavf(const unsigned char *m, size_t size, const Elf64_Ehdr *eh,
                       const Elf64_Phdr *ph)
{
    const Elf64_Dyn *d = (const Elf64_Dyn *)(m + ph->p_offset);
    size_t n = ph->p_filesz / sizeof(*d), strtab = 0;

    if (ph->p_offset + ph->p_filesz > size)
        return 0;
    for (size_t i = 0; i < n && d[i].d_tag != DT_NULL; i++)
        if (d[i].d_tag == DT_STRTAB)
            strtab = vaddr_offset(m, size, eh, d[i].d_un.d_ptr);
    if (!strtab)
        return 0;
    for (size_t i = 0; i < n && d[i].d_tag != DT_NULL; i++) {
        size_t at = strtab + d[i].d_un.d_val;
        int major;

        if (d[i].d_tag == DT_NEEDED && at < size &&
            memchr(m + at, '\0', size - at) &&
            sscanf((const char *)m + at, "libavformat.so.%d", &major) == 1)
            return major;
    }
    return 0;
}

/* "Lavf" and a digit: LIBAVFORMAT_IDENT, in every libavformat. */
static int has_lavf_ident(const unsigned char *m, size_t size)
{
    const unsigned char *p = m, *end = m + size;

    while ((p = memmem(p, (size_t)(end - p), "Lavf", 4)) && p + 4 < end) {
        if (p[4] >= '0' && p[4] <= '9')
            return 1;
        p += 4;
    }
    return 0;
}

static void read_elf(const unsigned char *m, size_t size, elf_facts *f)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
    const seedance_option *o = seedance_option_find("cache_dir");

    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
        eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > size)
        return;
    f->elf = 1;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(m + eh->e_phoff + (size_t)i * sizeof(*ph));

        if (ph->p_type == PT_INTERP)
            f->interp = 1;
        else if (ph->p_type == PT_DYNAMIC)
            f->lavf_major = needed_lavf(m, size, eh, ph);
    }
    if (!f->lavf_major && (f->lavf_inside = has_lavf_ident(m, size)))
        f->protocol = o && memmem(m, size, o->ffname, strlen(o->ffname) + 1) != NULL;
}

static int inspect(const char *path, elf_facts *f)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *m;

    memset(f, 0, sizeof(*f));
    if (fd < 0)
        return run_error(EXIT_CANNOT_RUN, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) || st.st_size <= 0 ||
        (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        close(fd);
        return 0;    /* nothing to learn: let exec say what it thinks */
    }
    read_elf(m, (size_t)st.st_size, f);
    munmap(m, (size_t)st.st_size);
    close(fd);
    return 0;
}

/* Does the program have the seedance protocol built in (this project's ffmpeg)? */
static int has_protocol(const elf_facts *f)
{
    return f->elf && f->interp && f->lavf_inside && f->protocol;
}

/* Can the library reach the program's libavformat? 0, or an exit status after a message. */
static int check_program(const char *path, const elf_facts *f, int major)
{
    if (!f->elf)
        return 0;    /* a script: the programs it starts inherit LD_PRELOAD */
    if (!f->interp)
        return run_error(EXIT_CANNOT_RUN, "%s is statically linked: no library can be "
                         "preloaded into it, so it cannot open seedance: URLs. Use a "
                         "shared-linked build (your distribution's ffmpeg) or the ffmpeg "
                         "built with the seedance protocol", path);
    if (f->lavf_major && f->lavf_major != major)
        return run_error(EXIT_CANNOT_RUN, "%s uses libavformat.so.%d, but " PRELOAD_NAME
                         " was built for libavformat.so.%d: build a copy against that "
                         "FFmpeg's headers and name it with SEEDANCE_PRELOAD (see "
                         "seedance-preload(1))", path, f->lavf_major, major);
    if (f->lavf_inside && !f->protocol)
        return run_error(EXIT_CANNOT_RUN, "%s has libavformat linked into it (not the shared "
                         "libavformat.so): its calls cannot be redirected, so it cannot open "
                         "seedance: URLs. Use a shared-linked build (your distribution's "
                         "ffmpeg) or the ffmpeg built with the seedance protocol", path);
    return 0;
}

/* LD_PRELOAD with lib first. */
static int set_preload(const char *lib)
{
    const char *old = getenv("LD_PRELOAD");
    size_t n = strlen(lib);
    char *v;
    int rc;

    if (strpbrk(lib, ": \t"))
        return run_error(EXIT_FAIL, "%s: LD_PRELOAD cannot name a path with ':' or blanks", lib);
    if (old && !strncmp(old, lib, n) && (!old[n] || strchr(": \t", old[n])))
        return 0;
    if (!old || !*old)
        return setenv("LD_PRELOAD", lib, 1) ? run_error(EXIT_FAIL, "%s", strerror(errno)) : 0;
    if (!(v = malloc(n + strlen(old) + 2)))
        return run_error(EXIT_FAIL, "%s", strerror(ENOMEM));
    sprintf(v, "%s:%s", lib, old);
    rc = setenv("LD_PRELOAD", v, 1);
    free(v);
    return rc ? run_error(EXIT_FAIL, "%s", strerror(errno)) : 0;
}

/*
 * mpv hands a name to libavformat only with a "lavf://" prefix (anything
 * else without "://" is a file to it): the program is mpv (by name) when
 * its seedance: URLs need one.
 */
static int is_mpv(const char *name, const char *path)
{
    const char *base = strrchr(name, '/'), *real = strrchr(path, '/');

    return !strcmp(base ? base + 1 : name, "mpv") || !strcmp(real ? real + 1 : path, "mpv");
}

/* argv with "lavf://" before every seedance: URL; NULL when out of memory. */
static char **mpv_args(int argc, char **argv)
{
    char **v = calloc((size_t)argc + 1, sizeof(*v));

    for (int i = 0; v && i < argc; i++) {
        v[i] = argv[i];
        if (i && !strncmp(argv[i], "seedance:", 9) && (v[i] = malloc(strlen(argv[i]) + 8)))
            sprintf(v[i], "lavf://%s", argv[i]);
        if (!v[i]) {
            run_error(EXIT_FAIL, "%s", strerror(ENOMEM));
            return NULL;    /* the process ends: nothing to free */
        }
    }
    return v;
}

int cli_run(int argc, char **argv)
{
    char lib[PATH_MAX], prog[PATH_MAX], **args = argv;
    int major, rc, builtin, mpv;
    elf_facts f;

    if (argc > 0 && !strcmp(argv[0], "--")) {
        argc--;
        argv++;
    }
    if (argc < 1)
        return run_error(EXIT_USAGE, "no PROGRAM given (seedance run PROGRAM [ARGS...])");
    if ((rc = find_program(argv[0], prog, sizeof(prog))) || (rc = inspect(prog, &f)))
        return rc;
    /* a program with the protocol needs no library, only the submits ahead */
    builtin = has_protocol(&f);
    if (!builtin && ((rc = find_library(lib, sizeof(lib))) || (rc = library_major(lib, &major)) ||
                     (rc = check_program(prog, &f, major))))
        return rc;
    mpv = is_mpv(argv[0], prog);
    /* nothing is submitted for a program that cannot start */
    if ((!builtin && (rc = set_preload(lib))) || (rc = cli_run_ahead(argc - 1, argv + 1, mpv)))
        return rc;
    if (mpv && !(args = mpv_args(argc, argv)))
        return EXIT_FAIL;
    execv(prog, args);
    return run_error(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN, "%s: %s", prog,
                     strerror(errno));
}
