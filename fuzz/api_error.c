/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The API's error envelope: sd_api_error_parse() ({"error":{...}}, a bare
 * string error, the Files API's {"success":false,...}).
 *
 * Checks: the fields are NUL-terminated within their arrays; "not found"
 * leaves every field empty; a body that is not a JSON object is never
 * "found"; the same body parsed twice gives the same result.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_api_error a, b;
    cJSON *o;
    int r1, r2;

    r1 = sd_api_error_parse((const char *)data, size, &a);
    FZ_CHECK("error-ret", r1 == 0 || r1 == -1, "returned %d", r1);
    FZ_CHECK("error-nul", memchr(a.code, 0, sizeof(a.code)) &&
             memchr(a.message, 0, sizeof(a.message)) &&
             memchr(a.suggestion, 0, sizeof(a.suggestion)), "a field is not terminated");
    if (r1 < 0)
        FZ_CHECK("error-empty", !a.code[0] && !a.message[0] && !a.suggestion[0],
                 "no envelope but fields set");
    o = cJSON_ParseWithLength((const char *)data, size);
    if (!cJSON_IsObject(o))
        FZ_CHECK("error-not-object", r1 < 0, "an envelope found in a non-object");
    cJSON_Delete(o);
    r2 = sd_api_error_parse((const char *)data, size, &b);
    FZ_CHECK("error-stable", r1 == r2 && !memcmp(&a, &b, sizeof(a)), "two parses differ");
    /* NULL body: never found */
    FZ_CHECK("error-null", sd_api_error_parse(NULL, size, &b) == -1, "NULL body found");
    return 0;
}
