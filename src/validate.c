/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local validation of a request: every constraint documented by the two
 * OpenAPI pages, checked before any request is sent. Each message names the
 * field, the value and what is allowed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define PROMPT_MAX_TOKENS     10000
#define PROMPT_ADVISED_CJK    500
#define PROMPT_ADVISED_WORDS  1000
#define CALLBACK_MAX_LEN      2048
#define MODEL_MAX_LEN         128

static const char *const qualities[] = { "480p", "720p", NULL };
static const char *const ratios[] = { "16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "adaptive", NULL };

static int in_list(const char *v, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(v, list[i]))
            return 1;
    return 0;
}

/*
 * Decode UTF-8 and count what bounds the token count from below: CJK
 * characters (at least one token each) and words of other scripts.
 * Returns -1 for invalid UTF-8.
 */
static int prompt_measure(const char *s, long *cjk, long *words, int *blank)
{
    const unsigned char *p = (const unsigned char *)s;
    int in_word = 0;

    *cjk = *words = 0;
    *blank = 1;
    while (*p) {
        unsigned long cp;
        int n;

        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else if ((*p & 0xF8) == 0xF0) { cp = *p & 0x07; n = 4; }
        else return -1;
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return -1;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        p += n;

        if (cp < 0x80 && isspace((int)cp)) {
            in_word = 0;
            continue;
        }
        *blank = 0;
        if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
            (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
            (cp >= 0x20000 && cp <= 0x2FFFF)) {
            (*cjk)++;
            in_word = 0;
        } else if (!in_word) {
            (*words)++;
            in_word = 1;
        }
    }
    return 0;
}

static int check_prompt(const seedance_request *r, seedance_client *c, seedance_error *err)
{
    long cjk, words;
    int blank;

    if (!r->prompt || !*r->prompt)
        return sd_error(err, SEEDANCE_E_INVALID, "prompt: missing: a text prompt is required");
    if (prompt_measure(r->prompt, &cjk, &words, &blank) < 0)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "prompt: not valid UTF-8 text: the prompt must be UTF-8");
    if (blank)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "prompt: only white space: a text prompt is required");
    if (cjk + words > PROMPT_MAX_TOKENS)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "prompt: at least %ld tokens (%ld CJK characters, %ld words): "
                            "allowed at most %d tokens", cjk + words, cjk, words,
                            PROMPT_MAX_TOKENS);
    if (cjk > PROMPT_ADVISED_CJK || words > PROMPT_ADVISED_WORDS)
        sd_log(c, SEEDANCE_LOG_WARNING,
               "prompt: %ld CJK characters, %ld words: the API advises at most %d "
               "Chinese characters or %d English words", cjk, words,
               PROMPT_ADVISED_CJK, PROMPT_ADVISED_WORDS);
    return SEEDANCE_OK;
}

static int check_model(const char *m, seedance_error *err)
{
    size_t n = strlen(m);

    if (n > MODEL_MAX_LEN)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "model: a name of %zu characters: allowed at most %d",
                            n, MODEL_MAX_LEN);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)m[i]) && !strchr("._-:/", m[i]))
            return sd_error(err, SEEDANCE_E_INVALID,
                            "model: '%s' has the character '%c': allowed letters, "
                                "digits and . _ - : /", m, isprint((unsigned char)m[i]) ? m[i] : '?');
    return SEEDANCE_OK;
}

/* Is a host name or address private, loopback, link-local or unspecified? */
static int host_is_private(const char *host)
{
    char h[256];
    size_t n = strlen(host);
    struct in_addr a4;
    struct in6_addr a6;

    if (n >= sizeof(h))
        return 0;
    if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
        memcpy(h, host + 1, n - 2);
        h[n - 2] = '\0';
    } else {
        memcpy(h, host, n + 1);
    }
    n = strlen(h);
    while (n > 0 && h[n - 1] == '.')
        h[--n] = '\0';
    if (!strcasecmp(h, "localhost") || (n > 10 && !strcasecmp(h + n - 10, ".localhost")))
        return 1;
    if (inet_pton(AF_INET, h, &a4) == 1) {
        unsigned long a = ntohl(a4.s_addr);
        return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
               (a >> 20) == (172UL << 4 | 1) ||          /* 172.16/12 */
               (a >> 16) == (192UL << 8 | 168) ||        /* 192.168/16 */
               (a >> 16) == (169UL << 8 | 254) ||        /* 169.254/16 */
               (a >> 22) == (100UL << 2 | 1);            /* 100.64/10 */
    }
    if (inet_pton(AF_INET6, h, &a6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED(&a6)) {
            char v4[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &a6.s6_addr[12], v4, sizeof(v4));
            return host_is_private(v4);
        }
        return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) ||
               IN6_IS_ADDR_LINKLOCAL(&a6) || (a6.s6_addr[0] & 0xFE) == 0xFC;
    }
    return 0;
}

/* Parse an absolute URL with libcurl; *scheme and *host allocated (curl_free). */
static int url_parts(const char *url, char **scheme, char **host)
{
    CURLU *u = curl_url();
    int rc = -1;

    *scheme = *host = NULL;
    if (!u)
        return -1;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK && **host)
        rc = 0;
    curl_url_cleanup(u);
    if (rc) {
        curl_free(*scheme);
        curl_free(*host);
        *scheme = *host = NULL;
    }
    return rc;
}

static int check_callback(const char *url, seedance_error *err)
{
    char *scheme, *host;
    size_t n = strlen(url);
    int rc = SEEDANCE_OK;

    if (n > CALLBACK_MAX_LEN)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "callback_url: %zu characters long: allowed at most %d",
                            n, CALLBACK_MAX_LEN);
    if (url_parts(url, &scheme, &host) < 0)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "callback_url: '%s' is not a valid URL: expected "
                            "https://HOST/PATH", url);
    if (strcasecmp(scheme, "https"))
        rc = sd_error(err, SEEDANCE_E_INVALID,
                      "callback_url: '%s' uses %s: only https:// is allowed", url, scheme);
    else if (host_is_private(host))
        rc = sd_error(err, SEEDANCE_E_INVALID,
                      "callback_url: '%s' points to the private or loopback host %s: "
                          "allowed only public hosts", url, host);
    curl_free(scheme);
    curl_free(host);
    return rc;
}

static int check_image_url(const char *field, const char *url, seedance_error *err)
{
    char *scheme, *host;

    if (url_parts(url, &scheme, &host) < 0)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "%s: '%s' is not a valid URL: expected http(s)://HOST/PATH, "
                            "a local file or a data: URI", field, url);
    curl_free(scheme);
    curl_free(host);
    return SEEDANCE_OK;
}

/* Check one image value; add its share of the request body to *body. */
static int check_image(const seedance_request *r, const char *field, const char *value,
                       size_t *body, seedance_error *err)
{
    sd_image img;
    int rc;

    switch (sd_image_kind(value)) {
    case SD_IMG_URL:
        *body += strlen(value);
        return check_image_url(field, value, err);
    case SD_IMG_DATA:
        *body += strlen(value);
        if ((rc = sd_image_load(field, value, &img, err)))
            return rc;
        sd_image_clear(&img);
        return SEEDANCE_OK;
    default:
        if ((rc = sd_image_load(field, value, &img, err)))
            return rc;
        /* inline: a data: URI in the body; upload: only the returned URL */
        *body += r->image_mode == SD_IMAGE_INLINE ? 4 * ((img.size + 2) / 3) + 32 : 256;
        sd_image_clear(&img);
        return SEEDANCE_OK;
    }
}

int seedance_request_validate(const seedance_request *r, seedance_client *c,
                              seedance_error *err)
{
    const char *model;
    int nimg, rc;
    size_t body = 1024;

    if (!r)
        return sd_error(err, SEEDANCE_E_INVALID, "no request");
    if ((rc = check_prompt(r, c, err)))
        return rc;
    body += strlen(r->prompt);

    if (r->duration_set && (r->duration < 4 || r->duration > 15))
        return sd_error(err, SEEDANCE_E_INVALID,
                        "duration: %d is out of range: allowed 4..15 (whole seconds)",
                            r->duration);
    if (r->quality && !in_list(r->quality, qualities))
        return sd_error(err, SEEDANCE_E_INVALID,
                        "quality: '%s' is not allowed: allowed 480p, 720p%s", r->quality,
                            !strcmp(r->quality, "1080p") ? " (1080p is not open yet)" : "");
    if (r->aspect_ratio && !in_list(r->aspect_ratio, ratios))
        return sd_error(err, SEEDANCE_E_INVALID,
                        "aspect_ratio: '%s' is not allowed: allowed 16:9, 9:16, 1:1, "
                            "4:3, 3:4, 21:9, adaptive", r->aspect_ratio);

    if (r->last_image && !r->image)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "last_image: given without image: a last frame needs a first "
                            "frame (image)");
    nimg = sd_request_image_count(r);
    model = seedance_request_model(r);
    if (r->model && (rc = check_model(r->model, err)))
        return rc;
    if (sd_model_is_t2v(model)) {
        if (nimg)
            return sd_error(err, SEEDANCE_E_INVALID,
                            "image: %d image(s) given to the text-to-video model %s: "
                                "allowed none (use %s for images)", nimg, model,
                                SEEDANCE_MODEL_I2V);
    } else if (sd_model_is_i2v(model)) {
        if (nimg < 1)
            return sd_error(err, SEEDANCE_E_INVALID,
                            "image: none given to the image-to-video model %s: "
                                "allowed 1..2 images", model);
        if (r->web_search == 1)
            return sd_error(err, SEEDANCE_E_INVALID,
                            "web_search: true with the image-to-video model %s: "
                                "web search is allowed only for text-to-video models", model);
    } else {
        sd_log(c, SEEDANCE_LOG_WARNING,
               "model: '%s' is not a model this version knows; it is sent as given", model);
    }

    if (r->callback_url && (rc = check_callback(r->callback_url, err)))
        return rc;
    if (r->image && (rc = check_image(r, "image", r->image, &body, err)))
        return rc;
    if (r->last_image && (rc = check_image(r, "last_image", r->last_image, &body, err)))
        return rc;
    if (body > (size_t)SD_BODY_MAX_BYTES)
        return sd_error(err, SEEDANCE_E_INVALID,
                        "image: the request body would be %.1f MB: allowed at most 64 MB "
                            "(use image_mode=upload or smaller images)",
                            (double)body / (1024.0 * 1024.0));
    return SEEDANCE_OK;
}
