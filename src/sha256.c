/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hashing and randomness: SHA-256 through OpenSSL's EVP interface (journal
 * keys, image content hashes) and random hex strings from the kernel
 * (Idempotency-Key values).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include <openssl/evp.h>

#include "api.h"

void sd_to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int sd_sha256_hex(const void *data, size_t size, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (!EVP_Digest(data, size, md, &len, EVP_sha256(), NULL) || len != 32)
        return SEEDANCE_E_NOMEM;
    sd_to_hex(md, 32, hex);
    return SEEDANCE_OK;
}

int sd_random_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    size_t got = 0;

    if (nbytes > sizeof(buf))
        return SEEDANCE_E_INVALID;
    while (got < nbytes) {
        ssize_t n = getrandom(buf + got, nbytes - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return SEEDANCE_E_IO;
        }
        got += (size_t)n;
    }
    sd_to_hex(buf, nbytes, out);
    return SEEDANCE_OK;
}
