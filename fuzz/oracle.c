/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * See oracle.h. Written apart from the library on purpose: it accepts the
 * laxer IPv4 spellings of inet_aton() (127.1, 0x7f.1, 2130706433, octal)
 * and IPv4 addresses embedded in IPv6 (mapped ::ffff:a.b.c.d, compatible
 * ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002:AABB:CCDD::/48).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "oracle.h"

static int v4_private(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
           (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
           (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *v6_private(const unsigned char *b)
{
    static const unsigned char zero[12], mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
    static const unsigned char nat64[12] = { 0,0x64,0xff,0x9b,0,0,0,0,0,0,0,0 };

    if (!memcmp(b, zero, 12) && be32(b + 12) <= 1)
        return "callback-private";             /* :: and ::1 */
    if (!memcmp(b, mapped, 12))
        return v4_private(be32(b + 12)) ? "callback-private" : NULL;
    if (!memcmp(b, zero, 12))
        return v4_private(be32(b + 12)) ? "callback-v4-compat" : NULL;
    if (!memcmp(b, nat64, 12))
        return v4_private(be32(b + 12)) ? "callback-nat64" : NULL;
    if (b[0] == 0x20 && b[1] == 0x02)
        return v4_private(be32(b + 2)) ? "callback-6to4" : NULL;
    if ((b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] & 0xfe) == 0xfc)
        return "callback-private";             /* link-local, unique local */
    return NULL;
}

const char *oracle_private_host(const char *host)
{
    char h[300];
    size_t n = strlen(host);
    struct in_addr a4;
    unsigned char a6[16];

    if (n >= sizeof(h))
        return NULL;
    if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
        memcpy(h, host + 1, n - 2);
        h[n - 2] = '\0';
        h[strcspn(h, "%")] = '\0';              /* an IPv6 zone id */
    } else {
        memcpy(h, host, n + 1);                 /* "1.%zz" is a name, not 1.0.0.0 */
    }
    n = strlen(h);
    while (n > 0 && h[n - 1] == '.')
        h[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        h[i] = (char)tolower((unsigned char)h[i]);
    if (!strcmp(h, "localhost") || (n > 10 && !strcmp(h + n - 10, ".localhost")))
        return "callback-private";
    if (inet_pton(AF_INET, h, &a4) == 1)
        return v4_private(ntohl(a4.s_addr)) ? "callback-private" : NULL;
    if (inet_aton(h, &a4) == 1)
        return v4_private(ntohl(a4.s_addr)) ? "callback-v4-numeric" : NULL;
    if (inet_pton(AF_INET6, h, a6) == 1)
        return v6_private(a6);
    return NULL;
}

int oracle_curl_loopback(const char *url, char **host_out)
{
    CURLU *u = curl_url();
    char *host = NULL;
    int r = -1;

    if (host_out)
        *host_out = NULL;
    if (!u)
        abort();
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        char h[300];
        struct in_addr a4;
        struct in6_addr a6;
        size_t n = strlen(host);
        if (host[0] == '[' && n >= 2 && n < sizeof(h)) {
            memcpy(h, host + 1, n - 2);
            h[n - 2] = '\0';
        } else {
            snprintf(h, sizeof(h), "%s", host);
        }
        h[strcspn(h, "%")] = '\0';
        r = !strcasecmp(h, "localhost") ||
            (inet_pton(AF_INET, h, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) ||
            (inet_pton(AF_INET6, h, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6));
        if (host_out)
            *host_out = strdup(host);
    }
    curl_free(host);
    curl_url_cleanup(u);
    return r;
}
