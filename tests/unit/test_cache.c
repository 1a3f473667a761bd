/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The clip cache without a network: names, private directories, atomic
 * commits, spool files, and a stream over a cached clip (read, seek,
 * size, save, the SEEDANCE_EV_CACHED event).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"
#include "files.h"
#include "tap.h"

static char top[256];

static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int eq = fa && fb, ca, cb;

    while (eq) {
        ca = fgetc(fa);
        cb = fgetc(fb);
        if (ca != cb)
            eq = 0;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return eq;
}

static int events[16];
static int64_t event_size = -2;
static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    if ((unsigned)p->event < 16)
        events[p->event]++;
    if (p->event == SEEDANCE_EV_CACHED)
        event_size = p->size;
}

static void test_names(void)
{
    OK(seedance_task_id_valid("task-unified-1774857405-abc123"), "a task id is a valid cache name");
    OK(seedance_task_id_valid("a.b_c-D9"), "letters, digits, '.', '_', '-' are allowed");
    OK(!seedance_task_id_valid(""), "the empty name is refused");
    OK(!seedance_task_id_valid(NULL), "NULL is refused");
    OK(!seedance_task_id_valid("../etc/passwd"), "'..' and '/' are refused");
    OK(!seedance_task_id_valid(".hidden"), "a leading dot is refused");
    OK(!seedance_task_id_valid("a b"), "a space is refused");
    OK(!seedance_task_id_valid("task\n"), "a newline is refused");
    char longname[97];
    memset(longname, 'a', 96);
    longname[96] = '\0';
    OK(!seedance_task_id_valid(longname), "a 96-character name is refused");
    longname[95] = '\0';
    OK(seedance_task_id_valid(longname), "a 95-character name is accepted");
}

static void test_paths(seedance_client *c)
{
    char dir[512], clips[600];
    char *p;

    snprintf(dir, sizeof(dir), "%s/deep/cache", top);
    seedance_client_set_cache_dir(c, dir);
    p = sd_cache_clip_path(c, "task-unified-1-x", ".mp4", 0);
    snprintf(clips, sizeof(clips), "%s/clips/task-unified-1-x.mp4", dir);
    OK(p && !strcmp(p, clips), "clip path is <cache>/clips/<task>.mp4 (%s)", p ? p : "NULL");
    snprintf(clips, sizeof(clips), "%s/clips", dir);
    OK(mode_of(clips) == -1, "no directory is created when not asked");
    free(p);

    p = sd_cache_clip_path(c, "task-unified-1-x", ".mp4.part", 1);
    OK(p != NULL, "clip path with mkdir");
    OK(mode_of(clips) == 0700, "clips directory is mode 0700 (got %o)", mode_of(clips));
    OK(mode_of(dir) == 0700, "cache directory is mode 0700 (got %o)", mode_of(dir));
    free(p);

    p = sd_cache_clip_path(c, "../../evil", ".mp4", 1);
    OK(p == NULL && seedance_last_error(c)->code == SEEDANCE_E_INVALID,
       "an unsafe task id is refused with SEEDANCE_E_INVALID");
    OK(strstr(seedance_last_error(c)->message, "../../evil") != NULL,
       "the message names the value: %s", seedance_last_error(c)->message);
    free(p);

    snprintf(dir, sizeof(dir), "%s/afile", top);
    write_file(dir, "x", 1);
    seedance_client_set_cache_dir(c, dir);
    p = sd_cache_clip_path(c, "task-unified-1-x", ".mp4", 1);
    OK(p == NULL && seedance_last_error(c)->code == SEEDANCE_E_IO,
       "a cache directory that is a file fails with SEEDANCE_E_IO: %s",
       seedance_last_error(c)->message);
    free(p);
}

static void test_atomic(void)
{
    char dir[512], path[600];
    char *tmp = NULL;
    int fd;

    snprintf(dir, sizeof(dir), "%s/atomic", top);
    OK(sd_mkdirs(dir) == 0, "sd_mkdirs");
    snprintf(path, sizeof(path), "%s/out.mp4", dir);
    fd = sd_tmpfile_next_to(path, &tmp);
    OK(fd >= 0 && tmp && !strncmp(tmp, path, strlen(path)), "temporary file next to the target");
    OK(write(fd, "hello", 5) == 5, "write to the temporary file");
    OK(mode_of(path) == -1, "the target does not exist before the commit");
    OK(mode_of(tmp) == 0600, "the temporary file is mode 0600");
    OK(sd_commit_file(fd, tmp, path) == 0, "commit");
    OK(mode_of(path) == 0600 && mode_of(tmp) == -1, "after the commit only the target exists");
    close(fd);
    free(tmp);

    fd = sd_spool_file(dir);
    OK(fd >= 0, "spool file");
    OK(count_entries(dir) == 1, "the spool file has no name in the directory");
    OK(write(fd, "abc", 3) == 3 && pread(fd, path, 3, 0) == 3 && !memcmp(path, "abc", 3),
       "the spool file is readable and writable");
    close(fd);
}

static void test_cached_stream(seedance_client *c)
{
    char path[512], out[600], buf[4096];
    enum { N = 300000 };
    unsigned char *data = malloc(N);
    seedance_stream *s = NULL;
    int64_t n, total = 0;
    int same = 1;

    for (int i = 0; i < N; i++)
        data[i] = (unsigned char)(i * 7 + i / 251);
    snprintf(path, sizeof(path), "%s/clip.mp4", top);
    write_file(path, data, N);

    seedance_client_set_progress(c, on_progress, NULL);
    OK(sd_stream_open_file(c, "task-unified-2-y", path, &s) == SEEDANCE_OK && s,
       "open a stream on a cached clip");
    OK(events[SEEDANCE_EV_CACHED] == 1 && event_size == N,
       "SEEDANCE_EV_CACHED reported with the size");
    OK(seedance_stream_size(s) == N, "size is known");
    OK(seedance_stream_seekable(s) == 1, "seekable");
    OK(!strcmp(seedance_stream_task_id(s), "task-unified-2-y"), "task id");
    OK(!strcmp(seedance_stream_cache_path(s), path), "cache path");

    while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
        if (memcmp(buf, data + total, (size_t)n))
            same = 0;
        total += n;
    }
    OK(n == 0 && total == N && same, "read the whole clip (%lld bytes)", (long long)total);
    OK(seedance_stream_read(s, buf, 1) == 0, "read at the end returns 0");

    OK(seedance_stream_seek(s, 1000, SEEK_SET) == 1000, "SEEK_SET");
    OK(seedance_stream_read(s, buf, 10) == 10 && !memcmp(buf, data + 1000, 10),
       "read after SEEK_SET");
    OK(seedance_stream_seek(s, -20, SEEK_CUR) == 990, "SEEK_CUR backwards");
    OK(seedance_stream_seek(s, -100, SEEK_END) == N - 100, "SEEK_END");
    OK(seedance_stream_read(s, buf, 4096) == 100 && !memcmp(buf, data + N - 100, 100),
       "a read near the end is short");
    OK(seedance_stream_seek(s, -1, SEEK_SET) == -SEEDANCE_E_INVALID,
       "a negative position is refused");
    OK(seedance_stream_seek(s, 0, 42) == -SEEDANCE_E_INVALID, "an unknown whence is refused");
    OK(seedance_stream_seek(s, N + 10, SEEK_SET) == N + 10 && seedance_stream_read(s, buf, 1) == 0,
       "a read beyond the end returns 0");

    snprintf(out, sizeof(out), "%s/saved.mp4", top);
    OK(seedance_stream_save(s, out) == SEEDANCE_OK, "save");
    OK(files_equal(out, path), "the saved file equals the clip");
    OK(seedance_stream_save(s, "/nonexistent-dir/x.mp4") == SEEDANCE_E_IO,
       "save into a missing directory fails with SEEDANCE_E_IO: %s",
       seedance_last_error(c)->message);
    seedance_stream_close(s);
    seedance_client_set_progress(c, NULL, NULL);
    free(data);
}

static void write_text(const char *path, const char *text)
{
    write_file(path, text, strlen(text));
}

/* sd_cache_commit()'s verdict on fd (SD_COMMIT_STALE when it failed). */
static sd_commit commit(int fd, const char *part, const char *clip, int64_t size)
{
    sd_commit v;

    return sd_cache_commit(fd, part, clip, size, NULL, &v) == SEEDANCE_OK ? v : SD_COMMIT_STALE;
}

/* sd_cache_check()'s verdict on clip. */
static sd_cached checked(const char *clip)
{
    sd_cached v;

    return sd_cache_check(clip, &v) == SEEDANCE_OK ? v : SD_CACHED_NONE;
}

/* sd_cache_commit and sd_cache_check: only the announced length is
 * committed, its length is recorded, a clip that changed is set aside. */
static void test_commit_check(void)
{
    char dir[512], part[600], clip[600], rec[620], bad[620];
    int fd;

    snprintf(dir, sizeof(dir), "%s/commit", top);
    sd_mkdirs(dir);
    snprintf(part, sizeof(part), "%s/t.mp4.part", dir);
    snprintf(clip, sizeof(clip), "%s/t.mp4", dir);
    snprintf(rec, sizeof(rec), "%s.size", clip);
    snprintf(bad, sizeof(bad), "%s.bad", clip);
    write_file(part, "0123456789", 10);
    fd = open(part, O_RDWR);
    OK(commit(fd, part, clip, 11) == SD_COMMIT_WRONG_SIZE && mode_of(clip) == -1,
       "a part of another length than announced is not committed");
    OK(commit(fd, part, clip, 10) == SD_COMMITTED && mode_of(part) == -1 && mode_of(clip) != -1,
       "a part of the announced length is committed");
    close(fd);
    {
        /* "SIZE MTIME INODE HASH" (cache.c), the hash XXH3-128 as
         * "xxh128sum" prints it */
        char txt[200] = "";
        FILE *f = fopen(rec, "r");
        if (f) {
            if (!fgets(txt, sizeof(txt), f))
                txt[0] = '\0';
            fclose(f);
        }
        OK(!strncmp(txt, "10 ", 3) && strstr(txt, " e353667619ec664b49655fc9692165fb\n") &&
           checked(clip) == SD_CACHED_USABLE,
           "its length and content hash are recorded next to it (%s) and it checks out", rec);
    }
    /* A record of an earlier version: SHA-256. Its time does not match the
     * clip's, so the clip is read and hashed with SHA-256. */
    write_text(rec, "10 1 1 84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882\n");
    OK(checked(clip) == SD_CACHED_USABLE && mode_of(bad) == -1,
       "a clip whose record holds the SHA-256 of its content checks out");
    write_text(rec, "10 1 1 94d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882\n");
    OK(checked(clip) == SD_CACHED_SET_ASIDE && mode_of(bad) != -1, "one whose content has another SHA-256 "
       "is set aside");
    OK(rename(bad, clip) == 0 && (unlink(rec) == 0 || 1), "(put back)");
    write_text(rec, "10 1 1 f353667619ec664b49655fc9692165fb\n");
    OK(checked(clip) == SD_CACHED_SET_ASIDE && mode_of(bad) != -1, "one whose content has another XXH3-128 "
       "is set aside");
    OK(rename(bad, clip) == 0, "(put back)");
    write_text(rec, "10 1 1 e353667619ec664b49655fc9692165fb\n");
    OK(truncate(clip, 4) == 0 && checked(clip) == SD_CACHED_SET_ASIDE && mode_of(clip) == -1 &&
       mode_of(bad) != -1 && mode_of(rec) == -1,
       "a clip that lost bytes on disk is set aside as .bad");
    OK(checked(clip) == SD_CACHED_NONE, "then there is no clip");
    write_file(clip, "abc", 3);
    OK(checked(clip) == SD_CACHED_USABLE, "a clip without a recorded length is taken as it is");
    write_file(clip, "", 0);
    OK(checked(clip) == SD_CACHED_NONE, "an empty file is no clip");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    seedance_client *c;

    snprintf(top, sizeof(top), "%s/seedance-cache-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(top)) {
        perror("mkdtemp");
        return 1;
    }
    c = seedance_client_new();
    seedance_client_set_api_key(c, "sk-test-cache");

    test_names();
    test_paths(c);
    test_atomic();
    test_commit_check();
    test_cached_stream(c);

    seedance_client_free(c);
    {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", top);
    }
    return done_testing();
}
