/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Request fields and validation (src/request.c, src/validate.c): every rule,
 * both sides of every bound. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"
#include "imgfake.h"

static char last_warning[1024];
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

int main(void)
{
    seedance_request *r;
    seedance_error e;
    seedance_client *c = seedance_client_new();
    char dir[] = "/tmp/seedance-unit-XXXXXX", img1[256], img2[256], big[256], *long_s, *json;
    unsigned char b[64];
    size_t n;

    seedance_client_set_log(c, on_log, NULL);

    /* parse errors in set */
    r = seedance_request_new();
    OK(seedance_request_set(r, "colour", "red", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "colour") && strstr(e.message, "allowed"), "unknown field: %s", e.message);
    OK(seedance_request_set(r, "duration", "8.5", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "8.5") && strstr(e.message, "4..15"), "duration 8.5: %s", e.message);
    OK(seedance_request_set(r, "duration", "abc", &e) == SEEDANCE_E_INVALID, "duration abc refused");
    OK(seedance_request_set(r, "duration", "-5", &e) == SEEDANCE_E_INVALID, "duration -5 refused");
    OK(seedance_request_set(r, "generate_audio", "maybe", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "generate_audio") && strstr(e.message, "maybe") &&
       strstr(e.message, "true/false"), "bool maybe: %s", e.message);
    OK(seedance_request_set(r, "image_mode", "ftp", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "upload, inline"), "image_mode ftp: %s", e.message);
    {
        static const char *const yes[] = { "1", "true", "YES", "on" }, *const no[] = { "0", "False", "no", "OFF" };
        int good = 1;
        for (int i = 0; i < 4; i++) {
            good &= seedance_request_set(r, "content-filter", yes[i], NULL) == 0 && r->content_filter == 1;
            good &= seedance_request_set(r, "content_filter", no[i], NULL) == 0 && r->content_filter == 0;
        }
        OK(good, "booleans: 1/0 true/false yes/no on/off, any case");
    }
    OK(seedance_request_set(r, "aspect-ratio", "9:16", NULL) == 0 && !strcmp(r->aspect_ratio, "9:16"),
       "aspect-ratio with a dash is aspect_ratio");
    OK(seedance_request_set(r, "model_params.web_search", "1", NULL) == 0 && r->web_search == 1,
       "model_params.web_search accepted");
    seedance_request_free(r);

    /* prompt */
    r = seedance_request_new();
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "prompt: missing"), "no prompt refused: %s", e.message);
    seedance_request_set(r, "prompt", "   \n\t", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "prompt"),
       "blank prompt refused: %s", e.message);
    seedance_request_set(r, "prompt", "caf\xC3", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "UTF-8"),
       "invalid UTF-8 refused: %s", e.message);
    long_s = malloc(20002 * 3);
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

    /* duration, quality, aspect_ratio */
    OK(valid("duration", "4") && valid("duration", "15"), "duration 4 and 15 allowed");
    OK(invalid("duration", "3", "duration: 3 is out of range: allowed 4..15"), "duration 3 refused");
    OK(invalid("duration", "16", "duration: 16 is out of range: allowed 4..15"), "duration 16 refused");
    OK(invalid("duration", "0", "duration: 0"), "duration 0 refused");
    OK(valid("quality", "480p") && valid("quality", "720p"), "quality 480p and 720p allowed");
    OK(invalid("quality", "1080p", "not open yet"), "quality 1080p refused as not open yet");
    OK(invalid("quality", "720", "quality: '720' is not allowed: allowed 480p, 720p"), "quality 720 refused");
    {
        static const char *const ok_r[] = { "16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "adaptive" };
        int good = 1;
        for (int i = 0; i < 7; i++)
            good &= valid("aspect_ratio", ok_r[i]);
        OK(good, "all seven aspect ratios allowed");
    }
    OK(invalid("aspect_ratio", "2:1", "aspect_ratio: '2:1'"), "aspect ratio 2:1 refused");
    OK(valid("web_search", "true"), "web_search with text-to-video allowed");

    /* callback_url */
    OK(valid("callback_url", "https://example.com/hook"), "https callback allowed");
    OK(invalid("callback_url", "http://example.com/hook", "only https"), "http callback refused");
    OK(invalid("callback_url", "not a url", "callback_url"), "garbage callback refused");
    {
        static const char *const priv[] = { "https://127.0.0.1/x", "https://10.1.2.3/x",
            "https://172.16.0.1/x", "https://172.31.255.255/x", "https://192.168.1.1/x",
            "https://localhost/x", "https://[::1]/x", "https://169.254.169.254/x",
            "https://[fd00::1]/x", "https://0.0.0.0/x", "https://api.localhost/x" };
        int good = 1;
        for (size_t i = 0; i < sizeof(priv) / sizeof(*priv); i++)
            good &= invalid("callback_url", priv[i], "private or loopback");
        OK(good, "private and loopback callback hosts refused");
    }
    OK(valid("callback_url", "https://172.32.0.1/x") && valid("callback_url", "https://172.15.0.1/x") &&
       valid("callback_url", "https://11.0.0.1/x"), "hosts next to the private ranges allowed");
    long_s = malloc(2100);
    strcpy(long_s, "https://example.com/");
    memset(long_s + 20, 'a', 2048 - 20);
    long_s[2048] = '\0';
    OK(valid("callback_url", long_s), "callback of 2048 characters allowed");
    strcat(long_s, "b");
    OK(invalid("callback_url", long_s, "2049 characters long: allowed at most 2048"),
       "callback of 2049 characters refused");
    free(long_s);

    /* models and images */
    OK(mkdtemp(dir) != NULL, "scratch directory");
    snprintf(img1, sizeof(img1), "%s/first.png", dir);
    snprintf(img2, sizeof(img2), "%s/last.jpg", dir);
    snprintf(big, sizeof(big), "%s/big.png", dir);
    n = fake_png(b, 1280, 720);
    write_file(img1, b, n);
    n = fake_jpeg(b, 720, 1280);
    write_file(img2, b, n);

    r = seedance_request_new();
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

    /* whole body <= 64 MB: two 25 MB images inline are too much, uploaded fine */
    n = fake_png(b, 1000, 1000);
    {
        FILE *f = fopen(big, "wb");
        fwrite(b, 1, n, f);
        fseek(f, 25L * 1024 * 1024, SEEK_SET);
        fputc(0, f);
        fclose(f);
    }
    seedance_request_set(r, "image", big, NULL);
    seedance_request_set(r, "last_image", big, NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "two 25 MB images uploaded: allowed");
    seedance_request_set(r, "image_mode", "inline", NULL);
    OK(seedance_request_validate(r, NULL, &e) == SEEDANCE_E_INVALID && strstr(e.message, "64 MB"),
       "two 25 MB images inline: body over 64 MB refused: %s", e.message);
    seedance_request_set(r, "last_image", "", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "one 25 MB image inline allowed");
    seedance_request_free(r);

    /* to_json */
    r = seedance_request_new();
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

    unlink(img1);
    unlink(img2);
    unlink(big);
    rmdir(dir);
    seedance_client_free(c);
    return done_testing();
}
