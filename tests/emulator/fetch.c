/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fetching a URL that a request names (image_urls, video_urls, audio_urls)
 * the way the service would: this emulator's own file URLs are read from
 * disk (no HTTP to itself), any other http(s) URL is fetched with libcurl,
 * from loopback hosts only (redirects included). Bounded in size (the
 * transfer stops one byte past the limit) and in time. The bytes go to
 * memory, to a file or both, with their SHA-256.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>

typedef struct sink {
    buf *mem;
    FILE *file;
    struct AVSHA *sha;
    int64_t max, size;
    int too_big, failed;
} sink;

/* Takes n more bytes; 0, or -1 to stop (too big, no memory, disk full). */
static int sink_put(sink *s, const void *p, size_t n)
{
    if (s->size + (int64_t)n > s->max) {
        s->too_big = 1;
        return -1;
    }
    if ((s->mem && buf_append(s->mem, p, n)) || (s->file && fwrite(p, 1, n, s->file) != n)) {
        s->failed = 1;
        return -1;
    }
    if (s->sha)
        av_sha_update(s->sha, p, (unsigned)n);
    s->size += (int64_t)n;
    return 0;
}

static size_t on_data(char *p, size_t sz, size_t n, void *cls)
{
    return sink_put(cls, p, sz * n) ? 0 : sz * n;
}

char *own_file_path(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *local = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, url, 0) &&
        !curl_url_get(u, CURLUPART_HOST, &host, 0) &&
        !curl_url_get(u, CURLUPART_PORT, &port, 0) &&
        !curl_url_get(u, CURLUPART_PATH, &path, 0) &&
        (!strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost")) &&
        atoi(port) == E.port && !strncmp(path, "/files/", 7))
        local = files_local_path(path);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return local;
}

/* An uploaded file, read from disk: a missing one is what a fetch of its
 * URL would get. */
static int fetch_own(const char *local, sink *s, char *err, size_t errlen)
{
    FILE *f = fopen(local, "rb");
    if (!f) {
        snprintf(err, errlen, "HTTP 404");
        return -1;
    }
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && !sink_put(s, chunk, k))
        ;
    int bad = ferror(f);
    fclose(f);
    if (bad || s->failed) {
        snprintf(err, errlen, "cannot read it");
        return -1;
    }
    return 0;
}

static int fetch_http(const char *url, long timeout, sink *s, char *err, size_t errlen)
{
    if (!url_is_local(url)) {
        snprintf(err, errlen, "%.200s is not reachable from the emulator (it fetches only "
                 "from this machine)", url);
        return -1;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_local_only(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "evolink-emu media fetcher");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (s->too_big)
        return 0;                       /* the caller reports the size */
    if (rc == CURLE_HTTP_RETURNED_ERROR || (rc == CURLE_OK && (status < 200 || status > 299))) {
        snprintf(err, errlen, "HTTP %ld", status);
        return -1;
    }
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

int fetch_url(const char *url, int64_t max, long timeout, buf *mem, FILE *file,
              char sha256[65], int64_t *size, char *err, size_t errlen)
{
    sink s = { .mem = mem, .file = file, .max = max };
    uint8_t digest[32];
    if (sha256 && (!(s.sha = av_sha_alloc()) || av_sha_init(s.sha, 256) < 0)) {
        av_free(s.sha);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *local = own_file_path(url);
    int rc = local ? fetch_own(local, &s, err, errlen) : fetch_http(url, timeout, &s, err, errlen);
    free(local);
    if (!rc && s.too_big)
        rc = -2;
    if (!rc && sha256) {
        av_sha_final(s.sha, digest);
        for (int i = 0; i < 32; i++)
            snprintf(sha256 + 2 * i, 3, "%02x", digest[i]);
    }
    av_free(s.sha);
    if (size)
        *size = s.size;
    return rc;
}
