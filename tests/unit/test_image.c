/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image probing, limits, base64 and data: URIs (src/image.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"
#include "imgfake.h"

static int probe(const unsigned char *b, size_t n, const char **mime, int *w, int *h)
{
    return sd_image_probe(b, n, "image", "x", mime, w, h, NULL);
}

static void test_probe(void)
{
    unsigned char b[64];
    const char *mime;
    int w, h;
    size_t n;
    seedance_error err;

    n = fake_png(b, 1280, 720);
    OK(probe(b, n, &mime, &w, &h) == 0 && !strcmp(mime, "image/png") && w == 1280 && h == 720,
       "PNG recognised, 1280x720");
    n = fake_jpeg(b, 640, 480);
    OK(probe(b, n, &mime, &w, &h) == 0 && !strcmp(mime, "image/jpeg") && w == 640 && h == 480,
       "JPEG recognised through its SOF0, 640x480");
    for (int k = 0; k < 3; k++) {
        n = fake_webp(b, 1000 + k, 700 + k, k);
        OK(probe(b, n, &mime, &w, &h) == 0 && !strcmp(mime, "image/webp") &&
           w == 1000 + k && h == 700 + k, "WebP (%s) recognised, %dx%d",
           k == 0 ? "VP8" : k == 1 ? "VP8L" : "VP8X", w, h);
    }
    OK(sd_image_probe((const unsigned char *)"GIF89a........", 14, "image", "a.gif", &mime,
                      &w, &h, &err) == SEEDANCE_E_IMAGE && strstr(err.message, "a.gif") &&
       strstr(err.message, "JPEG, PNG or WebP"), "GIF refused by content: %s", err.message);
    n = fake_png(b, 1280, 720);
    OK(probe(b, 20, &mime, &w, &h) == SEEDANCE_E_IMAGE, "truncated PNG header refused");
    n = fake_jpeg(b, 640, 480);
    OK(probe(b, 22, &mime, &w, &h) == SEEDANCE_E_IMAGE, "JPEG without a frame header refused");
}

/* limits: both sides of every bound */
static void test_limits(void)
{
    seedance_error err;

    OK(sd_image_check("image", "x", 100, 300, 300, NULL) == 0, "300x300 allowed");
    OK(sd_image_check("image", "x", 100, 299, 300, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "299x300") && strstr(err.message, "300..6000"),
       "299 px wide refused: %s", err.message);
    OK(sd_image_check("image", "x", 100, 300, 299, NULL) == SEEDANCE_E_IMAGE, "299 px high refused");
    OK(sd_image_check("image", "x", 100, 6000, 6000, NULL) == 0, "6000x6000 allowed");
    OK(sd_image_check("image", "x", 100, 6001, 6000, NULL) == SEEDANCE_E_IMAGE, "6001 px wide refused");
    OK(sd_image_check("image", "x", 100, 6000, 6001, NULL) == SEEDANCE_E_IMAGE, "6001 px high refused");
    OK(sd_image_check("image", "x", 100, 1000, 2500, NULL) == 0, "ratio 0.4 allowed");
    OK(sd_image_check("image", "x", 100, 999, 2500, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "0.4..2.5"), "ratio 0.3996 refused: %s", err.message);
    OK(sd_image_check("image", "x", 100, 2500, 1000, NULL) == 0, "ratio 2.5 allowed");
    OK(sd_image_check("image", "x", 100, 2501, 1000, NULL) == SEEDANCE_E_IMAGE, "ratio 2.501 refused");
    OK(sd_image_check("image", "x", 30L * 1024 * 1024, 1000, 1000, NULL) == 0, "30 MB allowed");
    OK(sd_image_check("image", "x", 30L * 1024 * 1024 + 1, 1000, 1000, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "30 MB"), "30 MB + 1 byte refused: %s", err.message);
}

static void test_base64(void)
{
    char *b64;
    unsigned char *dec;
    size_t sz;

    b64 = sd_base64((const unsigned char *)"hello!?", 7);
    OK(b64 && !strcmp(b64, "aGVsbG8hPw=="), "base64 encodes with padding");
    dec = sd_unbase64(b64, strlen(b64), &sz);
    OK(dec && sz == 7 && !memcmp(dec, "hello!?", 7), "base64 decodes back (%zu bytes)", sz);
    free(dec);
    free(b64);
    OK(sd_unbase64("abc", 3, &sz) == NULL, "base64 of a bad length refused");
    OK(sd_unbase64("ab!d", 4, &sz) == NULL, "base64 with a bad character refused");
    OK(sd_base64((const unsigned char *)"x", (size_t)-1) == NULL, "base64 of SIZE_MAX bytes: NULL");
}

static void test_files_and_uris(void)
{
    unsigned char b[64];
    size_t n;
    seedance_error err;
    char dir[] = "/tmp/seedance-unit-XXXXXX", path[256], *uri;
    sd_image img;

    OK(mkdtemp(dir) != NULL, "scratch directory");
    snprintf(path, sizeof(path), "%s/pic.jpg", dir);   /* a PNG named .jpg */
    n = fake_png(b, 800, 600);
    write_file(path, b, n);
    OK(sd_image_load("image", path, &img, &err) == 0 && !strcmp(img.mime, "image/png") &&
       img.width == 800 && img.size == n, "file loaded, format by content not name");
    uri = sd_data_uri(&img);
    OK(uri && !strncmp(uri, "data:image/png;base64,", 22), "data: URI built");
    sd_image_clear(&img);
    OK(sd_image_load("last_image", uri, &img, &err) == 0 && img.width == 800 && img.height == 600,
       "data: URI decoded and checked");
    sd_image_clear(&img);
    free(uri);
    n = fake_png(b, 200, 600);
    write_file(path, b, n);
    OK(sd_image_load("image", path, &img, &err) == SEEDANCE_E_IMAGE && strstr(err.message, "200x600"),
       "small file refused: %s", err.message);
    OK(sd_image_load("image", "data:image/png;base64,@@@@", &img, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "base64"), "data: URI with broken base64 refused: %s", err.message);
    OK(sd_image_load("image", "/nonexistent/x.png", &img, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "/nonexistent/x.png"), "missing file named: %s", err.message);
    if (truncate(path, 30L * 1024 * 1024 + 1) == 0)
        OK(sd_image_load("image", path, &img, &err) == SEEDANCE_E_IMAGE &&
           strstr(err.message, "31457281 bytes") && strstr(err.message, "30 MB"),
           "a file over 30 MB refused before it is read: %s", err.message);
    OK(sd_image_load("image", dir, &img, &err) == SEEDANCE_E_IMAGE &&
       strstr(err.message, "not a regular file"), "a directory refused: %s", err.message);
    OK(sd_image_kind("https://x/y.png") == SD_IMG_URL && sd_image_kind("HTTP://x") == SD_IMG_URL &&
       sd_image_kind("data:image/png;base64,AA==") == SD_IMG_DATA &&
       sd_image_kind("./https.png") == SD_IMG_FILE, "image kinds");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_probe();
    test_limits();
    test_base64();
    test_files_and_uris();
    return done_testing();
}
