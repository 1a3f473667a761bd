/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scripted HTTP exchanges for the fake transport (see fuzz.h): each
 * curl_easy_perform() of the library plays the next reply of the script
 * into the library's header and body callbacks, as libcurl would: header
 * lines one by one with CRLF, the blank line that ends a block, further
 * blocks after a 1xx or a followed redirect, then the body in chunks, cut
 * at Content-Length (CURLE_PARTIAL_FILE when shorter).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"

#define SEPARATOR "\n%%\n"

void fz_script_init(fz_script *s, const uint8_t *data, size_t size, size_t chunk)
{
    memset(s, 0, sizeof(*s));
    s->data = data;
    s->size = size;
    s->chunk = chunk ? chunk : 1;
}

/* The next line of [*p, end): its length without the newline; *p moves past it. */
static size_t next_line(const char **p, const char *end, const char **line)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = nl ? nl : end;
    size_t len = (size_t)(stop - *p);

    *line = *p;
    *p = nl ? nl + 1 : end;
    if (len && (*line)[len - 1] == '\r')
        len--;
    return len;
}

/* One header block from *p; the status of its status line, 0 if none. */
static long header_block(fz_handle *h, const char **p, const char *end, int *location)
{
    const char *line;
    size_t len = next_line(p, end, &line);
    const char *sp = memchr(line, ' ', len);
    long status = 0;

    if (sp && (size_t)(sp - line) + 4 <= len) {
        char code[4] = { sp[1], sp[2], sp[3], 0 };
        status = strtol(code, NULL, 10);
    }
    if (fz_header(h, line, len))
        return status;
    while (*p < end) {
        len = next_line(p, end, &line);
        if (len >= 9 && !strncasecmp(line, "Location:", 9))
            *location = 1;
        if (fz_header(h, line, len) || len == 0)
            break;
    }
    return status;
}

CURLcode fz_script_perform(fz_handle *h, void *opaque)
{
    fz_script *s = opaque;
    const char *start = (const char *)s->data + s->pos, *end, *p;
    const char *sep;
    long status;
    size_t body;

    s->requests++;
    if (s->pos >= s->size)
        return CURLE_COULDNT_CONNECT;
    sep = memmem(start, s->size - s->pos, SEPARATOR, strlen(SEPARATOR));
    end = sep ? sep : (const char *)s->data + s->size;
    s->pos = sep ? (size_t)(sep - (const char *)s->data) + strlen(SEPARATOR) : s->size;

    if ((size_t)(end - start) < 5 || strncmp(start, "HTTP/", 5)) {
        /* "!N": a transfer that fails with curl code N; anything else: no connection */
        if (end - start >= 2 && start[0] == '!') {
            char num[8];
            long code;
            snprintf(num, sizeof(num), "%.*s", (int)(end - start - 1 < 7 ? end - start - 1 : 7),
                     start + 1);
            code = strtol(num, NULL, 10);
            /* failed after connecting (not for failures that cannot come then) */
            if (strchr(num, 'c') && code != CURLE_COULDNT_RESOLVE_PROXY &&
                code != CURLE_COULDNT_RESOLVE_HOST && code != CURLE_COULDNT_CONNECT &&
                code != CURLE_UNSUPPORTED_PROTOCOL && code != CURLE_URL_MALFORMAT &&
                code != CURLE_SSL_CONNECT_ERROR && code != CURLE_PEER_FAILED_VERIFICATION &&
                code != CURLE_SSL_CERTPROBLEM && code != CURLE_SSL_CIPHER &&
                code != CURLE_SSL_CACERT_BADFILE)
                h->connect_time = 1000;
            if (code > 0 && code < CURL_LAST)
                return (CURLcode)code;
        }
        return CURLE_COULDNT_CONNECT;
    }
    h->connect_time = 1000;
    p = start;
    for (;;) {
        int location = 0;
        status = header_block(h, &p, end, &location);
        h->status = status;
        if (h->aborted)
            return h->abort_code;
        if (status < 100 || status > 999)
            return CURLE_WEIRD_SERVER_REPLY;
        if (end - p >= 5 && !strncmp(p, "HTTP/", 5) &&
            (status / 100 == 1 || (status / 100 == 3 && h->followlocation && location)))
            continue;
        if (status < 200)
            return CURLE_WEIRD_SERVER_REPLY;   /* no final reply after a 1xx */
        break;
    }
    body = (size_t)(end - p);
    if (h->content_length >= 0 && (curl_off_t)body > h->content_length)
        body = (size_t)h->content_length;
    for (size_t off = 0; off < body;) {
        size_t n = body - off < s->chunk ? body - off : s->chunk;
        if (fz_body(h, p + off, n))
            return h->abort_code;
        off += n;
    }
    if (h->content_length >= 0 && (curl_off_t)body < h->content_length)
        return CURLE_PARTIAL_FILE;
    return CURLE_OK;
}
