/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies: JSON bodies, extra headers and the documented error envelopes. */
#include "emu.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void reply_init(reply *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    r->ctype = "application/json";
}

void reply_free(reply *r)
{
    buf_free(&r->body);
    for (int i = 0; i < r->nh; i++) {
        free(r->hname[i]);
        free(r->hvalue[i]);
    }
    r->nh = 0;
}

void reply_header(reply *r, const char *name, const char *value)
{
    if (r->nh >= EMU_MAX_HEADERS)
        return;
    r->hname[r->nh] = xstrdup(name);
    r->hvalue[r->nh] = xstrdup(value);
    r->nh++;
}

void reply_json(reply *r, int status, cJSON *obj)
{
    char *s = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    r->status = status;
    r->ctype = "application/json";
    r->body.len = 0;
    if (s) {
        buf_append(&r->body, s, strlen(s));
        cJSON_free(s);
    } else {
        /* Out of memory while printing: still a valid envelope. */
        r->status = 500;
        const char *e = "{\"error\":{\"code\":\"internal_error\",\"message\":"
                        "\"Internal server error\",\"type\":\"api_error\"}}";
        buf_append(&r->body, e, strlen(e));
    }
}

static void error_obj(reply *r, int status, const char *code, const char *type,
                      const char *param, const char *msg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddStringToObject(e, "type", type);
    if (param)
        cJSON_AddStringToObject(e, "param", param);
    reply_json(r, status, root);
}

void reply_error(reply *r, int status, const char *code, const char *type,
                 const char *param, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_obj(r, status, code, type, param, msg);
}

/* The usual error of each HTTP status: code, type, message. */
static const struct status_error {
    int status;
    const char *code, *type, *msg;
} status_errors[] = {
    { 400, "invalid_request", "invalid_request_error", "Invalid request parameters" },
    { 401, "unauthorized", "authentication_error", "Invalid or expired token" },
    { 402, "insufficient_quota", "insufficient_quota", "Insufficient quota. Please top up your account." },
    { 403, "model_access_denied", "invalid_request_error", "Token does not have access to this model" },
    { 404, "not_found", "invalid_request_error", "Not found" },
    { 413, "request_too_large", "invalid_request_error", "Request body too large (at most 64 MB)" },
    { 429, "rate_limit_exceeded", "rate_limit_error", "Too many requests, please try again later" },
    { 502, "bad_gateway", "api_error", "Bad gateway: upstream service error" },
    { 503, "service_unavailable", "api_error", "Service temporarily unavailable, please retry after 30 seconds" },
    { 0, "internal_error", "api_error", "Internal server error" },      /* any other */
};

void reply_status_error(reply *r, int status)
{
    const struct status_error *e = status_errors;
    while (e->status && e->status != status)
        e++;
    error_obj(r, status, e->code, e->type, NULL, e->msg);
}

void reply_files_envelope(reply *r, int http_status, int code, const char *msg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "success", 0);
    cJSON_AddNumberToObject(root, "code", code);
    cJSON_AddStringToObject(root, "msg", msg);
    reply_json(r, http_status, root);
}

void reply_files_error(reply *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply_files_envelope(r, status, status, msg);
}

void reply_cdn_error(reply *r, int status)
{
    r->status = status;
    r->body.len = 0;
    if (status == 404) {
        r->ctype = "application/xml";
        buf_printf(&r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                   "<Message>The specified key does not exist.</Message></Error>\n");
    } else {
        r->ctype = "text/html";
        buf_printf(&r->body, "<html><head><title>%d</title></head><body><h1>%d</h1>"
                   "<p>The file is not available right now.</p></body></html>\n", status, status);
    }
}
