/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Submit at most once: the submit is paid and not idempotent.
 *
 * The request is validated (local images read and decoded once, here), its
 * canonical form hashed (local images by content, plus the API base; never
 * the key) and the journal consulted under a lock:
 *   - a known task is reused without sending anything;
 *   - a submit whose outcome is unknown (its reply was lost, or the process
 *     ended before it arrived) is not repeated: SEEDANCE_E_UNCERTAIN again,
 *     until the caller asks for a new generation (SEEDANCE_NEW).
 * Otherwise local images are uploaded (free, retried) or inlined, the
 * journal entry is written ("submitting", with the time) and the POST sent
 * once with a fresh Idempotency-Key (sent, never relied on). sd_http_call()
 * retries it only when it provably created nothing (never sent, or 429). A
 * refusal (4xx) leaves the journal as it was; any other failure records the
 * uncertain outcome and fails with one message saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define SUBMIT_PATH    "/v1/videos/generations"
#define SUBMIT_TIMEOUT 120L     /* a read timeout is an uncertain outcome: be patient */

typedef struct media_slot {
    const char *field;      /* "image", "video", ... */
    const char *value;      /* as given */
    const sd_local *local;  /* as checked (the submission's): remote, a file or bytes */
    char canon[80];         /* the canonical form: sha256:<hex> of the bytes */
    char *url;              /* what goes into the body */
    char *file_id;          /* its upload, NULL when none or another slot's */
} media_slot;

typedef struct submission {
    seedance_client *c;
    const seedance_request *r;
    int flags;
    media_slot slot[SD_MAX_MEDIA];
    sd_local local[SD_MAX_MEDIA]; /* the media as checked, slot by slot */
    seedance_cost cost;     /* the estimate of this submit */
    int n;                  /* media values */
    const char *canon_media[SD_MAX_MEDIA]; /* their canonical forms */
    char *canon;            /* canonical JSON */
    char hash[65];          /* of canon and the API base */
    char legacy[65];        /* the 0.1 key of a damaged entry found under it */
    int lock;               /* journal lock fd, -1 none */
    int had_entry;          /* the journal knew the request before */
    sd_journal_entry prev;  /* what it knew */
    sd_journal_entry e;     /* the entry of this submit */
} submission;

static void report(seedance_client *c, seedance_event ev, const char *task_id)
{
    seedance_progress p = sd_progress_event(ev, task_id);

    sd_progress(c, &p);
}

/* The new task, with what its reply reserved. */
static void submitted(seedance_client *c, const char *task_id)
{
    seedance_progress p = sd_progress_event(SEEDANCE_EV_SUBMITTED, task_id);

    p.credits = c->submitted.credits;
    if (p.credits >= 0)
        sd_log(c, SEEDANCE_LOG_INFO, "task %s: %.3f credits reserved", task_id, p.credits);
    sd_progress(c, &p);
}

/* ------------------------------------------------------------------ */
/* The uncertain outcome                                              */

/* The one message of an uncertain outcome, in c->err. */
static int fail_uncertain(seedance_client *c, const sd_journal_entry *e, int http_status)
{
    char when[40] = "an unknown time";
    time_t t = (time_t)e->attempted;
    struct tm tm;

    if (t > 0 && localtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    return sd_fail_http(c, SEEDANCE_E_UNCERTAIN, http_status, NULL, NULL,
                        "the submit of this request at %s may have created a paid task: %s. "
                        "Look for it at %s before paying again; to submit this request again "
                        "on purpose, set new_generation=1 (in a URL or as a protocol option) "
                        "or give the seedance command --new", when,
                        *e->failure ? e->failure : "its outcome is unknown",
                        SEEDANCE_DASHBOARD_URL);
}

/* Record the uncertain outcome of this submit, then fail with its message. */
static int record_uncertain(submission *s, const char *failure, int http_status)
{
    seedance_client *c = s->c;
    seedance_error keep = c->err;

    s->e.state = SD_JOURNAL_UNCERTAIN;
    snprintf(s->e.failure, sizeof(s->e.failure), "%s", failure);
    if (c->cache && sd_journal_store(c, &s->e, s->canon))
        sd_log(c, SEEDANCE_LOG_WARNING, "%s", c->err.message);
    c->err = keep;
    return fail_uncertain(c, &s->e, http_status);
}

/* ------------------------------------------------------------------ */
/* Steps                                                              */

/* Validate (reading and probing local media once), check the
 * configuration, hash. */
static int prepare(submission *s)
{
    const seedance_request *r = s->r;
    seedance_client *c = s->c;
    sd_media media[SD_MAX_MEDIA];
    int rc, uploads = 0;

    if ((rc = sd_request_check(r, c, s->local, SD_CHECK_ALL, &c->err)))
        return rc;      /* nothing kept */
    s->n = sd_request_media(r, media, SD_MAX_MEDIA);
    for (int i = 0; i < s->n; i++) {
        media_slot *x = &s->slot[i];

        x->field = media[i].field;
        x->value = media[i].value;
        x->local = &s->local[i];
        if (!x->local->remote) {
            snprintf(x->canon, sizeof(x->canon), "sha256:%s", x->local->sha256);
            uploads += x->local->kind != SD_MEDIA_IMAGE ||
                       sd_request_image_mode(r) == SD_IMAGE_UPLOAD;
        }
        s->canon_media[i] = x->local->remote ? x->value : x->canon;
    }
    if ((rc = sd_http_ready(c, SD_BASE_API)))
        return rc;
    if (uploads && (rc = sd_http_ready(c, SD_BASE_FILES)))
        return rc;
    return sd_request_key(c, r, s->canon_media, s->n, &s->canon, s->hash);
}

/* A damaged journal entry may have recorded a paid task: never resubmit silently. */
static int fail_damaged(seedance_client *c, const char *hash)
{
    char *path = sd_journal_path(c, hash);
    int rc = sd_fail(c, SEEDANCE_E_UNCERTAIN, "the journal entry %s of this request is "
                     "damaged: it may have recorded a paid task. Look for it at %s before "
                     "paying again; to submit this request again on purpose, set "
                     "new_generation=1 (in a URL or as a protocol option) or give the "
                     "seedance command --new", path ? path : "(unknown)",
                     SEEDANCE_DASHBOARD_URL);

    free(path);
    return rc;
}

/*
 * The entry of this request: under its key, else under the key version 0.1
 * gave it (copied under the new key when it names a task). 1 found, 0 not,
 * -1 damaged (*damaged: the hash of the damaged entry).
 */
static int lookup(submission *s, const char **damaged)
{
    seedance_client *c = s->c;
    char legacy[65];
    int found = sd_journal_load(c, s->hash, &s->prev);

    *damaged = s->hash;
    if (found || sd_request_legacy_key(c, s->r, s->canon_media, s->n, legacy) != 1)
        return found;
    if ((found = sd_journal_load(c, legacy, &s->prev)) < 0) {
        snprintf(s->legacy, sizeof(s->legacy), "%s", legacy);
        *damaged = s->legacy;
    }
    if (found == 1) {
        sd_log(c, SEEDANCE_LOG_DEBUG, "journal: this request is entry %s of version 0.1", legacy);
        snprintf(s->prev.hash, sizeof(s->prev.hash), "%s", s->hash);
        if (s->prev.state == SD_JOURNAL_SUBMITTED && sd_journal_store(c, &s->prev, s->canon))
            sd_log(c, SEEDANCE_LOG_WARNING, "%s", c->err.message);
    }
    return found;
}

/*
 * What the journal knows: 1 when it settles the call (a task to reuse, or
 * an uncertain outcome to report: rc then), 0 to go on and submit.
 */
static int consult_journal(submission *s, char **task_id, int *attached, int *rc)
{
    seedance_client *c = s->c;
    const sd_journal_entry *p = &s->prev;
    const char *damaged;
    int found;

    *rc = SEEDANCE_OK;
    if (!c->cache)
        return 0;
    if ((*rc = sd_journal_lock(c, s->hash, &s->lock)))
        return 1;
    found = lookup(s, &damaged);
    s->had_entry = found == 1;
    if (found < 0 && !(s->flags & SEEDANCE_NEW)) {
        *rc = fail_damaged(c, damaged);
        return 1;
    }
    if (!s->had_entry || (s->flags & SEEDANCE_NEW))
        return 0;
    if (p->state != SD_JOURNAL_SUBMITTED) {
        sd_journal_entry e = *p;
        if (e.state == SD_JOURNAL_SUBMITTING)
            snprintf(e.failure, sizeof(e.failure),
                     "the program submitting it stopped before the reply arrived");
        *rc = fail_uncertain(c, &e, 0);
        return 1;
    }
    if (!(*task_id = strdup(p->task_id))) {
        *rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        return 1;
    }
    if (attached)
        *attached = 1;
    sd_log(c, SEEDANCE_LOG_INFO, "this request was submitted before as task %s; reusing it",
           p->task_id);
    report(c, SEEDANCE_EV_ATTACHED, p->task_id);
    return 1;
}

/* An image inline: the data: URI of its bytes (read again from its file). */
static char *inline_image(seedance_client *c, const media_slot *x)
{
    sd_image img;
    char *uri;

    if (x->local->data) {
        img = (sd_image){ x->local->data, x->local->size, x->local->mime, 0, 0 };
        return sd_data_uri(&img);
    }
    if (sd_image_load(x->field, x->value, &img, &c->err))
        return NULL;
    uri = sd_data_uri(&img);
    sd_image_clear(&img);
    return uri;
}

/* The slot before i with the same content, whose upload serves both. */
static const media_slot *same_content(const submission *s, int i)
{
    for (int j = 0; j < i; j++)
        if (!s->slot[j].local->remote && !strcmp(s->slot[j].canon, s->slot[i].canon) &&
            s->slot[j].url)
            return &s->slot[j];
    return NULL;
}

/* Upload or inline local media, each content once: the URLs that are sent. */
static int resolve_media(submission *s)
{
    seedance_client *c = s->c;
    int rc;

    for (int i = 0; i < s->n; i++) {
        media_slot *x = &s->slot[i];
        const media_slot *twin;
        char name[64];

        if (x->local->remote) {
            x->url = strdup(x->value);
        } else if ((twin = same_content(s, i))) {
            x->url = strdup(twin->url);
        } else if (x->local->kind == SD_MEDIA_IMAGE &&
                   sd_request_image_mode(s->r) == SD_IMAGE_INLINE) {
            sd_error_clear(&c->err);
            if (!(x->url = inline_image(c, x)) && c->err.code)
                return c->err.code;
        } else {
            /* a file keeps its name; bytes from memory are named after their field */
            if (x->local->path)
                snprintf(name, sizeof(name), "%s", strrchr(x->local->path, '/') ?
                         strrchr(x->local->path, '/') + 1 : x->local->path);
            else
                snprintf(name, sizeof(name), "%s%d.%s", x->field, i + 1,
                         sd_media_ext(x->local->mime));
            if ((rc = sd_upload_media(c, x->local, x->field, name, &x->url, &x->file_id)))
                return rc;
        }
        if (!x->url)
            return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    return SEEDANCE_OK;
}

/* The uploads of this submit: kept for its task until it has ended, or
 * deleted at once when no task was created. */
static void settle_uploads(submission *s, const char *task_id)
{
    char *ids[SD_MAX_MEDIA];
    int n = 0;

    for (int i = 0; i < s->n; i++)
        if (s->slot[i].file_id)
            ids[n++] = s->slot[i].file_id;
    if (!n)
        return;
    if (task_id)
        sd_uploads_record(s->c, task_id, ids, n);
    else
        sd_uploads_delete(s->c, ids, n);
}

/*
 * The estimate of what the submit costs, logged; above the client's
 * max_credits, or unknown with a limit set: refused, nothing sent.
 */
static int check_budget(submission *s)
{
    seedance_client *c = s->c;
    char line[320];
    int rc;

    if ((rc = sd_request_cost(s->r, s->local, s->n, &s->cost, &c->err)))
        return rc;
    seedance_cost_describe(&s->cost, line, sizeof(line));
    sd_log(c, SEEDANCE_LOG_INFO, "estimated cost: %s", line);
    return seedance_cost_allowed(c, &s->cost);
}

/* The journal entry written before the POST: a new key, the time. */
static int begin(submission *s)
{
    seedance_client *c = s->c;
    sd_journal_entry *e = &s->e;

    memset(e, 0, sizeof(*e));
    if (sd_random_hex(e->idempotency_key, 16))
        return sd_fail(c, SEEDANCE_E_IO, "no random numbers for the idempotency key");
    snprintf(e->hash, sizeof(e->hash), "%s", s->hash);
    e->state = SD_JOURNAL_SUBMITTING;
    e->attempted = (int64_t)time(NULL);
    sd_journal_record_request(s->r, &s->cost, &e->rec);
    return c->cache ? sd_journal_store(c, e, s->canon) : SEEDANCE_OK;
}

/* A refused submit created nothing: the journal goes back to what it was. */
static void undo(submission *s)
{
    seedance_client *c = s->c;
    seedance_error keep = c->err;

    if (!c->cache)
        return;
    if (s->had_entry)
        sd_journal_store(c, &s->prev, s->canon);
    else
        sd_journal_remove(c, s->hash);
    c->err = keep;
}

/* The task id of a 2xx submit reply into s->e; else what is wrong with it. */
static int take_reply(submission *s, const sd_http_resp *resp, char *why, size_t size)
{
    seedance_client *c = s->c;
    seedance_task *t = NULL;
    seedance_error perr;

    if (sd_submit_reply_parse(resp->body, resp->len, &t, &perr)) {
        snprintf(why, size, "a %ld reply %s", resp->status,
                 perr.code == SEEDANCE_E_NOMEM ? "that could not be kept (out of memory)" :
                 strstr(perr.message, "not a JSON") ? "that is not JSON" :
                 strstr(perr.message, "no task id") ? "without a task id" :
                 "whose task id is unusable");
        return -1;
    }
    snprintf(s->e.task_id, sizeof(s->e.task_id), "%s", t->id);
    snprintf(c->submitted.task_id, sizeof(c->submitted.task_id), "%s", t->id);
    c->submitted.progress = t->progress;
    c->submitted.estimated_time = t->estimated_time;
    c->submitted.credits = t->credits_reserved;
    c->submitted.at = sd_now();
    if (resp->replayed)
        sd_log(c, SEEDANCE_LOG_INFO, "the API replayed task %s for this idempotency key", t->id);
    seedance_task_free(t);
    return 0;
}

/* POST the body once; the new task id into s->e. */
static int post(submission *s, const char *body)
{
    sd_http_req req = { .method = "POST", .base = SD_BASE_API, .path = SUBMIT_PATH,
                        .body = body, .idempotency_key = s->e.idempotency_key,
                        .timeout = SUBMIT_TIMEOUT, .once = 1 };
    sd_http_resp resp;
    char why[160];
    int rc = sd_http_call(s->c, &req, &resp);

    if (rc == SEEDANCE_OK && take_reply(s, &resp, why, sizeof(why)))
        rc = record_uncertain(s, why, (int)resp.status);
    else if (rc && resp.uncertain)
        rc = record_uncertain(s, resp.failure, (int)resp.status);
    else if (rc)
        undo(s);    /* refused (4xx, 429 to the end) or never sent: nothing was created */
    sd_http_resp_clear(&resp);
    return rc;
}

/* Budget, media, journal, POST, journal: the new task id into *task_id. */
static int send_new(submission *s, char **task_id)
{
    seedance_client *c = s->c;
    const char *urls[SD_MAX_MEDIA];
    char *body;
    int rc;

    if ((rc = check_budget(s)))
        return rc;
    if ((rc = resolve_media(s)) || (rc = begin(s))) {
        settle_uploads(s, NULL);
        return rc;
    }
    for (int i = 0; i < s->n; i++)
        urls[i] = s->slot[i].url;
    if (!(body = sd_request_json(s->r, urls, s->n))) {
        undo(s);
        settle_uploads(s, NULL);
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    }
    rc = post(s, body);
    free(body);
    if (rc) {   /* refused: nothing read the uploads; uncertain: a task may read them */
        if (rc != SEEDANCE_E_UNCERTAIN)
            settle_uploads(s, NULL);
        return rc;
    }
    settle_uploads(s, s->e.task_id);
    s->e.state = SD_JOURNAL_SUBMITTED;
    s->e.rec.credits = c->submitted.credits;
    if (c->cache && sd_journal_store(c, &s->e, s->canon))
        sd_log(c, SEEDANCE_LOG_WARNING, "task %s: %s", s->e.task_id, c->err.message);
    if (!(*task_id = strdup(s->e.task_id)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    sd_error_clear(&c->err);
    submitted(c, s->e.task_id);
    return SEEDANCE_OK;
}

int seedance_submit(seedance_client *c, const seedance_request *r, int flags,
                    char **task_id, int *attached)
{
    submission s = { .c = c, .r = r, .flags = flags, .lock = -1 };
    int rc;

    if (attached)
        *attached = 0;
    if (!task_id)
        return c ? sd_fail(c, SEEDANCE_E_INVALID, "seedance_submit: task_id is NULL")
                 : SEEDANCE_E_INVALID;
    *task_id = NULL;
    if (!c)
        return SEEDANCE_E_INVALID;
    sd_error_clear(&c->err);
    if (!r)
        return sd_fail(c, SEEDANCE_E_INVALID, "seedance_submit: no request");
    if (!(rc = prepare(&s)) && !consult_journal(&s, task_id, attached, &rc))
        rc = send_new(&s, task_id);
    sd_journal_unlock(c, s.lock);
    for (int i = 0; i < s.n; i++) {
        sd_local_clear(&s.local[i]);
        free(s.slot[i].url);
        free(s.slot[i].file_id);
    }
    free(s.canon);
    return rc;
}
