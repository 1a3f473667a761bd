/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Request fields and validation (src/request.c, src/validate.c): every rule,
 * both sides of every bound, callback hosts in every spelling of a private
 * address, images loaded once, and NULL or empty arguments. */
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
        good &= seedance_request_set(r, "content-filter", yes[i], NULL) == 0 && r->content_filter == 1;
        good &= seedance_request_set(r, "content_filter", no[i], NULL) == 0 && r->content_filter == 0;
    }
    OK(good, "booleans: 1/0 true/false yes/no on/off, any case");
    OK(seedance_request_set(r, "aspect-ratio", "9:16", NULL) == 0 && !strcmp(r->aspect_ratio, "9:16"),
       "aspect-ratio with a dash is aspect_ratio");
    OK(seedance_request_set(r, "model_params.web_search", "1", NULL) == 0 && r->web_search == 1,
       "model_params.web_search accepted");
    seedance_request_free(r);
}

static void test_prompt(void)
{
    seedance_request *r = seedance_request_new();
    seedance_client *c = seedance_client_new();
    seedance_error e;
    char *long_s = malloc(20002 * 3);

    seedance_client_set_log(c, on_log, NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "prompt: missing"), "no prompt refused: %s", e.message);
    seedance_request_set(r, "prompt", "   \n\t", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "prompt"),
       "blank prompt refused: %s", e.message);
    seedance_request_set(r, "prompt", "caf\xC3", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "UTF-8"),
       "invalid UTF-8 refused: %s", e.message);
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
    OK(invalid("quality", "1080p", "not open yet"), "quality 1080p refused as not open yet");
    OK(invalid("quality", "720", "quality: '720' is not allowed: allowed 480p, 720p"), "quality 720 refused");
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
        "https://[ff02::1]/x", "https://[::]/x", "https://[::2]/x",
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

    seedance_client_set_log(c, on_log, NULL);
    seedance_request_set(r, "prompt", "x", NULL);
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_T2V), "no image: text-to-video model");
    seedance_request_set(r, "image", img1, NULL);
    OK(!strcmp(seedance_request_model(r), SEEDANCE_MODEL_I2V), "one image: image-to-video model");
    OK(seedance_request_validate(r, NULL, &e) == 0, "one local image valid");
    seedance_request_set(r, "last_image", img2, NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0 &&
       !strcmp(seedance_request_model(r), SEEDANCE_MODEL_I2V), "two local images valid");
    seedance_request_set(r, "web_search", "on", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "web_search"),
       "web_search with images refused: %s", e.message);
    seedance_request_set(r, "web_search", "off", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "web_search false with images allowed");
    seedance_request_set(r, "model", SEEDANCE_MODEL_T2V, NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "text-to-video"),
       "images with a text-to-video model refused: %s", e.message);
    seedance_request_set(r, "model", SEEDANCE_MODEL_T2V_PRO, NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID, "images with the pro t2v model refused");
    seedance_request_set(r, "model", SEEDANCE_MODEL_I2V_PRO, NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "pro i2v model with images allowed");
    seedance_request_set(r, "image", "", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "last_image"),
       "last_image without image refused: %s", e.message);
    seedance_request_set(r, "last_image", "", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "1..2"),
       "image-to-video without images refused: %s", e.message);
    seedance_request_set(r, "model", "seedance-3.0-future", NULL);
    last_warning[0] = '\0';
    OK(seedance_request_validate(r, c, &e) == 0 && strstr(last_warning, "seedance-3.0-future"),
       "unknown model passes with a warning: %s", last_warning);
    seedance_request_set(r, "model", "bad model!", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "model"),
       "model name with a space refused: %s", e.message);
    seedance_request_set(r, "model", "", NULL);
    seedance_request_set(r, "image", "https://example.com/a.png", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "image URL passed through");
    seedance_request_set(r, "image", "https://", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID, "broken image URL refused");
    seedance_request_set(r, "image", "/nonexistent/a.png", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_IMAGE && strstr(e.message, "/nonexistent/a.png"),
       "missing image file refused: %s", e.message);
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

/* sd_request_check keeps the local images it loaded, for the submit. */
static void test_images_kept(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error e;
    sd_image imgs[2];
    unsigned char png[64];
    size_t n = fake_png(png, 640, 480);

    seedance_request_set(r, "prompt", "x", NULL);
    seedance_request_set_image_data(r, "image", png, n, "image/png", &e);
    seedance_request_set(r, "last_image", img2, NULL);
    OK(sd_request_check(r, NULL, imgs, &e) == 0 && imgs[0].data && imgs[0].size == n &&
       !memcmp(imgs[0].data, png, n) && imgs[0].width == 640 && imgs[1].data &&
       !strcmp(imgs[1].mime, "image/jpeg") && imgs[1].width == 720,
       "the bytes of image data and of a file are kept, decoded and probed");
    sd_image_clear(&imgs[0]);
    sd_image_clear(&imgs[1]);
    seedance_request_set(r, "last_image", "https://example.com/l.png", NULL);
    OK(sd_request_check(r, NULL, imgs, &e) == 0 && imgs[0].data && !imgs[1].data,
       "nothing kept for a URL");
    sd_image_clear(&imgs[0]);
    seedance_request_set(r, "last_image", "/nonexistent/l.png", NULL);
    imgs[0].data = (unsigned char *)"junk";
    OK(sd_request_check(r, NULL, imgs, &e) == SEEDANCE_E_IMAGE && !imgs[0].data && !imgs[1].data,
       "on failure nothing is kept");
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
       !strstr(json, "duration"), "to_json: image_urls in order, unset fields left out: %s", json);
    free(json);
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
       seedance_request_set(r, "duration", NULL, NULL) == 0 && !r->duration_set,
       "set: NULL request or field refused, a NULL value is empty");
    snprintf(num, sizeof(num), "%d", INT_MIN);
    OK(seedance_request_set(r, "duration", num, &e) == SEEDANCE_E_INVALID, "duration INT_MIN refused");
    snprintf(num, sizeof(num), "%d", INT_MAX);
    OK(seedance_request_set(r, "duration", num, &e) == SEEDANCE_E_INVALID, "duration INT_MAX refused");
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
    test_total();

    unlink(img1);
    unlink(img2);
    unlink(big);
    rmdir(dir);
    return done_testing();
}
