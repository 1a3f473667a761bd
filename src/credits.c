/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GET /v1/credits: checks a key without paying.
 */
#include <stdlib.h>

#include "api.h"

int seedance_credits(seedance_client *c, char **json)
{
    sd_http_req req = { .method = "GET", .base = SD_BASE_API, .path = "/v1/credits" };
    sd_http_resp resp;
    int rc;

    if (json)
        *json = NULL;
    if (!c)
        return SEEDANCE_E_INVALID;
    sd_error_clear(&c->err);
    if (!json)
        return sd_fail(c, SEEDANCE_E_INVALID, "seedance_credits: json is NULL");
    if ((rc = sd_http_call(c, &req, &resp)) == SEEDANCE_OK) {
        *json = resp.body;
        resp.body = NULL;
    }
    sd_http_resp_clear(&resp);
    return rc;
}
