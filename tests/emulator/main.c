/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* evolink-emu: command line, start-up, signals and a clean stop. */
#include "emu.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libavutil/log.h>

struct emu E = { .lock = PTHREAD_MUTEX_INITIALIZER };

void emu_lock(void) { pthread_mutex_lock(&E.lock); }
void emu_unlock(void) { pthread_mutex_unlock(&E.lock); }

void emu_info(const char *fmt, ...)
{
    if (E.cfg.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("evolink-emu: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* server.c */
int  server_start(int port);
void server_stop(void);

static void usage(FILE *out)
{
    fputs(
"usage: evolink-emu [options]\n"
"A local emulator of the Evolink Seedance 2.0 video API, on 127.0.0.1 only.\n"
"  --port N                  listen port (0 = a free one; default 0)\n"
"  --port-file FILE          write the chosen port + newline once listening\n"
"  --key KEY                 the accepted API key (default sk-emulator)\n"
"  --key-file FILE           read the accepted API key from FILE\n"
"  --gen-time SEC            generation time of a task (default 3.0)\n"
"  --link-ttl SEC            result link lifetime (default 86400)\n"
"  --data-dir DIR            rendered files and uploads (default: a private\n"
"                            temporary directory removed at exit)\n"
"  --log FILE                request log, one JSON line per API request\n"
"  --moov-at-end             write the moov atom at the end (default faststart)\n"
"  --bandwidth BPS           download bandwidth limit in bytes/s\n"
"  --credits N               account balance; submits beyond it get 402\n"
"  --allow-private-callbacks allow http:// and loopback/private callback_url\n"
"  --fault JSON              add a fault at start (repeatable)\n"
"  --quiet                   no informational output\n"
"  --help                    this text\n"
"Admin API (no auth): GET /_emu/stats, POST /_emu/reset, POST /_emu/faults,\n"
"POST /_emu/config, GET /_emu/tasks/ID, POST /_emu/tasks/ID/expire.\n", out);
}

static int parse_double(const char *opt, const char *s, double min, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < min) {
        fprintf(stderr, "evolink-emu: %s: invalid value '%s' (a number >= %g)\n", opt, s, min);
        return -1;
    }
    *out = v;
    return 0;
}

static char *read_key_file(const char *path)
{
    buf b = { 0 };
    if (read_file(path, 4096, &b) || !b.len) {
        buf_free(&b);
        return NULL;
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
                     b.data[b.len - 1] == ' '))
        b.data[--b.len] = '\0';
    return b.data;
}

int main(int argc, char **argv)
{
    enum { O_PORT = 256, O_PORT_FILE, O_KEY, O_KEY_FILE, O_GEN, O_TTL, O_DATA,
           O_LOG, O_MOOV, O_BW, O_CREDITS, O_PRIV, O_FAULT, O_QUIET, O_HELP };
    static const struct option opts[] = {
        { "port", required_argument, 0, O_PORT },
        { "port-file", required_argument, 0, O_PORT_FILE },
        { "key", required_argument, 0, O_KEY },
        { "key-file", required_argument, 0, O_KEY_FILE },
        { "gen-time", required_argument, 0, O_GEN },
        { "link-ttl", required_argument, 0, O_TTL },
        { "data-dir", required_argument, 0, O_DATA },
        { "log", required_argument, 0, O_LOG },
        { "moov-at-end", no_argument, 0, O_MOOV },
        { "bandwidth", required_argument, 0, O_BW },
        { "credits", required_argument, 0, O_CREDITS },
        { "allow-private-callbacks", no_argument, 0, O_PRIV },
        { "fault", required_argument, 0, O_FAULT },
        { "quiet", no_argument, 0, O_QUIET },
        { "help", no_argument, 0, O_HELP },
        { 0, 0, 0, 0 }
    };
    E.cfg.gen_time = 3.0;
    E.cfg.link_ttl = 86400;
    E.cfg.credits = -1;
    double port = 0, v;
    const char *port_file = NULL, *log_path = NULL, *data_dir = NULL;
    char *key = NULL;
    int nfaults = 0;
    const char **faults = calloc((size_t)argc + 1, sizeof *faults);
    int c, rc = 1;

    if (!faults)
        return 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_PORT:
            if (parse_double("--port", optarg, 0, &port) || port > 65535 || port != (int)port) {
                fprintf(stderr, "evolink-emu: --port: invalid value '%s' (0..65535)\n", optarg);
                goto out;
            }
            break;
        case O_PORT_FILE: port_file = optarg; break;
        case O_KEY: free(key); key = xstrdup(optarg); break;
        case O_KEY_FILE:
            free(key);
            if (!(key = read_key_file(optarg))) {
                fprintf(stderr, "evolink-emu: --key-file: cannot read a key from '%s'\n", optarg);
                goto out;
            }
            break;
        case O_GEN:
            if (parse_double("--gen-time", optarg, 0, &E.cfg.gen_time)) goto out;
            break;
        case O_TTL:
            if (parse_double("--link-ttl", optarg, 0, &E.cfg.link_ttl)) goto out;
            break;
        case O_DATA: data_dir = optarg; break;
        case O_LOG: log_path = optarg; break;
        case O_MOOV: E.cfg.moov_at_end = 1; break;
        case O_BW:
            if (parse_double("--bandwidth", optarg, 0, &v)) goto out;
            E.cfg.bandwidth = (int64_t)v;
            break;
        case O_CREDITS:
            if (parse_double("--credits", optarg, 0, &E.cfg.credits)) goto out;
            break;
        case O_PRIV: E.cfg.allow_private_callbacks = 1; break;
        case O_FAULT: faults[nfaults++] = optarg; break;
        case O_QUIET: E.cfg.quiet = 1; break;
        case O_HELP: usage(stdout); rc = 0; goto out;
        default: usage(stderr); goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "evolink-emu: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        goto out;
    }
    E.key = key ? key : xstrdup("sk-emulator");
    key = NULL;
    for (int i = 0; i < nfaults; i++) {
        char err[256];
        if (fault_add_string(faults[i], err, sizeof err)) {
            fprintf(stderr, "evolink-emu: --fault: %s\n", err);
            goto out;
        }
    }

    int own_dir = 0;
    if (data_dir) {
        if (mkdir_p(data_dir)) {
            fprintf(stderr, "evolink-emu: --data-dir: cannot create '%s': %s\n", data_dir, strerror(errno));
            goto out;
        }
        E.data_dir = xstrdup(data_dir);
    } else {
        const char *tmp = getenv("TMPDIR");
        buf b = { 0 };
        buf_printf(&b, "%s/evolink-emu.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!b.data || !mkdtemp(b.data)) {
            fprintf(stderr, "evolink-emu: cannot create a temporary directory: %s\n", strerror(errno));
            buf_free(&b);
            goto out;
        }
        E.data_dir = b.data;
        own_dir = 1;
    }
    if (log_path && !(E.log = fopen(log_path, "a"))) {
        fprintf(stderr, "evolink-emu: --log: cannot open '%s': %s\n", log_path, strerror(errno));
        goto out_dir;
    }

    av_log_set_level(AV_LOG_ERROR);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    /* Every thread inherits the blocked signals; main waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    if (tasks_start() || callbacks_start()) {
        fprintf(stderr, "evolink-emu: cannot start worker threads\n");
        goto out_threads;
    }
    if (server_start((int)port)) {
        fprintf(stderr, "evolink-emu: cannot listen on 127.0.0.1:%d\n", (int)port);
        goto out_threads;
    }
    if (port_file) {
        char line[32];
        int n = snprintf(line, sizeof line, "%d\n", E.port);
        if (write_file_atomic(port_file, line, (size_t)n)) {
            fprintf(stderr, "evolink-emu: --port-file: cannot write '%s'\n", port_file);
            server_stop();
            goto out_threads;
        }
    }
    emu_info("listening on http://127.0.0.1:%d (data in %s)", E.port, E.data_dir);

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    emu_info("signal %d: stopping", sig);
    rc = 0;
    atomic_store(&E.stopping, 1);
    server_stop();
out_threads:
    atomic_store(&E.stopping, 1);
    callbacks_stop();
    tasks_stop();
    tasks_free();
    emu_lock();
    faults_clear();
    emu_unlock();
    curl_global_cleanup();
    if (E.log)
        fclose(E.log);
out_dir:
    if (own_dir)
        remove_tree(E.data_dir);
out:
    free(E.data_dir);
    free(E.key);
    free(key);
    free(faults);
    return rc;
}
