/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Request fields and validation (src/request.c, src/validate.c): every rule,
 * both sides of every bound, callback hosts in every spelling of a private
 * address, images loaded once, and NULL or empty arguments. The rules the
 * library gives front ends (frame sizes, generate_audio, the image rules)
 * agree with what validation allows. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"
#include "imgfake.h"

static char last_warning[1024];
static char dir[] = "/tmp/seedance-unit-XXXXXX", img1[256], img2[256], big[256];

static void on_log(void *o, int level, const char *msg)
{
    (void)o;
    if (level == SEEDANCE_LOG_WARNING)
        snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

/* A fresh valid text-to-video request with one field set. */
static int check(const char *field, const char *value, seedance_error *err)
{
    seedance_request *r = seedance_request_new();
    int rc = seedance_request_set(r, "prompt", "a glass frog", err);

    if (!rc && field)
        rc = seedance_request_set(r, field, value, err);
    if (!rc)
        rc = seedance_request_validate(r, NULL, err);
    seedance_request_free(r);
    return rc;
}

static int valid(const char *f, const char *v)
{
    seedance_error e;
    int rc = check(f, v, &e);
    if (rc)
        printf("# unexpected: %s\n", e.message);
    return rc == 0;
}

static int invalid(const char *f, const char *v, const char *want)
{
    seedance_error e;
    memset(&e, 0, sizeof(e));
    if (check(f, v, &e) != SEEDANCE_E_INVALID)
        return 0;
    if (want && !strstr(e.message, want)) {
        printf("# message '%s' lacks '%s'\n", e.message, want);
        return 0;
    }
    return 1;
}

/*
 * Set field to value in r (nothing when field is NULL) and validate r: 1
 * when it returns code and, unless want is NULL, the message names want.
 */
static int set_then(seedance_request *r, const char *field, const char *value, int code,
                    const char *want)
{
    seedance_error e;
    int rc;

    memset(&e, 0, sizeof(e));
    if (field)
        seedance_request_set(r, field, value, NULL);
    rc = seedance_request_validate(r, NULL, &e);
    if (rc != code || (want && !strstr(e.message, want))) {
        printf("# %s=%s: got %d '%s', want %d naming '%s'\n", field ? field : "", value ? value : "",
               rc, e.message, code, want ? want : "");
        return 0;
    }
    return 1;
}

/* Steps of set_then() on one request, in order. */
typedef struct step {
    const char *field, *value;
    int code;
    const char *want, *what;
} step;

static void run_steps(seedance_request *r, const step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        OK(set_then(r, steps[i].field, steps[i].value, steps[i].code, steps[i].want),
           "%s", steps[i].what);
}

static void test_set(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error e;
    static const char *const yes[] = { "1", "true", "YES", "on" };
    static const char *const no[] = { "0", "False", "no", "OFF" };
    int good = 1;

    OK(seedance_request_set(r, "colour", "red", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "colour") && strstr(e.message, "allowed"), "unknown field: %s", e.message);
    OK(seedance_request_set(r, "duration", "8.5", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "8.5") && strstr(e.message, "4..15"), "duration 8.5: %s", e.message);
    OK(seedance_request_set(r, "duration", "abc", &e) == SEEDANCE_E_INVALID, "duration abc refused");
    OK(seedance_request_set(r, "duration", "-5", &e) == SEEDANCE_E_INVALID, "duration -5 refused");
    OK(seedance_request_set(r, "duration", "99999999999999999999", &e) == SEEDANCE_E_INVALID,
       "a duration beyond long refused");
    OK(seedance_request_set(r, "generate_audio", "maybe", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "generate_audio") && strstr(e.message, "maybe") &&
       strstr(e.message, "true/false"), "bool maybe: %s", e.message);
    OK(seedance_request_set(r, "image_mode", "ftp", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "upload, inline"), "image_mode ftp: %s", e.message);
    for (int i = 0; i < 4; i++) {
        good &= seedance_request_set(r, "content-filter", yes[i], NULL) == 0 && sd_request_bool(r, SEEDANCE_OPTION_CONTENT_FILTER) == 1;
        good &= seedance_request_set(r, "content_filter", no[i], NULL) == 0 && sd_request_bool(r, SEEDANCE_OPTION_CONTENT_FILTER) == 0;
    }
    OK(good, "booleans: 1/0 true/false yes/no on/off, any case");
    OK(seedance_request_set(r, "aspect-ratio", "9:16", NULL) == 0 && !strcmp(r->value[SEEDANCE_OPTION_ASPECT_RATIO], "9:16"),
       "aspect-ratio with a dash is aspect_ratio");
    OK(seedance_request_set(r, "model_params.web_search", "1", NULL) == 0 && sd_request_bool(r, SEEDANCE_OPTION_WEB_SEARCH) == 1,
       "model_params.web_search accepted");
    seedance_request_free(r);
}

static void test_prompt(void)
{
    seedance_request *r = seedance_request_new();
    seedance_client *c = seedance_client_new();
    seedance_error e;
    char *long_s = malloc(20002 * 3);

    const step steps[] = {
        { NULL, NULL, SEEDANCE_E_INVALID, "prompt: missing", "no prompt refused" },
        { "prompt", "   \n\t", SEEDANCE_E_INVALID, "prompt", "blank prompt refused" },
        { "prompt", "caf\xC3", SEEDANCE_E_INVALID, "UTF-8", "invalid UTF-8 refused" },
    };

    seedance_client_set_log(c, on_log, NULL);
    run_steps(r, steps, sizeof(steps) / sizeof(steps[0]));
    for (int i = 0; i < 10000; i++)
        memcpy(long_s + 2 * i, "a ", 2);
    long_s[20000 - 1] = '\0';
    seedance_request_set(r, "prompt", long_s, NULL);
    last_warning[0] = '\0';
    OK(seedance_request_validate(r, c, &e) == 0, "10000 words allowed");
    OK(strstr(last_warning, "advises") != NULL, "over 1000 words: a warning (%s)", last_warning);
    strcat(long_s, " b");
    seedance_request_set(r, "prompt", long_s, NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "10000"),
       "10001 words refused: %s", e.message);
    long_s[0] = '\0';
    for (int i = 0; i < 10001; i++)
        strcat(long_s + (i ? 3 * (i - 1) : 0), "\xE8\x9B\x99");
    seedance_request_set(r, "prompt", long_s, NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "CJK"),
       "10001 CJK characters refused: %s", e.message);
    long_s[3 * 10000] = '\0';
    seedance_request_set(r, "prompt", long_s, NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "10000 CJK characters allowed");
    free(long_s);
    seedance_request_free(r);
    seedance_client_free(c);
}

static void test_ranges(void)
{
    static const char *const ok_r[] = { "16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "adaptive" };
    int good = 1;

    OK(valid("duration", "4") && valid("duration", "15"), "duration 4 and 15 allowed");
    OK(invalid("duration", "3", "duration: 3 is out of range: allowed 4..15"), "duration 3 refused");
    OK(invalid("duration", "16", "duration: 16 is out of range: allowed 4..15"), "duration 16 refused");
    OK(invalid("duration", "0", "duration: 0"), "duration 0 refused");
    OK(valid("quality", "480p") && valid("quality", "720p"), "quality 480p and 720p allowed");
    OK(invalid("quality", "1080p", "quality: '1080p' is not rendered by "
               "seedance-2.0-fast-text-to-video: allowed 480p, 720p (1080p and 4k: tier standard)"),
       "quality 1080p refused on the fast tier, naming the tier that renders it");
    OK(invalid("quality", "720", "quality: '720' is not allowed: allowed 480p, 720p, 1080p, 4k"),
       "quality 720 refused");
    for (int i = 0; i < 7; i++)
        good &= valid("aspect_ratio", ok_r[i]);
    OK(good, "all seven aspect ratios allowed");
    OK(invalid("aspect_ratio", "2:1", "aspect_ratio: '2:1'"), "aspect ratio 2:1 refused");
    OK(valid("web_search", "true"), "web_search with text-to-video allowed");
}

static void test_callback(void)
{
    char *long_s = malloc(2100);

    OK(valid("callback_url", "https://example.com/hook"), "https callback allowed");
    OK(invalid("callback_url", "http://example.com/hook", "only https"), "http callback refused");
    OK(invalid("callback_url", "not a url", "callback_url"), "garbage callback refused");
    OK(valid("callback_url", "https://172.32.0.1/x") && valid("callback_url", "https://172.15.0.1/x") &&
       valid("callback_url", "https://11.0.0.1/x"), "hosts next to the private ranges allowed");
    strcpy(long_s, "https://example.com/");
    memset(long_s + 20, 'a', 2048 - 20);
    long_s[2048] = '\0';
    OK(valid("callback_url", long_s), "callback of 2048 characters allowed");
    strcat(long_s, "b");
    OK(invalid("callback_url", long_s, "2049 characters long: allowed at most 2048"),
       "callback of 2049 characters refused");
    free(long_s);
}

/* Every spelling of a loopback, private, link-local or reserved address. */
static void test_callback_hosts(void)
{
    static const char *const priv[] = {
        "https://127.0.0.1/x", "https://10.1.2.3/x", "https://172.16.0.1/x",
        "https://172.31.255.255/x", "https://192.168.1.1/x", "https://localhost/x",
        "https://[::1]/x", "https://169.254.169.254/x", "https://[fd00::1]/x",
        "https://0.0.0.0/x", "https://api.localhost/x", "https://LOCALHOST./x",
        "https://127.1/x", "https://2130706433/x", "https://0x7f000001/x",
        "https://017700000001/x", "https://100.64.0.1/x", "https://224.0.0.1/x",
        "https://255.255.255.255/x", "https://198.18.0.1/x",
        "https://[::ffff:127.0.0.1]/x", "https://[::ffff:7f00:1]/x",
        "https://[::FFFF:10.0.0.1]/x", "https://[::ffff:192.168.0.1]/x",
        "https://[::ffff:169.254.169.254]/x", "https://[::127.0.0.1]/x",
        "https://[::10.0.0.1]/x", "https://[0:0:0:0:0:0:7f00:1]/x",
        "https://[::ffff:0:127.0.0.1]/x", "https://[64:ff9b::7f00:1]/x",
        "https://[64:ff9b::127.0.0.1]/x", "https://[64:ff9b::a9fe:a9fe]/x",
        "https://[64:ff9b:1::1]/x", "https://[2002:7f00:1::]/x", "https://[2002:c0a8:101::1]/x",
        "https://[fe80::1]/x", "https://[fe80::1%25eth0]/x", "https://[fec0::1]/x",
        "https://[ff02::1]/x", "https://[::]/x", "https://[::2]/x", "https:/oo%.localhost",
        "https://a%25.localhost/x",
    };
    static const char *const pub[] = {
        "https://[::ffff:8.8.8.8]/x", "https://[64:ff9b::808:808]/x",
        "https://[2002:808:808::1]/x", "https://[2001:4860:4860::8888]/x",
        "https://8.8.8.8/x", "https://cafe.example/x", "https://1.2.3.4.example/x",
    };

    for (size_t i = 0; i < sizeof(priv) / sizeof(*priv); i++)
        OK(invalid("callback_url", priv[i], "private or loopback"), "refused: %s", priv[i]);
    for (size_t i = 0; i < sizeof(pub) / sizeof(*pub); i++)
        OK(valid("callback_url", pub[i]), "allowed: %s", pub[i]);
}

static void test_models_and_images(void)
{
    seedance_request *r = seedance_request_new();
    seedance_client *c = seedance_client_new();
    seedance_error e;
    const step images[] = {
        { "image", img1, 0, NULL, "one local image valid" },
        { "last_image", img2, 0, NULL, "two local images valid" },
    }, models[] = {
        { "web_search", "on", SEEDANCE_E_INVALID, "web_search", "web_search with images refused" },
        { "web_search", "off", 0, NULL, "web_search false with images allowed" },
        { "model", SEEDANCE_MODEL_T2V, SEEDANCE_E_INVALID, "text-to-video",
          "images with a text-to-video model refused" },
        { "model", SEEDANCE_MODEL_T2V_PRO, SEEDANCE_E_INVALID, NULL,
          "images with the pro t2v model refused" },
        { "model", SEEDANCE_MODEL_I2V_PRO, 0, NULL, "pro i2v model with images allowed" },
        { "image", "", SEEDANCE_E_INVALID, "last_image", "last_image without image refused" },
        { "last_image", "", SEEDANCE_E_INVALID, "1..2", "image-to-video without images refused" },
    }, urls[] = {
        { "model", "bad model!", SEEDANCE_E_INVALID, "model", "model name with a space refused" },
        { "model", "", 0, NULL, "no model, no image: a valid text-to-video request" },
        { "image", "https://example.com/a.png", 0, NULL, "image URL passed through" },
        { "image", "https://", SEEDANCE_E_INVALID, NULL, "broken image URL refused" },
        { "image", "/nonexistent/a.png", SEEDANCE_E_IMAGE, "/nonexistent/a.png",
          "missing image file refused" },
    };

    seedance_client_set_log(c, on_log, NULL);
    seedance_request_set(r, "prompt", "x", NULL);
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_T2V), "no image: text-to-video model");
    seedance_request_set(r, "image", img1, NULL);
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_I2V), "one image: image-to-video model");
    run_steps(r, images, sizeof(images) / sizeof(images[0]));
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_I2V), "two images: image-to-video model");
    run_steps(r, models, sizeof(models) / sizeof(models[0]));
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_I2V_PRO), "the model given is the model");
    seedance_request_set(r, "model", "seedance-3.0-future", NULL);
    last_warning[0] = '\0';
    OK(seedance_request_validate(r, c, &e) == 0 && strstr(last_warning, "seedance-3.0-future"),
       "unknown model passes with a warning: %s", last_warning);
    seedance_request_set(r, "last_image", img2, NULL);
    OK(seedance_request_validate(r, c, &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "last_image: given without image"),
       "unknown model: last_image without image still refused: %s", e.message);
    seedance_request_set(r, "last_image", "", NULL);
    run_steps(r, urls, sizeof(urls) / sizeof(urls[0]));
    seedance_request_free(r);
    seedance_client_free(c);
}

/* The whole body <= 64 MB: two 25 MB images inline are too much, uploaded fine. */
static void test_body_size(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error e;
    unsigned char b[64];
    size_t n = fake_png(b, 1000, 1000);
    FILE *f = fopen(big, "wb");

    fwrite(b, 1, n, f);
    fseek(f, 25L * 1024 * 1024, SEEK_SET);
    fputc(0, f);
    fclose(f);
    seedance_request_set(r, "prompt", "x", NULL);
    seedance_request_set(r, "image", big, NULL);
    seedance_request_set(r, "last_image", big, NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "two 25 MB images uploaded: allowed");
    seedance_request_set(r, "image_mode", "inline", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "64 MB"),
       "two 25 MB images inline: body over 64 MB refused: %s", e.message);
    seedance_request_set(r, "last_image", "", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "one 25 MB image inline allowed");
    seedance_request_free(r);
}

/* sd_request_check keeps what it read of local media, for the submit:
 * the bytes of image data, a file's path (read again when sent), the
 * content hash and the size in pixels. */
static void test_images_kept(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error e;
    sd_local l[SD_MAX_MEDIA];
    unsigned char png[64];
    size_t n = fake_png(png, 640, 480);
    char hex[65];

    seedance_request_set(r, "prompt", "x", NULL);
    seedance_request_set_image_data(r, "image", png, n, "image/png", &e);
    seedance_request_set(r, "last_image", img2, NULL);
    sd_sha256_hex(png, n, hex);
    OK(sd_request_check(r, NULL, l, SD_CHECK_ALL, &e) == 0 && l[0].data && l[0].size == n &&
       !memcmp(l[0].data, png, n) && l[0].info.width == 640 && !strcmp(l[0].sha256, hex) &&
       !l[1].data && l[1].path && !strcmp(l[1].path, img2) && !strcmp(l[1].mime, "image/jpeg") &&
       l[1].info.width == 720 && strlen(l[1].sha256) == 64,
       "image data kept as bytes, a file as its path; both hashed and probed");
    sd_local_clear(&l[0]);
    sd_local_clear(&l[1]);
    seedance_request_set(r, "last_image", "https://example.com/l.png", NULL);
    OK(sd_request_check(r, NULL, l, SD_CHECK_ALL, &e) == 0 && l[0].data && l[1].remote &&
       !l[1].data && !l[1].path, "nothing kept for a URL");
    sd_local_clear(&l[0]);
    seedance_request_set(r, "last_image", "/nonexistent/l.png", NULL);
    l[0].data = (unsigned char *)"junk";
    OK(sd_request_check(r, NULL, l, SD_CHECK_ALL, &e) == SEEDANCE_E_IMAGE && !l[0].data &&
       !l[1].data, "on failure nothing is kept");
    seedance_request_free(r);
}

static void test_to_json(void)
{
    seedance_request *r = seedance_request_new();
    char *json;

    seedance_request_set(r, "prompt", "a \"frog\"", NULL);
    seedance_request_set(r, "duration", "8", NULL);
    seedance_request_set(r, "quality", "480p", NULL);
    seedance_request_set(r, "aspect_ratio", "1:1", NULL);
    seedance_request_set(r, "generate_audio", "false", NULL);
    seedance_request_set(r, "content_filter", "true", NULL);
    seedance_request_set(r, "web_search", "yes", NULL);
    seedance_request_set(r, "callback_url", "https://example.com/h", NULL);
    json = seedance_request_to_json(r);
    OK(json && !strcmp(json, "{\"model\":\"seedance-2.0-fast-text-to-video\",\"prompt\":\"a \\\"frog\\\"\","
                              "\"duration\":8,\"quality\":\"480p\",\"aspect_ratio\":\"1:1\","
                              "\"generate_audio\":false,\"content_filter\":true,"
                              "\"model_params\":{\"web_search\":true},"
                              "\"callback_url\":\"https://example.com/h\"}"),
       "to_json: every field, API names and types: %s", json ? json : "(null)");
    free(json);
    seedance_request_set(r, "duration", "99", NULL);
    OK(seedance_request_to_json(r) == NULL, "to_json of an invalid request is NULL");
    seedance_request_free(r);
    r = seedance_request_new();
    seedance_request_set(r, "prompt", "p", NULL);
    seedance_request_set(r, "image", img1, NULL);
    seedance_request_set(r, "last_image", "https://example.com/l.png", NULL);
    json = seedance_request_to_json(r);
    OK(json && strstr(json, "\"image_urls\":[\"") && strstr(json, "first.png\",\"https://example.com/l.png\"]") &&
       strstr(json, "\"duration\":5,\"quality\":\"720p\",\"aspect_ratio\":\"16:9\","
                    "\"generate_audio\":true,\"content_filter\":true,") &&
       !strstr(json, "web_search"),
       "to_json: image_urls in order, unset fields stated with their defaults, no web search "
       "for image-to-video: %s", json);
    free(json);
    seedance_request_free(r);
}

/* The frame size of every quality and aspect ratio (the table of the API's
 * pages), the defaults, adaptive, values the API refuses; the same answer
 * for a request; and every ratio validation allows has a size or is adaptive. */
static void test_frame_size(void)
{
    static const struct { const char *ratio; int w480, h480, w720, h720; } table[] = {
        { "16:9", 864, 496, 1280, 720 }, { "4:3", 752, 560, 1112, 834 },
        { "1:1", 640, 640, 960, 960 },   { "3:4", 560, 752, 834, 1112 },
        { "9:16", 496, 864, 720, 1280 }, { "21:9", 992, 432, 1470, 630 },
    };
    static const char *const refused[][2] = {
        { "2160p", "16:9" }, { "720", NULL }, { "480p", "2:1" }, { NULL, "16:10" }, { "720p", "auto" },
    };
    seedance_request *r = seedance_request_new();
    int w, h, good = 1;

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        good &= seedance_frame_size("480p", table[i].ratio, &w, &h) == 1 &&
                w == table[i].w480 && h == table[i].h480;
        good &= seedance_frame_size("720p", table[i].ratio, &w, &h) == 1 &&
                w == table[i].w720 && h == table[i].h720;
        good &= valid("aspect_ratio", table[i].ratio);
    }
    OK(good, "every aspect ratio at 480p and 720p: the API's table, and valid");
    OK(seedance_frame_size(NULL, NULL, &w, &h) == 1 && w == 1280 && h == 720 &&
       seedance_frame_size("", "", &w, &h) == 1 && w == 1280 && h == 720,
       "no quality, no aspect ratio: 720p 16:9, 1280x720");
    OK(seedance_frame_size("480p", NULL, &w, &h) == 1 && w == 864 && h == 496,
       "480p without an aspect ratio: 864x496");
    w = h = -7;
    OK(seedance_frame_size("480p", "adaptive", &w, &h) == 0 && w == -7 && h == -7 &&
       valid("aspect_ratio", "adaptive"), "adaptive: 0, the size not known, nothing written");
    good = 1;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        good &= seedance_frame_size(refused[i][0], refused[i][1], &w, &h) == -1 && w == -7;
    OK(good, "a quality or aspect ratio the API does not allow: -1");
    OK(invalid("aspect_ratio", "16:10", "aspect_ratio") && invalid("quality", "720", "quality"),
       "and validation refuses them too");

    OK(seedance_request_frame_size(r, &w, &h) == 1 && w == 1280 && h == 720,
       "a request with neither: 1280x720");
    seedance_request_set(r, "quality", "480p", NULL);
    seedance_request_set(r, "aspect-ratio", "9:16", NULL);
    OK(seedance_request_frame_size(r, &w, &h) == 1 && w == 496 && h == 864,
       "a request of 480p 9:16: 496x864");
    seedance_request_set(r, "aspect_ratio", "adaptive", NULL);
    OK(seedance_request_frame_size(r, &w, &h) == 0, "a request with adaptive: not known");
    seedance_request_set(r, "aspect_ratio", "", NULL);
    seedance_request_set(r, "resolution", "720p", NULL);
    OK(seedance_request_frame_size(r, &w, &h) == 1 && w == 1280 && h == 720,
       "an aspect ratio set back to the default: 1280x720");
    OK(seedance_request_frame_size(NULL, &w, &h) == -1, "a NULL request: -1");
    seedance_request_free(r);
}

/* generate_audio as the API reads the request: on unless set off. */
static void test_generate_audio(void)
{
    seedance_request *r = seedance_request_new();
    static const char *const off[] = { "0", "false", "NO", "off" };
    static const char *const on[] = { "1", "TRUE", "yes", "On" };
    int good = 1;

    OK(seedance_request_generate_audio(r) == 1, "not set: on (the API's default)");
    for (int i = 0; i < 4; i++) {
        good &= seedance_request_set(r, "generate_audio", off[i], NULL) == 0 &&
                seedance_request_generate_audio(r) == 0;
        good &= seedance_request_set(r, "Generate-Audio", on[i], NULL) == 0 &&
                seedance_request_generate_audio(r) == 1;
    }
    OK(good, "every spelling of off and on");
    seedance_request_set(r, "audio", "1", NULL);
    OK(seedance_request_generate_audio(r) == 1 &&
       !strcmp(seedance_request_get(r, SEEDANCE_OPTION_AUDIO, NULL), "1"),
       "audio is the reference sounds, not the track");
    seedance_request_set(r, "generate_audio", "0", NULL);
    seedance_request_set(r, "generate_audio", "", NULL);
    OK(seedance_request_generate_audio(r) == 1, "set off, then emptied: the default again");
    OK(seedance_request_set(r, "generate_audio", "maybe", NULL) == SEEDANCE_E_INVALID &&
       seedance_request_generate_audio(r) == 1, "a value refused leaves it as it was");
    OK(seedance_request_generate_audio(NULL) == 1, "a NULL request: the default");
    seedance_request_free(r);
}

/* Validate a request whose image is a PNG header of w x h given as data. */
static int png_rc(int w, int h)
{
    seedance_request *r = seedance_request_new();
    unsigned char png[64];
    size_t n = fake_png(png, w, h);
    int rc = seedance_request_set(r, "prompt", "x", NULL);

    if (!rc)
        rc = seedance_request_set_image_data(r, "image", png, n, "image/png", NULL);
    if (!rc)
        rc = seedance_request_validate(r, NULL, NULL);
    seedance_request_free(r);
    return rc;
}

/* The image rules, and validation on both sides of each of them. */
static void test_image_rules(void)
{
    const seedance_image_rules *ir = seedance_image_rules_get();
    seedance_request *r = seedance_request_new();
    static const char *const kinds[] = { "image/jpeg", "image/png", "image/webp" };
    int n = 0, good = 1, lo = ir->min_side, hi = ir->max_side;
    unsigned char *big;

    OK(ir == seedance_image_rules_get(), "one set of rules");
    for (n = 0; ir->mime_types[n]; n++)
        good &= n < 3 && !strcmp(ir->mime_types[n], kinds[n]);
    OK(good && n == 3, "formats: JPEG, PNG and WebP");
    OK(ir->max_bytes == 30u * 1024 * 1024 && lo == 300 && hi == 6000 &&
       ir->min_ratio == 0.4 && ir->max_ratio == 2.5,
       "at most 30 MB, 300..6000 px per side, width/height 0.4..2.5");
    OK(png_rc(lo, lo) == 0 && png_rc(hi, hi) == 0, "%dx%d and %dx%d allowed", lo, lo, hi, hi);
    OK(png_rc(lo - 1, lo) == SEEDANCE_E_IMAGE && png_rc(hi, hi + 1) == SEEDANCE_E_IMAGE,
       "%dx%d and %dx%d refused", lo - 1, lo, hi, hi + 1);
    OK(png_rc((int)(ir->max_ratio * 1000), 1000) == 0 &&
       png_rc((int)(ir->max_ratio * 1000) + 1, 1000) == SEEDANCE_E_IMAGE,
       "width/height %g allowed, just above refused", ir->max_ratio);
    OK(png_rc(1000, (int)(1000 / ir->min_ratio)) == 0 &&
       png_rc(1000, (int)(1000 / ir->min_ratio) + 1) == SEEDANCE_E_IMAGE,
       "width/height %g allowed, just below refused", ir->min_ratio);
    good = 1;
    for (n = 0; ir->mime_types[n]; n++)
        good &= seedance_request_set_image_data(r, "image", "x", 1, ir->mime_types[n], NULL) == 0;
    OK(good, "image data of every format taken");
    OK(seedance_request_set_image_data(r, "image", "x", 1, "image/gif", NULL) == SEEDANCE_E_INVALID,
       "image data of another format refused");
    big = calloc(1, ir->max_bytes + 1);
    OK(big && seedance_request_set_image_data(r, "image", big, ir->max_bytes + 1, "image/png",
                                              NULL) == SEEDANCE_E_IMAGE,
       "image data of max_bytes + 1 refused");
    free(big);
    seedance_request_free(r);
}

/* Public functions are total: NULL pointers, empty strings, extreme numbers. */
static void test_total(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error e;
    char num[32];

    OK(seedance_request_set(NULL, "prompt", "x", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set(r, NULL, "x", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set(r, "", "x", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set(r, "prompt", NULL, NULL) == 0 &&
       seedance_request_set(r, "duration", NULL, NULL) == 0 && !r->value[SEEDANCE_OPTION_DURATION],
       "set: NULL request or field refused, a NULL value is empty");
    snprintf(num, sizeof(num), "%d", INT_MIN);
    OK(seedance_request_set(r, "duration", num, &e) == SEEDANCE_E_INVALID, "duration INT_MIN refused");
    snprintf(num, sizeof(num), "%d", INT_MAX);
    OK(seedance_request_set(r, "prompt", "x", NULL) == 0 &&
       seedance_request_set(r, "duration", num, &e) == 0 &&
       seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "2147483647 is out of range: allowed 4..15"),
       "duration INT_MAX refused: %s", e.message);
    seedance_request_set(r, "duration", "", NULL);
    OK(seedance_request_validate(NULL, NULL, &e) == SEEDANCE_E_INVALID &&
       seedance_request_validate(NULL, NULL, NULL) == SEEDANCE_E_INVALID, "validate: NULL request");
    OK(seedance_request_to_json(NULL) == NULL && seedance_request_model(NULL) == NULL,
       "to_json and model of NULL");
    OK(seedance_request_set_image_data(NULL, "image", "x", 1, "image/png", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set_image_data(r, NULL, "x", 1, "image/png", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set_image_data(r, "image", NULL, 1, "image/png", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set_image_data(r, "image", "x", 0, "image/png", &e) == SEEDANCE_E_INVALID &&
       seedance_request_set_image_data(r, "image", "x", 1, NULL, NULL) == SEEDANCE_E_INVALID,
       "image data: NULL request, field, data, mime and an empty size refused");
    OK(seedance_request_set_image_data(r, "image", "x", (size_t)-1, "image/png", &e) ==
       SEEDANCE_E_IMAGE && strstr(e.message, "30 MB"), "image data of SIZE_MAX bytes refused: %s",
       e.message);
    OK(seedance_request_fields()[0] != NULL, "the field list");
    seedance_request_free(NULL);
    seedance_request_free(r);
}

int main(void)
{
    unsigned char b[64];
    size_t n;

    if (!mkdtemp(dir)) {
        OK(0, "scratch directory");
        return done_testing();
    }
    snprintf(img1, sizeof(img1), "%s/first.png", dir);
    snprintf(img2, sizeof(img2), "%s/last.jpg", dir);
    snprintf(big, sizeof(big), "%s/big.png", dir);
    n = fake_png(b, 1280, 720);
    write_file(img1, b, n);
    n = fake_jpeg(b, 720, 1280);
    write_file(img2, b, n);

    test_set();
    test_prompt();
    test_ranges();
    test_callback();
    test_callback_hosts();
    test_models_and_images();
    test_body_size();
    test_images_kept();
    test_to_json();
    test_frame_size();
    test_generate_audio();
    test_image_rules();
    test_total();

    unlink(img1);
    unlink(img2);
    unlink(big);
    rmdir(dir);
    return done_testing();
}
