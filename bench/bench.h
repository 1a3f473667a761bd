/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance-bench: libseedance against the local emulator, in real time.
 * Each section starts the emulators it needs (tests/unit/emu_proc.h) on
 * 127.0.0.1 and stops them.
 */
#ifndef SEEDANCE_BENCH_H
#define SEEDANCE_BENCH_H

#include <stdint.h>

#include "emu_proc.h"
#include "seedance.h"

/* Where the programs are. ffmpeg and seedance may be NULL or missing. */
typedef struct bench_paths {
    const char *emulator;   /* evolink-emu */
    const char *seedance;   /* the seedance command */
    const char *ffmpeg;     /* build/bin/ffmpeg, with the seedance protocol */
} bench_paths;

/* Monotonic seconds. */
double bench_now(void);

/* A client of emulator e: key, bases, cache on or off, cache_dir (may be NULL). */
seedance_client *bench_client(const emu_proc *e, int cache, const char *cache_dir);

/* Is path an executable file? */
int bench_executable(const char *path);

/*
 * Run argv with env (NULL-terminated "NAME=value" strings added to the
 * environment), stdout and stderr to /dev/null. *wall and *cpu (user +
 * system of the child and its threads) in seconds. 0 when it exited 0.
 */
int bench_run(char *const argv[], char *const env[], double *wall, double *cpu);

/* The median of n values (sorts them). */
double bench_median(double *v, int n);

/* The sections. 0 on success. */
int bench_notice(const bench_paths *p);
int bench_download(const bench_paths *p);
int bench_first_byte(const bench_paths *p);
int bench_memory(const bench_paths *p, const char *self);

/* The child process of bench_memory (bench --stream-child / --idle-child). */
int bench_stream_child(const char *id, int do_stream);

#endif
