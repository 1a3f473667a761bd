/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The submit policy against the emulator (started here, on 127.0.0.1,
 * without idempotent replay): a submit is retried only when it provably
 * created nothing (connection refused, 429); any other failure once the
 * request may have been sent is SEEDANCE_E_UNCERTAIN with one message, is
 * recorded in the journal and refuses a rerun until SEEDANCE_NEW; a process
 * killed while the reply is outstanding leaves the same state. Paid tasks
 * are counted from the emulator's own records. Also: image data uploaded
 * and journalled like a local file of the same bytes, final statuses and
 * result shapes through seedance_wait, each shape's clip read through
 * seedance_open_task and compared with the emulator's file.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api.h"
#include "emu_proc.h"
#include "tap.h"

static emu_proc E;
static char top[] = "/tmp/seedance-submit-XXXXXX";
static char cache_dir[300];
static int n_retry, n_submitted, n_attached;

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static void on_progress(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    n_retry += p->event == SEEDANCE_EV_RETRY;
    n_submitted += p->event == SEEDANCE_EV_SUBMITTED;
    n_attached += p->event == SEEDANCE_EV_ATTACHED;
}

static seedance_client *client_for(const char *base)
{
    seedance_client *c = seedance_client_new();

    seedance_client_set_api_key(c, E.key);
    seedance_client_set_api_base(c, base);
    seedance_client_set_files_base(c, base);
    seedance_client_set_cache_dir(c, cache_dir);
    seedance_client_set_progress(c, on_progress, NULL);
    n_retry = n_submitted = n_attached = 0;
    return c;
}

static seedance_client *client(void)
{
    return client_for(E.url);
}

static seedance_request *request(const char *prompt)
{
    seedance_request *r = seedance_request_new();

    seedance_request_set(r, "prompt", prompt, NULL);
    seedance_request_set(r, "duration", "4", NULL);
    seedance_request_set(r, "quality", "480p", NULL);
    seedance_request_set(r, "generate_audio", "0", NULL);
    return r;
}

/* Lines of the emulator's request log with this method and path (prefix). */
static int log_count(const char *method, const char *path)
{
    FILE *f = fopen(E.log, "r");
    char line[4096], m[64], p[300];
    int n = 0;

    if (!f)
        return 0;
    snprintf(m, sizeof(m), "\"method\":\"%s\"", method);
    snprintf(p, sizeof(p), "\"path\":\"%s", path);
    while (fgets(line, sizeof(line), f))
        n += strstr(line, m) && strstr(line, p);
    fclose(f);
    return n;
}

/*
 * Requests the emulator has received (counted when they arrive, unlike the
 * log, which is written once a reply is sent). The submit tests send no
 * other request, so this counts their POSTs.
 */
static int posts(void)
{
    return (int)emu_stat(&E, "requests");
}

/* Tasks the emulator created: every one of them is paid for. */
static long paid(void)
{
    return emu_stat(&E, "tasks");
}

static int matches(const char *text, const char *re)
{
    regex_t rx;
    int ok;

    if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB))
        return 0;
    ok = regexec(&rx, text, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

/* The one message of an uncertain outcome: when, what, where to look, how to go on. */
static int uncertain_message(const char *msg, const char *what)
{
    int ok = matches(msg, "at 20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] ") &&
             strstr(msg, "may have created a paid task") && strstr(msg, what) &&
             strstr(msg, SEEDANCE_DASHBOARD_URL) && strstr(msg, "new_generation=1") &&
             strstr(msg, "--new") && !strchr(msg, '\n');

    if (!ok)
        printf("# message: %s\n", msg);
    return ok;
}

/* Does the journal hold an entry in this state? (One request per test.) */
static int journal_state_is(seedance_client *c, int state)
{
    static const char *const names[] = { "", "submitting", "submitted", "uncertain" };
    char dir[400], path[700], want[64], *text;
    struct dirent *d;
    DIR *dh;
    int found = 0;

    snprintf(dir, sizeof(dir), "%s/journal", seedance_client_cache_dir(c));
    snprintf(want, sizeof(want), "\"state\":\t\"%s\"", names[state]);
    if (!(dh = opendir(dir)))
        return 0;
    while (!found && (d = readdir(dh))) {
        if (!strstr(d->d_name, ".json"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
        if (emu_slurp(path, (unsigned char **)&text) > 0)
            found = strstr(text, want) != NULL;
        free(text);
    }
    closedir(dh);
    return found;
}

static void reset(void)
{
    char cmd[400];

    emu_post(&E, "/_emu/reset", NULL);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
    if (system(cmd) != 0)
        printf("# could not empty %s\n", cache_dir);
}

/* ------------------------------------------------------------------ */
/* Retried: nothing was created                                       */

static void test_429_then_success(void)
{
    seedance_client *c;
    seedance_request *r = request("rate limited once");
    char *id = NULL;
    long t0;
    int p0, rc;

    reset();
    c = client();
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":429,\"retry_after\":\"1\","
             "\"path\":\"/v1/videos/generations\"}");
    t0 = paid();
    p0 = posts();
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_OK && id, "429 then success: submitted (rc %d: %s)", rc,
       seedance_last_error(c)->message);
    OK(posts() - p0 == 2 && n_retry == 1, "429: retried once (%d POSTs)", posts() - p0);
    OK(paid() - t0 == 1, "429: one paid task (%ld)", paid() - t0);
    free(id);
    seedance_request_free(r);
    seedance_client_free(c);
}

/* A port nothing listens on (yet). */
static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t n = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static emu_proc late;
static char late_port[16];
static int late_started;

/* The first retry starts the emulator on the refused port. */
static void start_late(void *opaque, const seedance_progress *p)
{
    char keyfile[300];
    const char *extra[] = { "--port", late_port, "--key-file", keyfile, "--no-idempotency",
                            NULL };

    snprintf(keyfile, sizeof(keyfile), "%s/key", E.dir);   /* the key of E, which c uses */

    on_progress(opaque, p);
    if (p->event == SEEDANCE_EV_RETRY && !late_started++)
        if (emu_start(&late, emu_path_next_to_self("evolink-emu"), 0.3, extra))
            printf("# the late emulator did not start\n");
}

static void test_refused_then_success(void)
{
    seedance_request *r = request("connection refused first");
    seedance_client *c;
    char base[64], *id = NULL;
    int port = free_port(), rc;

    snprintf(late_port, sizeof(late_port), "%d", port);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    c = client_for(base);
    seedance_client_set_progress(c, start_late, NULL);
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(late_started && rc == SEEDANCE_OK && id,
       "connection refused, then the server is up: submitted (rc %d: %s)", rc,
       seedance_last_error(c)->message);
    if (late.pid > 0) {
        long tasks = emu_stat(&late, "tasks");
        OK(tasks == 1, "connection refused first: one paid task (%ld)", tasks);
        emu_stop(&late);
    } else {
        OK(0, "connection refused first: the late emulator ran");
    }
    free(id);
    seedance_request_free(r);
    seedance_client_free(c);
}

static void test_refusal_is_final(void)
{
    seedance_request *r = request("refused for good");
    seedance_client *c;
    char *id = NULL;
    int p0, rc;

    reset();
    c = client();
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":402,"
             "\"path\":\"/v1/videos/generations\"}");
    p0 = posts();
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_E_QUOTA && !id && posts() - p0 == 1,
       "402: refused at once, not retried (rc %d, %d POSTs)", rc, posts() - p0);
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_OK && id && posts() - p0 == 2,
       "a refused submit created nothing: the rerun submits (rc %d)", rc);
    free(id);
    seedance_request_free(r);
    seedance_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Uncertain outcomes: never repeated                                 */

/*
 * One uncertain outcome caused by fault: one POST and `created` paid
 * tasks, the message names what, the rerun sends nothing, SEEDANCE_NEW
 * submits once.
 */
static void uncertain_case(const char *name, const char *fault, const char *what, long created)
{
    seedance_request *r = request(name);
    seedance_client *c;
    char *id = NULL;
    long t0;
    int p0, r0, rc;

    reset();
    c = client();
    emu_post(&E, "/_emu/faults", fault);
    t0 = paid();
    p0 = posts();
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_E_UNCERTAIN && !id && posts() - p0 == 1 && n_retry == 0,
       "%s: SEEDANCE_E_UNCERTAIN after one POST, no retry (rc %d, %d POSTs)", name, rc,
       posts() - p0);
    OK(uncertain_message(seedance_last_error(c)->message, what),
       "%s: the message says when, '%s', where to look and how to go on", name, what);
    OK(paid() - t0 == created, "%s: %ld paid task(s) (%ld)", name, created, paid() - t0);
    OK(journal_state_is(c, SD_JOURNAL_UNCERTAIN), "%s: the journal records it", name);

    r0 = (int)emu_stat(&E, "requests");
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_E_UNCERTAIN && !id && emu_stat(&E, "requests") == r0 &&
       uncertain_message(seedance_last_error(c)->message, what),
       "%s: the same request again sends nothing and says the same (rc %d)", name, rc);
    rc = seedance_submit(c, r, SEEDANCE_NEW, &id, NULL);
    OK(rc == SEEDANCE_OK && id && posts() - p0 == 2 && paid() - t0 == created + 1,
       "%s: SEEDANCE_NEW submits once more (rc %d)", name, rc);
    free(id);
    id = NULL;
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_OK && id && n_attached == 1 && posts() - p0 == 2,
       "%s: then the request is known again: reused, nothing sent", name);
    free(id);
    seedance_request_free(r);
    seedance_client_free(c);
}

static void test_uncertain_outcomes(void)
{
    uncertain_case("lost reply", "{\"type\":\"lost_reply\","
                   "\"path\":\"/v1/videos/generations\"}",
                   "the connection closed before the reply", 1);
    uncertain_case("HTTP 502 after the task was created", "{\"type\":\"status\",\"status\":502,"
                   "\"after_create\":true,\"path\":\"/v1/videos/generations\"}", "HTTP 502", 1);
    uncertain_case("HTTP 503 with Retry-After after the task was created",
                   "{\"type\":\"status\",\"status\":503,\"retry_after\":\"1\","
                   "\"after_create\":true,\"path\":\"/v1/videos/generations\"}", "HTTP 503", 1);
    uncertain_case("HTTP 502 from a gateway", "{\"type\":\"status\",\"status\":502,"
                   "\"path\":\"/v1/videos/generations\"}", "HTTP 502", 0);
    uncertain_case("reply not JSON", "{\"type\":\"malformed\","
                   "\"path\":\"/v1/videos/generations\"}", "not JSON", 1);
}

/* The process is killed while the emulator holds the reply. */
static void test_crash_mid_submit(void)
{
    seedance_request *r = request("killed mid-submit");
    seedance_client *c;
    char *id = NULL;
    long r0, q0;
    pid_t pid;
    int rc, st, i, p0, posts_after = 0;

    reset();
    p0 = log_count("POST", "/v1/videos/generations");
    emu_post(&E, "/_emu/faults", "{\"type\":\"delay\",\"ms\":20000,\"after_create\":true,"
             "\"path\":\"/v1/videos/generations\"}");
    r0 = paid();
    fflush(NULL);
    if ((pid = fork()) == 0) {
        c = client();
        _exit(seedance_submit(c, r, 0, &id, NULL) == SEEDANCE_OK ? 0 : 1);
    }
    for (i = 0; i < 600 && paid() == r0; i++)   /* at most 60 s */
        emu_sleep_ms(100);
    OK(i < 600, "the submit created its paid task; the server holds the reply");
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    OK(WIFSIGNALED(st), "the submitting process was killed before the reply");
    c = client();
    OK(journal_state_is(c, SD_JOURNAL_SUBMITTING), "its journal entry says 'submitting'");
    q0 = emu_stat(&E, "requests");
    rc = seedance_submit(c, r, 0, &id, NULL);
    OK(rc == SEEDANCE_E_UNCERTAIN && !id && emu_stat(&E, "requests") == q0 &&
       uncertain_message(seedance_last_error(c)->message, "stopped before the reply"),
       "the rerun does not submit: uncertain (rc %d)", rc);
    /* the emulator answers the dead process in the end: let it, before going on */
    for (i = 0; i < 600 && !posts_after; i++) {
        posts_after = log_count("POST", "/v1/videos/generations") > p0;
        emu_sleep_ms(100);
    }
    OK(paid() == r0 + 1, "one paid task in all");
    seedance_request_free(r);
    seedance_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Image data: uploaded and journalled like a file of the same bytes  */

/* request.image_urls[0] of a task, allocated. */
static char *first_image_url(const char *id)
{
    char path[256], *body = NULL, *v = NULL;
    cJSON *j;

    snprintf(path, sizeof(path), "/_emu/tasks/%s", id);
    if (emu_request(&E, "GET", path, NULL, 0, &body) == 200 && (j = cJSON_Parse(body))) {
        cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j, "request"), "image_urls"), 0);
        if (cJSON_IsString(u))
            v = strdup(u->valuestring);
        cJSON_Delete(j);
    }
    free(body);
    return v;
}

static void test_image_data(void)
{
    char png[400], cmd[800], *id = NULL, *id2 = NULL, *url;
    seedance_request *r = request("from bytes"), *r2 = request("from bytes");
    seedance_client *c;
    unsigned char *bytes;
    long n, up0;
    int rc, p0;

    reset();
    snprintf(png, sizeof(png), "%s/first.png", top);
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -y -f lavfi -i testsrc2=size=640x480 "
             "-frames:v 1 '%s' </dev/null", png);
    if (system(cmd) != 0 || (n = emu_slurp(png, &bytes)) <= 0) {
        OK(0, "ffmpeg made a test image");
        goto done;
    }
    c = client();
    up0 = emu_stat(&E, "uploads");
    p0 = (int)emu_stat(&E, "submits");
    seedance_request_set_image_data(r, "image", bytes, (size_t)n, "image/png", NULL);
    rc = seedance_submit(c, r, 0, &id, NULL);
    url = id ? first_image_url(id) : NULL;
    OK(rc == SEEDANCE_OK && emu_stat(&E, "uploads") - up0 == 1 && url &&
       !strncmp(url, E.url, strlen(E.url)),
       "image data in upload mode: uploaded, its file URL sent (%s)", url ? url : "-");
    free(url);
    seedance_request_set(r2, "image", png, NULL);
    rc = seedance_submit(c, r2, 0, &id2, NULL);
    OK(rc == SEEDANCE_OK && id2 && id && !strcmp(id, id2) && n_attached == 1 &&
       emu_stat(&E, "submits") - p0 == 1 && emu_stat(&E, "uploads") - up0 == 1,
       "a local file of the same bytes is the same journal entry: nothing sent, nothing paid");
    free(id2);
    id2 = NULL;
    seedance_request_set_image_data(r2, "image", bytes, (size_t)n, "image/jpeg", NULL);
    rc = seedance_submit(c, r2, 0, &id2, NULL);
    OK(rc == SEEDANCE_OK && id2 && !strcmp(id, id2) && emu_stat(&E, "submits") - p0 == 1,
       "the same bytes under another type: the same entry");
    free(id2);
    id2 = NULL;
    seedance_request_set(r2, "prompt", "from bytes, inline", NULL);
    seedance_request_set(r2, "image_mode", "inline", NULL);
    rc = seedance_submit(c, r2, 0, &id2, NULL);
    url = id2 ? first_image_url(id2) : NULL;
    OK(rc == SEEDANCE_OK && url && !strncmp(url, "data:image/png;base64,", 22) &&
       emu_stat(&E, "uploads") - up0 == 1, "image data in inline mode: a data: URI, no upload");
    free(url);
    free(id2);
    free(id);
    free(bytes);
    seedance_client_free(c);
done:
    seedance_request_free(r);
    seedance_request_free(r2);
}

/* ------------------------------------------------------------------ */
/* Retry-After can never ask for an endless sleep                     */

static double retry_next;
static volatile int stop_now;

static void note_retry(void *opaque, const seedance_progress *p)
{
    (void)opaque;
    if (p->event == SEEDANCE_EV_RETRY) {
        retry_next = p->next_poll;
        stop_now = 1;       /* seen: no need to sleep it */
    }
}

static int stop_when_told(void *opaque)
{
    (void)opaque;
    return stop_now;
}

static void test_retry_after_clamped(void)
{
    static const char *const values[] = { "1e999", "99999999999999999999",
                                          "Fri, 01 Jan 2100 00:00:00 GMT" };
    char fault[200], *json = NULL;
    seedance_client *c;
    seedance_task *t = NULL;
    char *id;
    int rc, q0;

    reset();
    for (int i = 0; i < 3; i++) {
        c = client();
        seedance_client_set_progress(c, note_retry, NULL);
        seedance_client_set_interrupt(c, stop_when_told, NULL);
        retry_next = -1;
        stop_now = 0;
        snprintf(fault, sizeof(fault), "{\"type\":\"status\",\"status\":429,"
                 "\"retry_after\":\"%s\",\"path\":\"/v1/credits\"}", values[i]);
        emu_post(&E, "/_emu/faults", fault);
        rc = seedance_credits(c, &json);
        OK(rc == SEEDANCE_E_INTERRUPTED && retry_next == 60.0,
           "Retry-After: %s without a deadline: at most 60 s (%.0f)", values[i], retry_next);
        free(json);
        json = NULL;
        seedance_client_free(c);
    }
    /* within a wait: never past its deadline, so no retry at all */
    c = client();
    id = emu_submit(&E, "retry after a century", 4, "480p");
    seedance_client_set_timeout(c, 5);
    seedance_client_set_interrupt(c, stop_when_told, NULL);
    stop_now = 0;
    emu_post(&E, "/_emu/faults", "{\"type\":\"status\",\"status\":429,\"count\":-1,"
             "\"retry_after\":\"1e999\",\"path\":\"/v1/tasks/\"}");
    q0 = posts();
    rc = id ? seedance_wait(c, id, &t) : -1;
    OK(rc == SEEDANCE_E_RATE_LIMIT && posts() - q0 == 1,
       "Retry-After: 1e999 in a wait of 5 s: one query, then the 429 is reported (rc %d)", rc);
    emu_post(&E, "/_emu/reset", NULL);
    seedance_task_free(t);
    free(id);
    seedance_client_free(c);
}

/* Public functions are total: NULL pointers, empty strings. */
static void test_total(void)
{
    seedance_request *r = request("total");
    seedance_client *c = client();
    char *id = (char *)"untouched", *json = (char *)"untouched";
    int attached = 7;

    OK(seedance_submit(NULL, r, 0, &id, &attached) == SEEDANCE_E_INVALID && !id && !attached,
       "submit without a client: refused, outputs cleared");
    OK(seedance_submit(c, NULL, 0, &id, NULL) == SEEDANCE_E_INVALID && !id,
       "submit without a request: refused");
    OK(seedance_submit(c, r, 0, NULL, NULL) == SEEDANCE_E_INVALID &&
       strstr(seedance_last_error(c)->message, "task_id"), "submit without task_id: refused");
    OK(seedance_credits(NULL, &json) == SEEDANCE_E_INVALID && !json &&
       seedance_credits(c, NULL) == SEEDANCE_E_INVALID, "credits: NULL client or output");
    OK(seedance_last_error(NULL) && seedance_last_error(NULL)->code == SEEDANCE_E_INVALID,
       "the last error of no client");
    OK(seedance_client_set_api_key(NULL, "k") == SEEDANCE_E_INVALID &&
       seedance_client_set_api_key_file(NULL, "f") == SEEDANCE_E_INVALID &&
       seedance_client_set_api_base(NULL, "https://x") == SEEDANCE_E_INVALID &&
       seedance_client_set_files_base(NULL, "https://x") == SEEDANCE_E_INVALID &&
       seedance_client_set_cache_dir(NULL, "/tmp") == SEEDANCE_E_INVALID &&
       !seedance_client_api_base(NULL) && !seedance_client_cache_dir(NULL),
       "client setters and getters: NULL client");
    seedance_client_set_cache(NULL, 1);
    seedance_client_set_timeout(NULL, 1);
    seedance_client_set_interrupt(NULL, NULL, NULL);
    seedance_client_set_progress(NULL, NULL, NULL);
    seedance_client_set_log(NULL, NULL, NULL);
    seedance_client_free(NULL);
    seedance_client_set_timeout(c, 0.0 / 0.0);
    OK(c->timeout == 3600, "a NaN timeout is the default");
    seedance_client_set_timeout(c, 1.0 / 0.0);
    OK(c->timeout == 7 * 86400.0, "an infinite timeout is the longest (7 days)");
    seedance_client_set_timeout(c, -1);
    OK(c->timeout == 3600, "a negative timeout is the default");
    seedance_request_free(r);
    seedance_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Final statuses and result shapes through the wait                  */

/* A safety bound for a wait that should end at once: never reached when it does. */
static int too_long(void *opaque)
{
    return sd_now() > *(double *)opaque;
}

/* Submit through the library (the id field may be task_id) and wait. */
static int submit_and_wait(seedance_client *c, const char *prompt, char **id, seedance_task **t)
{
    seedance_request *r = request(prompt);
    double limit = sd_now() + 300;
    int rc;

    *t = NULL;
    seedance_client_set_interrupt(c, too_long, &limit);
    if (!(rc = seedance_submit(c, r, SEEDANCE_NEW, id, NULL)))
        rc = seedance_wait(c, *id, t);
    seedance_request_free(r);
    return rc;
}

static void test_final_statuses(void)
{
    static const struct { const char *fault; int rc; const char *words; } cases[] = {
        { "{\"type\":\"task\",\"outcome\":\"fail\",\"error_code\":\"content_policy_violation\","
          "\"error_message\":\"Blocked.\"}", SEEDANCE_E_TASK_FAILED,
          "failed: content_policy_violation: Blocked." },
        { "{\"type\":\"task\",\"outcome\":\"fail\",\"error_code\":1301,\"error_message\":\"m\","
          "\"error_shape\":\"integer\",\"final_status\":\" FAILED \"}", SEEDANCE_E_TASK_FAILED,
          "failed: 1301: m" },
        { "{\"type\":\"task\",\"outcome\":\"fail\",\"error_message\":\"Generation failed upstream\","
          "\"error_shape\":\"string\"}", SEEDANCE_E_TASK_FAILED,
          "failed: unknown_error: Generation failed upstream" },
        { "{\"type\":\"task\",\"outcome\":\"cancel\"}", SEEDANCE_E_TASK_CANCELLED, "was cancelled" },
        { "{\"type\":\"task\",\"outcome\":\"cancel\",\"final_status\":\"canceled\"}",
          SEEDANCE_E_TASK_CANCELLED, "was cancelled" },
        { "{\"type\":\"task\",\"outcome\":\"fail\",\"error_message\":\"too slow\","
          "\"final_status\":\"Expired\"}", SEEDANCE_E_TASK_EXPIRED,
          "expired before it produced a clip: too slow" },
        { "{\"type\":\"task\",\"success_status\":\" Succeeded \"}", SEEDANCE_OK, "" },
        { "{\"type\":\"task\",\"success_status\":\"SUCCESS\",\"running_status\":\"thinking\"}",
          SEEDANCE_OK, "" },
        { "{\"type\":\"task\",\"running_status\":\"\"}", SEEDANCE_OK, "" },
        { "{\"type\":\"task\",\"id_field\":\"task_id\"}", SEEDANCE_OK, "" },
    };

    reset();
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        seedance_client *c = client();
        seedance_task *t = NULL;
        char *id = NULL;
        int rc;

        emu_post(&E, "/_emu/faults", cases[i].fault);
        rc = submit_and_wait(c, "final status", &id, &t);
        OK(rc == cases[i].rc && strstr(seedance_last_error(c)->message, cases[i].words) &&
           (rc == 0 || strstr(seedance_last_error(c)->message, id)),
           "%s: code %d, '%s' (%s)", cases[i].fault, cases[i].rc, cases[i].words,
           seedance_last_error(c)->message);
        seedance_task_free(t);
        free(id);
        seedance_client_free(c);
    }
}

/*
 * Open the finished task through the library and read the whole clip: 1
 * when its bytes are those of the emulator's file for the task.
 */
static int clip_is_servers(seedance_client *c, const char *id)
{
    char *file = emu_task_field(&E, id, "file");
    unsigned char *want = NULL, buf[32768];
    seedance_stream *s = NULL;
    long size = file ? emu_slurp(file, &want) : -1;
    double limit = sd_now() + 300;
    int64_t n, total = 0;
    int same = size > 0;

    seedance_client_set_interrupt(c, too_long, &limit);
    if (same && seedance_open_task(c, id, &s) == SEEDANCE_OK) {
        while ((n = seedance_stream_read(s, buf, sizeof(buf))) > 0) {
            if (total + n > size || memcmp(buf, want + total, (size_t)n))
                same = 0;
            total += n;
        }
        same = same && n == 0 && total == size;
        seedance_stream_close(s);
    } else {
        same = 0;
    }
    seedance_client_set_interrupt(c, NULL, NULL);
    if (!same)
        printf("# task %s: %lld of %ld bytes read (%s)\n", id, (long long)total, size,
               seedance_last_error(c)->message);
    free(want);
    free(file);
    return same;
}

static void test_result_shapes(void)
{
    static const char *const variants[] = { "string", "object", "result_data", "output",
                                            "content", "data", "video_url", "url" };

    reset();
    for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
        seedance_client *c = client();
        seedance_task *t = NULL;
        char fault[128], *id = NULL, want[300];
        int rc;

        snprintf(fault, sizeof(fault), "{\"type\":\"task\",\"result_variant\":\"%s\"}",
                 variants[i]);
        emu_post(&E, "/_emu/faults", fault);
        rc = submit_and_wait(c, "result shape", &id, &t);
        snprintf(want, sizeof(want), "%s/results/%s.mp4", E.url, id ? id : "-");
        OK(rc == 0 && seedance_task_result_url(t) && !strcmp(seedance_task_result_url(t), want),
           "result shape %s: the URL of the task (%s)", variants[i],
           t && seedance_task_result_url(t) ? seedance_task_result_url(t) : "-");
        OK(rc == 0 && clip_is_servers(c, id),
           "result shape %s: opened through the library, the clip is the server's file",
           variants[i]);
        seedance_task_free(t);
        free(id);
        seedance_client_free(c);
    }
}

int main(void)
{
    char cmd[400];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* as the real service: an Idempotency-Key replays nothing */
    static const char *const extra[] = { "--no-idempotency", NULL };

    if (!mkdtemp(top) || emu_start(&E, emu_path_next_to_self("evolink-emu"), 0.3, extra)) {
        printf("not ok 1 - the emulator starts\n1..1\n");
        return 1;
    }
    snprintf(cache_dir, sizeof(cache_dir), "%s/cache", top);
    test_429_then_success();
    test_refused_then_success();
    test_refusal_is_final();
    test_uncertain_outcomes();
    test_image_data();
    test_final_statuses();
    test_result_shapes();
    test_retry_after_clamped();
    test_total();
    test_crash_mid_submit();
    emu_stop(&E);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return done_testing();
}
