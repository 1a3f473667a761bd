/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The task store and a task's life. A task's state is a function of time
 * since its submit: (queued,) pending for 15% of the generation time, then
 * processing with rising progress, then final once the generation time has
 * passed and its MP4 is rendered (completed = max(generation time, actual
 * render time)). A ticker thread makes tasks final on time, so that
 * callbacks fire without anyone polling; render workers write the MP4s.
 */
#include "emu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/frame.h>

#define RENDER_WORKERS 2

static pthread_t ticker, workers[RENDER_WORKERS];
static int nworkers, ticker_running;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static task **queue;                 /* render queue (FIFO) */
static size_t qlen, qcap;

const char *status_name(int st)
{
    switch (st) {
    case ST_QUEUED: return "queued";
    case ST_PENDING: return "pending";
    case ST_PROCESSING: return "processing";
    case ST_COMPLETED: return "completed";
    case ST_FAILED: return "failed";
    case ST_CANCELLED: return "cancelled";
    }
    return "unknown";
}

void result_url(const task *t, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%d/results/%s.mp4", E.port, t->id);
}

task *task_find(const char *id)
{
    for (task *t = E.tasks; t; t = t->next)
        if (!strcmp(t->id, id))
            return t;
    return NULL;
}

task *task_find_idem(const char *key)
{
    for (task *t = E.tasks; t; t = t->next)
        if (t->idem_key && !strcmp(t->idem_key, key))
            return t;
    return NULL;
}

int task_link_expired(task *t, double now)
{
    return t->final_status == ST_COMPLETED &&
           (t->expired || now >= t->completed_at + E.cfg.link_ttl);
}

/* Progress through the processing phase (frac 0..1) as configured. */
static int live_progress(double frac)
{
    switch (E.cfg.progress) {
    case PROGRESS_STUCK:
        return 0;
    case PROGRESS_STEPS:
        return frac < 1.0 / 3 ? 10 : frac < 2.0 / 3 ? 40 : 70;
    default: {
        int p = 5 + (int)(94.0 * frac);
        return p < 1 ? 1 : p > 99 ? 99 : p;
    }
    }
}

/* The state of a task that is not final yet; eta = the seconds left
 * (truthful), times the configured estimate_factor. */
static void live_state(const task *t, double now, int *st, int *progress, int *eta)
{
    double g = t->gen_time, e = now - t->t0;
    double qend = t->fx.queued ? 0.15 * g : 0, pend = qend + 0.15 * g;
    if (e < qend) {
        *st = ST_QUEUED;
        *progress = 0;
    } else if (e < pend) {
        *st = ST_PENDING;
        *progress = 0;
    } else {
        *st = ST_PROCESSING;
        double span = g - pend, frac = span > 0 ? (e - pend) / span : 1;
        *progress = live_progress(frac < 0 ? 0 : frac > 1 ? 1 : frac);
    }
    double left = ceil((g - e) * E.cfg.estimate_factor);
    *eta = left < 1 ? 1 : (int)left;
}

static void finalize(task *t, int st, int progress, double when)
{
    t->final_status = st;
    t->final_progress = progress;
    t->completed_at = when;
    if (st == ST_COMPLETED && t->fx.expired)
        t->expired = 1;
    if (st != ST_COMPLETED && E.cfg.credits >= 0)
        E.cfg.credits += t->credits;            /* failed tasks are not billed */
    if (t->callback_url) {
        cJSON *o = task_json(t, when, 0);
        char *s = o ? cJSON_PrintUnformatted(o) : NULL;
        cJSON_Delete(o);
        if (s) {
            char *body = xstrdup(s);
            cJSON_free(s);
            if (body)
                callback_queue(t->id, t->callback_url, body);
        }
    }
}

void task_update(task *t, double now)
{
    if (t->final_status)
        return;
    /* a reference that broke a rule: failed once pending is over */
    double refs_end = t->t0 + (t->fx.queued ? 0.3 : 0.15) * t->gen_time;
    if (t->ref_failed && t->fx.outcome == OUTCOME_OK && now >= refs_end) {
        snprintf(t->fx.error_code, sizeof t->fx.error_code, "invalid_parameters");
        snprintf(t->fx.error_message, sizeof t->fx.error_message, "%s", t->ref_message);
        finalize(t, ST_FAILED, 0, refs_end);
        return;
    }
    double end = t->t0 + t->gen_time;
    if (now < end)
        return;
    switch (t->fx.outcome) {
    case OUTCOME_HANG:
        return;
    case OUTCOME_FAIL:
        finalize(t, ST_FAILED, 0, end);
        return;
    case OUTCOME_CANCEL:
        finalize(t, ST_CANCELLED, 99, end);
        return;
    default:
        if (t->render_state == 2)
            finalize(t, ST_COMPLETED, 100, t->render_done > end ? t->render_done : end);
        else if (t->render_state < 0) {
            snprintf(t->fx.error_code, sizeof t->fx.error_code, "generation_failed_no_content");
            snprintf(t->fx.error_message, sizeof t->fx.error_message,
                     "Video generation failed: %s", t->render_error);
            finalize(t, ST_FAILED, 0, now);
        }
        return;
    }
}

static void add_task_info(cJSON *o, const task *t, int eta, int first)
{
    cJSON *ti = cJSON_AddObjectToObject(o, "task_info");
    cJSON_AddBoolToObject(ti, "can_cancel", !t->final_status);
    int with_eta = E.cfg.estimate == ESTIMATE_ALWAYS || (E.cfg.estimate == ESTIMATE_OMIT && first);
    if (!t->final_status && with_eta)
        cJSON_AddNumberToObject(ti, "estimated_time", eta);
    cJSON_AddNumberToObject(ti, "video_duration", t->duration);
}

static void add_usage(cJSON *o, const task *t, int st)
{
    cJSON *u = cJSON_AddObjectToObject(o, "usage");
    cJSON_AddStringToObject(u, "billing_rule", "per_second");
    cJSON_AddNumberToObject(u, "credits_reserved", t->credits);
    cJSON_AddStringToObject(u, "user_group", "default");
    if (t->final_status)
        cJSON_AddNumberToObject(u, "credits_used", st == ST_COMPLETED ? t->credits : 0);
}

cJSON *task_json(task *t, double now, int first)
{
    int st, progress, eta = 0;
    const task_shape *shape = &t->fx.shape;
    if (t->final_status) {
        st = t->final_status;
        progress = t->final_progress;
    } else {
        live_state(t, now, &st, &progress, &eta);
    }
    cJSON *o = cJSON_CreateObject();
    shape_add_id(o, shape, t->id);
    cJSON_AddStringToObject(o, "object", "video.generation.task");
    cJSON_AddNumberToObject(o, "created", (double)t->created);
    cJSON_AddStringToObject(o, "model", t->model);
    cJSON_AddStringToObject(o, "status", shape_status(shape, st));
    cJSON_AddNumberToObject(o, "progress", progress);
    cJSON_AddStringToObject(o, "type", "video");
    add_task_info(o, t, eta, first);
    add_usage(o, t, st);
    if (st == ST_COMPLETED) {
        char url[256];
        result_url(t, url, sizeof url);
        shape_add_result(o, shape, url);
    } else if (st == ST_FAILED) {
        shape_add_error(o, shape, t->fx.error_code, t->fx.error_message);
    }
    return o;
}

task *task_lookup(const char *id, reply *r, double *now)
{
    emu_lock();
    task *t = task_find(id);
    if (!t) {
        emu_unlock();
        reply_error(r, 404, "task_not_found", "invalid_request_error", "task_id",
                    "Task not found: %.100s", id);
        return NULL;
    }
    *now = now_mono();
    task_update(t, *now);
    return t;
}

void handle_task_query(const char *id, reply *r)
{
    if (strncmp(id, "task-unified-", 13)) {
        reply_error(r, 400, "invalid_task_id", "invalid_request_error", "task_id",
                    "Invalid task ID format, must start with 'task-unified-'");
        return;
    }
    double now;
    task *t = task_lookup(id, r, &now);
    if (!t)
        return;
    cJSON *o = task_json(t, now, 0);
    emu_unlock();
    reply_json(r, 200, o);
}

void task_register(task *t)
{
    emu_lock();
    t->next = E.tasks;
    E.tasks = t;
    E.st.tasks++;
    if (t->fx.outcome == OUTCOME_OK && !t->ref_failed) {
        if (qlen == qcap) {
            size_t cap = qcap ? qcap * 2 : 16;
            task **q = realloc(queue, cap * sizeof *q);
            if (q) {
                queue = q;
                qcap = cap;
            }
        }
        if (qlen < qcap) {
            queue[qlen++] = t;
            pthread_cond_signal(&queue_cond);
        } else {
            t->render_state = -1;
            snprintf(t->render_error, sizeof t->render_error, "out of memory");
        }
    }
    emu_unlock();
}

void task_release_images(task *t)
{
    for (int i = 0; i < EMU_MAX_IMAGES; i++) {
        if (t->job.images[i]) {
            image_free(t->job.images[i]);
            free(t->job.images[i]);
            t->job.images[i] = NULL;
        }
    }
}

static void *render_worker(void *arg)
{
    (void)arg;
    emu_lock();
    for (;;) {
        while (!qlen && !EMU_STOPPING())
            pthread_cond_wait(&queue_cond, &E.lock);
        if (EMU_STOPPING())
            break;
        task *t = queue[0];
        memmove(queue, queue + 1, --qlen * sizeof *queue);
        t->render_state = 1;
        render_job job = t->job;
        buf path = { 0 };
        buf_printf(&path, "%s/results/%s.mp4", E.data_dir, t->id);
        emu_unlock();

        char err[256] = "";
        double t0 = now_mono();
        int rc = path.data ? render_mp4(&job, path.data, err, sizeof err) : -1;
        struct stat st;
        if (!rc && stat(path.data, &st))
            rc = -1;
        double t1 = now_mono();

        emu_lock();
        if (rc) {
            t->render_state = -1;
            snprintf(t->render_error, sizeof t->render_error, "%s", err[0] ? err : "render failed");
            buf_free(&path);
        } else {
            t->file = path.data;
            t->size = st.st_size;
            t->render_state = 2;
        }
        t->render_done = t1;
        task_release_images(t);
        if (!E.cfg.quiet)
            fprintf(stderr, "evolink-emu: rendered %s (%dx%d, %d s) in %.2f s%s%s\n",
                    t->id, job.width, job.height, job.duration, t1 - t0,
                    rc ? ": " : "", rc ? t->render_error : "");
    }
    emu_unlock();
    return NULL;
}

static void *ticker_main(void *arg)
{
    (void)arg;
    while (!emu_sleep(0.02)) {
        emu_lock();
        double now = now_mono();
        for (task *t = E.tasks; t; t = t->next)
            task_update(t, now);
        emu_unlock();
    }
    return NULL;
}

int tasks_start(void)
{
    buf dir = { 0 };
    buf_printf(&dir, "%s/results", E.data_dir);
    int rc = dir.data ? mkdir_p(dir.data) : -1;
    buf_free(&dir);
    if (rc)
        return -1;
    if (pthread_create(&ticker, NULL, ticker_main, NULL))
        return -1;
    ticker_running = 1;
    for (nworkers = 0; nworkers < RENDER_WORKERS; nworkers++)
        if (pthread_create(&workers[nworkers], NULL, render_worker, NULL))
            return -1;
    return 0;
}

void tasks_stop(void)
{
    atomic_store(&E.stopping, 1);
    emu_lock();
    pthread_cond_broadcast(&queue_cond);
    emu_unlock();
    for (int i = 0; i < nworkers; i++)
        pthread_join(workers[i], NULL);
    nworkers = 0;
    if (ticker_running)
        pthread_join(ticker, NULL);
    ticker_running = 0;
}

void task_free(task *t)
{
    task_release_images(t);
    refs_free(t);
    free(t->request);
    free(t->idem_key);
    free(t->callback_url);
    free(t->file);
    free(t);
}

void tasks_free(void)
{
    task *t = E.tasks;
    while (t) {
        task *n = t->next;
        task_free(t);
        t = n;
    }
    E.tasks = NULL;
    free(queue);
    queue = NULL;
    qlen = qcap = 0;
}
