/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The account's files on the Files API: its quota, the list of uploads,
 * and deleting one (free calls, retried). The quota is small, and the
 * service reads a reference only when its task starts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"

#define LIST_PATH  "/api/v1/files/list?page=%d&pageSize=%d"
#define QUOTA_PATH "/api/v1/files/quota"

/* GET path on the Files API: the reply's body when it says success. */
static int files_get(seedance_client *c, const char *path, char **json)
{
    sd_http_req req = { .method = "GET", .base = SD_BASE_FILES, .path = path };
    sd_http_resp resp;
    int rc;

    *json = NULL;
    sd_error_clear(&c->err);
    rc = sd_http_call(c, &req, &resp);
    if (rc == SEEDANCE_OK &&
        (rc = sd_upload_reply_parse(resp.body, resp.len, resp.status, NULL, NULL, &c->err)) ==
            SEEDANCE_OK) {
        *json = resp.body;
        resp.body = NULL;
    }
    sd_http_resp_clear(&resp);
    return rc;
}

int seedance_files_list(seedance_client *c, int page, char **json)
{
    char path[96];

    if (!c || !json)
        return SEEDANCE_E_INVALID;
    snprintf(path, sizeof(path), LIST_PATH, page > 0 ? page : 1, 100);
    return files_get(c, path, json);
}

int seedance_files_quota(seedance_client *c, char **json)
{
    if (!c || !json)
        return SEEDANCE_E_INVALID;
    return files_get(c, QUOTA_PATH, json);
}

int seedance_file_delete(seedance_client *c, const char *file_id)
{
    if (!c)
        return SEEDANCE_E_INVALID;
    sd_error_clear(&c->err);
    return file_id ? sd_upload_delete(c, file_id)
                   : sd_fail(c, SEEDANCE_E_INVALID, "no file id given");
}
