/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Request fields and their validation: seedance_request_set() of
 * "field=value" lines, then seedance_request_validate() and
 * seedance_request_to_json().
 *
 * Input: lines "FIELD=VALUE". A local-file image value is replaced by a
 * scratch file holding the value's bytes (so image files are probed too);
 * "!image=BYTES" sets image data directly (seedance_request_set_image_data).
 * Checks, for a request the library accepts: the prompt is valid UTF-8 and
 * not blank; duration 4..15; quality and aspect_ratio from their lists;
 * the images (or, for reference-to-video, a video), qualities and web
 * search fit the model (its rules read off its name); the callback URL is https, at most 2048
 * characters and its host (as libcurl parses it) public in every spelling
 * (see oracle.c); the JSON body parses and carries the prompt, the model
 * and every field common to the models, stated.
 * A refused request has a message naming a field.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "oracle.h"
#include "api.h"

static seedance_client *client;
static char img_path[2][512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    if (!(client = seedance_client_new()))
        abort();
    seedance_client_set_api_key(client, FZ_API_KEY);
    seedance_client_set_log(client, fz_log_cb, NULL);
    for (int i = 0; i < 2; i++)
        snprintf(img_path[i], sizeof(img_path[i]), "%s/img%d", fz_tmpdir(), i);
    return 0;
}

static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
                (*p & 0xF8) == 0xF0 ? 4 : 0;
        unsigned long cp = n == 1 ? *p : n == 2 ? *p & 0x1F : n == 3 ? *p & 0x0F : *p & 0x07;
        if (!n)
            return 0;
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += n;
    }
    return 1;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\n\v\f\r", *s))
            return 0;
    return 1;
}

static int one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return 1;
    return 0;
}

static void set_line(seedance_request *r, char *line, int *nfile)
{
    char *eq = strchr(line, '='), *value = eq ? eq + 1 : NULL;
    seedance_error err;
    int rc;

    if (eq)
        *eq = '\0';
    if (line[0] == '!') {
        rc = seedance_request_set_image_data(r, line + 1, value, value ? strlen(value) : 0,
                                             "image/png", &err);
        (void)rc;
        return;
    }
    if (value && (strstr(line, "image") || strstr(line, "frame")) && *value &&
        sd_image_kind(value) == SD_IMG_FILE && *nfile < 2) {
        fz_write_file(img_path[*nfile], value, strlen(value));
        value = img_path[(*nfile)++];
    }
    memset(&err, 0, sizeof(err));
    rc = seedance_request_set(r, line, value, &err);
    if (rc)
        FZ_CHECK("set-fail", rc == SEEDANCE_E_INVALID && err.message[0], "set failed with %d", rc);
}

static void check_callback(const char *url)
{
    char *scheme = NULL, *host = NULL;
    const char *why;
    CURLU *u = curl_url();

    FZ_CHECK("callback-length", strlen(url) <= 2048, "a callback URL of %zu characters",
             strlen(url));
    FZ_CHECK("callback-parses", curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK,
             "accepted callback URL '%.200s' does not parse", url);
    if (scheme && host) {
        FZ_CHECK("callback-https", !strcasecmp(scheme, "https"), "accepted scheme %s", scheme);
        why = oracle_private_host(host);
        if (why)
            FZ_CHECK(why, 0, "callback URL '%.200s' accepted: its host %s is private or loopback",
                     url, host);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
}

/* A field as the request sends it (given, else the default). */
#define V(id) seedance_request_get(r, SEEDANCE_OPTION_##id, NULL)

/* The rules of the model, from its name alone. */
static void check_model_rules(const seedance_request *r, const char *model, int n,
                              const cJSON *o)
{
    static const char *const low[] = { "480p", "720p", NULL };
    int text = strstr(model, "-text-to-video") != NULL;
    int tiered = strstr(model, "-fast-") || strstr(model, "-mini-");
    int web = V(WEB_SEARCH) && !strcmp(V(WEB_SEARCH), "1");

    static const char *const nine[] = {
        "seedance-2.0-text-to-video", "seedance-2.0-image-to-video",
        "seedance-2.0-reference-to-video", "seedance-2.0-fast-text-to-video",
        "seedance-2.0-fast-image-to-video", "seedance-2.0-fast-reference-to-video",
        "seedance-2.0-mini-text-to-video", "seedance-2.0-mini-image-to-video",
        "seedance-2.0-mini-reference-to-video", NULL
    };

    if (!one_of(model, nine))
        return;     /* a model this version does not know: sent as given */
    if (tiered)
        FZ_CHECK("tier-quality", one_of(V(QUALITY), low), "quality '%s' with %s", V(QUALITY), model);
    if (text)
        FZ_CHECK("t2v-images", n == 0, "%d images with %s", n, model);
    else if (strstr(model, "-reference-"))  /* an image or a video, at most 9 images */
        FZ_CHECK("images", n + sd_request_media_count(r, SD_MEDIA_VIDEO) >= 1 && n <= 9,
                 "%d images and no video with %s", n, model);
    else
        FZ_CHECK("images", n >= 1 && n <= 2, "%d images with %s", n, model);
    FZ_CHECK("web-search", !web || (text && !strstr(model, "-mini-")),
             "web search with %s", model);
    FZ_CHECK("json-model-params",
             !!cJSON_GetObjectItemCaseSensitive(o, "model_params") == (text && !strstr(model, "-mini-")),
             "model_params %s for %s", cJSON_GetObjectItemCaseSensitive(o, "model_params") ?
             "sent" : "missing", model);
}

static void check_accepted(const seedance_request *r)
{
    static const char *const qualities[] = { "480p", "720p", "1080p", "4k", NULL };
    static const char *const ratios[] = { "16:9", "9:16", "1:1", "4:3", "3:4", "21:9",
                                          "adaptive", NULL };
    static const char *const stated[] = { "duration", "quality", "aspect_ratio",
                                          "generate_audio", "content_filter", NULL };
    const char *model = seedance_request_model(r), *prompt = V(PROMPT);
    int n = sd_request_image_count(r);
    char *json;
    cJSON *o;

    FZ_CHECK("prompt", prompt && *prompt && utf8_ok(prompt) && !blank(prompt),
             "accepted prompt is missing, blank or not UTF-8");
    FZ_CHECK("duration", atoi(V(DURATION)) >= 4 && atoi(V(DURATION)) <= 15,
             "accepted duration %s", V(DURATION));
    FZ_CHECK("quality", one_of(V(QUALITY), qualities), "quality '%s'", V(QUALITY));
    FZ_CHECK("aspect-ratio", one_of(V(ASPECT_RATIO), ratios), "aspect_ratio '%s'",
             V(ASPECT_RATIO));
    FZ_CHECK("last-image", !V(LAST_IMAGE) || V(IMAGE), "last_image without image");
    if (V(CALLBACK_URL))
        check_callback(V(CALLBACK_URL));

    json = seedance_request_to_json(r);
    FZ_CHECK("json", json != NULL, "no JSON for an accepted request");
    o = cJSON_Parse(json);
    FZ_CHECK("json-parse", cJSON_IsObject(o), "the request JSON does not parse");
    {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "prompt");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "model");
        FZ_CHECK("json-prompt", cJSON_IsString(p) && !strcmp(p->valuestring, prompt),
                 "the prompt does not survive JSON");
        FZ_CHECK("json-model", cJSON_IsString(m) && !strcmp(m->valuestring, model),
                 "the model does not survive JSON");
        for (int i = 0; stated[i]; i++)
            FZ_CHECK("json-stated", cJSON_GetObjectItemCaseSensitive(o, stated[i]) != NULL,
                     "%s is not stated in the body", stated[i]);
    }
    check_model_rules(r, model, n, o);
    cJSON_Delete(o);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seedance_request *r = seedance_request_new();
    char *text = fz_strndup(data, size), *save = NULL;
    seedance_error err;
    int nfile = 0, rc;

    if (!r)
        abort();
    fz_key_in_input = fz_memmem(data, size, FZ_API_KEY);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        set_line(r, line, &nfile);
    memset(&err, 0, sizeof(err));
    rc = seedance_request_validate(r, client, &err);
    if (rc == SEEDANCE_OK)
        check_accepted(r);
    else
        FZ_CHECK("validate-fail", (rc == SEEDANCE_E_INVALID || rc == SEEDANCE_E_IMAGE ||
                 rc == SEEDANCE_E_NOMEM) && err.message[0], "validation failed with %d", rc);
    if (!fz_memmem(data, size, FZ_API_KEY))
        FZ_CHECK("key-in-message", !strstr(err.message, FZ_API_KEY), "the key is in a message");
    seedance_request_free(r);
    free(text);
    return 0;
}
