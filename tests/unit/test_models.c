/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nine models (src/models.c), fully stated requests, the journal key
 * of 0.1 (src/request_key.c) and the cost estimate (src/cost.c): tier and
 * mode name the model; each model's qualities and fields; a default
 * stated or left out is the same body; 1080p and 4k sizes; charges
 * computed by hand from the published rates.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"
#include "imgfake.h"

static char dir[] = "/tmp/seedance-unit-XXXXXX", img[256];

/* A request of prompt "a calm sea" and "name=value" pairs, NULL-terminated. */
static seedance_request *request(const char *first, ...)
{
    seedance_request *r = seedance_request_new();
    va_list ap;

    seedance_request_set(r, "prompt", "a calm sea", NULL);
    va_start(ap, first);
    for (const char *f = first; f; f = va_arg(ap, const char *))
        seedance_request_set(r, f, va_arg(ap, const char *), NULL);
    va_end(ap);
    return r;
}

static void test_tier_and_mode(void)
{
    static const char *const tiers[] = { "standard", "fast", "mini" };
    static const char *const modes[] = { "text", "image", "reference" };
    static const char *const ids[3][3] = {
        { "seedance-2.0-text-to-video", "seedance-2.0-image-to-video",
          "seedance-2.0-reference-to-video" },
        { "seedance-2.0-fast-text-to-video", "seedance-2.0-fast-image-to-video",
          "seedance-2.0-fast-reference-to-video" },
        { "seedance-2.0-mini-text-to-video", "seedance-2.0-mini-image-to-video",
          "seedance-2.0-mini-reference-to-video" },
    };
    int good = 1;

    for (int t = 0; t < 3; t++)
        for (int m = 0; m < 3; m++) {
            seedance_request *r = request("tier", tiers[t], "mode", modes[m], NULL);
            seedance_error e;

            if (m)
                seedance_request_set(r, "image", img, NULL);
            good &= !strcmp(seedance_request_model(r), ids[t][m]) &&
                    seedance_request_validate(r, NULL, &e) == 0;
            if (!good)
                printf("# %s %s: %s\n", tiers[t], modes[m], seedance_request_model(r));
            seedance_request_free(r);
        }
    OK(good, "tier and mode name each of the nine models, and each is valid");

    seedance_request *r = request(NULL);
    OK(!strcmp(seedance_request_model(r), "seedance-2.0-fast-text-to-video"),
       "default: fast, text without images");
    seedance_request_set(r, "image", img, NULL);
    OK(!strcmp(seedance_request_model(r), "seedance-2.0-fast-image-to-video"),
       "an image makes the mode image");
    seedance_request_set(r, "Tier", "STANDARD", NULL);
    OK(!strcmp(seedance_request_model(r), "seedance-2.0-image-to-video") &&
       !strcmp(seedance_request_get(r, SEEDANCE_OPTION_TIER, NULL), "standard"),
       "tier in any case, kept as listed");
    seedance_request_free(r);
}

/* validate(r) fails with SEEDANCE_E_INVALID naming every string of want. */
static int refused(seedance_request *r, const char *want1, const char *want2)
{
    seedance_error e;
    int rc = seedance_request_validate(r, NULL, &e);

    if (rc != SEEDANCE_E_INVALID || (want1 && !strstr(e.message, want1)) ||
        (want2 && !strstr(e.message, want2))) {
        printf("# got %d: %s\n", rc, rc ? e.message : "");
        return 0;
    }
    return 1;
}

static void test_rules(void)
{
    seedance_request *r;
    seedance_error e;
    char *json;
    int w = 0, h = 0;

    r = request("tier", "standard", "quality", "1080p", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0 && seedance_request_frame_size(r, &w, &h) == 1 &&
       w == 1920 && h == 1080, "standard 1080p: valid, 1920x1080");
    seedance_request_set(r, "quality", "4K", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0 && seedance_request_frame_size(r, &w, &h) == 1 &&
       w == 3840 && h == 2160, "standard 4k: valid, 3840x2160");
    seedance_request_set(r, "aspect_ratio", "21:9", NULL);
    OK(seedance_request_frame_size(r, &w, &h) == 1 && w == 4398 && h == 1886,
       "standard 4k 21:9: 4398x1886 (the API's table)");
    seedance_request_set(r, "tier", "fast", NULL);
    OK(refused(r, "quality: '4k'", "1080p and 4k: tier standard"), "fast 4k refused");
    seedance_request_set(r, "tier", "mini", NULL);
    seedance_request_set(r, "quality", "1080p", NULL);
    OK(refused(r, "seedance-2.0-mini-text-to-video", "allowed 480p, 720p"), "mini 1080p refused");
    seedance_request_free(r);

    r = request("tier", "mini", "web_search", "1", NULL);
    OK(refused(r, "web_search", "seedance-2.0-fast-text-to-video"),
       "mini refuses web search, naming the models that take it");
    seedance_request_set(r, "web_search", "0", NULL);
    json = seedance_request_to_json(r);
    OK(json && !strstr(json, "model_params"), "web_search=0 with mini: valid, not sent: %s",
       json ? json : "(null)");
    free(json);
    seedance_request_free(r);

    r = request("image", img, "web_search", "yes", NULL);
    OK(refused(r, "web_search", "seedance-2.0-fast-image-to-video"), "web search in image mode refused");
    seedance_request_free(r);

    r = request("mode", "text", "image", img, NULL);
    OK(refused(r, "text-to-video", "mode image or reference"), "mode text with an image refused");
    seedance_request_set(r, "mode", "reference", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0 &&
       !strcmp(seedance_request_model(r), "seedance-2.0-fast-reference-to-video"),
       "mode reference with an image: fast reference-to-video");
    seedance_request_set(r, "image", "", NULL);
    OK(refused(r, "reference-to-video", "at least one"), "reference without a reference refused");
    seedance_request_set(r, "mode", "image", NULL);
    OK(refused(r, "image-to-video", "1..2"), "mode image without an image refused");
    seedance_request_free(r);

    r = request("model", "seedance-2.0-text-to-video", "tier", "fast", NULL);
    OK(refused(r, "tier: 'fast' contradicts model seedance-2.0-text-to-video", "standard"),
       "a tier contradicting the model refused");
    seedance_request_set(r, "tier", "standard", NULL);
    OK(seedance_request_validate(r, NULL, &e) == 0, "a tier agreeing with the model: valid");
    seedance_request_free(r);

    r = request(NULL);
    OK(seedance_request_set(r, "tier", "pro", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "tier: 'pro'") && strstr(e.message, "standard, fast, mini"),
       "an unknown tier: %s", e.message);
    OK(seedance_request_set(r, "mode", "video", &e) == SEEDANCE_E_INVALID &&
       strstr(e.message, "text, image, reference"), "an unknown mode: %s", e.message);
    seedance_request_free(r);
}

/* Stating every default is the same request as leaving them out. */
static void test_defaults(void)
{
    seedance_request *bare = request(NULL);
    seedance_request *stated = request("tier", "fast", "duration", "5", "quality", "720p",
                                       "aspect_ratio", "16:9", "generate_audio", "true",
                                       "content_filter", "on", "web_search", "no",
                                       "image_mode", "upload", NULL);
    char *a = seedance_request_to_json(bare), *b = seedance_request_to_json(stated);
    int given = -1;

    OK(a && b && !strcmp(a, b), "defaults stated or not: one body");
    OK(a && !strcmp(a, "{\"model\":\"seedance-2.0-fast-text-to-video\",\"prompt\":\"a calm sea\","
                       "\"duration\":5,\"quality\":\"720p\",\"aspect_ratio\":\"16:9\","
                       "\"generate_audio\":true,\"content_filter\":true,"
                       "\"model_params\":{\"web_search\":false}}"),
       "every field the model takes is stated: %s", a ? a : "(null)");
    OK(!strcmp(seedance_request_get(bare, SEEDANCE_OPTION_DURATION, &given), "5") && !given &&
       !strcmp(seedance_request_get(stated, SEEDANCE_OPTION_DURATION, &given), "5") && given,
       "seedance_request_get: the default, and whether it was given");
    OK(!seedance_request_get(bare, SEEDANCE_OPTION_CALLBACK_URL, &given) && !given &&
       !seedance_request_get(bare, SEEDANCE_OPTION_CACHE, NULL),
       "no default: NULL; not a request field: NULL");
    free(a);
    free(b);
    seedance_request_free(bare);
    seedance_request_free(stated);
}

/* The keys version 0.1 gave requests, from the bodies it sent (frozen here). */
static void test_legacy_key(void)
{
    seedance_client *c = seedance_client_new();
    const char *base = seedance_client_api_base(c);
    char want[65], got[65], buf[512];
    seedance_request *r = request(NULL);

    snprintf(buf, sizeof(buf), "%s\n%s", "{\"model\":\"seedance-2.0-fast-text-to-video\","
             "\"prompt\":\"a calm sea\"}", base);
    sd_sha256_hex(buf, strlen(buf), want);
    OK(sd_request_legacy_key(c, r, NULL, 0, got) == 1 && !strcmp(got, want),
       "a bare prompt: the key of 0.1's two-field body");
    seedance_request_set(r, "duration", "5", NULL);
    seedance_request_set(r, "web_search", "0", NULL);
    snprintf(buf, sizeof(buf), "%s\n%s", "{\"model\":\"seedance-2.0-fast-text-to-video\","
             "\"prompt\":\"a calm sea\",\"duration\":5,\"model_params\":{\"web_search\":false}}",
             base);
    sd_sha256_hex(buf, strlen(buf), want);
    OK(sd_request_legacy_key(c, r, NULL, 0, got) == 1 && !strcmp(got, want),
       "fields given are in 0.1's body, in its order");
    seedance_request_free(r);

    r = request("image", img, NULL);
    {
        const char *media[1] = { "sha256:00ff" };
        snprintf(buf, sizeof(buf), "%s\n%s", "{\"model\":\"seedance-2.0-fast-image-to-video\","
                 "\"prompt\":\"a calm sea\",\"image_urls\":[\"sha256:00ff\"]}", base);
        sd_sha256_hex(buf, strlen(buf), want);
        OK(sd_request_legacy_key(c, r, media, 1, got) == 1 && !strcmp(got, want),
           "an image: image_urls after the prompt");
    }
    seedance_request_set(r, "tier", "standard", NULL);
    OK(sd_request_legacy_key(c, r, NULL, 1, got) == 0, "another tier: 0.1 never made it");
    seedance_request_free(r);
    seedance_client_free(c);
}

/* seedance_request_cost() of "name=value" pairs: known, credits, usd. */
static int cost_is(double credits, double usd, const char *what, ...)
{
    seedance_request *r = request(NULL);
    seedance_cost cost;
    seedance_error e;
    va_list ap;
    int ok;

    va_start(ap, what);
    for (const char *f = va_arg(ap, const char *); f; f = va_arg(ap, const char *))
        seedance_request_set(r, f, va_arg(ap, const char *), NULL);
    va_end(ap);
    ok = seedance_request_cost(r, &cost, &e) == 0 && cost.known &&
         fabs(cost.credits - credits) < 1e-6 && fabs(cost.usd - usd) < 1e-6;
    if (!ok)
        printf("# %s: known %d, %.6f credits, $%.6f\n", what, cost.known, cost.credits, cost.usd);
    seedance_request_free(r);
    return ok;
}

static void test_cost(void)
{
    seedance_request *r;
    seedance_client *c = seedance_client_new();
    seedance_cost cost;
    seedance_error e;

    /* 10.935 credits ($0.1608) a second, 5 s */
    OK(cost_is(54.675, 0.804, "fast 720p 5 s", NULL), "fast 720p 5 s: 54.675 credits, $0.804");
    OK(cost_is(40.504, 0.596, "fast 480p 8 s", "quality", "480p", "duration", "8", NULL),
       "fast 480p 8 s: 5.063 x 8 = 40.504 credits, $0.596");
    OK(cost_is(202.5, 2.9775, "standard 720p 15 s", "tier", "standard", "duration", "15", NULL),
       "standard 720p 15 s: 13.5 x 15 = 202.5 credits, $2.9775");
    OK(cost_is(6.251 * 4 * 1.1, 0.0919 * 4 * 1.1, "standard 480p 4 s, no filter", "tier",
               "standard", "quality", "480p", "duration", "4", "content_filter", "0", NULL),
       "standard 480p 4 s without the content filter: x1.1");
    OK(cost_is(54.675, 0.804, "fast image 720p", "image", img, NULL),
       "image-to-video costs as text-to-video");

    r = request("tier", "mini", NULL);
    OK(seedance_request_cost(r, &cost, &e) == 0 && !cost.known && strstr(cost.why, "mini"),
       "mini: unknown (%s)", cost.why);
    seedance_request_set(r, "tier", "standard", NULL);
    seedance_request_set(r, "quality", "1080p", NULL);
    OK(seedance_request_cost(r, &cost, &e) == 0 && !cost.known && strstr(cost.why, "1080p"),
       "1080p: unknown (%s)", cost.why);
    seedance_request_set(r, "quality", "4k", NULL);
    OK(seedance_request_cost(r, &cost, &e) == 0 && !cost.known && strstr(cost.why, "4k"),
       "4k: unknown (%s)", cost.why);
    OK(seedance_cost_allowed(c, &cost) == 0, "no max_credits: an unknown cost is allowed");
    seedance_client_set_max_credits(c, 1000);
    OK(seedance_cost_allowed(c, &cost) == SEEDANCE_E_INVALID &&
       strstr(seedance_last_error(c)->message, "unknown"),
       "max_credits and an unknown cost: refused: %s", seedance_last_error(c)->message);
    seedance_request_set(r, "quality", "720p", NULL);
    seedance_request_cost(r, &cost, &e);
    OK(seedance_cost_allowed(c, &cost) == 0, "67.5 credits under max_credits=1000: allowed");
    seedance_client_set_max_credits(c, 60);
    OK(seedance_cost_allowed(c, &cost) == SEEDANCE_E_INVALID &&
       strstr(seedance_last_error(c)->message, "67.500 credits") &&
       strstr(seedance_last_error(c)->message, "max_credits=60"),
       "67.5 credits over max_credits=60: %s", seedance_last_error(c)->message);
    seedance_request_set(r, "duration", "99", NULL);
    OK(seedance_request_cost(r, &cost, &e) == SEEDANCE_E_INVALID && strstr(e.message, "duration"),
       "an invalid request has no cost: %s", e.message);
    seedance_request_free(r);
    seedance_client_free(c);
}

int main(void)
{
    unsigned char b[64];
    size_t n;
    FILE *f;

    if (!mkdtemp(dir)) {
        OK(0, "scratch directory");
        return done_testing();
    }
    snprintf(img, sizeof(img), "%s/first.png", dir);
    n = fake_png(b, 1280, 720);
    if ((f = fopen(img, "wb"))) {
        fwrite(b, 1, n, f);
        fclose(f);
    }
    test_tier_and_mode();
    test_rules();
    test_defaults();
    test_legacy_key();
    test_cost();
    unlink(img);
    rmdir(dir);
    return done_testing();
}
