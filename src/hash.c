/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The content hash of a cached clip (see cache.c), taken piece by piece.
 *
 * A clip's record holds XXH3-128 (libxxhash): it is there to recognise a
 * clip damaged on disk, not to resist forgery (whoever can write the
 * clip can write its record), and at tens of gigabytes per second it
 * costs the download nothing, where SHA-256 costs a core about a second
 * per gigabyte. Records written by earlier versions hold SHA-256 (OpenSSL)
 * and are still checked as such.
 */
#include <stdlib.h>

#include <openssl/evp.h>
#define XXH_INLINE_ALL      /* header-only use of libxxhash: no library to link */
#include <xxhash.h>

#include "api.h"

struct sd_hash {
    sd_hash_kind kind;
    XXH3_state_t *xxh;
    EVP_MD_CTX *sha;
};

sd_hash *sd_hash_new(sd_hash_kind kind)
{
    sd_hash *h = calloc(1, sizeof(*h));

    if (!h)
        return NULL;
    h->kind = kind;
    if (kind == SD_HASH_XXH128 ? !(h->xxh = XXH3_createState())
                               : !(h->sha = EVP_MD_CTX_new())) {
        free(h);
        return NULL;
    }
    sd_hash_reset(h);
    return h;
}

void sd_hash_add(sd_hash *h, const void *data, size_t size)
{
    if (h->kind == SD_HASH_XXH128)
        XXH3_128bits_update(h->xxh, data, size);
    else
        EVP_DigestUpdate(h->sha, data, size);
}

int sd_hash_final(sd_hash *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int ok = 1;

    if (h->kind == SD_HASH_XXH128) {
        XXH128_canonical_t c;

        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h->xxh));
        sd_to_hex(c.digest, sizeof(c.digest), hex);
    } else if ((ok = EVP_DigestFinal_ex(h->sha, md, &len) && len == 32)) {
        sd_to_hex(md, 32, hex);
    }
    sd_hash_reset(h);
    return ok ? 0 : -1;
}

void sd_hash_reset(sd_hash *h)
{
    if (h->kind == SD_HASH_XXH128)
        XXH3_128bits_reset(h->xxh);
    else
        EVP_DigestInit_ex(h->sha, EVP_sha256(), NULL);
}

void sd_hash_free(sd_hash *h)
{
    if (h) {
        XXH3_freeState(h->xxh);
        EVP_MD_CTX_free(h->sha);
        free(h);
    }
}
