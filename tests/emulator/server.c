/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTP side: libmicrohttpd with one thread per connection (so a slow
 * or throttled reply never blocks another), request bodies up to 64 MB
 * (a Files API stream upload goes to disk instead, files.c), Bearer auth,
 * faults, routing, counters and the request log.
 */
#include "emu.h"
#include "download.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* One request in flight. */
struct conn {
    buf body;
    int stream_upload;          /* a Files API stream upload: the body goes to up */
    upload_stream *up;          /* NULL when not authorized (the body is dropped) */
    int too_large;
    int admin;
    char method[16];
    char *path;
    char *query;
    char *range;
    int auth;
    int status;
    int64_t bytes;
    double time;
};

static struct MHD_Daemon *daemon_;

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    (void)kind;
    buf *b = cls;
    if (b->len)
        buf_append(b, "&", 1);
    buf_append(b, key, strlen(key));
    if (value) {
        buf_append(b, "=", 1);
        buf_append(b, value, strlen(value));
    }
    return MHD_YES;
}

static void log_request(const struct conn *k)
{
    if (!E.log || k->admin)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "time", k->time);
    cJSON_AddStringToObject(o, "method", k->method);
    cJSON_AddStringToObject(o, "path", k->path);
    if (k->query) cJSON_AddStringToObject(o, "query", k->query);
    else cJSON_AddNullToObject(o, "query");
    cJSON_AddNumberToObject(o, "status", k->status);
    cJSON_AddNumberToObject(o, "bytes", (double)k->bytes);
    cJSON_AddBoolToObject(o, "auth", k->auth);
    if (k->range) cJSON_AddStringToObject(o, "range", k->range);
    else cJSON_AddNullToObject(o, "range");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return;
    emu_lock();
    fprintf(E.log, "%s\n", s);
    fflush(E.log);
    emu_unlock();
    cJSON_free(s);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)c; (void)toe;
    struct conn *k = *con_cls;
    if (!k)
        return;
    log_request(k);
    upload_stream_free(k->up);
    buf_free(&k->body);
    free(k->path);
    free(k->query);
    free(k->range);
    free(k);
    *con_cls = NULL;
}

static enum MHD_Result queue_reply(struct MHD_Connection *c, struct conn *k, reply *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->body.len, r->body.data, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    for (int i = 0; i < r->nh; i++)
        if (r->hname[i] && r->hvalue[i])
            MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    k->status = r->status;
    k->bytes = strcmp(k->method, "HEAD") ? (int64_t)r->body.len : 0;
    return ret;
}

static int auth_ok(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7))
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    /* Length-independent comparison of the whole key. */
    size_t n = strlen(h), m = strlen(E.key);
    unsigned diff = (unsigned)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)h[i] ^ (unsigned char)E.key[i < m ? i : 0];
    return diff == 0;
}

static int is_method(const struct conn *k, const char *m) { return !strcmp(k->method, m); }

#define FILES_PREFIX "/api/v1/files/"
#define STREAM_PATH  FILES_PREFIX "upload/stream"

/* /api/v1/files/{file_id}: the id, or NULL. */
static const char *file_id_of(const char *p)
{
    if (strncmp(p, FILES_PREFIX, strlen(FILES_PREFIX)))
        return NULL;
    p += strlen(FILES_PREFIX);
    return *p && !strchr(p, '/') && strcmp(p, "list") && strcmp(p, "quota") ? p : NULL;
}

/* The methods a path takes (the Allow header of a 405). */
static const char *allowed_methods(const char *p)
{
    if (!strncmp(p, "/results/", 9) || !strncmp(p, "/files/", 7))
        return "GET, HEAD";
    if (!strncmp(p, "/v1/tasks/", 10) || !strcmp(p, "/v1/credits") ||
        !strcmp(p, FILES_PREFIX "list") || !strcmp(p, FILES_PREFIX "quota"))
        return "GET";
    if (file_id_of(p))
        return "DELETE";
    return "POST";
}

static void count(long *counter)
{
    emu_lock();
    (*counter)++;
    emu_unlock();
}

/* Answers a non-admin request: either fills r or returns a streaming
 * response (downloads). */
static struct MHD_Response *route(struct MHD_Connection *c, struct conn *k, reply *r)
{
    const char *p = k->path;
    int get = is_method(k, "GET"), head = is_method(k, "HEAD"), post = is_method(k, "POST");
    int del = is_method(k, "DELETE");
    int api = !strncmp(p, "/v1/", 4) || !strncmp(p, "/api/v1/", 8);
    int files_api = !strncmp(p, FILES_PREFIX, strlen(FILES_PREFIX));
    const char *file_id = file_id_of(p);

    if (!strcmp(p, "/v1/videos/generations") && post)
        count(&E.st.submits);
    else if (!strncmp(p, "/v1/tasks/", 10) && get)
        count(&E.st.task_queries);
    else if (!strcmp(p, "/v1/credits") && get)
        count(&E.st.credits);
    else if ((!strcmp(p, FILES_PREFIX "upload/base64") || !strcmp(p, STREAM_PATH)) && post)
        count(&E.st.uploads);
    else if (file_id && del)
        count(&E.st.deletes);

    if (k->too_large) {
        if (files_api)
            reply_files_error(r, 413, "Request body too large (at most 64 MB)");
        else
            reply_status_error(r, 413);
        return NULL;
    }
    if (api && !auth_ok(c)) {
        if (files_api)
            reply_files_error(r, 401, "Invalid or expired token");
        else
            reply_error(r, 401, "unauthorized", "authentication_error", NULL,
                        k->auth ? "Invalid or expired token"
                                : "Missing Authorization header (Bearer token required)");
        return NULL;
    }

    if (!strcmp(p, "/v1/videos/generations")) {
        if (!post)
            goto not_allowed;
        const char *idem = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
        handle_submit(k->body.data ? k->body.data : "", k->body.len, idem, r);
    } else if (!strncmp(p, "/v1/tasks/", 10)) {
        if (!get)
            goto not_allowed;
        handle_task_query(p + 10, r);
    } else if (!strcmp(p, "/v1/tasks")) {
        reply_error(r, 400, "invalid_task_id", "invalid_request_error", "task_id",
                    "Invalid task ID format, must start with 'task-unified-'");
    } else if (!strcmp(p, "/v1/credits")) {
        if (!get)
            goto not_allowed;
        handle_credits(r);
    } else if (!strcmp(p, FILES_PREFIX "upload/base64")) {
        if (!post)
            goto not_allowed;
        handle_upload(k->body.data ? k->body.data : "", k->body.len, r);
    } else if (!strcmp(p, STREAM_PATH)) {
        if (!post)
            goto not_allowed;
        handle_upload_stream(k->up, r);
    } else if (!strcmp(p, FILES_PREFIX "quota")) {
        if (!get)
            goto not_allowed;
        handle_file_quota(r);
    } else if (!strcmp(p, FILES_PREFIX "list")) {
        if (!get)
            goto not_allowed;
        handle_file_list(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page"),
                         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "pageSize"), r);
    } else if (file_id) {
        if (!del)
            goto not_allowed;
        handle_file_delete(file_id, r);
    } else if (!strncmp(p, "/results/", 9) || !strncmp(p, "/files/", 7)) {
        if (!get && !head)
            goto not_allowed;
        if (p[1] == 'r')
            count(&E.st.downloads);
        download_request dr = {
            .path = p, .range = k->range,
            .head = head, .sent = &k->bytes, .status = &k->status,
        };
        return download_response(&dr, r);
    } else {
        reply_error(r, 404, "not_found", "invalid_request_error", NULL,
                    "No such endpoint: %s %s", k->method, p);
    }
    return NULL;
not_allowed:
    reply_error(r, 405, "method_not_allowed", "invalid_request_error", NULL,
                "Method %s is not allowed on %s", k->method, p);
    reply_header(r, "Allow", allowed_methods(p));
    return NULL;
}

/* The error reply a status fault asks for. */
static void fault_reply(const struct conn *k, int status, const char *retry_after, reply *r)
{
    reply_free(r);
    reply_init(r);
    if (!strncmp(k->path, "/api/v1/files/", 14))
        reply_files_error(r, status, "Injected error %d", status);
    else
        reply_status_error(r, status);
    if (retry_after[0])
        reply_header(r, "Retry-After", retry_after);
}

/* The faults that act once the handler has run (a submit has created its
 * task): hold, replace or spoil its reply. 1 when the reply is lost. */
static int after_handler(struct conn *k, const fault_effect *fx,
                         struct MHD_Response **stream, reply *r)
{
    if (fx->after_delay_ms > 0)
        emu_sleep((double)fx->after_delay_ms / 1000.0);
    if (*stream && (fx->lost_reply || fx->after_status)) {
        MHD_destroy_response(*stream);
        *stream = NULL;
    }
    if (fx->lost_reply) {
        k->status = 0;              /* logged as no reply */
        k->bytes = 0;
        return 1;
    }
    if (fx->after_status)
        fault_reply(k, fx->after_status, fx->retry_after, r);
    else if (fx->malformed && !*stream && r->body.len > 1) {
        r->body.len /= 2;           /* half of a JSON object never parses */
        r->body.data[r->body.len] = '\0';
    }
    return 0;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, struct conn *k)
{
    reply r;
    reply_init(&r);
    enum MHD_Result ret;

    if (k->admin) {
        handle_admin(k->method, k->path, k->body.data ? k->body.data : "", &r);
        ret = queue_reply(c, k, &r);
        reply_free(&r);
        return ret;
    }

    count(&E.st.requests);
    int is_download = !strncmp(k->path, "/results/", 9) || !strncmp(k->path, "/files/", 7);
    fault_effect fx;
    faults_for_request(k->path, is_download, &fx);
    if (fx.delay_ms > 0)
        emu_sleep((double)fx.delay_ms / 1000.0);

    struct MHD_Response *stream = NULL;
    if (fx.status) {
        fault_reply(k, fx.status, fx.retry_after, &r);
    } else {
        stream = route(c, k, &r);
        if (after_handler(k, &fx, &stream, &r)) {
            reply_free(&r);
            return MHD_NO;          /* closes the connection, no reply */
        }
    }
    if (stream) {
        ret = MHD_queue_response(c, (unsigned)k->status, stream);
        MHD_destroy_response(stream);
    } else {
        ret = queue_reply(c, k, &r);
    }
    reply_free(&r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls; (void)version;
    struct conn *k = *con_cls;
    if (!k) {
        k = calloc(1, sizeof *k);
        if (!k)
            return MHD_NO;
        k->time = now_real();
        snprintf(k->method, sizeof k->method, "%s", method);
        k->path = xstrdup(url);
        k->admin = !strncmp(url, "/_emu/", 6) || !strcmp(url, "/_emu");
        buf q = { 0 };
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query_arg, &q);
        k->query = q.data;
        k->range = xstrdup(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE));
        k->auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
        /* a stream upload goes to disk as it arrives (only when authorized) */
        if (k->path && !strcmp(k->path, STREAM_PATH) && is_method(k, "POST")) {
            k->stream_upload = 1;
            if (auth_ok(c) && !(k->up = upload_stream_begin(c)))
                return MHD_NO;
        }
        *con_cls = k;
        return k->path ? MHD_YES : MHD_NO;
    }
    if (*upload_data_size && k->stream_upload) {
        if (k->up)
            upload_stream_feed(k->up, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!k->too_large) {
            if ((long long)(k->body.len + *upload_data_size) > EMU_MAX_BODY) {
                k->too_large = 1;
                buf_free(&k->body);
            } else if (buf_append(&k->body, upload_data, *upload_data_size)) {
                return MHD_NO;
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(c, k);
}

int server_start(int port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
        (uint16_t)port, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_END);
    if (!daemon_)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    E.port = info ? info->port : port;
    return E.port > 0 ? 0 : -1;
}

void server_stop(void)
{
    if (daemon_)
        MHD_stop_daemon(daemon_);
    daemon_ = NULL;
}
