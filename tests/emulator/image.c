/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Images: checked against the documented limits (JPEG, PNG or WebP by
 * content; 300..6000 px per side; width/height 0.4..2.5; at most 30 MB)
 * and decoded with libavcodec. image_urls of image-to-video are read here
 * too: data: URIs, and URLs through fetch.c.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavcodec/avcodec.h>
#include <libavutil/base64.h>
#include <libavutil/frame.h>

const char *image_sniff(const uint8_t *d, size_t n)
{
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return "png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "jpeg";
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
        return "webp";
    return NULL;
}

void image_free(emu_image *img)
{
    av_frame_free(&img->frame);
    free(img->bytes);
    img->bytes = NULL;
}

int image_decode(const uint8_t *data, size_t len, emu_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    if ((long long)len > EMU_MAX_IMAGE) {
        snprintf(err, errlen, "image is %zu bytes, larger than 30 MB", len);
        return -1;
    }
    const char *fmt = image_sniff(data, len);
    if (!fmt) {
        snprintf(err, errlen, "unsupported image format (allowed: jpeg, png, webp)");
        return -1;
    }
    enum AVCodecID id = !strcmp(fmt, "png") ? AV_CODEC_ID_PNG
                      : !strcmp(fmt, "jpeg") ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_WEBP;
    const AVCodec *codec = avcodec_find_decoder(id);
    AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int rc = -1;
    if (!ctx || !pkt || !f) {
        snprintf(err, errlen, "cannot decode %s images here", fmt);
        goto out;
    }
    ctx->thread_count = 1;
    if (avcodec_open2(ctx, codec, NULL) < 0 || av_new_packet(pkt, (int)len) < 0) {
        snprintf(err, errlen, "cannot decode %s images here", fmt);
        goto out;
    }
    memcpy(pkt->data, data, len);
    int ret = avcodec_send_packet(ctx, pkt);
    if (ret >= 0) {
        ret = avcodec_receive_frame(ctx, f);
        if (ret == AVERROR(EAGAIN)) {
            avcodec_send_packet(ctx, NULL);
            ret = avcodec_receive_frame(ctx, f);
        }
    }
    if (ret < 0 || f->width <= 0 || f->height <= 0) {
        snprintf(err, errlen, "the %s data cannot be decoded (corrupt or truncated image)", fmt);
        goto out;
    }
    if (f->width < EMU_IMG_MIN || f->height < EMU_IMG_MIN ||
        f->width > EMU_IMG_MAX || f->height > EMU_IMG_MAX) {
        snprintf(err, errlen, "image is %dx%d px (each side must be 300 to 6000 px)",
                 f->width, f->height);
        goto out;
    }
    double ratio = (double)f->width / f->height;
    if (ratio < 0.4 || ratio > 2.5) {
        snprintf(err, errlen, "image is %dx%d px, aspect ratio %.3f (width/height must be 0.4 to 2.5)",
                 f->width, f->height, ratio);
        goto out;
    }
    img->frame = f;
    img->width = f->width;
    img->height = f->height;
    img->format = fmt;
    f = NULL;
    rc = 0;
out:
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return rc;
}

/* data:[<mime>];base64,<data> */
static int load_data_uri(const char *uri, buf *out, char *err, size_t errlen)
{
    const char *comma = strchr(uri, ',');
    if (!comma) {
        snprintf(err, errlen, "malformed data: URI (no comma)");
        return -1;
    }
    const char *semi = uri + 5;
    int b64 = 0;
    for (const char *p = semi; p && p < comma; p = strchr(p + 1, ';'))
        if (!strncasecmp(p, ";base64", 7) && p + 7 == comma)
            b64 = 1;
    if (!b64) {
        snprintf(err, errlen, "data: URI must be base64 encoded (data:image/...;base64,...)");
        return -1;
    }
    const char *s = comma + 1;
    size_t n = strlen(s);
    if (n / 4 * 3 > (size_t)EMU_MAX_IMAGE + 3) {
        snprintf(err, errlen, "image is about %zu bytes, larger than 30 MB", n / 4 * 3);
        return -1;
    }
    size_t cap = AV_BASE64_DECODE_SIZE(n) + 1;
    out->data = malloc(cap);
    if (!out->data) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    out->cap = cap;
    int k = av_base64_decode((uint8_t *)out->data, s, (int)cap);
    if (k <= 0) {
        snprintf(err, errlen, "data: URI holds invalid base64");
        return -1;
    }
    out->len = (size_t)k;
    return 0;
}

int image_load(const char *url, emu_image *img, char *err, size_t errlen)
{
    buf data = { 0 };
    int rc = -1;
    memset(img, 0, sizeof *img);
    if (!strncasecmp(url, "data:", 5)) {
        if (load_data_uri(url, &data, err, errlen))
            goto out;
    } else if (!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8)) {
        char why[384];
        int k = fetch_url(url, EMU_MAX_IMAGE, 20, &data, NULL, NULL, NULL, why, sizeof why);
        if (k == -2) {
            snprintf(err, errlen, "image is larger than 30 MB");
            goto out;
        }
        if (k) {
            snprintf(err, errlen, "cannot fetch the image: %s", why);
            goto out;
        }
    } else {
        snprintf(err, errlen, "unsupported URL (allowed: http://, https:// or data:)");
        goto out;
    }
    if (!(rc = image_decode((const uint8_t *)data.data, data.len, img, err, errlen))) {
        img->bytes = (uint8_t *)data.data;   /* kept for the task's record */
        img->len = data.len;
        data.data = NULL;
    }
out:
    buf_free(&data);
    return rc;
}
