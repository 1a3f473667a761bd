/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image_urls: fetched the way the service would (data: URIs, http(s) URLs,
 * and this emulator's own uploaded files), checked against the documented
 * limits (JPEG, PNG or WebP by content; 300..6000 px per side; width/height
 * 0.4..2.5; at most 30 MB) and decoded with libavcodec.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
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

static size_t fetch_write(char *p, size_t sz, size_t n, void *cls)
{
    buf *b = cls;
    if ((long long)(b->len + n * sz) > EMU_MAX_IMAGE)
        return 0;                                   /* too big: abort */
    return buf_append(b, p, n * sz) ? 0 : n * sz;
}

static int fetch_http(const char *url, buf *out, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    if (!url_is_local(url)) {
        curl_easy_cleanup(c);
        snprintf(err, errlen, "cannot fetch the image: %.200s is not reachable from the "
                 "emulator (it fetches only from this machine)", url);
        return -1;
    }
    curl_local_only(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "evolink-emu image fetcher");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (rc == CURLE_WRITE_ERROR) {
        snprintf(err, errlen, "image is larger than 30 MB");
        return -1;
    }
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "cannot fetch the image: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(err, errlen, "cannot fetch the image: HTTP %ld", status);
        return -1;
    }
    return 0;
}

/* This emulator's own /files/ URL: read from disk (no HTTP to ourselves). */
static char *own_file(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *local = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, url, 0) &&
        !curl_url_get(u, CURLUPART_HOST, &host, 0) &&
        !curl_url_get(u, CURLUPART_PORT, &port, 0) &&
        !curl_url_get(u, CURLUPART_PATH, &path, 0) &&
        (!strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost")) &&
        atoi(port) == E.port && !strncmp(path, "/files/", 7))
        local = files_local_path(path);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return local;
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
        char *local = own_file(url);
        if (local) {
            int k = read_file(local, (size_t)EMU_MAX_IMAGE, &data);
            free(local);
            if (k == -2) {
                snprintf(err, errlen, "image is larger than 30 MB");
                goto out;
            }
            if (k) {
                snprintf(err, errlen, "cannot fetch the image: HTTP 404");
                goto out;
            }
        } else if (fetch_http(url, &data, err, errlen)) {
            goto out;
        }
    } else {
        snprintf(err, errlen, "unsupported URL (allowed: http://, https:// or data:)");
        goto out;
    }
    rc = image_decode((const uint8_t *)data.data, data.len, img, err, errlen);
out:
    buf_free(&data);
    return rc;
}
