/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reference-to-video media: image_urls (0..9), video_urls (0..3) and
 * audio_urls (0..3), as seedance-2.0-family.md (sections 3.3 and 4.1) gives
 * them.
 *
 * At submit, only their shape: arrays of http(s) URL strings within the
 * counts, no data: URI ("do not use Base64"), at least one image or video.
 * A task starts by fetching every reference (fetch.c) to
 * DATA/references/TASK/{image,video,audio}N.EXT, hashing it (SHA-256) and
 * reading it (image.c, media.c), then checks the documented rules:
 *   images  jpeg, png or webp by content; <= 30 MB; sides 300..6000 px;
 *           width/height 0.4..2.5
 *   videos  mp4 or mov by content (libavformat's mov demuxer, not a 3GP or
 *           M4A brand), a video stream; <= 50 MB; 2..15 s each and 15 s in
 *           all; 24..60 fps; width x height 409,600..2,086,876; sides
 *           300..6000 px; width/height 0.4..2.5
 *   audio   wav or mp3 by content; <= 15 MB; 2..15 s each and 15 s in all
 * Durations are compared in whole milliseconds (rounded). The first
 * reference that cannot be fetched or breaks a rule fails the task
 * (invalid_parameters, a message naming the field, its index, the @tag,
 * the URL and the rule); the references after it are not fetched.
 */
#include "emu.h"

#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libavutil/frame.h>

#define FETCH_TIMEOUT 60L       /* seconds per reference */

static const struct medium {
    const char *field, *tag, *noun;
    int max_count;
    int64_t max_bytes;
    const char *mb;
} media[] = {
    [REF_IMAGE] = { "image_urls", "image", "image", EMU_MAX_IMAGES, EMU_MAX_IMAGE, "30 MB" },
    [REF_VIDEO] = { "video_urls", "video", "video", EMU_MAX_VIDEOS, EMU_MAX_VIDEO, "50 MB" },
    [REF_AUDIO] = { "audio_urls", "audio", "audio clip", EMU_MAX_AUDIOS, EMU_MAX_AUDIO, "15 MB" },
};

/* ---- at submit ------------------------------------------------------- */

static int shape_error(char *param, size_t plen, const char *p, char *msg, size_t mlen,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int shape_error(char *param, size_t plen, const char *p, char *msg, size_t mlen,
                       const char *fmt, ...)
{
    va_list ap;
    snprintf(param, plen, "%s", p);
    va_start(ap, fmt);
    vsnprintf(msg, mlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* An absolute http:// or https:// URL? */
static int http_url(const char *s)
{
    if (strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8))
        return 0;
    CURLU *u = curl_url();
    int ok = u && curl_url_set(u, CURLUPART_URL, s, 0) == CURLUE_OK;
    curl_url_cleanup(u);
    return ok;
}

int refs_check(const cJSON *root, const char *model, char *param, size_t plen,
               char *msg, size_t mlen)
{
    int count[3] = { 0 };
    char s[128];
    for (int k = 0; k < 3; k++) {
        const struct medium *m = &media[k];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, m->field);
        if (!v)
            continue;
        if (!cJSON_IsArray(v)) {
            json_show(v, s, sizeof s);
            return shape_error(param, plen, m->field, msg, mlen,
                               "%s must be an array of 0 to %d %s URLs, got %s",
                               m->field, m->max_count, m->tag, s);
        }
        int n = cJSON_GetArraySize(v);
        if (n > m->max_count)
            return shape_error(param, plen, m->field, msg, mlen,
                               "%s has %d items (allowed: 0 to %d for %s)",
                               m->field, n, m->max_count, model);
        for (int i = 0; i < n; i++) {
            const cJSON *it = cJSON_GetArrayItem(v, i);
            char p[32];
            snprintf(p, sizeof p, "%s[%d]", m->field, i);
            if (!cJSON_IsString(it) || !it->valuestring[0]) {
                json_show(it, s, sizeof s);
                return shape_error(param, plen, p, msg, mlen,
                                   "%s must be a non-empty URL string, got %s", p, s);
            }
            const char *u = it->valuestring;
            if (!strncasecmp(u, "data:", 5))
                return shape_error(param, plen, p, msg, mlen,
                                   "%s is a data: URI: reference-to-video takes no inline "
                                   "(Base64) media; upload the file and pass its https URL", p);
            if (!http_url(u))
                return shape_error(param, plen, p, msg, mlen,
                                   "%s '%.100s' is not an http:// or https:// URL", p, u);
        }
        count[k] = n;
    }
    if (!count[REF_IMAGE] && !count[REF_VIDEO])
        return shape_error(param, plen, count[REF_AUDIO] ? "audio_urls" : "image_urls", msg, mlen,
                           "%s needs at least one reference image or video (image_urls or "
                           "video_urls)%s", model,
                           count[REF_AUDIO] ? "; audio alone is refused" : "");
    return 0;
}

int refs_init(task *t, const cJSON *root)
{
    int n = 0;
    for (int k = 0; k < 3; k++)
        n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, media[k].field));
    if (!n)
        return 0;
    if (!(t->refs = calloc((size_t)n, sizeof *t->refs)))
        return -1;
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, media[k].field);
        for (int i = 0; i < cJSON_GetArraySize(v); i++) {
            emu_ref *ref = &t->refs[t->nrefs++];
            ref->kind = k;
            ref->index = i;
            ref->mi.duration = -1;
            if (!(ref->url = xstrdup(cJSON_GetArrayItem(v, i)->valuestring)))
                return -1;
        }
    }
    return 0;
}

/* ---- when the task starts ---------------------------------------------- */

/* The totals so far, in milliseconds. */
typedef struct totals {
    long video_ms, audio_ms;
} totals;

static int rule(emu_ref *ref, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rule(emu_ref *ref, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ref->error, sizeof ref->error, fmt, ap);
    va_end(ap);
    return -1;
}

static long millis(double s) { return lround(s * 1000); }

/* An image: decoded (kept for the render) and checked by image.c. */
static int check_image(task *t, emu_ref *ref, const char *path, const char **ext)
{
    buf data = { 0 };
    emu_image *img = calloc(1, sizeof *img);
    char why[256];
    int rc = -1;
    if (!img || read_file(path, (size_t)EMU_MAX_IMAGE, &data)) {
        rc = rule(ref, "cannot be read back");
    } else if (image_decode((const uint8_t *)data.data, data.len, img, why, sizeof why)) {
        rc = rule(ref, "%s", why);
    } else {
        snprintf(ref->mi.format, sizeof ref->mi.format, "%s", img->format);
        ref->mi.width = img->width;
        ref->mi.height = img->height;
        *ext = !strcmp(img->format, "jpeg") ? "jpg" : img->format;
        t->job.images[t->job.nimages++] = img;
        img = NULL;
        rc = 0;
    }
    free(img);
    buf_free(&data);
    return rc;
}

static int is_mp4_or_mov(const media_info *mi)
{
    return !strcmp(mi->format, "mov,mp4,m4a,3gp,3g2,mj2") && strncmp(mi->brand, "3g", 2) &&
           strncmp(mi->brand, "M4A", 3);
}

/* The rules of one clip's length, and of the total so far. */
static int check_length(emu_ref *ref, const char *noun, long *total_ms)
{
    const media_info *mi = &ref->mi;
    long ms = millis(mi->duration);
    if (mi->duration < 0)
        return rule(ref, "the %s's duration cannot be read", noun);
    if (ms < 2000 || ms > 15000)
        return rule(ref, "the %s is %.3f s long (each reference %s must be 2 to 15 s)",
                    noun, ms / 1000.0, noun);
    *total_ms += ms;
    if (*total_ms > 15000)
        return rule(ref, "with it the reference %ss last %.3f s in total (at most 15 s across "
                    "all %ss)", noun, *total_ms / 1000.0, noun);
    return 0;
}

static int check_video(emu_ref *ref, totals *tot, const char **ext)
{
    const media_info *mi = &ref->mi;
    int64_t w = mi->width, h = mi->height, px = w * h;
    if (!is_mp4_or_mov(mi))
        return rule(ref, "the video's format is %s%s%s (allowed: mp4, mov)", mi->format,
                    mi->brand[0] ? ", brand " : "", mi->brand);
    if (!mi->has_video || w <= 0 || h <= 0)
        return rule(ref, "the file holds no video stream (allowed: mp4, mov video)");
    *ext = !strncmp(mi->brand, "qt", 2) ? "mov" : "mp4";
    if (check_length(ref, "video", &tot->video_ms))
        return -1;
    if (mi->fps < 24 - 1e-6 || mi->fps > 60 + 1e-6)
        return rule(ref, "the video runs at %.3f fps (allowed: 24 to 60 fps)", mi->fps);
    if (w < EMU_IMG_MIN || h < EMU_IMG_MIN || w > EMU_IMG_MAX || h > EMU_IMG_MAX)
        return rule(ref, "the video is %dx%d px (each side must be 300 to 6000 px)",
                    mi->width, mi->height);
    if (px < 409600 || px > 2086876)
        return rule(ref, "the video is %dx%d = %lld px (width x height must be 409,600 to "
                    "2,086,876)", mi->width, mi->height, (long long)px);
    if (5 * w < 2 * h || 2 * w > 5 * h)
        return rule(ref, "the video is %dx%d px, aspect ratio %.3f (width/height must be 0.4 "
                    "to 2.5)", mi->width, mi->height, (double)w / h);
    return 0;
}

static int check_audio(emu_ref *ref, totals *tot, const char **ext)
{
    const media_info *mi = &ref->mi;
    if (strcmp(mi->format, "wav") && strcmp(mi->format, "mp3"))
        return rule(ref, "the audio's format is %s (allowed: wav, mp3)", mi->format);
    if (!mi->has_audio)
        return rule(ref, "the file holds no audio stream (allowed: wav, mp3)");
    *ext = mi->format;
    return check_length(ref, "audio clip", &tot->audio_ms);
}

/* Fetches one reference to DIR/<tag><n>.part, then checks it; renamed to
 * its extension. 0, or -1 with ref->error. */
static int fetch_one(task *t, emu_ref *ref, const char *dir, totals *tot)
{
    const struct medium *m = &media[ref->kind];
    buf part = { 0 }, final = { 0 };
    char why[384];
    const char *ext = "bin";
    int rc = -1, got = 0;
    buf_printf(&part, "%s/%s%d.part", dir, m->tag, ref->index + 1);
    FILE *f = part.data ? fopen(part.data, "wb") : NULL;
    if (!f) {
        rule(ref, "cannot be stored by the emulator");
        goto out;
    }
    int k = fetch_url(ref->url, m->max_bytes, FETCH_TIMEOUT, NULL, f, ref->sha256, &ref->size,
                      why, sizeof why);
    if (fclose(f) && !k) {
        k = -1;
        snprintf(why, sizeof why, "the emulator cannot store it");
    }
    if (k == -2) {
        rule(ref, "the %s is larger than %s (at most %s per %s)", m->noun, m->mb, m->mb, m->noun);
        goto out;
    }
    if (k) {
        rule(ref, "cannot be fetched: %s", why);
        goto out;
    }
    got = 1;
    if (ref->kind == REF_IMAGE) {
        if (check_image(t, ref, part.data, &ext))
            goto out;
    } else {
        if (media_probe(part.data, &ref->mi, why, sizeof why)) {
            rule(ref, "%s (allowed: %s)", why, ref->kind == REF_VIDEO ? "mp4, mov" : "wav, mp3");
            goto out;
        }
        if (ref->kind == REF_VIDEO ? check_video(ref, tot, &ext) : check_audio(ref, tot, &ext))
            goto out;
    }
    rc = 0;
out:
    if (part.data) {
        /* all that arrived is kept, refused or not: tests compare it */
        buf_printf(&final, "%s/%s%d.%s", dir, m->tag, ref->index + 1, ext);
        if (got && final.data && !rename(part.data, final.data)) {
            ref->path = final.data;
            final.data = NULL;
        } else {
            unlink(part.data);
        }
    }
    buf_free(&part);
    buf_free(&final);
    return rc;
}

/* The render job of a task whose references all passed. */
static void set_job(task *t)
{
    for (int i = 0; i < t->nrefs; i++) {
        const emu_ref *ref = &t->refs[i];
        if (ref->kind == REF_VIDEO && ref->index < 2)
            t->job.video[ref->index] = ref->path;
        if (ref->kind == REF_VIDEO && ref->index == 0)
            t->job.video1_seconds = ref->mi.duration;
        if (ref->kind == REF_VIDEO)
            t->video_seconds += ref->mi.duration;
    }
    const emu_ref *a1 = refs_get(t, REF_AUDIO, 0), *v1 = refs_get(t, REF_VIDEO, 0);
    t->job.sound = a1 ? a1->path : v1 && v1->mi.has_audio ? v1->path : NULL;
}

void refs_fetch(task *t)
{
    totals tot = { 0 };
    buf dir = { 0 };
    buf_printf(&dir, "%s/references/%s", E.data_dir, t->id);
    if (!dir.data || mkdir_p(dir.data)) {
        t->ref_failed = 1;
        snprintf(t->ref_message, sizeof t->ref_message, "the emulator cannot store references");
        buf_free(&dir);
        return;
    }
    for (int i = 0; i < t->nrefs; i++) {
        emu_ref *ref = &t->refs[i];
        const struct medium *m = &media[ref->kind];
        if (t->ref_failed) {
            ref->state = REF_SKIPPED;
            continue;
        }
        if (!fetch_one(t, ref, dir.data, &tot)) {
            ref->state = REF_FETCHED;
            continue;
        }
        ref->state = REF_FAILED;
        t->ref_failed = 1;
        snprintf(t->ref_message, sizeof t->ref_message, "%s[%d] (@%s%d, '%.120s%s'): %s",
                 m->field, ref->index, m->tag, ref->index + 1, ref->url,
                 strlen(ref->url) > 120 ? "..." : "", ref->error);
    }
    buf_free(&dir);
    if (!t->ref_failed)
        set_job(t);
}

const emu_ref *refs_get(const task *t, int kind, int index)
{
    for (int i = 0; i < t->nrefs; i++)
        if (t->refs[i].kind == kind && t->refs[i].index == index &&
            t->refs[i].state == REF_FETCHED)
            return &t->refs[i];
    return NULL;
}

/* The SHA-256 of bytes in hex. */
static int sha256_hex(const uint8_t *data, size_t len, char out[65])
{
    struct AVSHA *sha = av_sha_alloc();
    uint8_t digest[32];
    if (!sha || av_sha_init(sha, 256) < 0) {
        av_free(sha);
        return -1;
    }
    av_sha_update(sha, data, len);
    av_sha_final(sha, digest);
    av_free(sha);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

int refs_keep_images(task *t, const cJSON *root, emu_image *const *images, int n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "image_urls");
    buf dir = { 0 };
    int rc = 0;
    if (!n || t->nrefs)
        return 0;
    buf_printf(&dir, "%s/references/%s", E.data_dir, t->id);
    if (!dir.data || mkdir_p(dir.data) || !(t->refs = calloc((size_t)n, sizeof *t->refs))) {
        buf_free(&dir);
        return -1;
    }
    for (int i = 0; i < n && !rc; i++) {
        emu_ref *ref = &t->refs[t->nrefs++];
        const emu_image *img = images[i];
        buf path = { 0 };
        FILE *f;
        ref->kind = REF_IMAGE;
        ref->index = i;
        ref->state = REF_FETCHED;
        ref->mi.duration = -1;
        ref->mi.width = img->width;
        ref->mi.height = img->height;
        snprintf(ref->mi.format, sizeof ref->mi.format, "%s", img->format ? img->format : "");
        ref->url = xstrdup(cJSON_GetArrayItem(v, i)->valuestring);
        buf_printf(&path, "%s/image%d.%s", dir.data, i + 1, img->format ? img->format : "bin");
        if (!ref->url || !path.data || !img->bytes || !(f = fopen(path.data, "wb"))) {
            buf_free(&path);
            rc = -1;
            break;
        }
        if (fwrite(img->bytes, 1, img->len, f) != img->len)
            rc = -1;
        if (fclose(f))
            rc = -1;
        ref->size = (int64_t)img->len;
        sha256_hex(img->bytes, img->len, ref->sha256);
        ref->path = path.data;
    }
    buf_free(&dir);
    return rc;
}

cJSON *refs_json(const task *t)
{
    static const char *const states[] = { "waiting", "fetched", "failed", "skipped" };
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < t->nrefs; i++) {
        const emu_ref *ref = &t->refs[i];
        const struct medium *m = &media[ref->kind];
        const media_info *mi = &ref->mi;
        char tag[16];
        snprintf(tag, sizeof tag, "@%s%d", m->tag, ref->index + 1);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", m->field);
        cJSON_AddNumberToObject(o, "index", ref->index);
        cJSON_AddStringToObject(o, "tag", tag);
        cJSON_AddStringToObject(o, "url", ref->url);
        cJSON_AddStringToObject(o, "state", states[ref->state]);
        if (ref->state == REF_FAILED)
            cJSON_AddStringToObject(o, "error", ref->error);
        if (ref->path) {
            cJSON_AddNumberToObject(o, "size", (double)ref->size);
            cJSON_AddStringToObject(o, "sha256", ref->sha256);
            cJSON_AddStringToObject(o, "path", ref->path);
        }
        if (mi->format[0])
            cJSON_AddStringToObject(o, "format", mi->format);
        if (mi->width > 0) {
            cJSON_AddNumberToObject(o, "width", mi->width);
            cJSON_AddNumberToObject(o, "height", mi->height);
        }
        if (ref->kind != REF_IMAGE && mi->duration >= 0)
            cJSON_AddNumberToObject(o, "duration", mi->duration);
        if (ref->kind == REF_VIDEO && mi->has_video)
            cJSON_AddNumberToObject(o, "fps", mi->fps);
        if (ref->kind != REF_IMAGE && mi->format[0]) {
            cJSON_AddBoolToObject(o, "has_audio", mi->has_audio);
            if (mi->has_audio) {
                cJSON_AddNumberToObject(o, "sample_rate", mi->sample_rate);
                cJSON_AddNumberToObject(o, "channels", mi->channels);
            }
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

void refs_free(task *t)
{
    for (int i = 0; i < t->nrefs; i++) {
        free(t->refs[i].url);
        free(t->refs[i].path);
    }
    free(t->refs);
    t->refs = NULL;
    t->nrefs = 0;
}
