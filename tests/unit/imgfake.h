/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Image headers for the unit tests: just enough bytes for the probes of
 * src/image.c (a signature and the dimensions), written to files.
 */
#ifndef SEEDANCE_IMGFAKE_H
#define SEEDANCE_IMGFAKE_H

#include <stdio.h>
#include <string.h>

static inline size_t fake_png(unsigned char *b, int w, int h)
{
    static const unsigned char sig[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
    memcpy(b, sig, 16);
    b[16] = (unsigned char)(w >> 24); b[17] = (unsigned char)(w >> 16);
    b[18] = (unsigned char)(w >> 8);  b[19] = (unsigned char)w;
    b[20] = (unsigned char)(h >> 24); b[21] = (unsigned char)(h >> 16);
    b[22] = (unsigned char)(h >> 8);  b[23] = (unsigned char)h;
    memset(b + 24, 0, 9);
    return 33;
}

/* SOI, an APP0 segment, then SOF0 with the dimensions. */
static inline size_t fake_jpeg(unsigned char *b, int w, int h)
{
    size_t n = 0;
    static const unsigned char app0[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F',
                                          0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
    memcpy(b, app0, sizeof(app0));
    n = sizeof(app0);
    b[n++] = 0xFF; b[n++] = 0xC0; b[n++] = 0; b[n++] = 17; b[n++] = 8;
    b[n++] = (unsigned char)(h >> 8); b[n++] = (unsigned char)h;
    b[n++] = (unsigned char)(w >> 8); b[n++] = (unsigned char)w;
    memset(b + n, 0, 12);
    return n + 12;
}

/* kind: 0 VP8 (lossy), 1 VP8L, 2 VP8X */
static inline size_t fake_webp(unsigned char *b, int w, int h, int kind)
{
    memset(b, 0, 40);
    memcpy(b, "RIFF", 4);
    b[4] = 32;
    memcpy(b + 8, "WEBP", 4);
    if (kind == 0) {
        memcpy(b + 12, "VP8 ", 4);
        b[23] = 0x9D; b[24] = 0x01; b[25] = 0x2A;
        b[26] = (unsigned char)w; b[27] = (unsigned char)(w >> 8);
        b[28] = (unsigned char)h; b[29] = (unsigned char)(h >> 8);
    } else if (kind == 1) {
        unsigned long bits = (unsigned long)(w - 1) | (unsigned long)(h - 1) << 14;
        memcpy(b + 12, "VP8L", 4);
        b[20] = 0x2F;
        b[21] = (unsigned char)bits; b[22] = (unsigned char)(bits >> 8);
        b[23] = (unsigned char)(bits >> 16); b[24] = (unsigned char)(bits >> 24);
    } else {
        memcpy(b + 12, "VP8X", 4);
        b[24] = (unsigned char)(w - 1); b[25] = (unsigned char)((w - 1) >> 8);
        b[26] = (unsigned char)((w - 1) >> 16);
        b[27] = (unsigned char)(h - 1); b[28] = (unsigned char)((h - 1) >> 8);
        b[29] = (unsigned char)((h - 1) >> 16);
    }
    return 40;
}

static inline int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fwrite(data, 1, n, f);
    return fclose(f);
}

#endif
