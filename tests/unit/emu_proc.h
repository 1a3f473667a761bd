/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Start, script and stop the Evolink emulator from a C test or benchmark.
 *
 *   emu_proc e;
 *   emu_start(&e, emu_path_next_to_self("evolink-emu"), 0.3, NULL);
 *   emu_post(&e, "/_emu/faults", "{\"type\":\"drop\",\"after_bytes\":100000}");
 *   long n = emu_stat(&e, "requests");
 *   emu_stop(&e);
 *
 * The emulator listens on 127.0.0.1 on a free port (--port 0 --port-file),
 * reads its key from a file in a private temporary directory and logs
 * requests there (e.log). Nothing here sends the key in an argument list.
 * Header-only: every function is static.
 */
#ifndef SEEDANCE_EMU_PROC_H
#define SEEDANCE_EMU_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

typedef struct emu_proc {
    pid_t pid;
    int port;
    char dir[256];      /* private scratch directory (removed by emu_stop) */
    char url[64];       /* http://127.0.0.1:PORT */
    char key[64];
    char log[300];      /* request log, one JSON line per API request */
} emu_proc;

static inline void emu_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* "<directory of this program>/<name>", static storage. */
static inline const char *emu_path_next_to_self(const char *rel)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    char *slash;

    if (n <= 0)
        return rel;
    path[n] = '\0';
    slash = strrchr(path, '/');
    snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s", rel);
    return path;
}

/*
 * Start the emulator: gen_time seconds per task, extra (NULL-terminated,
 * may be NULL) more options. 0 or -1.
 */
static inline int emu_start(emu_proc *e, const char *bin, double gen_time, const char *const *extra)
{
    const char *tmp = getenv("TMPDIR");
    char keyfile[300], portfile[300], data[300], gt[32];
    const char *argv[40];
    int argc = 0;
    FILE *f;

    memset(e, 0, sizeof(*e));
    snprintf(e->dir, sizeof(e->dir), "%s/seedance-emu.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(e->dir))
        return -1;
    snprintf(e->key, sizeof(e->key), "sk-emu-%ld-%ld", (long)getpid(), (long)time(NULL));
    snprintf(keyfile, sizeof(keyfile), "%s/key", e->dir);
    snprintf(portfile, sizeof(portfile), "%s/port", e->dir);
    snprintf(data, sizeof(data), "%s/data", e->dir);
    snprintf(e->log, sizeof(e->log), "%s/requests.jsonl", e->dir);
    snprintf(gt, sizeof(gt), "%g", gen_time);
    if (!(f = fopen(keyfile, "w")))
        return -1;
    fprintf(f, "%s\n", e->key);
    fclose(f);
    mkdir(data, 0700);

    argv[argc++] = bin;
    argv[argc++] = "--port";      argv[argc++] = "0";
    argv[argc++] = "--port-file"; argv[argc++] = portfile;
    argv[argc++] = "--key-file";  argv[argc++] = keyfile;
    argv[argc++] = "--data-dir";  argv[argc++] = data;
    argv[argc++] = "--log";       argv[argc++] = e->log;
    argv[argc++] = "--gen-time";  argv[argc++] = gt;
    argv[argc++] = "--quiet";
    for (int i = 0; extra && extra[i] && argc < 39; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;

    fflush(NULL);
    if ((e->pid = fork()) < 0)
        return -1;
    if (e->pid == 0) {
        execv(bin, (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {          /* at most 20 s */
        int st;
        if ((f = fopen(portfile, "r"))) {
            int ok = fscanf(f, "%d", &e->port) == 1 && e->port > 0;
            fclose(f);
            if (ok) {
                snprintf(e->url, sizeof(e->url), "http://127.0.0.1:%d", e->port);
                return 0;
            }
        }
        if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
            e->pid = 0;
            return -1;
        }
        emu_sleep_ms(100);
    }
    return -1;
}

static inline void emu_stop(emu_proc *e)
{
    char cmd[400];

    if (e->pid > 0) {
        int st, i;
        kill(e->pid, SIGTERM);
        for (i = 0; i < 50 && waitpid(e->pid, &st, WNOHANG) != e->pid; i++)
            emu_sleep_ms(100);
        if (i == 50) {
            kill(e->pid, SIGKILL);
            waitpid(e->pid, &st, 0);
        }
        e->pid = 0;
    }
    if (e->dir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", e->dir);
        e->dir[0] = '\0';
    }
}

typedef struct emu_buf {
    char *data;
    size_t len;
} emu_buf;

static inline size_t emu_buf_write(char *p, size_t size, size_t n, void *opaque)
{
    emu_buf *b = opaque;
    char *d = realloc(b->data, b->len + size * n + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, size * n);
    b->len += size * n;
    d[b->len] = '\0';
    b->data = d;
    return size * n;
}

/*
 * One request to the emulator. auth: send the API key. Returns the HTTP
 * status (0 on a transport error); *out (may be NULL) gets the body, free().
 */
static inline long emu_request(emu_proc *e, const char *method, const char *path, const char *body,
                        int auth, char **out)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    emu_buf b = { NULL, 0 };
    char url[512], authz[128];
    long status = 0;

    if (!h)
        return 0;
    snprintf(url, sizeof(url), "%s%s", e->url, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, emu_buf_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    if (body) {
        hd = curl_slist_append(hd, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    if (auth) {
        snprintf(authz, sizeof(authz), "Authorization: Bearer %s", e->key);
        hd = curl_slist_append(hd, authz);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(hd);
    if (out)
        *out = b.data;
    else
        free(b.data);
    return status;
}

static inline long emu_post(emu_proc *e, const char *path, const char *json)
{
    return emu_request(e, "POST", path, json ? json : "{}", 0, NULL);
}

/* A number from GET /_emu/stats (requests, submits, downloads ...), -1 on error. */
static inline long emu_stat(emu_proc *e, const char *name)
{
    char *body = NULL;
    long v = -1;
    cJSON *j, *x;

    if (emu_request(e, "GET", "/_emu/stats", NULL, 0, &body) == 200 && (j = cJSON_Parse(body))) {
        if (cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(j, name)))
            v = (long)x->valuedouble;
        cJSON_Delete(j);
    }
    free(body);
    return v;
}

/* A string field of GET /_emu/tasks/ID ("file", "status"...), allocated, or NULL. */
static inline char *emu_task_field(emu_proc *e, const char *id, const char *field)
{
    char path[256], *body = NULL, *v = NULL;
    cJSON *j, *x;

    snprintf(path, sizeof(path), "/_emu/tasks/%s", id);
    if (emu_request(e, "GET", path, NULL, 0, &body) == 200 && (j = cJSON_Parse(body))) {
        if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(j, field)))
            v = strdup(x->valuestring);
        cJSON_Delete(j);
    }
    free(body);
    return v;
}

/*
 * Submit a text-to-video task straight to the API (no library involved)
 * and return its id (allocated) or NULL.
 */
static inline char *emu_submit(emu_proc *e, const char *prompt, int duration, const char *quality)
{
    char body[1024], *reply = NULL, *id = NULL;
    cJSON *j, *x;

    snprintf(body, sizeof(body),
             "{\"model\":\"seedance-2.0-fast-text-to-video\",\"prompt\":\"%s\","
             "\"duration\":%d,\"quality\":\"%s\"}", prompt, duration, quality);
    if (emu_request(e, "POST", "/v1/videos/generations", body, 1, &reply) == 200 &&
        (j = cJSON_Parse(reply))) {
        if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(j, "id")))
            id = strdup(x->valuestring);
        cJSON_Delete(j);
    }
    free(reply);
    return id;
}

/*
 * Wait (at most timeout seconds) until the task completed; returns its
 * result URL (results[0]) allocated, or NULL.
 */
static inline char *emu_wait_result(emu_proc *e, const char *id, double timeout)
{
    char path[256];

    snprintf(path, sizeof(path), "/v1/tasks/%s", id);
    for (int i = 0; i < (int)(timeout * 10); i++) {
        char *reply = NULL, *url = NULL;
        cJSON *j, *x, *r;
        int done = 0;

        if (emu_request(e, "GET", path, NULL, 1, &reply) == 200 && (j = cJSON_Parse(reply))) {
            x = cJSON_GetObjectItemCaseSensitive(j, "status");
            if (cJSON_IsString(x) && strcmp(x->valuestring, "completed") == 0) {
                r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "results"), 0);
                if (cJSON_IsString(r))
                    url = strdup(r->valuestring);
                else if (cJSON_IsObject(r) &&
                         cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(r, "url")))
                    url = strdup(x->valuestring);
                done = 1;
            } else if (cJSON_IsString(x) && (!strcmp(x->valuestring, "failed") ||
                                             !strcmp(x->valuestring, "cancelled"))) {
                done = 1;
            }
            cJSON_Delete(j);
        }
        free(reply);
        if (done)
            return url;
        emu_sleep_ms(100);
    }
    return NULL;
}

/* Read a whole file (allocated) into *data; its size, or -1. */
static inline long emu_slurp(const char *path, unsigned char **data)
{
    FILE *f = fopen(path, "rb");
    long n = -1;

    *data = NULL;
    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (*data = malloc((size_t)n + 1)) && fread(*data, 1, (size_t)n, f) != (size_t)n) {
        free(*data);
        *data = NULL;
        n = -1;
    }
    fclose(f);
    return n;
}

#endif
