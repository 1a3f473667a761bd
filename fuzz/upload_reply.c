/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files API replies: sd_upload_reply_parse().
 *
 * Input: two bytes of HTTP status (200 when both are 0), then the body.
 * Checks: success gives a non-empty file_url equal to data.file_url and
 * only when "success" is true; a failure gives no URL, a message and the
 * HTTP status; a refusal is SEEDANCE_E_UPLOAD with the envelope's code.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seedance_error err;
    char *url = (char *)1, *id = (char *)1;
    long status;
    cJSON *o;
    int rc;

    if (size < 2)
        return 0;
    status = data[0] << 8 | data[1];
    if (!status)
        status = 200;
    data += 2;
    size -= 2;
    memset(&err, 0, sizeof(err));
    rc = sd_upload_reply_parse((const char *)data, size, status, &url, &id, &err);
    o = cJSON_ParseWithLength((const char *)data, size);
    if (rc == SEEDANCE_OK) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "data");
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(d, "file_url");
        FZ_CHECK("upload-url", url && *url, "success without a URL");
        FZ_CHECK("upload-success", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "success")),
                 "success without \"success\":true");
        FZ_CHECK("upload-same-url", cJSON_IsString(u) && !strcmp(u->valuestring, url),
                 "file_url '%s' is not data.file_url", url);
        {
            const cJSON *i = cJSON_GetObjectItemCaseSensitive(d, "file_id");
            FZ_CHECK("upload-id", id ? cJSON_IsString(i) && !strcmp(i->valuestring, id)
                                     : !cJSON_IsString(i) || !*i->valuestring,
                     "file_id '%s' is not data.file_id", id ? id : "(none)");
        }
        free(url);
        free(id);
    } else {
        FZ_CHECK("upload-fail", url == NULL && id == NULL && err.code == rc && err.message[0],
                 "failure %d with a URL or without a message", rc);
        FZ_CHECK("upload-code", rc == SEEDANCE_E_PROTOCOL || rc == SEEDANCE_E_UPLOAD ||
                 rc == SEEDANCE_E_NOMEM, "failure code %d", rc);
        FZ_CHECK("upload-status", rc == SEEDANCE_E_NOMEM || err.http_status == (int)status,
                 "the error names HTTP %d, the reply was %ld", err.http_status, status);
        if (rc == SEEDANCE_E_UPLOAD) {
            sd_api_error ae;
            sd_api_error_parse((const char *)data, size, &ae);
            FZ_CHECK("upload-api-code", !strcmp(err.api_code, ae.code),
                     "api_code '%s', the envelope says '%s'", err.api_code, ae.code);
        }
    }
    cJSON_Delete(o);
    return 0;
}
