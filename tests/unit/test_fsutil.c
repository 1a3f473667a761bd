/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files the library writes (src/fsutil.c): private directories, atomic
 * replacement, bounded whole-file reads, spool files, and NULL or empty
 * arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "files.h"
#include "tap.h"

static char top[] = "/tmp/seedance-fsutil-XXXXXX";

static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static void test_mkdirs(void)
{
    char path[512], file[512];

    snprintf(path, sizeof(path), "%s/a/b//c/", top);
    OK(sd_mkdirs(path) == 0, "mkdir -p of a/b//c/");
    snprintf(path, sizeof(path), "%s/a/b/c", top);
    OK(mode_of(path) == 0700, "the new directory is mode 0700 (got %o)", mode_of(path));
    snprintf(path, sizeof(path), "%s/a", top);
    OK(mode_of(path) == 0700, "its new parents too (got %o)", mode_of(path));
    snprintf(path, sizeof(path), "%s/a/b/c", top);
    OK(sd_mkdirs(path) == 0, "existing directories are fine");

    snprintf(file, sizeof(file), "%s/a/plain", top);
    OK(sd_write_file_atomic(file, "x", 1) == 0, "a plain file");
    snprintf(path, sizeof(path), "%s/a/plain/sub", top);
    errno = 0;
    OK(sd_mkdirs(path) < 0 && errno == ENOTDIR, "a file in the path: ENOTDIR");
    errno = 0;
    OK(sd_mkdirs(file) < 0 && errno == ENOTDIR, "the last component a file: ENOTDIR");
    errno = 0;
    OK(sd_mkdirs(NULL) < 0 && errno == EINVAL && sd_mkdirs("") < 0,
       "NULL and empty paths: EINVAL");
}

static void test_atomic(void)
{
    char path[600], dir[512];
    unsigned char *data;
    size_t n;

    snprintf(dir, sizeof(dir), "%s/w", top);
    snprintf(path, sizeof(path), "%s/entry.json", dir);
    OK(sd_mkdirs(dir) == 0, "directory for atomic writes");
    OK(sd_write_file_atomic(path, "first version", 13) == 0, "write");
    OK(sd_write_file_atomic(path, "second", 6) == 0, "replace");
    OK(sd_read_file(path, 100, &data, &n) == 0 && n == 6 && !memcmp(data, "second", 7),
       "the new content replaced the old one whole (NUL-terminated)");
    free(data);
    OK(mode_of(path) == 0600, "mode 0600 (got %o)", mode_of(path));
    OK(count_entries(dir) == 1, "no temporary file left behind");
    OK(sd_write_file_atomic(path, "", 0) == 0 && sd_read_file(path, 100, &data, &n) == 0 &&
       n == 0, "an empty file");
    free(data);
    snprintf(path, sizeof(path), "%s/missing/entry.json", top);
    OK(sd_write_file_atomic(path, "x", 1) < 0 && errno == ENOENT,
       "no directory: ENOENT, nothing created");
    OK(sd_write_file_atomic(NULL, "x", 1) < 0 && sd_write_file_atomic(path, NULL, 1) < 0,
       "NULL path or data refused");
    OK(sd_commit_file(-1, NULL, NULL) < 0 && sd_sync_dir_of(NULL) < 0,
       "NULL names refused");
}

static void test_read(void)
{
    char path[512], fifo[512];
    unsigned char *data = (unsigned char *)"untouched";
    size_t n = 7;

    snprintf(path, sizeof(path), "%s/ten", top);
    OK(sd_write_file_atomic(path, "0123456789", 10) == 0, "a file of 10 bytes");
    OK(sd_read_file(path, 10, &data, &n) == 0 && n == 10, "read with a limit of 10");
    free(data);
    errno = 0;
    OK(sd_read_file(path, 9, &data, &n) < 0 && errno == EFBIG && n == 10 && !data,
       "a limit of 9: EFBIG, the size reported, nothing allocated");
    errno = 0;
    OK(sd_read_file(top, 100, &data, &n) < 0 && errno == EISDIR, "a directory: EISDIR");
    snprintf(fifo, sizeof(fifo), "%s/fifo", top);
    if (mkfifo(fifo, 0600) == 0) {
        errno = 0;
        OK(sd_read_file(fifo, 100, &data, &n) < 0 && errno == ENODEV,
           "a FIFO: refused at once (ENODEV), not waited for");
        unlink(fifo);
    } else {
        OK(1, "# SKIP no FIFO here");
    }
    snprintf(path, sizeof(path), "%s/none", top);
    errno = 0;
    OK(sd_read_file(path, 100, &data, &n) < 0 && errno == ENOENT, "a missing file: ENOENT");
    OK(sd_read_file(NULL, 100, &data, &n) < 0 && sd_read_file("", 100, &data, &n) < 0 &&
       sd_read_file(path, 100, NULL, &n) < 0 && sd_read_file(path, 100, &data, NULL) < 0,
       "NULL and empty arguments refused");
}

static void test_tmp_and_spool(void)
{
    char path[512], *tmp = NULL;
    int fd;

    snprintf(path, sizeof(path), "%s/w/clip.mp4", top);
    fd = sd_tmpfile_next_to(path, &tmp);
    OK(fd >= 0 && tmp && !strncmp(tmp, path, strlen(path)), "temporary file next to the target");
    OK(mode_of(tmp) == 0600, "mode 0600");
    OK(write(fd, "abc", 3) == 3 && sd_commit_file(fd, tmp, path) == 0 &&
       mode_of(tmp) == -1 && mode_of(path) == 0600, "committed under the target name");
    close(fd);
    free(tmp);
    OK(sd_tmpfile_next_to(NULL, &tmp) < 0 && !tmp && sd_tmpfile_next_to(path, NULL) < 0,
       "NULL refused");
    fd = sd_spool_file(top);
    OK(fd >= 0 && write(fd, "z", 1) == 1, "a spool file is writable");
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    char cmd[300];

    if (!mkdtemp(top)) {
        OK(0, "scratch directory");
        return done_testing();
    }
    test_mkdirs();
    test_atomic();
    test_read();
    test_tmp_and_spool();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return done_testing();
}
