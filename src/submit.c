/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Submit exactly once. The request is validated, its canonical form hashed
 * (local images by content, plus the API base; never the key), and the
 * journal consulted: a known task is reused without sending anything. A new
 * submit gets a random Idempotency-Key, written to the journal before the
 * POST and reused by every retry of it, and by a later run when the task id
 * never arrived (a crash or a lost reply mid-submit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define SUBMIT_PATH "/v1/videos/generations"

typedef struct image_slot {
    const char *field;      /* "image" or "last_image" */
    const char *value;      /* as given */
    int kind;               /* SD_IMG_* */
    sd_image img;           /* loaded local file */
    char canon[80];         /* content hash for the canonical JSON */
    char *url;              /* what goes into image_urls */
} image_slot;

static const char *ext_of(const char *mime)
{
    return !strcmp(mime, "image/png") ? "png" : !strcmp(mime, "image/webp") ? "webp" : "jpg";
}

static int load_images(seedance_client *c, const seedance_request *r, image_slot *s, int *n)
{
    const char *values[2] = { r->image, r->last_image };
    const char *names[2] = { "image", "last_image" };
    int rc;

    *n = 0;
    for (int i = 0; i < 2; i++) {
        image_slot *x;
        char hex[65];

        if (!values[i])
            continue;
        x = &s[(*n)++];
        x->field = names[i];
        x->value = values[i];
        x->kind = sd_image_kind(values[i]);
        if (x->kind == SD_IMG_FILE) {
            if ((rc = sd_image_load(names[i], values[i], &x->img, &c->err)))
                return rc;
            sd_sha256_hex(x->img.data, x->img.size, hex);
            snprintf(x->canon, sizeof(x->canon), "sha256:%s", hex);
        } else if (x->kind == SD_IMG_DATA) {
            sd_sha256_hex(values[i], strlen(values[i]), hex);
            snprintf(x->canon, sizeof(x->canon), "data-sha256:%s", hex);
        }
    }
    return SEEDANCE_OK;
}

/* The canonical JSON and its hash with the API base. */
static int request_hash(seedance_client *c, const seedance_request *r, image_slot *s, int n,
                        char **canon_json, char hash[65])
{
    const char *urls[2];
    char *buf;
    size_t len;

    for (int i = 0; i < n; i++)
        urls[i] = s[i].kind == SD_IMG_URL ? s[i].value : s[i].canon;
    if (!(*canon_json = sd_request_json(r, urls, n)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    len = strlen(*canon_json) + strlen(c->api_base) + 2;
    if (!(buf = malloc(len)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    snprintf(buf, len, "%s\n%s", *canon_json, c->api_base);
    sd_sha256_hex(buf, strlen(buf), hash);
    free(buf);
    return SEEDANCE_OK;
}

/* Upload or inline local images: the image_urls that are sent. */
static int resolve_images(seedance_client *c, const seedance_request *r, image_slot *s, int n)
{
    int rc;

    for (int i = 0; i < n; i++) {
        if (s[i].kind != SD_IMG_FILE) {
            if (!(s[i].url = strdup(s[i].value)))
                return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        } else if (r->image_mode == SD_IMAGE_INLINE) {
            if (!(s[i].url = sd_data_uri(&s[i].img)))
                return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        } else {
            char name[32];
            snprintf(name, sizeof(name), "%s.%s", !strcmp(s[i].field, "image") ? "first" : "last",
                     ext_of(s[i].img.mime));
            if ((rc = sd_upload_image(c, &s[i].img, name, &s[i].url)))
                return rc;
        }
    }
    return SEEDANCE_OK;
}

static void report(seedance_client *c, seedance_event ev, const char *task_id)
{
    seedance_progress p;

    memset(&p, 0, sizeof(p));
    p.event = ev;
    p.task_id = task_id;
    p.progress = -1;
    p.estimated_time = -1;
    p.next_poll = -1;
    p.size = -1;
    sd_progress(c, &p);
}

/* POST the body with the idempotency key; the new task id into e. */
static int post(seedance_client *c, const char *body, sd_journal_entry *e)
{
    sd_http_req req = { .method = "POST", .base = SD_BASE_API, .path = SUBMIT_PATH,
                        .body = body, .idempotency_key = e->idempotency_key };
    sd_http_resp resp;
    seedance_task *t = NULL;
    int rc;

    if ((rc = sd_http_call(c, &req, &resp)) == SEEDANCE_OK &&
        (rc = sd_task_parse(resp.body, resp.len, &t, &c->err)) == SEEDANCE_OK) {
        if (sd_check_task_id(c, t->id) || strlen(t->id) >= sizeof(e->task_id))
            rc = sd_fail(c, SEEDANCE_E_PROTOCOL,
                         "malformed submit reply: unusable task id (%zu characters)",
                         strlen(t->id));
        else {
            snprintf(e->task_id, sizeof(e->task_id), "%s", t->id);
            snprintf(c->submitted.task_id, sizeof(c->submitted.task_id), "%s", t->id);
            c->submitted.progress = t->progress;
            c->submitted.estimated_time = t->estimated_time;
            c->submitted.at = sd_now();
        }
        if (resp.replayed)
            sd_log(c, SEEDANCE_LOG_INFO, "the API replayed task %s for this idempotency key",
                   t->id);
    }
    seedance_task_free(t);
    sd_http_resp_clear(&resp);
    return rc;
}

int seedance_submit(seedance_client *c, const seedance_request *r, int flags,
                    char **task_id, int *attached)
{
    image_slot slots[2];
    sd_journal_entry e;
    char *canon = NULL, *body = NULL, hash[65];
    const char *urls[2];
    int n = 0, rc, lock = -1, found = 0, uploads = 0;

    *task_id = NULL;
    if (attached)
        *attached = 0;
    memset(slots, 0, sizeof(slots));
    memset(&e, 0, sizeof(e));
    sd_error_clear(&c->err);

    if ((rc = seedance_request_validate(r, c, &c->err)) || (rc = sd_http_ready(c, SD_BASE_API)))
        return rc;
    if ((rc = load_images(c, r, slots, &n)))
        goto done;
    for (int i = 0; i < n; i++)
        uploads += slots[i].kind == SD_IMG_FILE && r->image_mode == SD_IMAGE_UPLOAD;
    if (uploads && (rc = sd_http_ready(c, SD_BASE_FILES)))
        goto done;
    if ((rc = request_hash(c, r, slots, n, &canon, hash)))
        goto done;

    if (c->cache) {
        if ((rc = sd_journal_lock(c, hash, &lock)))
            goto done;
        found = sd_journal_load(c, hash, &e);
        if (found && *e.task_id && !(flags & SEEDANCE_NEW)) {
            if (!(*task_id = strdup(e.task_id))) {
                rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
                goto done;
            }
            if (attached)
                *attached = 1;
            sd_log(c, SEEDANCE_LOG_INFO, "this request was submitted before as task %s; "
                   "reusing it", e.task_id);
            report(c, SEEDANCE_EV_ATTACHED, e.task_id);
            goto done;
        }
        if (found && !*e.task_id && !(flags & SEEDANCE_NEW))
            sd_log(c, SEEDANCE_LOG_INFO, "an earlier submit of this request did not "
                   "finish; resubmitting with the same idempotency key");
    }
    if (!found || (flags & SEEDANCE_NEW)) {
        memset(&e, 0, sizeof(e));
        if ((rc = sd_random_hex(e.idempotency_key, 16))) {
            rc = sd_fail(c, rc, "no random numbers for the idempotency key");
            goto done;
        }
    }
    snprintf(e.hash, sizeof(e.hash), "%s", hash);
    snprintf(e.state, sizeof(e.state), "submitting");
    e.task_id[0] = '\0';
    if (c->cache && (rc = sd_journal_store(c, &e, canon)))
        goto done;

    if ((rc = resolve_images(c, r, slots, n)))
        goto done;
    for (int i = 0; i < n; i++)
        urls[i] = slots[i].url;
    if (!(body = sd_request_json(r, urls, n))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    rc = post(c, body, &e);
    if (rc) {
        /* A refusal (4xx but 429) created no task: the next run starts
         * afresh. After a network error or 5xx the task may exist: the
         * entry keeps the key so that a rerun gets the same task. */
        int status = c->err.http_status;
        if (c->cache && status >= 400 && status < 500 && status != 429 && status != 408)
            sd_journal_remove(c, hash);
        goto done;
    }
    snprintf(e.state, sizeof(e.state), "submitted");
    if (c->cache && sd_journal_store(c, &e, canon))
        sd_log(c, SEEDANCE_LOG_WARNING, "task %s: %s", e.task_id, c->err.message);
    if (!(*task_id = strdup(e.task_id))) {
        rc = sd_fail(c, SEEDANCE_E_NOMEM, NULL);
        goto done;
    }
    sd_error_clear(&c->err);
    report(c, SEEDANCE_EV_SUBMITTED, e.task_id);
done:
    sd_journal_unlock(lock);
    for (int i = 0; i < 2; i++) {
        sd_image_clear(&slots[i].img);
        free(slots[i].url);
    }
    free(canon);
    free(body);
    return rc;
}
