/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Independent answers the harnesses compare the library with: is a host
 * private or loopback (in every spelling a resolver or a gateway may
 * honour), is a URL's host a loopback host as libcurl parses it.
 */
#ifndef SEEDANCE_FUZZ_ORACLE_H
#define SEEDANCE_FUZZ_ORACLE_H

/*
 * Why host (as libcurl's URL parser returns it, brackets and all) is not a
 * public host, as a check tag ("callback-private", "callback-v4-compat",
 * "callback-nat64", "callback-6to4", "callback-v4-numeric", ...), or NULL
 * when it is public.
 */
const char *oracle_private_host(const char *host);

/* 1 when libcurl parses url and its host is 127.0.0.0/8, ::1 or localhost;
 * 0 when it parses to another host; -1 when libcurl refuses the URL. */
int oracle_curl_loopback(const char *url, char **host_out);

#endif
