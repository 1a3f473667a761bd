/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files and directories the library writes: private directories (mode
 * 0700, every existing component checked to be a directory), atomic
 * replacement (a temporary file next to the target, fsync, rename, fsync
 * of the directory), anonymous spool files, and bounded whole-file reads.
 * Every function returns 0 or -1 with errno set, so that each caller words
 * its own message.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* mkdir one component; an existing one must be a directory. */
static int mkdir_one(const char *path)
{
    struct stat st;

    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int sd_mkdirs(const char *path)
{
    char *p;
    int rc = 0;

    if (!path || !*path) {
        errno = EINVAL;
        return -1;
    }
    if (!(p = strdup(path))) {
        errno = ENOMEM;
        return -1;
    }
    for (char *q = p + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char saved = *q;
            *q = '\0';
            /* "a//b" and a trailing '/' give empty components: skip them */
            if (q[-1] != '/' && mkdir_one(p) < 0) {
                rc = -1;
                break;
            }
            *q = saved;
            if (!saved)
                break;
        }
    }
    free(p);
    return rc;
}

int sd_tmpfile_next_to(const char *path, char **tmp)
{
    size_t n;
    char *t;
    int fd;

    if (!tmp || (*tmp = NULL, !path || !*path)) {
        errno = EINVAL;
        return -1;
    }
    n = strlen(path) + sizeof(".tmp-XXXXXX");
    if (!(t = malloc(n))) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(t, n, "%s.tmp-XXXXXX", path);
    if ((fd = mkstemp(t)) < 0) {
        int e = errno;
        free(t);
        errno = e;
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    *tmp = t;
    return fd;
}

int sd_sync_dir_of(const char *path)
{
    char *copy;
    int fd, rc = -1;

    if (!path || !(copy = strdup(path))) {
        errno = path ? ENOMEM : EINVAL;
        return -1;
    }
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
        close(fd);
    }
    free(copy);
    return rc;
}

int sd_commit_file(int fd, const char *tmp, const char *path)
{
    if (!tmp || !path) {
        errno = EINVAL;
        return -1;
    }
    if (fsync(fd) < 0 && errno != EINVAL)
        return -1;
    if (rename(tmp, path) < 0)
        return -1;
    sd_sync_dir_of(path);   /* the rename is done; a failing directory sync loses nothing more */
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int sd_write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = NULL;
    int fd, e;

    if (!data && len) {
        errno = EINVAL;
        return -1;
    }
    if ((fd = sd_tmpfile_next_to(path, &tmp)) < 0)
        return -1;
    if (write_all(fd, data, len) == 0 && sd_commit_file(fd, tmp, path) == 0) {
        free(tmp);
        return close(fd);
    }
    e = errno;
    close(fd);
    unlink(tmp);
    free(tmp);
    errno = e;
    return -1;
}

/* Read exactly size bytes from fd. */
static int read_all(int fd, unsigned char *buf, size_t size)
{
    size_t got = 0;

    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;    /* the file shrank while being read */
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

int sd_read_file(const char *path, size_t max, unsigned char **data, size_t *size)
{
    struct stat st;
    int fd, e;

    if (!data || !size || (*data = NULL, *size = 0, !path || !*path)) {
        errno = EINVAL;
        return -1;
    }
    /* O_NONBLOCK: a FIFO must not block the open; it is refused below */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        goto fail;
    if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
        goto fail;
    }
    if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
        *size = st.st_size < 0 ? 0 : (size_t)st.st_size;
        errno = EFBIG;
        goto fail;
    }
    if (!(*data = malloc((size_t)st.st_size + 1))) {
        errno = ENOMEM;
        goto fail;
    }
    if (read_all(fd, *data, (size_t)st.st_size) < 0)
        goto fail;
    (*data)[st.st_size] = '\0';
    *size = (size_t)st.st_size;
    close(fd);
    return 0;
fail:
    e = errno;
    free(*data);
    *data = NULL;
    close(fd);
    errno = e;
    return -1;
}

int sd_spool_file(const char *dir)
{
    const char *d = dir;
    char *name;
    size_t n;
    int fd;

    if (!d && !((d = getenv("TMPDIR")) && *d))
        d = "/tmp";
    n = strlen(d) + sizeof("/seedance-spool-XXXXXX");
    if (!(name = malloc(n))) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(name, n, "%s/seedance-spool-XXXXXX", d);
    fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    free(name);
    return fd;
}
