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

/* A line on stderr unless --quiet (the lock not held: an admin request
 * may change the setting meanwhile). */
void emu_info(const char *fmt, ...)
{
    emu_lock();
    int quiet = E.cfg.quiet;
    emu_unlock();
    if (quiet)
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
"  --data-dir DIR            rendered files and uploads (default: a private\n"
"                            temporary directory removed at exit)\n"
"  --log FILE                request log, one JSON line per API request\n"
"  --fault JSON              add a fault at start (repeatable)\n"
"  --quiet                   no informational output\n"
"  --help                    this text\n"
"Settings (each also a key of POST /_emu/config):\n"
"  --gen-time SEC            generation time of a task (default 3.0)\n"
"  --link-ttl SEC            result link lifetime (default 86400)\n"
"  --moov-at-end             write the moov atom at the end (default faststart)\n"
"  --bandwidth BPS           download bandwidth limit in bytes/s\n"
"  --credits N               account balance; submits beyond it get 402\n"
"  --allow-private-callbacks allow http:// and loopback/private callback_url\n"
"  --idempotency, --no-idempotency\n"
"                            honour Idempotency-Key (replay the task) or not\n"
"                            (default: not, as the real service)\n"
"  --cdn-lag SEC             a new result link answers 404 for SEC seconds\n"
"                            after its task completed (default 1)\n"
"  --cdn-lag-status N        what it answers meanwhile (default 404)\n"
"  --estimate-factor F       estimated_time = the truth times F (default 1)\n"
"  --price-factor F          credits reserved = the published rates times F\n"
"                            (default 1: prices change, usage is the truth)\n"
"  --estimate MODE           always (default), omit (only the submit reply\n"
"                            carries estimated_time), never\n"
"  --progress MODE           linear (default), steps, stuck (0 until the end)\n"
"  --file-quota N            files the account may hold (default 100)\n"
"  --files-used N            the account already holds N files (earlier uploads)\n"
"  --files-full              it holds as many as the quota (after --file-quota)\n"
"  --files-images-only       the Files API takes images only (refuses video\n"
"                            and audio, as its documentation page says)\n"
"  --reference-video-output MODE\n"
"                            what a clip made with a reference video holds:\n"
"                            new (default: only the new footage) or\n"
"                            source_first (@video1's footage, then the new)\n"
"  --config JSON             any settings object, as POST /_emu/config\n"
"Admin API (no auth): GET /_emu/stats, POST /_emu/reset, POST /_emu/faults,\n"
"GET|POST /_emu/config, GET /_emu/tasks/ID, POST /_emu/tasks/ID/expire.\n", out);
}

/* A switch that changes one setting, through config_apply. */
enum { SW_NUMBER, SW_WORD, SW_TRUE, SW_FALSE, SW_JSON, SW_CONST };
static const struct setting_switch {
    const char *name, *key;
    int kind;
    const char *value;          /* SW_CONST: the JSON value it sets */
} setting_switches[] = {
    { "gen-time", "gen_time", SW_NUMBER, NULL },
    { "link-ttl", "link_ttl", SW_NUMBER, NULL },
    { "moov-at-end", "moov_at_end", SW_TRUE, NULL },
    { "bandwidth", "bandwidth", SW_NUMBER, NULL },
    { "credits", "credits", SW_NUMBER, NULL },
    { "allow-private-callbacks", "allow_private_callbacks", SW_TRUE, NULL },
    { "idempotency", "idempotency", SW_TRUE, NULL },
    { "no-idempotency", "idempotency", SW_FALSE, NULL },
    { "cdn-lag", "cdn_lag", SW_NUMBER, NULL },
    { "cdn-lag-status", "cdn_lag_status", SW_NUMBER, NULL },
    { "estimate-factor", "estimate_factor", SW_NUMBER, NULL },
    { "price-factor", "price_factor", SW_NUMBER, NULL },
    { "estimate", "estimate", SW_WORD, NULL },
    { "progress", "progress", SW_WORD, NULL },
    { "file-quota", "file_quota", SW_NUMBER, NULL },
    { "files-used", "files_used", SW_NUMBER, NULL },
    { "files-full", "files_used", SW_CONST, "-1" },
    { "files-images-only", "files_images_only", SW_TRUE, NULL },
    { "reference-video-output", "reference_video_output", SW_WORD, NULL },
    { "config", NULL, SW_JSON, NULL },
};
#define NSETTINGS (sizeof setting_switches / sizeof setting_switches[0])

static int apply_setting(const struct setting_switch *sw, const char *arg)
{
    char err[256];
    int rc;
    if (sw->kind == SW_JSON) {
        rc = config_apply_string(arg, err, sizeof err);
    } else {
        cJSON *o = cJSON_CreateObject();
        char *end = NULL;
        double v = sw->kind == SW_NUMBER ? strtod(arg, &end) : 0;
        if (sw->kind == SW_NUMBER && (end == arg || *end)) {
            cJSON_Delete(o);
            fprintf(stderr, "evolink-emu: --%s: invalid value '%s' (a number)\n", sw->name, arg);
            return -1;
        }
        if (sw->kind == SW_NUMBER) cJSON_AddNumberToObject(o, sw->key, v);
        else if (sw->kind == SW_CONST) cJSON_AddItemToObject(o, sw->key, cJSON_Parse(sw->value));
        else if (sw->kind == SW_WORD) cJSON_AddStringToObject(o, sw->key, arg);
        else cJSON_AddBoolToObject(o, sw->key, sw->kind == SW_TRUE);
        rc = config_apply(o, err, sizeof err);
        cJSON_Delete(o);
    }
    if (rc)
        fprintf(stderr, "evolink-emu: --%s: %s\n", sw->name, err);
    return rc;
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

/* What the command line asks for, besides the settings. */
struct args {
    int port;
    const char *port_file, *log_path, *data_dir;
    char *key;
    const char **faults;
    int nfaults;
    int own_dir;
};

enum { O_PORT = 256, O_PORT_FILE, O_KEY, O_KEY_FILE, O_DATA, O_LOG, O_FAULT,
       O_QUIET, O_HELP, O_SETTING };

static void build_options(struct option *opts)
{
    static const struct option fixed[] = {
        { "port", required_argument, 0, O_PORT },
        { "port-file", required_argument, 0, O_PORT_FILE },
        { "key", required_argument, 0, O_KEY },
        { "key-file", required_argument, 0, O_KEY_FILE },
        { "data-dir", required_argument, 0, O_DATA },
        { "log", required_argument, 0, O_LOG },
        { "fault", required_argument, 0, O_FAULT },
        { "quiet", no_argument, 0, O_QUIET },
        { "help", no_argument, 0, O_HELP },
    };
    size_t n = sizeof fixed / sizeof fixed[0];
    memcpy(opts, fixed, sizeof fixed);
    for (size_t i = 0; i < NSETTINGS; i++) {
        const struct setting_switch *sw = &setting_switches[i];
        int flag = sw->kind == SW_TRUE || sw->kind == SW_FALSE || sw->kind == SW_CONST;
        opts[n + i] = (struct option){ sw->name, flag ? no_argument : required_argument, 0,
                                       O_SETTING + (int)i };
    }
    memset(&opts[n + NSETTINGS], 0, sizeof *opts);
}

static int parse_port(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 65535) {
        fprintf(stderr, "evolink-emu: --port: invalid value '%s' (0..65535)\n", s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* One switch; 0, or -1 to stop (with rc set: 0 after --help). */
static int one_switch(int c, struct args *a, int *rc)
{
    switch (c) {
    case O_PORT: return parse_port(optarg, &a->port);
    case O_PORT_FILE: a->port_file = optarg; return 0;
    case O_KEY: free(a->key); a->key = xstrdup(optarg); return 0;
    case O_KEY_FILE:
        free(a->key);
        if ((a->key = read_key_file(optarg)))
            return 0;
        fprintf(stderr, "evolink-emu: --key-file: cannot read a key from '%s'\n", optarg);
        return -1;
    case O_DATA: a->data_dir = optarg; return 0;
    case O_LOG: a->log_path = optarg; return 0;
    case O_FAULT: a->faults[a->nfaults++] = optarg; return 0;
    case O_QUIET: E.cfg.quiet = 1; return 0;
    case O_HELP: usage(stdout); *rc = 0; return -1;
    }
    if (c >= O_SETTING && c < O_SETTING + (int)NSETTINGS)
        return apply_setting(&setting_switches[c - O_SETTING], optarg);
    usage(stderr);
    return -1;
}

/* 0 to go on; else stop with *rc. */
static int parse_args(int argc, char **argv, struct args *a, int *rc)
{
    struct option opts[48];
    int c;
    build_options(opts);
    *rc = 1;
    if (!(a->faults = calloc((size_t)argc + 1, sizeof *a->faults)))
        return -1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (one_switch(c, a, rc))
            return -1;
    if (optind < argc) {
        fprintf(stderr, "evolink-emu: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    E.key = a->key ? a->key : xstrdup("sk-emulator");
    a->key = NULL;
    for (int i = 0; i < a->nfaults; i++) {
        char err[256];
        if (fault_add_string(a->faults[i], err, sizeof err)) {
            fprintf(stderr, "evolink-emu: --fault: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* The data directory (given, or a private temporary one) and the log. */
static int open_files(struct args *a)
{
    if (a->data_dir) {
        if (mkdir_p(a->data_dir)) {
            fprintf(stderr, "evolink-emu: --data-dir: cannot create '%s': %s\n", a->data_dir, strerror(errno));
            return -1;
        }
        E.data_dir = xstrdup(a->data_dir);
    } else {
        const char *tmp = getenv("TMPDIR");
        buf b = { 0 };
        buf_printf(&b, "%s/evolink-emu.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!b.data || !mkdtemp(b.data)) {
            fprintf(stderr, "evolink-emu: cannot create a temporary directory: %s\n", strerror(errno));
            buf_free(&b);
            return -1;
        }
        E.data_dir = b.data;
        a->own_dir = 1;
    }
    if (a->log_path && !(E.log = fopen(a->log_path, "a"))) {
        fprintf(stderr, "evolink-emu: --log: cannot open '%s': %s\n", a->log_path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Workers, callbacks and the server, then the port file. */
static int start_services(const struct args *a)
{
    if (tasks_start() || callbacks_start()) {
        fprintf(stderr, "evolink-emu: cannot start worker threads\n");
        return -1;
    }
    if (server_start(a->port)) {
        fprintf(stderr, "evolink-emu: cannot listen on 127.0.0.1:%d\n", a->port);
        return -1;
    }
    if (a->port_file) {
        char line[32];
        int n = snprintf(line, sizeof line, "%d\n", E.port);
        if (write_file_atomic(a->port_file, line, (size_t)n)) {
            fprintf(stderr, "evolink-emu: --port-file: cannot write '%s'\n", a->port_file);
            return -1;
        }
    }
    emu_info("listening on http://127.0.0.1:%d (data in %s)", E.port, E.data_dir);
    return 0;
}

static void stop_services(void)
{
    atomic_store(&E.stopping, 1);
    server_stop();
    callbacks_stop();
    tasks_stop();
    tasks_free();
    emu_lock();
    faults_clear();
    files_free();
    emu_unlock();
}

/* Serves until SIGTERM or SIGINT; 0, or 1 when it could not start. */
static int serve(const struct args *a)
{
    av_log_set_level(AV_LOG_ERROR);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    /* Every thread inherits the blocked signals; main waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int rc = 1, sig = 0;
    if (!start_services(a)) {
        while (sigwait(&set, &sig) != 0)
            ;
        emu_info("signal %d: stopping", sig);
        rc = 0;
    }
    stop_services();
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    struct args a = { 0 };
    int rc;
    config_defaults(&E.cfg);
    if (!parse_args(argc, argv, &a, &rc))
        rc = open_files(&a) ? 1 : serve(&a);
    if (E.log)
        fclose(E.log);
    if (a.own_dir)
        remove_tree(E.data_dir);
    free(E.data_dir);
    free(E.key);
    free(a.key);
    free(a.faults);
    return rc;
}
