/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Files API: POST /api/v1/files/upload/base64 stores a file under
 * DATA/files/<file_id>/<name> and answers the documented shape; the file is
 * then served at http://127.0.0.1:PORT/files/<file_id>/<name>.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libavutil/base64.h>

#define FILE_TTL (72 * 3600)

static int name_ok(const char *s)
{
    if (!*s || *s == '.' || strlen(s) > 200)
        return 0;
    for (; *s; s++)
        if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

char *files_local_path(const char *urlpath)
{
    if (strncmp(urlpath, "/files/", 7))
        return NULL;
    const char *id = urlpath + 7, *slash = strchr(id, '/');
    if (!slash || slash == id || (size_t)(slash - id) > 64)
        return NULL;
    for (const char *p = id; p < slash; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return NULL;
    if (!name_ok(slash + 1))
        return NULL;
    buf b = { 0 };
    buf_printf(&b, "%s/files/%.*s/%s", E.data_dir, (int)(slash - id), id, slash + 1);
    return b.data;
}

/* A safe file name: keeps [A-Za-z0-9._-], replaces the rest. */
static void clean_name(const char *in, const char *ext, char *out, size_t n)
{
    size_t j = 0;
    for (const char *p = in ? in : ""; *p && j + 1 < n; p++) {
        char ch = *p;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
        out[j++] = keep ? ch : '_';
    }
    out[j] = '\0';
    if (!j || out[0] == '.')
        snprintf(out, n, "upload.%s", ext);
}

void handle_upload(const char *body, size_t len, reply *r)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        reply_files_error(r, 400, "The request body must be a JSON object "
                                  "{\"base64_data\":...,\"file_name\":...}");
        return;
    }
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "base64_data");
    const cJSON *fnv = cJSON_GetObjectItemCaseSensitive(root, "file_name");
    if (!cJSON_IsString(d) || !d->valuestring[0]) {
        cJSON_Delete(root);
        reply_files_error(r, 400, "base64_data is required (a base64 string or data: URI)");
        return;
    }
    if (fnv && !cJSON_IsString(fnv)) {
        cJSON_Delete(root);
        reply_files_error(r, 400, "file_name must be a string");
        return;
    }
    const char *s = d->valuestring, *declared = NULL;
    char mime[64] = "";
    if (!strncasecmp(s, "data:", 5)) {
        const char *comma = strchr(s, ',');
        if (!comma) {
            cJSON_Delete(root);
            reply_files_error(r, 400, "base64_data: malformed data: URI (no comma)");
            return;
        }
        const char *semi = memchr(s + 5, ';', (size_t)(comma - s - 5));
        snprintf(mime, sizeof mime, "%.*s", (int)((semi ? semi : comma) - s - 5), s + 5);
        declared = mime;
        s = comma + 1;
    }
    size_t n = strlen(s), cap = AV_BASE64_DECODE_SIZE(n) + 1;
    uint8_t *data = malloc(cap);
    int k = data ? av_base64_decode(data, s, (int)cap) : -1;
    if (k <= 0) {
        free(data);
        cJSON_Delete(root);
        reply_files_error(r, 400, "base64_data is not valid base64");
        return;
    }
    const char *kind = image_sniff(data, (size_t)k);
    if (!kind) {
        free(data);
        cJSON_Delete(root);
        reply_files_error(r, 400, "unsupported file type%s%s (allowed: image/jpeg, image/png, image/webp)",
                          declared ? " " : "", declared ? declared : "");
        return;
    }
    char ctype[32], name[256], id[32], rnd[16];
    snprintf(ctype, sizeof ctype, "image/%s", kind);
    clean_name(fnv ? fnv->valuestring : NULL, !strcmp(kind, "jpeg") ? "jpg" : kind, name, sizeof name);
    random_chars(rnd, sizeof rnd);
    snprintf(id, sizeof id, "file_%.16s", rnd);

    buf dir = { 0 }, path = { 0 };
    buf_printf(&dir, "%s/files/%s", E.data_dir, id);
    buf_printf(&path, "%s/%s", dir.data ? dir.data : "", name);
    int rc = (!dir.data || !path.data || mkdir_p(dir.data) ||
              write_file_atomic(path.data, data, (size_t)k)) ? -1 : 0;
    buf_free(&dir);
    buf_free(&path);
    free(data);
    cJSON_Delete(root);
    if (rc) {
        reply_files_error(r, 500, "cannot store the file");
        return;
    }

    char url[512], expires[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/files/%s/%s", E.port, id, name);
    time_t exp = time(NULL) + FILE_TTL;
    struct tm tm;
    gmtime_r(&exp, &tm);
    strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%S+00:00", &tm);

    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "success", 1);
    cJSON_AddNumberToObject(o, "code", 200);
    cJSON_AddStringToObject(o, "msg", "File uploaded successfully");
    cJSON *dd = cJSON_AddObjectToObject(o, "data");
    cJSON_AddStringToObject(dd, "file_id", id);
    cJSON_AddStringToObject(dd, "file_name", name);
    cJSON_AddNumberToObject(dd, "file_size", k);
    cJSON_AddStringToObject(dd, "mime_type", ctype);
    cJSON_AddStringToObject(dd, "file_url", url);
    cJSON_AddStringToObject(dd, "expires_at", expires);
    reply_json(r, 200, o);
}
