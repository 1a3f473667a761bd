/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local images: the format is recognised by content (JPEG, PNG, WebP, never
 * by the file name), the dimensions come from the headers, and the API's
 * limits are checked before anything is sent. Also base64 and data: URIs
 * (OpenSSL's encoder and decoder).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "api.h"

int sd_image_kind(const char *value)
{
    if (!strncasecmp(value, "http://", 7) || !strncasecmp(value, "https://", 8))
        return SD_IMG_URL;
    if (!strncasecmp(value, "data:", 5))
        return SD_IMG_DATA;
    return SD_IMG_FILE;
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}
static unsigned long le24(const unsigned char *p)
{
    return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* Walk the JPEG markers up to the frame header (SOFn). */
static int jpeg_size(const unsigned char *d, size_t n, int *w, int *h)
{
    size_t i = 2;

    while (i + 4 <= n) {
        unsigned m, len;

        if (d[i] != 0xFF)
            return -1;
        while (i < n && d[i] == 0xFF)   /* fill bytes */
            i++;
        if (i >= n)
            return -1;
        m = d[i++];
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue;                   /* markers without a segment */
        if (m == 0xD9 || m == 0xDA || i + 2 > n)
            return -1;                  /* end of image / scan before a frame */
        len = be16(d + i);
        if (len < 2)
            return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (i + 7 > n)
                return -1;
            *h = (int)be16(d + i + 3);
            *w = (int)be16(d + i + 5);
            return 0;
        }
        i += len;
    }
    return -1;
}

static int png_size(const unsigned char *d, size_t n, int *w, int *h)
{
    unsigned long pw, ph;

    if (n < 24 || memcmp(d + 12, "IHDR", 4))
        return -1;
    pw = be32(d + 16);
    ph = be32(d + 20);
    if (pw > 0x7fffffffUL || ph > 0x7fffffffUL)
        return -1;
    *w = (int)pw;
    *h = (int)ph;
    return 0;
}

static int webp_size(const unsigned char *d, size_t n, int *w, int *h)
{
    if (n < 30)
        return -1;
    if (!memcmp(d + 12, "VP8 ", 4)) {          /* lossy */
        if (d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A)
            return -1;
        *w = (int)(le16(d + 26) & 0x3FFF);
        *h = (int)(le16(d + 28) & 0x3FFF);
        return 0;
    }
    if (!memcmp(d + 12, "VP8L", 4)) {          /* lossless */
        unsigned long bits;
        if (d[20] != 0x2F)
            return -1;
        bits = (unsigned long)d[21] | (unsigned long)d[22] << 8 |
               (unsigned long)d[23] << 16 | (unsigned long)d[24] << 24;
        *w = (int)(bits & 0x3FFF) + 1;
        *h = (int)((bits >> 14) & 0x3FFF) + 1;
        return 0;
    }
    if (!memcmp(d + 12, "VP8X", 4)) {          /* extended */
        *w = (int)le24(d + 24) + 1;
        *h = (int)le24(d + 27) + 1;
        return 0;
    }
    return -1;
}

int sd_image_probe(const unsigned char *d, size_t n, const char *field, const char *name,
                   const char **mime, int *w, int *h, seedance_error *err)
{
    int r;

    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        *mime = "image/jpeg";
        r = jpeg_size(d, n, w, h);
    } else if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
        *mime = "image/png";
        r = png_size(d, n, w, h);
    } else if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) {
        *mime = "image/webp";
        r = webp_size(d, n, w, h);
    } else {
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: %s is not a JPEG, PNG or WebP image (recognised by content): "
                            "allowed formats are JPEG, PNG and WebP", field, name);
    }
    if (r < 0)
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: %s looks like %s but its header is damaged or truncated",
                            field, name, *mime);
    return SEEDANCE_OK;
}

const seedance_image_rules *seedance_image_rules_get(void)
{
    static const char *const mime_types[] = { "image/jpeg", "image/png", "image/webp", NULL };
    static const seedance_image_rules rules = {
        mime_types, (size_t)SD_IMAGE_MAX_BYTES, SD_IMAGE_MIN_SIDE, SD_IMAGE_MAX_SIDE,
        SD_IMAGE_MIN_RATIO, SD_IMAGE_MAX_RATIO
    };

    return &rules;
}

int sd_image_check(const char *field, const char *name, size_t size, int w, int h,
                   seedance_error *err)
{
    double ratio;

    if (size > (size_t)SD_IMAGE_MAX_BYTES)
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: %s is %zu bytes (%.1f MB): allowed at most 30 MB per image",
                            field, name, size, (double)size / (1024.0 * 1024.0));
    if (w < SD_IMAGE_MIN_SIDE || h < SD_IMAGE_MIN_SIDE ||
        w > SD_IMAGE_MAX_SIDE || h > SD_IMAGE_MAX_SIDE)
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: %s is %dx%d px: allowed %d..%d px per side",
                            field, name, w, h, SD_IMAGE_MIN_SIDE, SD_IMAGE_MAX_SIDE);
    ratio = (double)w / (double)h;
    if (ratio < SD_IMAGE_MIN_RATIO || ratio > SD_IMAGE_MAX_RATIO)
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: %s is %dx%d px, width/height %.2f: allowed %g..%g",
                            field, name, w, h, ratio, SD_IMAGE_MIN_RATIO, SD_IMAGE_MAX_RATIO);
    return SEEDANCE_OK;
}

void sd_image_clear(sd_image *img)
{
    if (!img)
        return;
    free(img->data);
    memset(img, 0, sizeof(*img));
}

static int read_file(const char *field, const char *path, sd_image *img, seedance_error *err)
{
    if (sd_read_file(path, (size_t)SD_IMAGE_MAX_BYTES, &img->data, &img->size) == 0)
        return SEEDANCE_OK;
    switch (errno) {
    case ENOMEM:
        return sd_error(err, SEEDANCE_E_NOMEM, NULL);
    case EFBIG:
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: %s is %zu bytes (%.1f MB): allowed at most 30 MB per image",
                        field, path, img->size, (double)img->size / (1024.0 * 1024.0));
    case EISDIR:
    case ENODEV:
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: '%s' is not a regular file", field, path);
    }
    return sd_error(err, SEEDANCE_E_IMAGE,
                    "%s: cannot read '%s': %s (expected a local file, an http(s) URL or a "
                    "data: URI)", field, path, strerror(errno));
}

/* data:[<mime>][;param...][;base64],<data> */
static int decode_data_uri(const char *field, const char *uri, sd_image *img,
                           seedance_error *err)
{
    const char *comma = strchr(uri, ',');
    const char *meta = uri + 5;
    size_t mlen;

    if (!comma)
        return sd_error(err, SEEDANCE_E_IMAGE, "%s: data: URI without a ',': expected "
                            "data:image/png;base64,<base64>", field);
    mlen = (size_t)(comma - meta);
    if (mlen < 7 || strncasecmp(comma - 7, ";base64", 7))
        return SEEDANCE_OK;     /* not base64: passed through unchecked */
    img->data = sd_unbase64(comma + 1, strlen(comma + 1), &img->size);
    if (!img->data)
        return sd_error(err, SEEDANCE_E_IMAGE,
                        "%s: the data: URI does not hold valid base64", field);
    return SEEDANCE_OK;
}

int sd_image_load(const char *field, const char *value, sd_image *img, seedance_error *err)
{
    int rc;
    const char *name = value;

    memset(img, 0, sizeof(*img));
    if (sd_image_kind(value) == SD_IMG_DATA) {
        name = "the data: URI";
        if ((rc = decode_data_uri(field, value, img, err)) || !img->data)
            return rc;
    } else if ((rc = read_file(field, value, img, err))) {
        return rc;
    }
    if ((rc = sd_image_probe(img->data, img->size, field, name, &img->mime,
                             &img->width, &img->height, err)) ||
        (rc = sd_image_check(field, name, img->size, img->width, img->height, err))) {
        sd_image_clear(img);
        return rc;
    }
    return SEEDANCE_OK;
}

char *sd_base64(const unsigned char *data, size_t size)
{
    size_t n, done = 0, i = 0;
    char *out;

    if (size > (SIZE_MAX - 4) / 4 * 3)     /* 4 * ((size + 2) / 3) + 1 would wrap */
        return NULL;
    n = 4 * ((size + 2) / 3);
    if (!(out = malloc(n + 1)))
        return NULL;
    /* EVP_EncodeBlock takes an int length: encode in chunks of 3 MB */
    while (i < size) {
        size_t chunk = size - i > 3u * 1024 * 1024 ? 3u * 1024 * 1024 : size - i;
        done += (size_t)EVP_EncodeBlock((unsigned char *)out + done, data + i, (int)chunk);
        i += chunk;
    }
    out[done] = '\0';
    return out;
}

unsigned char *sd_unbase64(const char *text, size_t len, size_t *out_size)
{
    unsigned char *out;
    size_t pad = 0, done = 0;

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    if (len == 0 || len % 4 || len > (size_t)SD_BODY_MAX_BYTES * 2)
        return NULL;
    if (text[len - 1] == '=')
        pad++;
    if (text[len - 2] == '=')
        pad++;
    if (!(out = malloc(len / 4 * 3 + 1)))
        return NULL;
    /* decode in chunks of 4 MB of text (a multiple of 4) */
    for (size_t i = 0; i < len;) {
        size_t chunk = len - i > 4u * 1024 * 1024 ? 4u * 1024 * 1024 : len - i;
        int n = EVP_DecodeBlock(out + done, (const unsigned char *)text + i, (int)chunk);
        if (n < 0) {
            free(out);
            return NULL;
        }
        done += (size_t)n;
        i += chunk;
    }
    *out_size = done - pad;
    return out;
}

char *sd_data_uri(const sd_image *img)
{
    char *b64 = sd_base64(img->data, img->size), *out;
    size_t n;

    if (!b64)
        return NULL;
    n = strlen(img->mime) + strlen(b64) + 16;
    if ((out = malloc(n)))
        snprintf(out, n, "data:%s;base64,%s", img->mime, b64);
    free(b64);
    return out;
}
