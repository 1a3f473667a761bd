/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local validation of a request: every constraint the API documents,
 * checked before any request is sent: each field's range (its row of the
 * option table), the rules of its model (models.c), the prompt, the
 * callback host and local images. Each message names the field, the value
 * and what is allowed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
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

    const char *prompt = r->value[SEEDANCE_OPTION_PROMPT];

    if (!prompt || !*prompt)
        return sd_error(err, SEEDANCE_E_INVALID, "prompt: missing: a text prompt is required");
    if (prompt_measure(prompt, &cjk, &words, &blank) < 0)
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

/* The quality and the per-model fields a known model takes. */
static int check_model_fields(const seedance_request *r, const sd_resolved *m,
                              seedance_error *err)
{
    int q = sd_request_choice(r, SEEDANCE_OPTION_QUALITY);
    char allowed[512];

    if (q >= 0 && !((m->model->qualities >> q) & 1))
        return sd_error(err, SEEDANCE_E_INVALID,
                        "quality: '%s' is not rendered by %s: allowed %s%s",
                        seedance_request_get(r, SEEDANCE_OPTION_QUALITY, NULL), m->id,
                        sd_model_qualities(m->model, allowed, sizeof(allowed)),
                        m->tier != SD_TIER_STANDARD ? " (1080p and 4k: tier standard)" : "");
    for (const seedance_option *o = seedance_options(); o->name; o++) {
        const char *v = r->value[o->id];

        if (!(o->flags & SEEDANCE_OPT_PER_MODEL) || !v || sd_model_takes(m, r, o->id) ||
            !strcmp(v, o->dflt))
            continue;
        return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' is not taken by %s: allowed only "
                        "with %s", o->name, v, m->id,
                        sd_models_taking(o->id, allowed, sizeof(allowed)));
    }
    return SEEDANCE_OK;
}

/* The rules of the model the request names: a model this version does not
 * know only gets a warning. */
static int check_model_rules(const seedance_request *r, seedance_client *c, sd_resolved *m,
                             seedance_error *err)
{
    int rc;

    if ((rc = sd_request_resolve(r, m, err)))
        return rc;
    if (!m->model) {
        sd_log(c, SEEDANCE_LOG_WARNING,
               "model: '%s' is not a model this version knows; it is sent as given", m->id);
        return SEEDANCE_OK;
    }
    return check_model_fields(r, m, err);
}

/* Whole numbers within the bounds of their row. */
static int check_ranges(const seedance_request *r, seedance_error *err)
{
    char allowed[64];
    long lo, hi, v;

    for (const seedance_option *o = seedance_options(); o->name; o++) {
        if (!(o->flags & SEEDANCE_OPT_INT) || !r->value[o->id] || sd_option_range(o, &lo, &hi))
            continue;
        v = atol(r->value[o->id]);
        if (v < lo || v > hi)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: %ld is out of range: allowed %s",
                            o->name, v, sd_option_allowed(o, allowed, sizeof(allowed)));
    }
    return SEEDANCE_OK;
}

/*
 * Is an IPv4 address (host order) unfit for a callback: unspecified,
 * private, loopback, link-local, shared (100.64/10), IETF protocol
 * (192.0.0/24), benchmarking (198.18/15), multicast, reserved or broadcast?
 */
static int v4_is_private(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
           (a >> 20) == (172U << 4 | 1) ||          /* 172.16/12 */
           (a >> 16) == (192U << 8 | 168) ||        /* 192.168/16 */
           (a >> 16) == (169U << 8 | 254) ||        /* 169.254/16 */
           (a >> 22) == (100U << 2 | 1) ||          /* 100.64/10 */
           (a >> 8) == (192U << 16) ||              /* 192.0.0/24 */
           (a >> 17) == (198U << 7 | 9) ||          /* 198.18/15 */
           (a >> 28) >= 0xE;                        /* 224/4, 240/4, broadcast */
}

/*
 * The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::). 1 and *v4 set, or 0.
 */
static int v6_embedded_v4(const unsigned char *b, uint32_t *v4)
{
    static const unsigned char zero[10], nat64[12] = { 0, 0x64, 0xff, 0x9b };
    int at = -1;

    if (!memcmp(b, zero, 10) && ((b[10] == 0xff && b[11] == 0xff) ||   /* mapped */
                                 (b[10] == 0 && b[11] == 0)))         /* compatible */
        at = 12;
    else if (!memcmp(b, zero, 8) && b[8] == 0xff && b[9] == 0xff && !b[10] && !b[11])
        at = 12;                                                       /* translated */
    else if (!memcmp(b, nat64, 12))
        at = 12;
    else if (b[0] == 0x20 && b[1] == 0x02)
        at = 2;
    if (at < 0)
        return 0;
    *v4 = (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 | (uint32_t)b[at + 2] << 8 |
          b[at + 3];
    return 1;
}

/* Is an IPv6 address unfit for a callback (judged by the IPv4 address it carries, if any)? */
static int v6_is_private(const struct in6_addr *a6)
{
    const unsigned char *b = a6->s6_addr;
    static const unsigned char nat64_local[6] = { 0, 0x64, 0xff, 0x9b, 0, 1 };
    uint32_t v4;

    if (IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_UNSPECIFIED(a6))
        return 1;
    if (v6_embedded_v4(b, &v4))
        return v4_is_private(v4);
    return (b[0] & 0xFE) == 0xFC ||                 /* unique local fc00::/7 */
           (b[0] == 0xFE && (b[1] & 0x80)) ||       /* link-local and site-local fe80::/9 */
           b[0] == 0xFF ||                          /* multicast */
           !memcmp(b, nat64_local, 6);              /* local-use NAT64 64:ff9b:1::/48 */
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
        h[strcspn(h, "%")] = '\0';                  /* an IPv6 zone */
    } else {
        memcpy(h, host, n + 1);                     /* "a%.localhost" is a name */
    }
    n = strlen(h);
    while (n > 0 && h[n - 1] == '.')
        h[--n] = '\0';
    if (!strcasecmp(h, "localhost") || (n > 10 && !strcasecmp(h + n - 10, ".localhost")))
        return 1;
    /* inet_aton: every IPv4 spelling (127.1, 0x7f000001, 017700000001) */
    if (strspn(h, "0123456789abcdefxABCDEFX.") == n && inet_aton(h, &a4))
        return v4_is_private(ntohl(a4.s_addr));
    if (inet_pton(AF_INET6, h, &a6) == 1)
        return v6_is_private(&a6);
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

/*
 * The fields of r but its media; *body gets the size of what they add and
 * *m the model.
 */
static int check_fields(const seedance_request *r, seedance_client *c, sd_resolved *m,
                        size_t *body, seedance_error *err)
{
    const char *model = r->value[SEEDANCE_OPTION_MODEL];
    const char *cb = r->value[SEEDANCE_OPTION_CALLBACK_URL];
    int rc;

    if ((rc = check_prompt(r, c, err)) || (rc = check_ranges(r, err)))
        return rc;
    *body += strlen(r->value[SEEDANCE_OPTION_PROMPT]);
    if (model && (rc = check_model(model, err)))
        return rc;
    if ((rc = check_model_rules(r, c, m, err)))
        return rc;
    if (cb && (rc = check_callback(cb, err)))
        return rc;
    return SEEDANCE_OK;
}

/* A media URL is checked for its form only: the service fetches it. */
static int check_urls(const seedance_request *r, seedance_error *err)
{
    sd_media media[SD_MAX_MEDIA];
    int n = sd_request_media(r, media, SD_MAX_MEDIA);
    char *scheme, *host;

    for (int i = 0; i < n && i < SD_MAX_MEDIA; i++) {
        if (sd_image_kind(media[i].value) != SD_IMG_URL)
            continue;
        if (url_parts(media[i].value, &scheme, &host) < 0)
            return sd_error(err, SEEDANCE_E_INVALID,
                            "%s: '%s' is not a valid URL: expected https://HOST/PATH or a "
                            "local file", media[i].field, media[i].value);
        curl_free(scheme);
        curl_free(host);
    }
    return SEEDANCE_OK;
}

int sd_request_check(const seedance_request *r, seedance_client *c,
                     sd_local media[SD_MAX_MEDIA], int flags, seedance_error *err)
{
    sd_local local[SD_MAX_MEDIA];
    sd_local *l = media ? media : local;
    size_t body = 1024;
    sd_resolved m;
    int rc, n;

    memset(l, 0, SD_MAX_MEDIA * sizeof(*l));
    if (!r)
        return sd_error(err, SEEDANCE_E_INVALID, "no request");
    if ((rc = check_fields(r, c, &m, &body, err)) || (rc = check_urls(r, err)) ||
        (rc = sd_check_references(r, c, &m, l, flags, &body, err)))
        return rc;
    n = sd_request_media_count(r, -1);
    if (body > (size_t)SD_BODY_MAX_BYTES)
        rc = sd_error(err, SEEDANCE_E_INVALID,
                      "image: the request body would be %.1f MB: allowed at most 64 MB "
                      "(use image_mode=upload or smaller images)",
                      (double)body / (1024.0 * 1024.0));
    if (rc || !media)
        for (int i = 0; i < n; i++)
            sd_local_clear(&l[i]);
    return rc;
}

int seedance_request_validate(const seedance_request *r, seedance_client *c,
                              seedance_error *err)
{
    return sd_request_check(r, c, NULL, SD_CHECK_ALL, err);
}
