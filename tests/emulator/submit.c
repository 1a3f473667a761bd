/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POST /v1/videos/generations: the validation the OpenAPI pages state,
 * Idempotency-Key replays (only when the "idempotency" setting is on: the
 * real service shows no sign of honouring the header), the credit balance,
 * and task creation.
 * GET /v1/credits lives here too (it reads the same balance).
 */
#include "emu.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>
#include <curl/curl.h>

/* The nine models: tier, mode, the qualities each renders (bits of
 * qualities[]) and whether it takes model_params.web_search. */
enum { TIER_STANDARD, TIER_FAST, TIER_MINI };
enum { MODE_TEXT, MODE_IMAGE, MODE_REFERENCE };
static const struct model {
    const char *id;
    int tier, mode, qualities, web_search;
} models[] = {
    { "seedance-2.0-text-to-video",           TIER_STANDARD, MODE_TEXT,      0xF, 1 },
    { "seedance-2.0-image-to-video",          TIER_STANDARD, MODE_IMAGE,     0xF, 0 },
    { "seedance-2.0-reference-to-video",      TIER_STANDARD, MODE_REFERENCE, 0xF, 0 },
    { "seedance-2.0-fast-text-to-video",      TIER_FAST,     MODE_TEXT,      0x3, 1 },
    { "seedance-2.0-fast-image-to-video",     TIER_FAST,     MODE_IMAGE,     0x3, 0 },
    { "seedance-2.0-fast-reference-to-video", TIER_FAST,     MODE_REFERENCE, 0x3, 0 },
    { "seedance-2.0-mini-text-to-video",      TIER_MINI,     MODE_TEXT,      0x3, 0 },
    { "seedance-2.0-mini-image-to-video",     TIER_MINI,     MODE_IMAGE,     0x3, 0 },
    { "seedance-2.0-mini-reference-to-video", TIER_MINI,     MODE_REFERENCE, 0x3, 0 },
};
#define NMODELS (sizeof models / sizeof models[0])
#define MODEL_LIST "seedance-2.0-text-to-video, seedance-2.0-image-to-video, " \
    "seedance-2.0-reference-to-video, seedance-2.0-fast-text-to-video, " \
    "seedance-2.0-fast-image-to-video, seedance-2.0-fast-reference-to-video, " \
    "seedance-2.0-mini-text-to-video, seedance-2.0-mini-image-to-video, " \
    "seedance-2.0-mini-reference-to-video"

static const char *const qualities[] = { "480p", "720p", "1080p", "4k" };
#define NQUALITIES 4

/* Frame sizes per ratio and quality (the API's table). */
static const struct { const char *name; int w[NQUALITIES], h[NQUALITIES]; } ratios[] = {
    { "16:9", {  864, 1280, 1920, 3840 }, {  496,  720, 1080, 2160 } },
    { "4:3",  {  752, 1112, 1664, 3326 }, {  560,  834, 1248, 2494 } },
    { "1:1",  {  640,  960, 1440, 2880 }, {  640,  960, 1440, 2880 } },
    { "3:4",  {  560,  834, 1248, 2494 }, {  752, 1112, 1664, 3326 } },
    { "9:16", {  496,  720, 1080, 2160 }, {  864, 1280, 1920, 3840 } },
    { "21:9", {  992, 1470, 2206, 4398 }, {  432,  630,  946, 1886 } },
};
#define NRATIOS (sizeof ratios / sizeof ratios[0])
#define RATIO_LIST "16:9, 9:16, 1:1, 4:3, 3:4, 21:9, adaptive"

/*
 * Credits per output second by tier and quality: the published rates of
 * Standard and Fast (2026-07); for Mini, what its tasks were seen to
 * charge; for 1080p and 4k, 720p scaled by the pixels (no price is
 * published). Times the price_factor setting: prices change, usage says.
 */
static const double rates[3][NQUALITIES] = {
    [TIER_STANDARD] = { 6.251, 13.5, 30.375, 121.5 },
    [TIER_FAST]     = { 5.063, 10.935, 24.604, 98.415 },
    [TIER_MINI]     = { 2.5575, 2.7, 6.075, 24.3 },
};

/* What a valid request asks for. */
typedef struct params {
    const struct model *model;
    const char *prompt;
    int duration;
    int quality;        /* index in qualities */
    int ratio;          /* index in ratios, -1 = adaptive */
    int audio;
    int content_filter;
    const char *callback_url;
    int nimages;
    emu_image *images[9];
} params;

static int bad(reply *r, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(reply *r, const char *param, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply_error(r, 400, "invalid_request", "invalid_request_error", param, "%s", msg);
    return -1;
}

/* A short, printable rendering of a JSON value for messages. */
static void show(const cJSON *v, char *out, size_t n)
{
    char *s = cJSON_PrintUnformatted(v);
    snprintf(out, n, "%.80s%s", s ? s : "?", s && strlen(s) > 80 ? "..." : "");
    cJSON_free(s);
}

static int opt_bool(const cJSON *root, const char *name, int dflt, int *out, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    char s[128];
    *out = dflt;
    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        show(v, s, sizeof s);
        return bad(r, name, "%s must be a boolean (true or false), got %s", name, s);
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

/* Estimated tokens: one per non-ASCII character, one per 4 ASCII bytes. */
static long prompt_tokens(const char *s)
{
    long ascii = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) ascii++;
        else if ((*p & 0xC0) != 0x80) other++;
    }
    return other + (ascii + 3) / 4;
}

static int host_is_private(const char *host)
{
    if (!strcasecmp(host, "localhost") || (strlen(host) > 10 &&
        !strcasecmp(host + strlen(host) - 10, ".localhost")))
        return 1;
    unsigned char a[16];
    char h[64];
    snprintf(h, sizeof h, "%s", host);
    size_t n = strlen(h);
    if (n > 2 && h[0] == '[' && h[n - 1] == ']') {      /* [v6] */
        memmove(h, h + 1, n - 2);
        h[n - 2] = '\0';
    }
    if (inet_pton(AF_INET, h, a) == 1)
        return a[0] == 127 || a[0] == 10 || a[0] == 0 ||
               (a[0] == 172 && (a[1] & 0xF0) == 16) ||
               (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
               (a[0] == 100 && (a[1] & 0xC0) == 64);
    if (inet_pton(AF_INET6, h, a) == 1) {
        static const unsigned char any[16], loop[16] = { [15] = 1 };
        return !memcmp(a, any, 16) || !memcmp(a, loop, 16) ||
               (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||
               (!memcmp(a, any, 10) && a[10] == 0xFF && a[11] == 0xFF &&
                (a[12] == 127 || a[12] == 10 || (a[12] == 192 && a[13] == 168) ||
                 (a[12] == 172 && (a[13] & 0xF0) == 16)));
    }
    return 0;
}

static int check_callback(const char *url, reply *r)
{
    const char *P = "callback_url";
    size_t n = strlen(url);
    if (n > 2048)
        return bad(r, P, "callback_url is %zu characters long (at most 2048)", n);
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0)) {
        rc = bad(r, P, "callback_url '%.200s' is not a valid absolute URL", url);
    } else if (strcasecmp(scheme, "https") &&
               !(E.cfg.allow_private_callbacks && !strcasecmp(scheme, "http"))) {
        rc = bad(r, P, "callback_url '%.200s' must use HTTPS (got %s://)", url, scheme);
    } else if (!E.cfg.allow_private_callbacks && host_is_private(host)) {
        rc = bad(r, P, "callback_url host '%s' is a private or loopback address (not allowed)", host);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* image_urls: none for text-to-video, 1..2 for image-to-video, 1..9
 * references for reference-to-video. */
static int check_images(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "image_urls");
    int mode = p->model->mode, max = mode == MODE_IMAGE ? 2 : 9;
    char s[128];
    if (mode == MODE_TEXT) {
        if (v)
            return bad(r, "image_urls", "image_urls is not supported by %s (text-to-video); "
                       "use an image-to-video or reference-to-video model", p->model->id);
        return 0;
    }
    if (!v) {
        if (mode == MODE_REFERENCE)
            return bad(r, "image_urls", "%s needs at least one reference image or video",
                       p->model->id);
        return bad(r, "image_urls", "image_urls is required by %s (an array of 1 to 2 image URLs)",
                   p->model->id);
    }
    if (!cJSON_IsArray(v)) {
        show(v, s, sizeof s);
        return bad(r, "image_urls", "image_urls must be an array of 1 to %d image URLs, got %s",
                   max, s);
    }
    int n = cJSON_GetArraySize(v);
    if (n < 1 || n > max)
        return bad(r, "image_urls", "image_urls has %d items (allowed: 1 to %d)", n, max);
    for (int i = 0; i < n; i++) {
        const cJSON *it = cJSON_GetArrayItem(v, i);
        char param[32];
        snprintf(param, sizeof param, "image_urls[%d]", i);
        if (!cJSON_IsString(it) || !it->valuestring[0]) {
            show(it, s, sizeof s);
            return bad(r, param, "%s must be a non-empty URL string, got %s", param, s);
        }
    }
    /* Fetch and check only once the whole request is otherwise valid. */
    return 0;
}

static int load_images(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "image_urls");
    int n = p->model->mode != MODE_TEXT ? cJSON_GetArraySize(v) : 0;
    for (int i = 0; i < n; i++) {
        const char *url = cJSON_GetArrayItem(v, i)->valuestring;
        char param[32], err[512];
        snprintf(param, sizeof param, "image_urls[%d]", i);
        emu_image *img = calloc(1, sizeof *img);
        if (!img) {
            reply_status_error(r, 500);
            return -1;
        }
        p->images[p->nimages++] = img;
        if (image_load(url, img, err, sizeof err)) {
            char shown[96];
            snprintf(shown, sizeof shown, "%.60s%s", url, strlen(url) > 60 ? "..." : "");
            return bad(r, param, "%s ('%s'): %s", param, shown, err);
        }
    }
    return 0;
}

static int check_model(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "model");
    char s[128];
    if (!v)
        return bad(r, "model", "model is required (allowed: " MODEL_LIST ")");
    if (!cJSON_IsString(v)) {
        show(v, s, sizeof s);
        return bad(r, "model", "model must be a string, got %s (allowed: " MODEL_LIST ")", s);
    }
    p->model = NULL;
    for (size_t i = 0; i < NMODELS; i++)
        if (!strcmp(v->valuestring, models[i].id))
            p->model = &models[i];
    if (!p->model)
        return bad(r, "model", "model '%.100s' is not supported (allowed: " MODEL_LIST ")", v->valuestring);
    return 0;
}

static int check_prompt(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "prompt");
    char s[128];
    if (!v)
        return bad(r, "prompt", "prompt is required (a non-empty string)");
    if (!cJSON_IsString(v)) {
        show(v, s, sizeof s);
        return bad(r, "prompt", "prompt must be a string, got %s", s);
    }
    const char *q = v->valuestring;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    if (!*q)
        return bad(r, "prompt", "prompt must not be empty");
    long tokens = prompt_tokens(v->valuestring);
    if (tokens > 10000)
        return bad(r, "prompt", "prompt is too long (about %ld tokens, at most 10000)", tokens);
    p->prompt = v->valuestring;
    return 0;
}

/* duration and quality */
static int check_duration_quality(const cJSON *root, params *p, reply *r)
{
    const cJSON *v;
    char s[128], allowed[64] = "";
    p->duration = 5;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "duration"))) {
        show(v, s, sizeof s);
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
            return bad(r, "duration", "duration must be an integer number of seconds from 4 to 15, got %s", s);
        if (v->valuedouble < 4 || v->valuedouble > 15)
            return bad(r, "duration", "duration %s is out of range (allowed: integers 4 to 15)", s);
        p->duration = (int)v->valuedouble;
    }
    for (int i = 0; i < NQUALITIES; i++)
        if (p->model->qualities >> i & 1)
            snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
                     *allowed ? ", " : "", qualities[i]);
    p->quality = 1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "quality"))) {
        show(v, s, sizeof s);
        if (!cJSON_IsString(v))
            return bad(r, "quality", "quality must be a string, got %s (allowed: %s)", s, allowed);
        p->quality = -1;
        for (int i = 0; i < NQUALITIES; i++)
            if (!strcmp(v->valuestring, qualities[i]))
                p->quality = i;
        if (p->quality < 0)
            return bad(r, "quality", "quality %s is not supported (allowed: %s)", s, allowed);
        if (!(p->model->qualities >> p->quality & 1))
            return bad(r, "quality", "quality '%s' is not available yet for %s (allowed: %s)",
                       v->valuestring, p->model->id, allowed);
    }
    return 0;
}

static int check_ratio(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "aspect_ratio");
    char s[128];
    p->ratio = -1;              /* omitted: adaptive (the default since 2026-08-02) */
    if (!v)
        return 0;
    show(v, s, sizeof s);
    if (!cJSON_IsString(v))
        return bad(r, "aspect_ratio", "aspect_ratio must be a string, got %s (allowed: " RATIO_LIST ")", s);
    p->ratio = -2;
    if (!strcmp(v->valuestring, "adaptive"))
        p->ratio = -1;
    for (size_t i = 0; i < NRATIOS; i++)
        if (!strcmp(v->valuestring, ratios[i].name))
            p->ratio = (int)i;
    if (p->ratio == -2)
        return bad(r, "aspect_ratio", "aspect_ratio %s is not supported (allowed: " RATIO_LIST ")", s);
    return 0;
}

/* video_urls, audio_urls and model_params.web_search */
static int check_extras(const cJSON *root, params *p, reply *r)
{
    static const char *const unsupported[] = { "video_urls", "audio_urls" };
    const char *WS = "model_params.web_search", *id = p->model->id;
    char s[128];
    for (int i = 0; i < 2; i++)
        if (cJSON_GetObjectItemCaseSensitive(root, unsupported[i]))
            return bad(r, unsupported[i], "%s is not supported by %s", unsupported[i], id);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "model_params");
    if (!v)
        return 0;
    if (p->model->tier == TIER_MINI)
        return bad(r, "model_params", "model_params is not supported by %s", id);
    if (!cJSON_IsObject(v)) {
        show(v, s, sizeof s);
        return bad(r, "model_params", "model_params must be an object, got %s", s);
    }
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(v, "web_search");
    if (ws && !p->model->web_search)
        return bad(r, WS, "%s is only supported by seedance-2.0-text-to-video and "
                   "seedance-2.0-fast-text-to-video, not %s", WS, id);
    if (ws && !cJSON_IsBool(ws)) {
        show(ws, s, sizeof s);
        return bad(r, WS, "%s must be a boolean, got %s", WS, s);
    }
    return 0;
}

static int check_callback_field(const cJSON *root, params *p, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "callback_url");
    char s[128];
    p->callback_url = NULL;
    if (!v)
        return 0;
    if (!cJSON_IsString(v)) {
        show(v, s, sizeof s);
        return bad(r, "callback_url", "callback_url must be a string (an HTTPS URL), got %s", s);
    }
    if (check_callback(v->valuestring, r))
        return -1;
    p->callback_url = v->valuestring;
    return 0;
}

/* Every documented rule, in the order the fields are documented; the
 * images are fetched only once the rest is valid. */
static int validate(const cJSON *root, params *p, reply *r)
{
    if (check_model(root, p, r) || check_prompt(root, p, r) ||
        check_duration_quality(root, p, r) || check_ratio(root, p, r) ||
        opt_bool(root, "generate_audio", 1, &p->audio, r) ||
        opt_bool(root, "content_filter", 1, &p->content_filter, r) ||
        check_images(root, p, r) || check_extras(root, p, r) ||
        check_callback_field(root, p, r))
        return -1;
    return load_images(root, p, r);
}

/* The ratio nearest the shape w x h. */
static int nearest_ratio(int w, int h)
{
    double want = log((double)w / h), best = 1e9;
    int idx = 0;
    for (size_t i = 0; i < NRATIOS; i++) {
        double d = fabs(log((double)ratios[i].w[1] / ratios[i].h[1]) - want);
        if (d < best) {
            best = d;
            idx = (int)i;
        }
    }
    return idx;
}

/* Does text hold word, in any case? */
static int mentions(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (; *text; text++)
        if (!strncasecmp(text, word, n))
            return 1;
    return 0;
}

/*
 * The size of the output for the requested quality and aspect ratio.
 * adaptive: the ratio nearest the first image; without one, chosen from
 * the prompt: words that ask for a shape, else any ratio (the service's
 * choice is not predictable, and a client must not count on one).
 */
static void pick_size(const params *p, int *w, int *h)
{
    static const struct { const char *word; int ratio; } words[] = {
        { "vertical", 4 }, { "portrait", 4 }, { "square", 2 }, { "cinemascope", 5 },
        { "widescreen", 0 },
    };
    int idx = p->ratio;
    if (idx < 0 && p->nimages) {
        idx = nearest_ratio(p->images[0]->width, p->images[0]->height);
    } else if (idx < 0) {
        idx = (int)(hash64(p->prompt, strlen(p->prompt)) % NRATIOS);
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (mentions(p->prompt, words[i].word))
                idx = words[i].ratio;
    }
    *w = ratios[idx].w[p->quality];
    *h = ratios[idx].h[p->quality];
}

static void free_params(params *p)
{
    for (int i = 0; i < p->nimages; i++) {
        if (p->images[i]) {
            image_free(p->images[i]);
            free(p->images[i]);
        }
    }
    p->nimages = 0;
}

/* With idempotency on, a known key replays its task: 1 when replied. The
 * caller holds the lock. */
static int replay(const char *key, reply *r)
{
    task *t = key && E.cfg.idempotency ? task_find_idem(key) : NULL;
    if (!t)
        return 0;
    double now = now_mono();
    task_update(t, now);
    reply_json(r, 200, task_json(t, now, 0));
    reply_header(r, "idempotency-replayed", "true");
    return 1;
}

/* Parses and validates a submit body; 0 with p filled (its images owned
 * by p), or -1 with the error reply. *root must be freed by the caller. */
static int parse_request(const char *body, size_t len, cJSON **root, params *p, reply *r)
{
    memset(p, 0, sizeof *p);
    *root = cJSON_ParseWithLength(body, len);
    if (!*root || !cJSON_IsObject(*root))
        return bad(r, NULL, "The request body must be a JSON object");
    return validate(*root, p, r);
}

/* A new task for a valid request; takes the images it renders from p
 * (the first and the last; the others stay p's). */
static task *task_new(params *p, const char *body, size_t len)
{
    task *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    char rnd[8];
    random_chars(rnd, sizeof rnd);
    t->created = (int64_t)time(NULL);
    snprintf(t->id, sizeof t->id, "task-unified-%lld-%.8s", (long long)t->created, rnd);
    snprintf(t->model, sizeof t->model, "%s", p->model->id);
    t->request = malloc(len + 1);
    if (t->request) {
        memcpy(t->request, body, len);
        t->request[len] = '\0';
    }
    t->callback_url = xstrdup(p->callback_url);
    t->duration = p->duration;
    t->audio = p->audio;
    t->credits = round(p->duration * rates[p->model->tier][p->quality] * E.cfg.price_factor *
                       (p->content_filter ? 1.0 : 1.1) * 1000) / 1000;
    pick_size(p, &t->width, &t->height);
    t->job.width = t->width;
    t->job.height = t->height;
    t->job.duration = p->duration;
    t->job.audio = p->audio;
    t->job.seed = hash64(p->prompt, strlen(p->prompt));
    t->job.nimages = p->nimages < 2 ? p->nimages : 2;
    for (int i = 0; i < t->job.nimages; i++) {
        int k = i ? p->nimages - 1 : 0;
        t->job.images[i] = p->images[k];
        p->images[k] = NULL;
    }
    return t;
}

/* Admits a task under the lock: a replay of a concurrent submit with the
 * same key, or 402 beyond the balance (both reply and return -1), or the
 * credits reserved and the settings of the moment taken (0). */
static int admit(task *t, const char *key, reply *r)
{
    emu_lock();
    if (replay(key, r)) {
        emu_unlock();
        return -1;
    }
    if (E.cfg.credits >= 0 && E.cfg.credits < t->credits) {
        double have = E.cfg.credits;
        emu_unlock();
        reply_error(r, 402, "insufficient_quota", "insufficient_quota", NULL,
                    "Insufficient quota: this task needs %.2f credits, the balance is %.2f. "
                    "Please top up your account.", t->credits, have);
        return -1;
    }
    if (E.cfg.credits >= 0)
        E.cfg.credits -= t->credits;
    t->job.moov_at_end = E.cfg.moov_at_end;
    t->gen_time = E.cfg.gen_time;
    t->idem_key = xstrdup(key);
    emu_unlock();
    return 0;
}

/* Starts an admitted task and replies with it. */
static void start(task *t, reply *r)
{
    faults_for_task(&t->fx);
    if (t->fx.outcome != OUTCOME_OK)
        task_release_images(t);             /* nothing to render */
    t->t0 = now_mono();
    task_register(t);
    emu_lock();
    cJSON *o = task_json(t, now_mono(), 1);
    emu_unlock();
    reply_json(r, 200, o);
}

void handle_submit(const char *body, size_t len, const char *idem, reply *r)
{
    const char *key = idem && *idem ? idem : NULL;
    emu_lock();
    int replayed = replay(key, r);
    emu_unlock();
    if (replayed)
        return;
    cJSON *root;
    params p;
    task *t = NULL;
    if (!parse_request(body, len, &root, &p, r)) {
        if (!(t = task_new(&p, body, len)))
            reply_status_error(r, 500);
    }
    free_params(&p);
    cJSON_Delete(root);
    if (!t)
        return;
    if (admit(t, key, r))
        task_free(t);
    else
        start(t, r);
}

void handle_credits(reply *r)
{
    emu_lock();
    double c = E.cfg.credits;
    double used = 0;
    for (task *t = E.tasks; t; t = t->next)
        if (t->final_status == ST_COMPLETED)
            used += t->credits;
    emu_unlock();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "object", "credits");
    cJSON *d = cJSON_AddObjectToObject(o, "data");
    cJSON_AddNumberToObject(d, "remaining_credits", c >= 0 ? c : 1000000);
    cJSON_AddNumberToObject(d, "used_credits", used);
    cJSON_AddBoolToObject(d, "unlimited", c < 0);
    cJSON_AddStringToObject(d, "user_group", "default");
    reply_json(r, 200, o);
}
