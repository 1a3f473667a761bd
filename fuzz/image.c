/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local images and data: URIs: sd_image_probe() and sd_image_check() on
 * raw bytes, sd_image_load() of data: URIs, sd_base64() / sd_unbase64().
 *
 * Input: one byte choosing the mode, then the bytes.
 *   0  the bytes as an image file, probed directly and through a base64
 *      data: URI: both ways agree and the URI decodes to the bytes
 *   1  "data:" + the bytes as an image value
 *   2  the bytes as base64 text
 *   3  base64 round trip of the bytes
 * Checks: the format comes from the content (JPEG/PNG/WebP magic), an
 * accepted image is within 300..6000 px and ratio 0.4..2.5; decoding never
 * yields more than 3/4 of the text; base64 round-trips.
 */
#include <string.h>

#include "fuzz.h"
#include "api.h"

static void check_image(const sd_image *img)
{
    double r;

    if (!img->data)
        return;
    FZ_CHECK("image-mime", img->mime && (!strcmp(img->mime, "image/jpeg") ||
             !strcmp(img->mime, "image/png") || !strcmp(img->mime, "image/webp")),
             "mime '%s'", img->mime ? img->mime : "(null)");
    FZ_CHECK("image-limits", img->width >= SD_IMAGE_MIN_SIDE && img->height >= SD_IMAGE_MIN_SIDE &&
             img->width <= SD_IMAGE_MAX_SIDE && img->height <= SD_IMAGE_MAX_SIDE,
             "an accepted image of %dx%d", img->width, img->height);
    r = (double)img->width / img->height;
    FZ_CHECK("image-ratio", r >= SD_IMAGE_MIN_RATIO && r <= SD_IMAGE_MAX_RATIO, "ratio %g", r);
}

static const char *magic_mime(const uint8_t *d, size_t n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
        return "image/webp";
    return NULL;
}

static void as_file(const uint8_t *data, size_t size)
{
    const char *mime = NULL, *want = magic_mime(data, size);
    int w = -1, h = -1, rc1, rc2;
    seedance_error e1, e2;
    sd_image img;
    char *b64, *uri;

    rc1 = sd_image_probe(data, size, "image", "fuzz.bin", &mime, &w, &h, &e1);
    if (rc1 == SEEDANCE_OK) {
        FZ_CHECK("probe-mime", want && !strcmp(mime, want), "probed %s, magic says %s",
                 mime, want ? want : "none");
        FZ_CHECK("probe-size", w >= 0 && h >= 0, "probed %dx%d", w, h);
        rc1 = sd_image_check("image", "fuzz.bin", size, w, h, &e1);
    } else {
        FZ_CHECK("probe-fail", rc1 == SEEDANCE_E_IMAGE && e1.message[0], "probe failed with %d", rc1);
    }
    /* the same bytes through a data: URI */
    b64 = sd_base64(data, size);
    if (!b64)
        abort();
    uri = malloc(strlen(b64) + 32);
    sprintf(uri, "data:image/png;base64,%s", b64);
    rc2 = sd_image_load("image", uri, &img, &e2);
    if (size == 0) {
        /* nothing to decode: an empty data: URI is refused as not base64 */
        FZ_CHECK("load-empty", rc2 != SEEDANCE_OK || !img.data, "empty URI loaded");
    } else {
        FZ_CHECK("load-agrees", (rc1 == SEEDANCE_OK) == (rc2 == SEEDANCE_OK),
                 "probe+check says %d, data: URI load says %d (%s)", rc1, rc2, e2.message);
    }
    if (rc2 == SEEDANCE_OK && img.data) {
        FZ_CHECK("load-bytes", img.size == size && !memcmp(img.data, data, size),
                 "the data: URI decoded to %zu bytes, not the %zu encoded", img.size, size);
        FZ_CHECK("load-dims", img.width == w && img.height == h, "%dx%d vs %dx%d",
                 img.width, img.height, w, h);
        check_image(&img);
    }
    sd_image_clear(&img);
    free(uri);
    free(b64);
}

static void as_uri(const uint8_t *data, size_t size)
{
    char *v = malloc(size + 6);
    seedance_error e;
    sd_image img;
    int rc;

    memcpy(v, "data:", 5);
    memcpy(v + 5, data, size);
    v[size + 5] = '\0';
    rc = sd_image_load("last_image", v, &img, &e);
    if (rc == SEEDANCE_OK)
        check_image(&img);
    else
        FZ_CHECK("uri-fail", !img.data && e.message[0] && (rc == SEEDANCE_E_IMAGE ||
                 rc == SEEDANCE_E_NOMEM), "failure %d", rc);
    sd_image_clear(&img);
    free(v);
}

static void as_base64(const uint8_t *data, size_t size)
{
    char *text = fz_strndup(data, size), *again;
    size_t n = (size_t)-1, m = (size_t)-1;
    unsigned char *out = sd_unbase64(text, size, &n), *out2;

    if (out) {
        FZ_CHECK("unbase64-size", n <= size / 4 * 3, "%zu bytes decoded from %zu characters",
                 n, size);
        again = sd_base64(out, n);
        out2 = sd_unbase64(again, strlen(again), &m);
        FZ_CHECK("unbase64-stable", n == 0 || (out2 && m == n && !memcmp(out, out2, n)),
                 "decode(encode(decode(x))) differs from decode(x)");
        free(out2);
        free(again);
        free(out);
    }
    free(text);
}

static void round_trip(const uint8_t *data, size_t size)
{
    char *b64 = sd_base64(data, size);
    size_t n = (size_t)-1;
    unsigned char *out;

    FZ_CHECK("base64-length", b64 && strlen(b64) == 4 * ((size + 2) / 3), "encoded length");
    out = sd_unbase64(b64, strlen(b64), &n);
    if (size)
        FZ_CHECK("base64-roundtrip", out && n == size && !memcmp(out, data, size),
                 "%zu bytes round-trip to %zu", size, out ? n : 0);
    free(out);
    free(b64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] & 3) {
    case 0: as_file(data + 1, size - 1); break;
    case 1: as_uri(data + 1, size - 1); break;
    case 2: as_base64(data + 1, size - 1); break;
    case 3: round_trip(data + 1, size - 1); break;
    }
    return 0;
}
