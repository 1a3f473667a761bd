/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seedance: generate Seedance 2.0 videos from the command line.
 *
 *   seedance generate [options] [PROMPT] -o out.mp4
 *   seedance submit [options] [PROMPT]
 *   seedance status ID | wait ID | download ID -o FILE | credits
 *
 * The API key comes from SEEDANCE_API_KEY / EVOLINK_API_KEY or from
 * --api-key-file, never from the command line (other users could read it
 * in the process list).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    cli_interrupted = 1;
    signal(SIGINT, SIG_DFL);   /* a second Ctrl-C ends the process at once */
}

static int interrupt_cb(void *opaque)
{
    (void)opaque;
    return cli_interrupted;
}

static const char usage_text[] =
    "usage: seedance COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  generate [options] [PROMPT] -o FILE  submit, wait and download the video\n"
    "  submit [options] [PROMPT]             submit and print the task id\n"
    "  status ID                             query a task once\n"
    "  wait ID                               wait for a task, print its result URL\n"
    "  download ID -o FILE                   wait for a task and save its video\n"
    "  credits                               show the account's credits (checks the key)\n"
    "  help [COMMAND]                        this help, or the help of a command\n"
    "\n"
    "Request options (the API's field names; '-' and '_' are the same):\n"
    "  --prompt TEXT           the prompt (or give it as the argument)\n"
    "  --duration SEC          4..15 (default 5)\n"
    "  --quality Q             480p | 720p (default 720p)\n"
    "  --aspect-ratio R        16:9 9:16 1:1 4:3 3:4 21:9 adaptive (default 16:9)\n"
    "  --generate-audio B      true/false (default true)\n"
    "  --content-filter B      true/false (default true)\n"
    "  --web-search B          true/false, text-to-video only (default false)\n"
    "  --callback-url URL      https URL told when the task ends\n"
    "  --model NAME            default: chosen from the inputs\n"
    "  --image IMG             first frame: local file, http(s) URL or data: URI\n"
    "                          (a second --image is the last frame)\n"
    "  --last-image IMG        last frame\n"
    "  --image-mode M          upload (Files API, default) | inline (data: URI)\n"
    "\n"
    "Other options:\n"
    "  -o, --output FILE       where generate/download write the video\n"
    "  --json                  machine-readable output on stdout\n"
    "  --new                   a new generation even if this request was run before\n"
    "  --no-cache              neither journal nor clip cache\n"
    "  --timeout SEC           give up waiting after SEC seconds (default 3600)\n"
    "  --api-base URL          API base (default $SEEDANCE_API_BASE or https://api.evolink.ai)\n"
    "  --files-base URL        Files API base (default $SEEDANCE_FILES_BASE)\n"
    "  --cache-dir DIR         cache directory (default $SEEDANCE_CACHE_DIR,\n"
    "                          $XDG_CACHE_HOME/seedance or ~/.cache/seedance)\n"
    "  --api-key-file FILE     read the API key from FILE (else $SEEDANCE_API_KEY\n"
    "                          or $EVOLINK_API_KEY)\n"
    "  -q, --quiet             no progress output\n"
    "  -v, --verbose           more log lines\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 bad usage or invalid request (nothing sent),\n"
    "130 interrupted (the task goes on; the task id is printed).\n";

static const struct {
    const char *name, *text;
} command_help[] = {
    { "generate", "usage: seedance generate [request options] [PROMPT] -o FILE\n"
                  "Submit the request (once: the same request again reuses its task unless\n"
                  "--new), wait for it, and save the video to FILE.\n" },
    { "submit", "usage: seedance submit [request options] [PROMPT]\n"
                "Submit the request and print its task id (with --json: {\"task_id\",\"attached\"}).\n" },
    { "status", "usage: seedance status ID\nQuery the task once and print status and progress\n"
                "(with --json: the API's reply).\n" },
    { "wait", "usage: seedance wait ID [--timeout SEC]\nWait until the task ends; print the result URL\n"
              "(with --json: the API's final reply).\n" },
    { "download", "usage: seedance download ID -o FILE\nWait for the task if needed and save its video\n"
                  "(from the local cache when it is there).\n" },
    { "credits", "usage: seedance credits\nPrint the account's credits as JSON.\n" },
    { NULL, NULL }
};

enum {
    OPT_FIELD = 0x100,      /* + index into field_opts */
    OPT_JSON = 0x200, OPT_NEW, OPT_NO_CACHE, OPT_TIMEOUT, OPT_API_BASE, OPT_FILES_BASE,
    OPT_CACHE_DIR, OPT_KEY_FILE, OPT_API_KEY
};

/* Command-line names of the request fields (both spellings). */
static const char *const field_opts[] = {
    "prompt", "duration", "quality", "aspect-ratio", "aspect_ratio", "generate-audio",
    "generate_audio", "content-filter", "content_filter", "web-search", "web_search",
    "callback-url", "callback_url", "model", "image", "last-image", "last_image",
    "image-mode", "image_mode", NULL
};

static void die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "seedance: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(seedance --help for the options)\n");
    exit(EXIT_USAGE);
}

static int exit_status(int code)
{
    switch (code) {
    case SEEDANCE_OK: return EXIT_OK;
    case SEEDANCE_E_INVALID: case SEEDANCE_E_CONFIG: case SEEDANCE_E_IMAGE: return EXIT_USAGE;
    case SEEDANCE_E_INTERRUPTED: return EXIT_INTERRUPTED;
    default: return EXIT_FAIL;
    }
}

static void print_json_error(const seedance_error *e)
{
    cJSON *o = cJSON_CreateObject(), *err = cJSON_AddObjectToObject(o, "error");
    char *s;

    cJSON_AddStringToObject(err, "code", seedance_strerror(e->code));
    cJSON_AddNumberToObject(err, "seedance_code", e->code);
    cJSON_AddStringToObject(err, "message", e->message);
    if (e->http_status)
        cJSON_AddNumberToObject(err, "http_status", e->http_status);
    if (*e->api_code)
        cJSON_AddStringToObject(err, "api_code", e->api_code);
    if (*e->task_id)
        cJSON_AddStringToObject(err, "task_id", e->task_id);
    if ((s = cJSON_PrintUnformatted(o))) {
        puts(s);
        free(s);
    }
    cJSON_Delete(o);
}

/* Report a failure (one clear line) and return the exit status. */
static int fail(cli *st, const seedance_error *e)
{
    const char *id = *e->task_id ? e->task_id : st->task_id;

    cli_bar_end(st);
    if (st->json && !st->printed)
        print_json_error(e);
    if (e->code == SEEDANCE_E_INTERRUPTED) {
        if (*id) {
            fprintf(stderr, "seedance: interrupted; task %s goes on on the server. Resume with:\n"
                    "  seedance wait %s\n  seedance download %s -o %s\n", id, id, id,
                    st->output ? st->output : "FILE");
        } else {
            fprintf(stderr, "seedance: interrupted before a task was created\n");
        }
        return EXIT_INTERRUPTED;
    }
    fprintf(stderr, "seedance: %s\n", *e->message ? e->message : seedance_strerror(e->code));
    if (e->code == SEEDANCE_E_TIMEOUT && *id)
        fprintf(stderr, "seedance: resume with: seedance wait %s\n", id);
    return exit_status(e->code);
}

/* The API key from a file: its first line, surrounding blanks removed. */
static int read_key_file(seedance_client *c, const char *path)
{
    char buf[1024];
    size_t n, start = 0;
    struct stat sb;
    FILE *f = fopen(path, "r");

    if (!f) {
        fprintf(stderr, "seedance: --api-key-file: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
        fprintf(stderr, "seedance: warning: %s is readable by other users (chmod 600 it)\n",
                path);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    while (buf[start] == ' ' || buf[start] == '\t')
        start++;
    if (!buf[start]) {
        fprintf(stderr, "seedance: --api-key-file: %s holds no key\n", path);
        return -1;
    }
    seedance_client_set_api_key(c, buf + start);
    memset(buf, 0, sizeof(buf));
    return 0;
}

static void print_task(cli *st, const seedance_task *t)
{
    if (st->json) {
        puts(seedance_task_json(t));
        return;
    }
    printf("%s %s", seedance_task_id(t), seedance_task_status(t));
    if (seedance_task_progress(t) >= 0)
        printf(" %d%%", seedance_task_progress(t));
    if (seedance_task_estimated_time(t) >= 0 && !seedance_task_is_final(t))
        printf(" about %d s left", seedance_task_estimated_time(t));
    if (seedance_task_result_url(t))
        printf(" %s", seedance_task_result_url(t));
    if (seedance_task_error_code(t) || seedance_task_error_message(t))
        printf(" %s: %s", seedance_task_error_code(t) ? seedance_task_error_code(t) : "error",
               seedance_task_error_message(t) ? seedance_task_error_message(t) : "");
    putchar('\n');
}

/* Save a stream to st->output and report it. */
static int save(cli *st, seedance_client *c, seedance_stream *s)
{
    int rc = seedance_stream_save(s, st->output);
    int64_t size = seedance_stream_size(s);

    if (rc) {
        seedance_stream_close(s);
        return fail(st, seedance_last_error(c));
    }
    cli_bar_end(st);
    if (st->json) {
        cJSON *o = cJSON_CreateObject();
        char *txt;
        cJSON_AddStringToObject(o, "task_id", seedance_stream_task_id(s));
        cJSON_AddStringToObject(o, "output", st->output);
        cJSON_AddNumberToObject(o, "size", (double)size);
        if ((txt = cJSON_PrintUnformatted(o)))
            puts(txt);
        free(txt);
        cJSON_Delete(o);
    } else if (!st->quiet) {
        fprintf(stderr, "seedance: saved %s (%lld bytes) from task %s\n", st->output,
                (long long)size, seedance_stream_task_id(s));
    }
    seedance_stream_close(s);
    return EXIT_OK;
}

static int show_help(const char *cmd)
{
    for (int i = 0; cmd && command_help[i].name; i++)
        if (!strcmp(cmd, command_help[i].name)) {
            fputs(command_help[i].text, stdout);
            fputs("\n", stdout);
            break;
        }
    fputs(usage_text, stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    static struct option opts[64];
    cli st;
    seedance_client *c;
    seedance_request *r;
    seedance_error err;
    char prompt[8192] = "";
    const char *positional[64];
    int npos = 0, flags = 0, nimages = 0, rc, o, n = 0, have_prompt = 0;
    const char *api_base = NULL, *files_base = NULL, *cache_dir = NULL, *key_file = NULL;
    int no_cache = 0;
    double timeout = 0;
    struct sigaction sa;

    memset(&st, 0, sizeof(st));
    for (int i = 0; field_opts[i]; i++)
        opts[n++] = (struct option){ field_opts[i], required_argument, NULL, OPT_FIELD + i };
    opts[n++] = (struct option){ "output", required_argument, NULL, 'o' };
    opts[n++] = (struct option){ "json", no_argument, NULL, OPT_JSON };
    opts[n++] = (struct option){ "new", no_argument, NULL, OPT_NEW };
    opts[n++] = (struct option){ "no-cache", no_argument, NULL, OPT_NO_CACHE };
    opts[n++] = (struct option){ "timeout", required_argument, NULL, OPT_TIMEOUT };
    opts[n++] = (struct option){ "api-base", required_argument, NULL, OPT_API_BASE };
    opts[n++] = (struct option){ "files-base", required_argument, NULL, OPT_FILES_BASE };
    opts[n++] = (struct option){ "cache-dir", required_argument, NULL, OPT_CACHE_DIR };
    opts[n++] = (struct option){ "api-key-file", required_argument, NULL, OPT_KEY_FILE };
    opts[n++] = (struct option){ "api-key", required_argument, NULL, OPT_API_KEY };
    opts[n++] = (struct option){ "quiet", no_argument, NULL, 'q' };
    opts[n++] = (struct option){ "verbose", no_argument, NULL, 'v' };
    opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    opts[n] = (struct option){ NULL, 0, NULL, 0 };

    if (argc < 2)
        die_usage("no command given%s", "");
    st.command = argv[1];
    if (!strcmp(st.command, "--help") || !strcmp(st.command, "-h"))
        return show_help(NULL);
    if (!strcmp(st.command, "help"))
        return show_help(argc > 2 ? argv[2] : NULL);
    if (!strcmp(st.command, "--version")) {
        puts("seedance " SEEDANCE_VERSION);
        return EXIT_OK;
    }
    if (strcmp(st.command, "generate") && strcmp(st.command, "submit") &&
        strcmp(st.command, "status") && strcmp(st.command, "wait") &&
        strcmp(st.command, "download") && strcmp(st.command, "credits"))
        die_usage("unknown command '%s': expected generate, submit, status, wait, download, "
                  "credits or help", st.command);

    if (!(r = seedance_request_new()) || !(c = seedance_client_new())) {
        fprintf(stderr, "seedance: out of memory\n");
        return EXIT_FAIL;
    }
    optind = 2;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":o:qvhp:", opts, NULL)) != -1) {
        const char *field = NULL;

        if (o == 'p')
            o = OPT_FIELD;  /* -p PROMPT */
        if (o >= OPT_FIELD && o < OPT_JSON) {
            field = field_opts[o - OPT_FIELD];
            if (!strcmp(field, "image") && nimages++ == 1)
                field = "last_image";
            else if (!strcmp(field, "image") && nimages > 2)
                die_usage("--image: %s: at most two images (first and last frame)", optarg);
            if (!strcmp(field, "prompt"))
                have_prompt = 1;
            if (seedance_request_set(r, field, optarg, &err)) {
                fprintf(stderr, "seedance: %s\n", err.message);
                rc = EXIT_USAGE;
                goto out;
            }
            continue;
        }
        switch (o) {
        case 'o': st.output = optarg; break;
        case 'q': st.quiet = 1; break;
        case 'v': st.verbose = 1; break;
        case 'h':
            rc = show_help(st.command);
            goto out;
        case OPT_JSON: st.json = 1; break;
        case OPT_NEW: flags |= SEEDANCE_NEW; break;
        case OPT_NO_CACHE: no_cache = 1; break;
        case OPT_TIMEOUT: {
            char *end;
            timeout = strtod(optarg, &end);
            if (*end || end == optarg || !(timeout > 0))
                die_usage("--timeout: '%s' is not a positive number of seconds", optarg);
            break;
        }
        case OPT_API_BASE: api_base = optarg; break;
        case OPT_FILES_BASE: files_base = optarg; break;
        case OPT_CACHE_DIR: cache_dir = optarg; break;
        case OPT_KEY_FILE: key_file = optarg; break;
        case OPT_API_KEY:
            die_usage("--api-key is not accepted: a key on the command line is visible to "
                      "other users. Use SEEDANCE_API_KEY or --api-key-file FILE%s", "");
            break;
        case ':':
            die_usage("option '%s' needs a value", argv[optind - 1]);
            break;
        default: {
            /* the name only: a value after '=' may be a mistyped --api-key's key */
            char name[64];
            const char *a = argv[optind - 1];
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(a, "="), a);
            die_usage("unknown option '%s'", name);
        }
        }
    }
    for (int i = optind; i < argc && npos < 64; i++)
        positional[npos++] = argv[i];

    st.tty = isatty(2);
    seedance_client_set_progress(c, cli_progress, &st);
    seedance_client_set_log(c, cli_log, &st);
    seedance_client_set_interrupt(c, interrupt_cb, NULL);
    if (timeout > 0)
        seedance_client_set_timeout(c, timeout);
    if (no_cache)
        seedance_client_set_cache(c, 0);
    if (cache_dir)
        seedance_client_set_cache_dir(c, cache_dir);
    if ((api_base && seedance_client_set_api_base(c, api_base)) ||
        (files_base && seedance_client_set_files_base(c, files_base))) {
        rc = fail(&st, seedance_last_error(c));
        goto out;
    }
    if (key_file && read_key_file(c, key_file)) {
        rc = EXIT_USAGE;
        goto out;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    rc = EXIT_OK;
    if (!strcmp(st.command, "generate") || !strcmp(st.command, "submit")) {
        int gen = !strcmp(st.command, "generate");

        if (npos > 0) {
            if (have_prompt)
                die_usage("the prompt is given twice (--prompt and '%s')", positional[0]);
            for (int i = 0; i < npos; i++) {
                if (strlen(prompt) + strlen(positional[i]) + 2 > sizeof(prompt))
                    die_usage("the prompt is too long for the command line%s; use --prompt", "");
                if (i)
                    strcat(prompt, " ");
                strcat(prompt, positional[i]);
            }
            seedance_request_set(r, "prompt", prompt, NULL);
        }
        if (gen && !st.output)
            die_usage("generate needs -o FILE (where to write the video)%s", "");
        /* checked here for the exit status; warnings come from the submit */
        if (seedance_request_validate(r, NULL, &err)) {
            rc = fail(&st, &err);
        } else if (gen) {
            seedance_stream *s;
            if (seedance_open(c, r, flags, &s))
                rc = fail(&st, seedance_last_error(c));
            else
                rc = save(&st, c, s);
        } else {
            char *id = NULL;
            int attached = 0;
            if (seedance_submit(c, r, flags, &id, &attached)) {
                rc = fail(&st, seedance_last_error(c));
            } else {
                if (st.json)
                    printf("{\"task_id\":\"%s\",\"attached\":%s}\n", id,
                           attached ? "true" : "false");
                else
                    puts(id);
                free(id);
            }
        }
    } else if (!strcmp(st.command, "credits")) {
        char *json = NULL;
        if (npos)
            die_usage("credits takes no argument (got '%s')", positional[0]);
        if (seedance_credits(c, &json))
            rc = fail(&st, seedance_last_error(c));
        else
            puts(json);
        free(json);
    } else {
        const char *id = npos == 1 ? positional[0] : NULL;
        seedance_task *t = NULL;

        if (!id)
            die_usage("%s needs exactly one task id", st.command);
        snprintf(st.task_id, sizeof(st.task_id), "%s", id);
        if (!strcmp(st.command, "status")) {
            if (seedance_get_task(c, id, &t))
                rc = fail(&st, seedance_last_error(c));
            else
                print_task(&st, t);
        } else if (!strcmp(st.command, "wait")) {
            int w = seedance_wait(c, id, &t);
            cli_bar_end(&st);
            if (t && (st.json || w == SEEDANCE_OK)) {
                if (st.json) {
                    puts(seedance_task_json(t));
                    st.printed = 1;
                } else
                    puts(seedance_task_result_url(t));
            }
            if (w)
                rc = fail(&st, seedance_last_error(c));
        } else {
            seedance_stream *s;
            if (!st.output)
                die_usage("download needs -o FILE%s", "");
            if (seedance_open_task(c, id, &s))
                rc = fail(&st, seedance_last_error(c));
            else
                rc = save(&st, c, s);
        }
        seedance_task_free(t);
    }
out:
    fflush(stdout);
    seedance_request_free(r);
    seedance_client_free(c);
    return rc;
}
