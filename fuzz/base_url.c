/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * API base URLs and result URLs: sd_check_base_url(), sd_url_is_loopback(),
 * seedance_client_set_api_base().
 *
 * The key goes in clear text to a plain http:// base, so such a base must
 * be a loopback host as libcurl will connect to it, not as a hand parser
 * reads it. Checks: a URL called loopback is one for libcurl too (or
 * libcurl refuses it); an accepted http:// base, with an API path
 * appended as the library does, still reaches a loopback host; the
 * client's setter agrees with the check and keeps no trailing slash.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "oracle.h"
#include "internal.h"

static seedance_client *client;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_clean_env();
    if (!(client = seedance_client_new()))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fz_strndup(data, size), *full, *host = NULL;
    seedance_error e;
    int ok, lb, cl, set;

    if (strlen(url) != size) {      /* no NUL inside: C strings */
        free(url);
        return 0;
    }
    lb = sd_url_is_loopback(url);
    FZ_CHECK("loopback-ret", lb == 0 || lb == 1, "returned %d", lb);
    /* documented for http(s) URLs: compare on those */
    if (lb && (!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8))) {
        cl = oracle_curl_loopback(url, &host);
        FZ_CHECK("loopback-differs", cl != 0,
                 "'%.200s' is loopback for the library, host '%s' for libcurl", url, host);
        free(host);
        host = NULL;
    }
    memset(&e, 0, sizeof(e));
    ok = sd_check_base_url("API base", url, &e) == SEEDANCE_OK;
    if (!ok)
        FZ_CHECK("base-fail", e.code == SEEDANCE_E_CONFIG && e.message[0], "failure %d", e.code);
    if (ok && !strncasecmp(url, "http://", 7)) {
        full = malloc(size + 64);
        sprintf(full, "%s/v1/tasks/task-unified-1", url);
        cl = oracle_curl_loopback(full, &host);
        FZ_CHECK("base-http-not-loopback", cl != 0,
                 "plain http base '%.200s' accepted; libcurl sends the key to host '%s'",
                 url, host);
        free(host);
        free(full);
    }
    if (ok)
        FZ_CHECK("base-scheme", !strncasecmp(url, "https://", 8) ||
                 !strncasecmp(url, "http://", 7), "accepted '%.200s'", url);
    if (*url) {
        set = seedance_client_set_api_base(client, url) == SEEDANCE_OK;
        FZ_CHECK("base-setter", set == ok, "setter says %d, check says %d", set, ok);
        if (set) {
            const char *b = seedance_client_api_base(client);
            size_t n = strlen(b);
            FZ_CHECK("base-slash", n == 0 || b[n - 1] != '/', "base '%s' ends with /", b);
        }
    }
    free(url);
    return 0;
}
