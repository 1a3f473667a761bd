/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small file helpers shared by the unit tests: counting a directory's
 * entries and writing a whole file.
 */
#ifndef SEEDANCE_TEST_FILES_H
#define SEEDANCE_TEST_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Entries of dir other than "." and "..", -1 when it cannot be read. */
static inline int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Write n bytes to path (created or truncated); 0 or -1. */
static inline int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, n, f) == n;

    if (f && fclose(f))
        ok = 0;
    return ok ? 0 : -1;
}

#endif
