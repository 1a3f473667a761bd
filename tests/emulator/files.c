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

/* The bytes of base64_data (a data: URI or bare base64) and their kind
 * ("png", ...); NULL with an error reply. */
static uint8_t *decode_upload(const char *s, int *len, const char **kind, reply *r)
{
    const char *declared = NULL;
    char mime[64] = "";
    if (!strncasecmp(s, "data:", 5)) {
        const char *comma = strchr(s, ',');
        if (!comma) {
            reply_files_error(r, 400, "base64_data: malformed data: URI (no comma)");
            return NULL;
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
        reply_files_error(r, 400, "base64_data is not valid base64");
        return NULL;
    }
    if (!(*kind = image_sniff(data, (size_t)k))) {
        free(data);
        reply_files_error(r, 400, "unsupported file type%s%s (allowed: image/jpeg, image/png, image/webp)",
                          declared ? " " : "", declared ? declared : "");
        return NULL;
    }
    *len = k;
    return data;
}

/* DATA/files/<id>/<name>; 0 or -1. */
static int store_upload(const char *id, const char *name, const uint8_t *data, int len)
{
    buf dir = { 0 }, path = { 0 };
    buf_printf(&dir, "%s/files/%s", E.data_dir, id);
    buf_printf(&path, "%s/%s", dir.data ? dir.data : "", name);
    int rc = (!dir.data || !path.data || mkdir_p(dir.data) ||
              write_file_atomic(path.data, data, (size_t)len)) ? -1 : 0;
    buf_free(&dir);
    buf_free(&path);
    return rc;
}

/* The documented success reply. */
static void upload_reply(reply *r, const char *id, const char *name, int size, const char *kind)
{
    char url[512], expires[64], ctype[32];
    snprintf(ctype, sizeof ctype, "image/%s", kind);
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
    cJSON_AddNumberToObject(dd, "file_size", size);
    cJSON_AddStringToObject(dd, "mime_type", ctype);
    cJSON_AddStringToObject(dd, "file_url", url);
    cJSON_AddStringToObject(dd, "expires_at", expires);
    reply_json(r, 200, o);
}

void handle_upload(const char *body, size_t len, reply *r)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "base64_data");
    const cJSON *fnv = cJSON_GetObjectItemCaseSensitive(root, "file_name");
    const char *kind = NULL;
    uint8_t *data = NULL;
    int n = 0;
    if (!cJSON_IsObject(root))
        reply_files_error(r, 400, "The request body must be a JSON object "
                                  "{\"base64_data\":...,\"file_name\":...}");
    else if (!cJSON_IsString(d) || !d->valuestring[0])
        reply_files_error(r, 400, "base64_data is required (a base64 string or data: URI)");
    else if (fnv && !cJSON_IsString(fnv))
        reply_files_error(r, 400, "file_name must be a string");
    else
        data = decode_upload(d->valuestring, &n, &kind, r);
    if (data) {
        char name[256], id[32], rnd[16];
        clean_name(fnv ? fnv->valuestring : NULL, !strcmp(kind, "jpeg") ? "jpg" : kind, name, sizeof name);
        random_chars(rnd, sizeof rnd);
        snprintf(id, sizeof id, "file_%.16s", rnd);
        if (store_upload(id, name, data, n))
            reply_files_error(r, 500, "cannot store the file");
        else
            upload_reply(r, id, name, n, kind);
        free(data);
    }
    cJSON_Delete(root);
}
