/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pictures of a clip, drawn straight into YUV420P planes (BT.709,
 * limited range).
 *
 * Text-to-video: an animation fully determined by a hash of the prompt
 * (same prompt, same pixels): moving diagonal bands, a slowly turning hue,
 * three discs on Lissajous paths and a time bar along the bottom.
 *
 * Image-to-video: the first image scaled and cropped to cover the frame is
 * frame 0. With one image the camera slowly zooms in; with two, the first
 * zooms in while it dissolves into the second, which settles exactly on
 * the last frame.
 *
 * Reference-to-video (N frames; "cover" = scaled and cropped to cover the
 * frame; zoom z = a bilinear zoom by z about the centre):
 *   - images only (n of them): frame i shows image k = floor(i n / N),
 *     which starts at frame a_k = ceil(k N / n), cover, zoomed by
 *     1 + 0.08 (i - a_k) / (a_{k+1} - a_k): each image is exactly the first
 *     frame of its share.
 *   - with @video1, source_first: frames i < S (draw_source_frames) are
 *     @video1's own, cover: the last frame of @video1 whose time from its
 *     first frame is at most i/24 s + 0.5 ms. Then the new part, as below,
 *     for the M = N - S frames left. Otherwise (the default) S = 0: all
 *     N frames are new.
 *   - the new part, j = 0..M-1, t = (j + 1) / (M + 1): L = the last frame
 *     of @video1, cover, zoomed by 1 + 0.08 t (it goes on from where
 *     @video1 ends, repeating no frame of it). With @video2 it dissolves
 *     into F = the first frame of @video2, cover, zoomed by 1 + 0.08 (1 - t):
 *     L (1 - s) + F s, s = t^2 (3 - 2 t), 8-bit weights round(256 s).
 *   Images given with a video are references only: they are not drawn.
 */
#include "emu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#define ZOOM 0.08          /* how far the camera moves over a clip */

struct draw_ctx {
    int w, h, nimages, reference;
    uint64_t seed;
    AVFrame *img[EMU_MAX_IMAGES];   /* cover-scaled images */
    AVFrame *tmp[2];       /* zoomed copies */
    int32_t *xs, *ys;      /* zoom sample positions, 16.16 */
    /* reference footage */
    media_video *src;      /* @video1, for its own frames (source_first) */
    int nsource;           /* how many frames show them */
    AVFrame *last1;        /* @video1's last picture, cover */
    AVFrame *first2;       /* @video2's first picture, cover, or NULL */
};

static AVFrame *yuv_frame(int w, int h)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return NULL;
    f->format = AV_PIX_FMT_YUV420P;
    f->width = w;
    f->height = h;
    if (av_frame_get_buffer(f, 0) < 0)
        av_frame_free(&f);
    return f;
}

/* The image's own matrix and range (JPEG: BT.601 full range), for libswscale. */
static const int *image_matrix(const AVFrame *f, int *full)
{
    *full = f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P ||
            f->format == AV_PIX_FMT_YUVJ422P || f->format == AV_PIX_FMT_YUVJ444P ||
            f->format == AV_PIX_FMT_YUVJ440P;
    return sws_getCoefficients(f->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_ITU601);
}

AVFrame *cover_scale(cover_scaler *cs, const AVFrame *src, int w, int h)
{
    double s = fmax((double)w / src->width, (double)h / src->height);
    int iw = (int)ceil(src->width * s), ih = (int)ceil(src->height * s);
    if (iw < w) iw = w;
    if (ih < h) ih = h;
    iw += iw & 1;
    ih += ih & 1;
    if (cs->big && (cs->big->width != iw || cs->big->height != ih))
        av_frame_free(&cs->big);
    if (!cs->big)
        cs->big = yuv_frame(iw, ih);
    AVFrame *out = yuv_frame(w, h);
    cs->sws = sws_getCachedContext(cs->sws, src->width, src->height, src->format,
                                   iw, ih, AV_PIX_FMT_YUV420P,
                                   SWS_BICUBIC | SWS_ACCURATE_RND, NULL, NULL, NULL);
    if (!cs->big || !out || !cs->sws) {
        av_frame_free(&out);
        return NULL;
    }
    /* the clip is BT.709, limited range (render.c); RGB images ignore the first matrix */
    int full;
    const int *matrix = image_matrix(src, &full);
    sws_setColorspaceDetails(cs->sws, matrix, full, sws_getCoefficients(SWS_CS_ITU709), 0,
                             0, 1 << 16, 1 << 16);
    sws_scale(cs->sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
              cs->big->data, cs->big->linesize);
    int x0 = ((iw - w) / 2) & ~1, y0 = ((ih - h) / 2) & ~1;
    for (int p = 0; p < 3; p++) {
        int sh = p ? 1 : 0, pw = w >> sh, ph = h >> sh;
        for (int y = 0; y < ph; y++)
            memcpy(out->data[p] + (size_t)y * out->linesize[p],
                   cs->big->data[p] + (size_t)(y + (y0 >> sh)) * cs->big->linesize[p] + (x0 >> sh),
                   (size_t)pw);
    }
    return out;
}

void cover_scaler_free(cover_scaler *cs)
{
    sws_freeContext(cs->sws);
    cs->sws = NULL;
    av_frame_free(&cs->big);
}

AVFrame *image_cover_yuv(const emu_image *img, int w, int h)
{
    cover_scaler cs = { 0 };
    AVFrame *out = cover_scale(&cs, img->frame, w, h);
    cover_scaler_free(&cs);
    return out;
}

int draw_source_frames(double video1_seconds, int nframes)
{
    int s = (int)ceil((video1_seconds - 0.0005) * EMU_FPS);
    return s < 1 ? 1 : s > nframes ? nframes : s;
}

/* A copy of the picture of a video at time t (a huge t: its last). */
static AVFrame *video_picture(const char *path, double t, int w, int h, char *err, size_t errlen)
{
    media_video *v = media_video_open(path, w, h, err, errlen);
    AVFrame *f = v ? av_frame_clone(media_video_at(v, t)) : NULL;
    media_video_close(v);
    return f;
}

/* The pictures of a reference clip with video: @video1's last, @video2's
 * first, and @video1 itself for its own frames. 0 or -1 with err. */
static int open_footage(draw_ctx *d, const render_job *job, char *err, size_t errlen)
{
    char why[256] = "";
    if (!(d->last1 = video_picture(job->video[0], 1e9, d->w, d->h, why, sizeof why))) {
        snprintf(err, errlen, "cannot read @video1: %s", why);
        return -1;
    }
    if (job->video[1] && !(d->first2 = video_picture(job->video[1], 0, d->w, d->h, why, sizeof why))) {
        snprintf(err, errlen, "cannot read @video2: %s", why);
        return -1;
    }
    if (job->source_first) {
        d->nsource = draw_source_frames(job->video1_seconds, job->duration * EMU_FPS);
        if (!(d->src = media_video_open(job->video[0], d->w, d->h, why, sizeof why))) {
            snprintf(err, errlen, "cannot read @video1: %s", why);
            return -1;
        }
    }
    return 0;
}

draw_ctx *draw_open(const render_job *job, char *err, size_t errlen)
{
    draw_ctx *d = calloc(1, sizeof *d);
    if (!d)
        goto nomem;
    d->w = job->width;
    d->h = job->height;
    d->seed = job->seed;
    d->reference = job->reference;
    d->nimages = job->reference && job->video[0] ? 0 : job->nimages;
    d->xs = malloc(sizeof *d->xs * (size_t)d->w);
    d->ys = malloc(sizeof *d->ys * (size_t)d->h);
    if (!d->xs || !d->ys)
        goto nomem;
    for (int i = 0; i < 2; i++)
        if (!(d->tmp[i] = yuv_frame(d->w, d->h)))
            goto nomem;
    for (int i = 0; i < d->nimages; i++) {
        if (!(d->img[i] = image_cover_yuv(job->images[i], d->w, d->h))) {
            snprintf(err, errlen, "cannot scale image %d to %dx%d", i + 1, d->w, d->h);
            draw_close(d);
            return NULL;
        }
    }
    if (job->reference && job->video[0] && open_footage(d, job, err, errlen)) {
        draw_close(d);
        return NULL;
    }
    return d;
nomem:
    snprintf(err, errlen, "out of memory");
    draw_close(d);
    return NULL;
}

void draw_close(draw_ctx *d)
{
    if (!d)
        return;
    for (int i = 0; i < EMU_MAX_IMAGES; i++)
        av_frame_free(&d->img[i]);
    for (int i = 0; i < 2; i++)
        av_frame_free(&d->tmp[i]);
    media_video_close(d->src);
    av_frame_free(&d->last1);
    av_frame_free(&d->first2);
    free(d->xs);
    free(d->ys);
    free(d);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static void disc(AVFrame *f, int cx, int cy, int r, uint8_t Y, uint8_t U, uint8_t V)
{
    for (int y = cy - r; y <= cy + r; y++) {
        if (y < 0 || y >= f->height)
            continue;
        int dy = y - cy, half = (int)sqrt((double)(r * r - dy * dy));
        int x0 = cx - half < 0 ? 0 : cx - half, x1 = cx + half >= f->width ? f->width - 1 : cx + half;
        if (x1 >= x0)
            memset(f->data[0] + (size_t)y * f->linesize[0] + x0, Y, (size_t)(x1 - x0 + 1));
        if (!(y & 1) && x1 >= x0) {
            uint8_t *u = f->data[1] + (size_t)(y / 2) * f->linesize[1];
            uint8_t *v = f->data[2] + (size_t)(y / 2) * f->linesize[2];
            memset(u + x0 / 2, U, (size_t)(x1 / 2 - x0 / 2 + 1));
            memset(v + x0 / 2, V, (size_t)(x1 / 2 - x0 / 2 + 1));
        }
    }
}

static void draw_text_video(draw_ctx *d, int i, int n, AVFrame *f)
{
    uint64_t s = d->seed;
    int w = d->w, h = d->h;
    int period = 48 + (int)(mix(s) % 96), speed = 1 + (int)(mix(s + 1) % 5);
    int slope = (int)(mix(s + 2) % 3);
    double hue0 = (double)(mix(s + 3) % 6283) / 1000.0;
    double t = (double)i / EMU_FPS;
    uint8_t lut[256];
    for (int k = 0; k <= period; k++)
        lut[k] = (uint8_t)(40 + k * 150 / period);

    for (int y = 0; y < h; y++) {
        uint8_t *row = f->data[0] + (size_t)y * f->linesize[0];
        int u = (y * slope + i * speed) % (2 * period);
        for (int x = 0; x < w; x++) {
            int tri = u < period ? u : 2 * period - u;
            row[x] = lut[tri];
            if (++u == 2 * period)
                u = 0;
        }
    }
    for (int y = 0; y < h / 2; y++) {
        double a = hue0 + y * 2.0 / h + t * 0.4;
        memset(f->data[1] + (size_t)y * f->linesize[1], (int)(128 + 70 * cos(a)), (size_t)w / 2);
        memset(f->data[2] + (size_t)y * f->linesize[2], (int)(128 + 70 * sin(a)), (size_t)w / 2);
    }
    int m = w < h ? w : h;
    for (int k = 0; k < 3; k++) {
        uint64_t r = mix(s + 10 + (uint64_t)k);
        double fa = 0.3 + (double)(r % 100) / 100.0, fb = 0.2 + (double)((r >> 8) % 100) / 120.0;
        double pa = (double)((r >> 16) % 628) / 100.0, pb = (double)((r >> 24) % 628) / 100.0;
        int rad = m * (8 + (int)((r >> 32) % 12)) / 100;
        int cx = (int)(w / 2 + w * 0.35 * sin(fa * t + pa));
        int cy = (int)(h / 2 + h * 0.33 * sin(fb * t + pb));
        disc(f, cx, cy, rad, (uint8_t)(60 + (r >> 40) % 176), (uint8_t)(16 + (r >> 48) % 225),
             (uint8_t)(16 + (r >> 56) % 225));
    }
    /* time bar: how far into the clip this frame is */
    int bar = n > 1 ? (int)((int64_t)w * i / (n - 1)) : w;
    int bh = h / 60 > 2 ? h / 60 : 2;
    for (int y = h - bh; y < h; y++)
        memset(f->data[0] + (size_t)y * f->linesize[0], 235, (size_t)bar);
}

/* Bilinear zoom by z (>= 1) about the centre, one plane. */
static void zoom_plane(draw_ctx *d, uint8_t *dst, int dls, const uint8_t *src, int sls,
                       int w, int h, double z)
{
    for (int x = 0; x < w; x++) {
        double sx = w / 2.0 + (x + 0.5 - w / 2.0) / z - 0.5;
        d->xs[x] = (int32_t)(sx * 65536.0);
    }
    for (int y = 0; y < h; y++) {
        double sy = h / 2.0 + (y + 0.5 - h / 2.0) / z - 0.5;
        d->ys[y] = (int32_t)(sy * 65536.0);
    }
    for (int y = 0; y < h; y++) {
        int y0 = d->ys[y] >> 16, fy = (d->ys[y] >> 8) & 255;
        int y1 = y0 + 1 < h ? y0 + 1 : h - 1;
        if (y0 < 0) y0 = 0;
        const uint8_t *r0 = src + (size_t)y0 * sls, *r1 = src + (size_t)y1 * sls;
        uint8_t *out = dst + (size_t)y * dls;
        for (int x = 0; x < w; x++) {
            int x0 = d->xs[x] >> 16, fx = (d->xs[x] >> 8) & 255;
            int x1 = x0 + 1 < w ? x0 + 1 : w - 1;
            if (x0 < 0) x0 = 0;
            int top = r0[x0] * (256 - fx) + r0[x1] * fx;
            int bot = r1[x0] * (256 - fx) + r1[x1] * fx;
            out[x] = (uint8_t)((top * (256 - fy) + bot * fy + 32768) >> 16);
        }
    }
}

static void zoom_frame(draw_ctx *d, AVFrame *dst, const AVFrame *src, double z)
{
    if (z <= 1.0) {
        av_frame_copy(dst, src);
        return;
    }
    for (int p = 0; p < 3; p++) {
        int sh = p ? 1 : 0;
        zoom_plane(d, dst->data[p], dst->linesize[p], src->data[p], src->linesize[p],
                   d->w >> sh, d->h >> sh, z);
    }
}

/* f = A (1 - a) + B a, a with 8 bits. */
static void blend(draw_ctx *d, AVFrame *f, const AVFrame *A, const AVFrame *B, double a)
{
    int wa = (int)(a * 256 + 0.5);
    for (int p = 0; p < 3; p++) {
        int sh = p ? 1 : 0, pw = d->w >> sh, ph = d->h >> sh;
        for (int y = 0; y < ph; y++) {
            const uint8_t *ra = A->data[p] + (size_t)y * A->linesize[p];
            const uint8_t *rb = B->data[p] + (size_t)y * B->linesize[p];
            uint8_t *o = f->data[p] + (size_t)y * f->linesize[p];
            for (int x = 0; x < pw; x++)
                o[x] = (uint8_t)((ra[x] * (256 - wa) + rb[x] * wa + 128) >> 8);
        }
    }
}

static double smoothstep(double t) { return t * t * (3 - 2 * t); }

static void draw_image_video(draw_ctx *d, int i, int n, AVFrame *f)
{
    double t = n > 1 ? (double)i / (n - 1) : 1.0;
    if (d->nimages == 1) {
        zoom_frame(d, f, d->img[0], 1.0 + ZOOM * t);
        return;
    }
    if (i == 0) {
        av_frame_copy(f, d->img[0]);
        return;
    }
    if (i == n - 1) {
        av_frame_copy(f, d->img[1]);
        return;
    }
    zoom_frame(d, d->tmp[0], d->img[0], 1.0 + ZOOM * t);
    zoom_frame(d, d->tmp[1], d->img[1], 1.0 + ZOOM * (1 - t));
    blend(d, f, d->tmp[0], d->tmp[1], smoothstep(t));
}

/* Reference-to-video: the rules at the top of this file. */
static void draw_reference(draw_ctx *d, int i, int n, AVFrame *f)
{
    if (!d->last1) {                                /* images only */
        int k = (int)((int64_t)i * d->nimages / n);
        int a = (int)(((int64_t)k * n + d->nimages - 1) / d->nimages);
        int b = (int)(((int64_t)(k + 1) * n + d->nimages - 1) / d->nimages);
        zoom_frame(d, f, d->img[k], 1.0 + ZOOM * (i - a) / (b > a ? b - a : 1));
        return;
    }
    if (i < d->nsource) {                           /* @video1's own footage */
        av_frame_copy(f, media_video_at(d->src, (double)i / EMU_FPS));
        return;
    }
    int m = n - d->nsource, j = i - d->nsource;
    double t = (double)(j + 1) / (m + 1);
    if (!d->first2) {
        zoom_frame(d, f, d->last1, 1.0 + ZOOM * t);
        return;
    }
    zoom_frame(d, d->tmp[0], d->last1, 1.0 + ZOOM * t);
    zoom_frame(d, d->tmp[1], d->first2, 1.0 + ZOOM * (1 - t));
    blend(d, f, d->tmp[0], d->tmp[1], smoothstep(t));
}

void draw_frame(draw_ctx *d, int i, int n, AVFrame *out)
{
    if (d->reference)
        draw_reference(d, i, n, out);
    else if (d->nimages)
        draw_image_video(d, i, n, out);
    else
        draw_text_video(d, i, n, out);
}
