/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Callbacks: when a task ends, its callback_url gets a POST of the task
 * object, as documented: 10 s timeout, a 2xx answer is success, otherwise
 * up to 3 retries after 1, 2 and 4 s. One background thread delivers them
 * in order; every POST sent counts in the "callbacks" counter.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

struct cb_job {
    struct cb_job *next;
    char task_id[64];
    char *url;
    char *body;
};

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_cond = PTHREAD_COND_INITIALIZER;
static struct cb_job *head, **tail = &head;
static pthread_t cb_thread;
static int cb_running;

static void job_free(struct cb_job *j)
{
    free(j->url);
    free(j->body);
    free(j);
}

void callback_queue(const char *task_id, const char *url, char *body)
{
    struct cb_job *j = calloc(1, sizeof *j);
    if (!j || !(j->url = xstrdup(url))) {
        free(j);
        free(body);
        return;
    }
    snprintf(j->task_id, sizeof j->task_id, "%s", task_id);
    j->body = body;
    pthread_mutex_lock(&cb_lock);
    *tail = j;
    tail = &j->next;
    pthread_cond_signal(&cb_cond);
    pthread_mutex_unlock(&cb_lock);
}

static size_t discard(char *p, size_t sz, size_t n, void *cls)
{
    (void)p; (void)cls;
    return sz * n;
}

static int abort_on_stop(void *cls, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)cls; (void)a; (void)b; (void)c; (void)d;
    return EMU_STOPPING() ? 1 : 0;
}

/* One POST; returns the HTTP status, or 0 when no answer came. */
static long post_once(const struct cb_job *j)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: evolink-emu callback");
    curl_local_only(c);
    curl_easy_setopt(c, CURLOPT_URL, j->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_on_stop);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

static void deliver(struct cb_job *j)
{
    static const double backoff[] = { 1, 2, 4 };

    if (!url_is_local(j->url)) {
        /* accepted as a real service would, but never sent off this machine */
        emu_lock();
        task *t = task_find(j->task_id);
        if (t)
            t->callback_status = -1;
        emu_unlock();
        emu_info("callback for %s not sent: %s is not on this machine", j->task_id, j->url);
        return;
    }
    for (int attempt = 0; attempt <= 3 && !EMU_STOPPING(); attempt++) {
        if (attempt && emu_sleep(backoff[attempt - 1]))
            return;
        emu_lock();
        E.st.callbacks++;
        emu_unlock();
        long status = post_once(j);
        emu_lock();
        task *t = task_find(j->task_id);
        if (t) {
            t->callback_attempts++;
            t->callback_status = (int)status;
        }
        emu_unlock();
        emu_info("callback for %s: attempt %d, HTTP %ld", j->task_id, attempt + 1, status);
        if (status >= 200 && status <= 299)
            return;
    }
}

static void *cb_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cb_lock);
    for (;;) {
        while (!head && !EMU_STOPPING())
            pthread_cond_wait(&cb_cond, &cb_lock);
        if (EMU_STOPPING())
            break;
        struct cb_job *j = head;
        head = j->next;
        if (!head)
            tail = &head;
        pthread_mutex_unlock(&cb_lock);
        deliver(j);
        job_free(j);
        pthread_mutex_lock(&cb_lock);
    }
    pthread_mutex_unlock(&cb_lock);
    return NULL;
}

int callbacks_start(void)
{
    if (pthread_create(&cb_thread, NULL, cb_main, NULL))
        return -1;
    cb_running = 1;
    return 0;
}

void callbacks_stop(void)
{
    atomic_store(&E.stopping, 1);
    pthread_mutex_lock(&cb_lock);
    pthread_cond_broadcast(&cb_cond);
    pthread_mutex_unlock(&cb_lock);
    if (cb_running)
        pthread_join(cb_thread, NULL);
    cb_running = 0;
    while (head) {
        struct cb_job *j = head;
        head = j->next;
        job_free(j);
    }
    tail = &head;
}
