/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The media of a request: images, reference videos and sounds. Their
 * lists ("a.mp4|b.mp4"), the API's rules for each kind (one table), and
 * local files checked before anything is sent: the format by content
 * (never by the name), the size, and what the caller's media probe reads
 * of durations, frame rates and frame sizes. The library has no demuxer:
 * the probe is the front end's (seedance_client_set_probe()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"

#define MB (1024L * 1024)

static const seedance_media_rules rules[] = {
    [SD_MEDIA_IMAGE] = { "image", "jpeg, png, webp", 9, 30 * MB, 0, 0, 0, 0, 0, 0, 0,
                         SD_IMAGE_MIN_SIDE, SD_IMAGE_MAX_SIDE, SD_IMAGE_MIN_RATIO,
                         SD_IMAGE_MAX_RATIO },
    [SD_MEDIA_VIDEO] = { "video", "mp4, mov", 3, 50 * MB, 2, 15, 15, 24, 60, 409600, 2086876,
                         300, 6000, 0.4, 2.5 },
    [SD_MEDIA_AUDIO] = { "audio", "wav, mp3", 3, 15 * MB, 2, 15, 15, 0, 0, 0, 0, 0, 0, 0, 0 },
};

const seedance_media_rules *sd_media_rules(int kind)
{
    return kind >= 0 && kind < SD_MEDIA__COUNT ? &rules[kind] : NULL;
}

const seedance_media_rules *seedance_media_rules_get(const char *field)
{
    for (int k = 0; field && k < SD_MEDIA__COUNT; k++)
        if (!strcmp(field, rules[k].field))
            return &rules[k];
    return NULL;
}

int sd_media_kind(int option_id)
{
    switch (option_id) {
    case SEEDANCE_OPTION_IMAGE: case SEEDANCE_OPTION_LAST_IMAGE: return SD_MEDIA_IMAGE;
    case SEEDANCE_OPTION_VIDEO: return SD_MEDIA_VIDEO;
    case SEEDANCE_OPTION_AUDIO: return SD_MEDIA_AUDIO;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Lists                                                              */

void sd_media_list_free(char **items)
{
    for (int i = 0; items && items[i]; i++)
        free(items[i]);
    free(items);
}

int sd_media_list_split(const char *text, char ***out)
{
    size_t len = strlen(text);
    char **items = calloc(len / 2 + 2, sizeof(*items)), *cur = malloc(len + 1);
    size_t n = 0, k = 0;

    *out = NULL;
    if (!items || !cur) {
        free(items);
        free(cur);
        return -1;
    }
    for (const char *p = text;; p++) {
        if (*p == '\\' && p[1] == '|') {
            cur[k++] = *++p;
        } else if (*p == '|' || !*p) {
            cur[k] = '\0';
            if (k && !(items[n++] = strdup(cur))) {
                sd_media_list_free(items);
                free(cur);
                return -1;
            }
            k = 0;
            if (!*p)
                break;
        } else {
            cur[k++] = *p;
        }
    }
    free(cur);
    *out = items;
    return (int)n;
}

char *sd_media_list_add(const char *list, const char *more)
{
    size_t n = (list ? strlen(list) + 1 : 0) + strlen(more) + 1;
    char *out = malloc(n);

    if (out)
        snprintf(out, n, "%s%s%s", list ? list : "", list ? "|" : "", more);
    return out;
}

/* ------------------------------------------------------------------ */
/* Formats by content                                                 */

/* The container of the first bytes of a video or sound: its MIME type, or NULL. */
static const char *sniff(int kind, const unsigned char *b, size_t n)
{
    static const char *const qt_atoms[] = { "moov", "mdat", "wide", "free", "skip", NULL };

    if (kind == SD_MEDIA_VIDEO && n >= 12) {
        if (!memcmp(b + 4, "ftyp", 4))
            return !memcmp(b + 8, "qt  ", 4) ? "video/quicktime" : "video/mp4";
        for (int i = 0; qt_atoms[i]; i++)
            if (!memcmp(b + 4, qt_atoms[i], 4))
                return "video/quicktime";
    }
    if (kind == SD_MEDIA_AUDIO && n >= 12) {
        if (!memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WAVE", 4))
            return "audio/wav";
        if (!memcmp(b, "ID3", 3) || (b[0] == 0xFF && (b[1] & 0xE6) == 0xE2))
            return "audio/mpeg";    /* an ID3 tag, or an MPEG audio layer III frame */
    }
    return NULL;
}

const char *sd_media_ext(const char *mime)
{
    static const struct { const char *mime, *ext; } exts[] = {
        { "image/jpeg", "jpg" }, { "image/png", "png" }, { "image/webp", "webp" },
        { "video/mp4", "mp4" }, { "video/quicktime", "mov" },
        { "audio/wav", "wav" }, { "audio/mpeg", "mp3" },
    };

    for (size_t i = 0; mime && i < sizeof(exts) / sizeof(exts[0]); i++)
        if (!strcmp(mime, exts[i].mime))
            return exts[i].ext;
    return "bin";
}

/* ------------------------------------------------------------------ */
/* Local files                                                        */

void sd_local_clear(sd_local *l)
{
    if (!l)
        return;
    free(l->data);
    memset(l, 0, sizeof(*l));
}

/* SHA-256 of a file, read piece by piece. */
static int hash_file(const char *path, char hex[65])
{
    unsigned char buf[65536];
    sd_hash *h = sd_hash_new(SD_HASH_SHA256);
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
    ssize_t n;

    if (h && fd >= 0) {
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            sd_hash_add(h, buf, (size_t)n);
        if (n == 0 && sd_hash_final(h, hex) == 0)
            rc = 0;
    }
    if (fd >= 0)
        close(fd);
    sd_hash_free(h);
    return rc;
}

/* An image: a file or a data: URI, loaded, probed and checked (image.c). */
static int load_image(const sd_media *m, sd_local *l, seedance_error *err)
{
    sd_image img;
    int rc;

    if ((rc = sd_image_load(m->field, m->value, &img, err)))
        return rc;
    if (!img.data) {        /* a data: URI that is not base64: sent as given */
        l->remote = 1;
        return SEEDANCE_OK;
    }
    l->mime = img.mime;
    l->size = img.size;
    l->info.width = img.width;
    l->info.height = img.height;
    sd_sha256_hex(img.data, img.size, l->sha256);
    if (sd_image_kind(m->value) == SD_IMG_FILE) {
        l->path = m->value;             /* read again when it is sent */
        sd_image_clear(&img);
    } else {
        l->data = img.data;
    }
    return SEEDANCE_OK;
}

/* The duration, rate and frame size of a clip against its kind's rules. */
static int check_info(const sd_media *m, const seedance_media_rules *ru,
                      const seedance_media_info *in, seedance_error *err)
{
    long px = (long)in->width * in->height;
    double ratio = in->height ? (double)in->width / in->height : 0;

    if (in->duration < ru->min_duration || in->duration > ru->max_duration)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s lasts %.2f s: allowed %g..%g s per clip",
                        m->field, m->value, in->duration, ru->min_duration, ru->max_duration);
    if (!ru->min_fps)
        return SEEDANCE_OK;
    if (!in->has_video)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s has no video stream", m->field,
                        m->value);
    if (in->fps < ru->min_fps || in->fps > ru->max_fps)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s runs at %.3g fps: allowed %g..%g fps",
                        m->field, m->value, in->fps, ru->min_fps, ru->max_fps);
    if (in->width < ru->min_side || in->height < ru->min_side || in->width > ru->max_side ||
        in->height > ru->max_side)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is %dx%d: allowed %d..%d pixels per "
                        "side", m->field, m->value, in->width, in->height, ru->min_side,
                        ru->max_side);
    if (px < ru->min_pixels || px > ru->max_pixels)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is %dx%d, %ld pixels: allowed "
                        "%ld..%ld pixels (width x height)", m->field, m->value, in->width,
                        in->height, px, ru->min_pixels, ru->max_pixels);
    if (ratio < ru->min_ratio || ratio > ru->max_ratio)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is %dx%d, a width/height of %.2f: "
                        "allowed %g..%g", m->field, m->value, in->width, in->height, ratio,
                        ru->min_ratio, ru->max_ratio);
    return SEEDANCE_OK;
}

/* A local video or sound: size, format by content, what the probe reads. */
static int load_clip(seedance_client *c, const sd_media *m, sd_local *l, int probe,
                     seedance_error *err)
{
    const seedance_media_rules *ru = sd_media_rules(l->kind);
    unsigned char head[64];
    struct stat st;
    ssize_t n = -1;
    int fd;

    if (sd_image_kind(m->value) == SD_IMG_DATA)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: a data: URI: allowed only a local file "
                        "or an https URL (the service refuses inline %s)", m->field, m->field);
    if ((fd = open(m->value, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
        !S_ISREG(st.st_mode) || (n = read(fd, head, sizeof(head))) < 0) {
        int e = fd >= 0 && n >= 0 ? EISDIR : errno;
        if (fd >= 0)
            close(fd);
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: cannot read %s: %s%s", m->field, m->value,
                        strerror(e), l->kind == SD_MEDIA_AUDIO && sd_parse_bool(m->value) >= 0
                        ? " (audio is a reference sound; the clip's own track is "
                          "generate_audio)" : "");
    }
    close(fd);
    if ((size_t)st.st_size > ru->max_bytes)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is %lld bytes (%.1f MB): allowed at "
                        "most %zu MB per file", m->field, m->value, (long long)st.st_size,
                        (double)st.st_size / MB, ru->max_bytes / MB);
    if (!(l->mime = sniff(l->kind, head, (size_t)n)))
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s is not %s by its content: allowed %s",
                        m->field, m->value, l->kind == SD_MEDIA_VIDEO ? "mp4 or mov" :
                        "wav or mp3", ru->formats);
    l->path = m->value;
    l->size = (size_t)st.st_size;
    if (hash_file(m->value, l->sha256) < 0)
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: cannot read %s: %s", m->field, m->value,
                        strerror(errno));
    if (!probe)
        return SEEDANCE_OK;
    if (!c || !c->probe_cb)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s cannot be checked: this program "
                        "gives libseedance no media probe to read its duration", m->field,
                        m->value);
    l->info.duration = l->info.fps = -1;
    if (c->probe_cb(c->probe_opaque, m->value, &l->info) < 0)
        return sd_error(err, SEEDANCE_E_INVALID, "%s: %s cannot be read as %s", m->field,
                        m->value, l->kind == SD_MEDIA_VIDEO ? "a video" : "a sound");
    l->probed = 1;
    return check_info(m, ru, &l->info, err);
}

int sd_media_load(seedance_client *c, const sd_media *m, int probe, sd_local *l,
                  seedance_error *err)
{
    int rc;

    memset(l, 0, sizeof(*l));
    l->kind = sd_media_kind(m->id);
    l->info.duration = -1;
    if (sd_image_kind(m->value) == SD_IMG_URL) {
        l->remote = 1;
        return SEEDANCE_OK;
    }
    rc = l->kind == SD_MEDIA_IMAGE ? load_image(m, l, err) : load_clip(c, m, l, probe, err);
    if (rc) {
        int kind = l->kind;
        sd_local_clear(l);
        l->kind = kind;
    }
    return rc;
}
