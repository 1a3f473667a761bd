/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Error codes and the last-error record.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const messages[SEEDANCE_E__LAST] = {
    [SEEDANCE_OK]               = "no error",
    [SEEDANCE_E_INVALID]        = "invalid request",
    [SEEDANCE_E_CONFIG]         = "invalid configuration",
    [SEEDANCE_E_IMAGE]          = "unusable image",
    [SEEDANCE_E_NETWORK]        = "network error",
    [SEEDANCE_E_HTTP]           = "unexpected HTTP status",
    [SEEDANCE_E_BAD_REQUEST]    = "request refused by the API",
    [SEEDANCE_E_AUTH]           = "authentication failed",
    [SEEDANCE_E_QUOTA]          = "insufficient quota",
    [SEEDANCE_E_FORBIDDEN]      = "access denied",
    [SEEDANCE_E_NOT_FOUND]      = "task not found",
    [SEEDANCE_E_TOO_LARGE]      = "request too large",
    [SEEDANCE_E_RATE_LIMIT]     = "rate limited",
    [SEEDANCE_E_SERVER]         = "server error",
    [SEEDANCE_E_PROTOCOL]       = "malformed reply",
    [SEEDANCE_E_TASK_FAILED]    = "task failed",
    [SEEDANCE_E_TASK_CANCELLED] = "task cancelled",
    [SEEDANCE_E_TIMEOUT]        = "timed out",
    [SEEDANCE_E_INTERRUPTED]    = "interrupted",
    [SEEDANCE_E_EXPIRED]        = "result link expired",
    [SEEDANCE_E_IO]             = "local I/O error",
    [SEEDANCE_E_NOMEM]          = "out of memory",
    [SEEDANCE_E_UPLOAD]         = "image upload failed",
    [SEEDANCE_E_UNCERTAIN]      = "outcome of a paid submit unknown",
    [SEEDANCE_E_TASK_EXPIRED]   = "task expired",
    [SEEDANCE_E_JOURNAL]        = "journal database unavailable",
};

const char *seedance_strerror(int code)
{
    /* reads and seeks return negated codes; INT_MIN has no negation */
    if (code < 0 && code > -SEEDANCE_E__LAST)
        code = -code;
    if (code < 0 || code >= SEEDANCE_E__LAST)
        return "unknown error";
    return messages[code];
}

void sd_error_clear(seedance_error *e)
{
    if (e)
        memset(e, 0, sizeof(*e));
}

int sd_error_vset(seedance_error *e, int code, int http_status, const char *api_code,
                  const char *task_id, const char *fmt, va_list ap)
{
    if (!e)
        return code;
    e->code = code;
    e->http_status = http_status;
    snprintf(e->api_code, sizeof(e->api_code), "%s", api_code ? api_code : "");
    snprintf(e->task_id, sizeof(e->task_id), "%s", task_id ? task_id : "");
    if (fmt)
        vsnprintf(e->message, sizeof(e->message), fmt, ap);
    else
        snprintf(e->message, sizeof(e->message), "%s", seedance_strerror(code));
    return code;
}

int sd_http_error(seedance_error *e, int code, int http_status, const char *api_code,
                  const char *task_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sd_error_vset(e, code, http_status, api_code, task_id, fmt, ap);
    va_end(ap);
    return code;
}

int sd_task_error(seedance_error *e, int code, const char *task_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sd_error_vset(e, code, 0, NULL, task_id, fmt, ap);
    va_end(ap);
    return code;
}

int sd_error(seedance_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sd_error_vset(e, code, 0, NULL, NULL, fmt, ap);
    va_end(ap);
    return code;
}

const seedance_error *seedance_last_error(const seedance_client *c)
{
    static const seedance_error none = { .code = SEEDANCE_E_INVALID,
                                         .message = "no client (NULL)" };

    return c ? &c->err : &none;
}
