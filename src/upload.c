/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local images through the Files API: POST the image as a base64 data URI,
 * use the returned data.file_url. The Files API reports refusals as
 * {"success":false,"code":...,"msg":...}, sometimes with HTTP 200.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"

#define UPLOAD_PATH    "/api/v1/files/upload/base64"
#define UPLOAD_TIMEOUT 600L

static char *upload_body(const sd_image *img, const char *file_name)
{
    cJSON *o = cJSON_CreateObject();
    char *uri = sd_data_uri(img), *out = NULL;

    if (o && uri && cJSON_AddStringToObject(o, "base64_data", uri) &&
        cJSON_AddStringToObject(o, "file_name", file_name))
        out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    free(uri);
    return out;
}

int sd_upload_image(seedance_client *c, const sd_image *img, const char *file_name,
                    char **file_url)
{
    sd_http_req req = { .method = "POST", .base = SD_BASE_FILES, .path = UPLOAD_PATH,
                        .timeout = UPLOAD_TIMEOUT };
    sd_http_resp resp;
    seedance_progress p = sd_progress_event(SEEDANCE_EV_UPLOAD, NULL);
    int rc;

    *file_url = NULL;
    p.size = (int64_t)img->size;
    sd_progress(c, &p);
    sd_log(c, SEEDANCE_LOG_INFO, "uploading %s (%zu bytes, %dx%d)", file_name, img->size,
           img->width, img->height);

    if (!(req.body = upload_body(img, file_name)))
        return sd_fail(c, SEEDANCE_E_NOMEM, NULL);
    rc = sd_http_call(c, &req, &resp);
    /* A refusal of the file itself (not of the key, quota or server) is
     * SEEDANCE_E_UPLOAD, whether it came with HTTP 200 or a 4xx. */
    if (rc == SEEDANCE_OK || ((rc == SEEDANCE_E_BAD_REQUEST || rc == SEEDANCE_E_TOO_LARGE ||
                               rc == SEEDANCE_E_HTTP) && resp.body))
        rc = sd_upload_reply_parse(resp.body, resp.len, resp.status, file_url, &c->err);
    free((char *)req.body);
    sd_http_resp_clear(&resp);
    return rc;
}
