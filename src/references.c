/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The media of a request against its mode: which kinds a mode takes and
 * how many, the reference tags of the prompt (@image1, @video2, ...),
 * inline data, the local files themselves (media.c) and the total length
 * of each kind. Everything is checked before anything is uploaded or paid.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

static const char *const kind_names[SD_MEDIA__COUNT] = { "image", "video", "audio" };

/* The kinds a mode takes, and how many of each. */
static int check_counts(const seedance_request *r, const sd_resolved *m, const int *n,
                        seedance_error *err)
{
    static const char *const mode_names[] = { "text-to-video", "image-to-video",
                                              "reference-to-video" };
    const char *name = mode_names[m->mode];

    for (int k = 0; k < SD_MEDIA__COUNT; k++) {
        const seedance_media_rules *ru = sd_media_rules(k);
        int max = k == SD_MEDIA_IMAGE && m->mode == SD_MODE_IMAGE ? 2 : ru->max_count;

        if (m->mode == SD_MODE_TEXT && n[k])
            return sd_error(err, SEEDANCE_E_INVALID, "%s: %d given to the text-to-video model "
                            "%s: allowed none (mode %s takes %ss)", ru->field, n[k], m->id,
                            k == SD_MEDIA_IMAGE ? "image or reference" : "reference", ru->field);
        if (m->mode == SD_MODE_IMAGE && k != SD_MEDIA_IMAGE && n[k])
            return sd_error(err, SEEDANCE_E_INVALID, "%s: given to the image-to-video model %s: "
                            "allowed only in mode reference", ru->field, m->id);
        if (n[k] > max)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: %d given to %s: allowed at most %d",
                            ru->field, n[k], name, max);
    }
    if (m->mode == SD_MODE_IMAGE && !n[SD_MEDIA_IMAGE])
        return sd_error(err, SEEDANCE_E_INVALID, "image: none given to the image-to-video "
                        "model %s: allowed 1..2 images", m->id);
    if (m->mode != SD_MODE_REFERENCE || n[SD_MEDIA_IMAGE] + n[SD_MEDIA_VIDEO])
        return SEEDANCE_OK;
    if (n[SD_MEDIA_AUDIO])
        return sd_error(err, SEEDANCE_E_INVALID, "audio: given without an image or a video: "
                        "reference-to-video (%s) needs at least one image or video%s", m->id,
                        sd_parse_bool(r->value[SEEDANCE_OPTION_AUDIO]) >= 0 ?
                        " (audio is a reference sound; the clip's own track is generate_audio)"
                        : "");
    return sd_error(err, SEEDANCE_E_INVALID, "image: none given to the reference-to-video "
                    "model %s: it needs at least one image or video", m->id);
}

/* Every @image<N>, @video<N>, @audio<N> of the prompt names an input given. */
static int check_tags(const char *prompt, const int *n, seedance_error *err)
{
    for (const char *p = prompt ? strchr(prompt, '@') : NULL; p; p = strchr(p + 1, '@'))
        for (int k = 0; k < SD_MEDIA__COUNT; k++) {
            size_t len = strlen(kind_names[k]);
            long idx;

            if (strncasecmp(p + 1, kind_names[k], len) || !isdigit((unsigned char)p[1 + len]))
                continue;
            idx = strtol(p + 1 + len, NULL, 10);
            if (idx < 1 || idx > n[k])
                return sd_error(err, SEEDANCE_E_INVALID, "prompt: @%.*s names %s %ld, which "
                                "was not given: %d %s given", (int)(len +
                                strspn(p + 1 + len, "0123456789")), p + 1, kind_names[k],
                                idx, n[k], kind_names[k]);
        }
    return SEEDANCE_OK;
}

/* Reference-to-video takes no inline data: every medium at an URL the
 * service can fetch (local files and the bytes of a base64 data: URI are
 * uploaded; a data: URI that is not base64 would go as it is). */
static int check_inline(const seedance_request *r, const sd_resolved *m, const sd_media *media,
                        const sd_local *l, int n, seedance_error *err)
{
    if (!m->model || m->mode != SD_MODE_REFERENCE)
        return SEEDANCE_OK;
    if (sd_request_image_mode(r) == SD_IMAGE_INLINE)
        return sd_error(err, SEEDANCE_E_INVALID, "image_mode: 'inline' with reference-to-video: "
                        "allowed only upload (the service fetches every reference from an URL)");
    for (int i = 0; i < n; i++)
        if (l[i].remote && sd_image_kind(media[i].value) == SD_IMG_DATA)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: a data: URI that is not base64 with "
                            "reference-to-video: allowed a local file, base64 data or an https "
                            "URL", media[i].field);
    return SEEDANCE_OK;
}

/* The length of each kind's clips together. */
static int check_totals(const sd_local *l, const sd_media *media, int n, seedance_error *err)
{
    double total[SD_MEDIA__COUNT] = { 0 };

    for (int i = 0; i < n; i++)
        if (l[i].probed)
            total[l[i].kind] += l[i].info.duration;
    for (int k = 0; k < SD_MEDIA__COUNT; k++) {
        const seedance_media_rules *ru = sd_media_rules(k);
        if (ru->max_total && total[k] > ru->max_total)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: the local %s clips last %.2f s "
                            "together: allowed at most %g s", ru->field, ru->field, total[k],
                            ru->max_total);
    }
    (void)media;
    return SEEDANCE_OK;
}

/* What one media value adds to the body. */
static size_t body_share(const seedance_request *r, const sd_media *m, const sd_local *l)
{
    if (l->remote)
        return strlen(m->value);
    if (l->kind == SD_MEDIA_IMAGE && sd_request_image_mode(r) == SD_IMAGE_INLINE)
        return 4 * ((l->size + 2) / 3) + 32;    /* a data: URI */
    return 256;                                 /* the URL of the upload */
}

int sd_check_references(const seedance_request *r, seedance_client *c, const sd_resolved *m,
                        sd_local *local, int flags, size_t *body, seedance_error *err)
{
    sd_media media[SD_MAX_MEDIA];
    int n = sd_request_media(r, media, SD_MAX_MEDIA), count[SD_MEDIA__COUNT] = { 0 }, rc = 0;

    if (n > SD_MAX_MEDIA)
        return sd_error(err, SEEDANCE_E_INVALID, "%d media files: allowed at most %d", n,
                        SD_MAX_MEDIA);
    for (int k = 0; k < SD_MEDIA__COUNT; k++)
        count[k] = sd_request_media_count(r, k);
    /* Of every model, a name this version does not know included. */
    if (r->value[SEEDANCE_OPTION_LAST_IMAGE] && !r->value[SEEDANCE_OPTION_IMAGE])
        return sd_error(err, SEEDANCE_E_INVALID, "last_image: given without image: a last "
                        "frame needs a first frame (image)");
    if ((m->model && (rc = check_counts(r, m, count, err))) ||
        (rc = check_tags(r->value[SEEDANCE_OPTION_PROMPT], count, err)))
        return rc;
    for (int i = 0; i < n && !rc; i++)
        if (!(rc = sd_media_load(c, &media[i], !(flags & SD_CHECK_NO_PROBE), &local[i], err)))
            *body += body_share(r, &media[i], &local[i]);
    if (!rc && !(rc = check_inline(r, m, media, local, n, err)))
        rc = check_totals(local, media, n, err);
    if (rc)
        for (int i = 0; i < n; i++)
            sd_local_clear(&local[i]);
    return rc;
}
