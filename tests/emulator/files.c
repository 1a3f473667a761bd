/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Files API (tasks-and-errors.md, "Files API"), on the same port:
 *   POST   /api/v1/files/upload/stream  multipart/form-data: the part "file"
 *          (a filename and a Content-Type), optional parts upload_path or
 *          uploadPath, file_name or fileName; written to disk as it arrives
 *   POST   /api/v1/files/upload/base64  {"base64_data","file_name","upload_path"}
 *   DELETE /api/v1/files/{file_id}
 *   GET    /api/v1/files/list?page=&pageSize=
 *   GET    /api/v1/files/quota
 * Every reply is the envelope {"success","code","msg","data"}. A file is
 * stored as DATA/files/<file_id>/<name> and served at
 * http://127.0.0.1:PORT/files/<file_id>/<name> (download.c) until deleted.
 *
 * The stream upload takes images (image/jpeg, png, gif, webp) and, unless
 * files_images_only, video (video/mp4, video/quicktime) and audio
 * (audio/mpeg, audio/wav, audio/x-wav), up to 100 MB, its content checked
 * against the declared type; base64 takes JPEG, PNG and WebP images. The
 * account holds at most file_quota files, the files_used placeholders of
 * earlier uploads included: beyond it an upload is refused, with HTTP 200
 * and success:false, as the Files API may answer.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/base64.h>
#include <microhttpd.h>

#define FILE_TTL     (72 * 3600)
#define MAX_PAGE     100
#define FIELD_MAX    255          /* upload_path, file_name */

/* ---- the account's files ---------------------------------------------------- */

long files_count(void)
{
    long n = 0;
    for (const emu_file *f = E.files; f; f = f->next)
        n++;
    return n;
}

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

/* A safe name: keeps [A-Za-z0-9._-] (and / in a path), replaces the rest. */
static void clean_name(const char *in, int path, char *out, size_t n)
{
    size_t j = 0;
    for (const char *p = in ? in : ""; *p && j + 1 < n; p++) {
        char ch = *p;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_' ||
                   (path && ch == '/');
        out[j++] = keep ? ch : '_';
    }
    out[j] = '\0';
    if (path && strstr(out, ".."))
        out[0] = '\0';
}

static void new_file_id(char *id, size_t n)
{
    char rnd[16];
    random_chars(rnd, sizeof rnd);
    snprintf(id, n, "file_%.16s", rnd);
}

static void file_url(const emu_file *f, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%d/files/%s/%s", E.port, f->id, f->name);
}

/* The documented data of a file. */
static cJSON *file_json(const emu_file *f)
{
    char url[512], up[64], exp[64];
    file_url(f, url, sizeof url);
    iso_time(f->uploaded, up, sizeof up);
    iso_time(f->uploaded + FILE_TTL, exp, sizeof exp);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "file_id", f->id);
    cJSON_AddStringToObject(d, "file_name", f->name);
    cJSON_AddStringToObject(d, "original_name", f->original);
    cJSON_AddNumberToObject(d, "file_size", (double)f->size);
    cJSON_AddStringToObject(d, "mime_type", f->mime);
    cJSON_AddStringToObject(d, "upload_path", f->upload_path);
    cJSON_AddStringToObject(d, "file_url", url);
    cJSON_AddStringToObject(d, "download_url", url);
    cJSON_AddStringToObject(d, "upload_time", up);
    cJSON_AddStringToObject(d, "expires_at", exp);
    return d;
}

static void reply_ok(reply *r, const char *msg, cJSON *data)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "success", 1);
    cJSON_AddNumberToObject(o, "code", 200);
    cJSON_AddStringToObject(o, "msg", msg);
    cJSON_AddItemToObject(o, "data", data);
    reply_json(r, 200, o);
}

/* Takes a slot for f (caller holds the lock): 0, or -1 with the quota
 * refusal in r. */
static int take_slot(emu_file *f, reply *r)
{
    long used = files_count();
    if (used >= E.cfg.file_quota) {
        char msg[320];
        snprintf(msg, sizeof msg, "File quota exceeded: the account holds %ld of %d files "
                 "(user group default). Delete files you no longer need "
                 "(DELETE /api/v1/files/{file_id}; GET /api/v1/files/list shows them) to "
                 "free slots, then upload again.", used, E.cfg.file_quota);
        reply_files_envelope(r, 200, 403, msg);     /* HTTP 200, success false */
        return -1;
    }
    f->next = E.files;
    E.files = f;
    return 0;
}

/* Unlinks f from the list (caller holds the lock). */
static void drop_file(emu_file *f)
{
    for (emu_file **pp = &E.files; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            return;
        }
    }
}

void files_set_earlier(int n)
{
    emu_file **pp = &E.files;
    long real = 0;
    while (*pp) {
        emu_file *f = *pp;
        if (f->earlier) {
            *pp = f->next;
            free(f);
        } else {
            real++;
            pp = &f->next;
        }
    }
    if (n < 0)
        n = E.cfg.file_quota > real ? (int)(E.cfg.file_quota - real) : 0;
    int64_t now = (int64_t)time(NULL);
    int made = 0;
    for (int i = 0; i < n; i++) {
        emu_file *f = calloc(1, sizeof *f);
        if (!f)
            break;
        new_file_id(f->id, sizeof f->id);
        snprintf(f->name, sizeof f->name, "earlier-%d.png", i + 1);
        snprintf(f->original, sizeof f->original, "%s", f->name);
        snprintf(f->mime, sizeof f->mime, "image/png");
        f->size = 102400;
        f->uploaded = now - 3600 - (n - i);
        f->earlier = 1;
        /* older than every upload of this run: at the end of the list */
        *pp = f;
        pp = &f->next;
        made++;
    }
    E.cfg.files_used = made;
}

void files_free(void)
{
    while (E.files) {
        emu_file *f = E.files;
        E.files = f->next;
        free(f);
    }
}

/* Registers f and moves the bytes at tmp (a file) or data (in memory) to
 * DATA/files/ID/NAME. 0, or -1 with the error reply. */
static int store(emu_file *f, const char *tmp, const uint8_t *data, reply *r)
{
    emu_lock();
    int rc = take_slot(f, r);
    emu_unlock();
    if (rc)
        return -1;
    buf dir = { 0 }, path = { 0 };
    buf_printf(&dir, "%s/files/%s", E.data_dir, f->id);
    buf_printf(&path, "%s/%s", dir.data ? dir.data : "", f->name);
    rc = !dir.data || !path.data || mkdir_p(dir.data) ||
         (tmp ? rename(tmp, path.data) : write_file_atomic(path.data, data, (size_t)f->size))
         ? -1 : 0;
    buf_free(&dir);
    buf_free(&path);
    if (rc) {
        emu_lock();
        drop_file(f);
        emu_unlock();
        reply_files_error(r, 500, "cannot store the file");
    }
    return rc;
}

/* ---- what a file is ----------------------------------------------------------- */

enum { C_JPEG, C_PNG, C_GIF, C_WEBP, C_ISOBMFF, C_MP3, C_WAV, C_UNKNOWN };

static const struct file_type {
    const char *mime;
    int content;
    int media;              /* video or audio: refused with files_images_only */
    const char *what;
} file_types[] = {
    { "image/jpeg", C_JPEG, 0, "a JPEG image" },
    { "image/png", C_PNG, 0, "a PNG image" },
    { "image/gif", C_GIF, 0, "a GIF image" },
    { "image/webp", C_WEBP, 0, "a WebP image" },
    { "video/mp4", C_ISOBMFF, 1, "an MP4 or QuickTime file" },
    { "video/quicktime", C_ISOBMFF, 1, "an MP4 or QuickTime file" },
    { "audio/mpeg", C_MP3, 1, "an MP3 file" },
    { "audio/wav", C_WAV, 1, "a WAV file" },
    { "audio/x-wav", C_WAV, 1, "a WAV file" },
};
#define NTYPES (sizeof file_types / sizeof file_types[0])
#define IMAGE_TYPES "image/jpeg, image/png, image/gif, image/webp"
#define ALL_TYPES IMAGE_TYPES ", video/mp4, video/quicktime, audio/mpeg, audio/wav, audio/x-wav"

/* What the first bytes of a file are. */
static int sniff(const uint8_t *d, size_t n)
{
    static const char *const boxes[] = { "ftyp", "moov", "mdat", "free", "wide", "skip", "pnot" };
    const char *img = image_sniff(d, n);
    if (img)
        return !strcmp(img, "png") ? C_PNG : !strcmp(img, "jpeg") ? C_JPEG : C_WEBP;
    if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
        return C_GIF;
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WAVE", 4))
        return C_WAV;
    for (size_t i = 0; n >= 8 && i < sizeof boxes / sizeof boxes[0]; i++)
        if (!memcmp(d + 4, boxes[i], 4))
            return C_ISOBMFF;
    if ((n >= 3 && !memcmp(d, "ID3", 3)) || (n >= 2 && d[0] == 0xFF && (d[1] & 0xE0) == 0xE0))
        return C_MP3;
    return C_UNKNOWN;
}

/* The type a Content-Type names (lower case, parameters dropped), or NULL
 * with the refusal in r. */
static const struct file_type *accept_type(const char *ctype, reply *r)
{
    char mime[64];
    size_t j = 0;
    for (const char *p = ctype; *p && *p != ';' && j + 1 < sizeof mime; p++)
        if (*p != ' ' && *p != '\t')
            mime[j++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    mime[j] = '\0';
    int images_only;
    emu_lock();
    images_only = E.cfg.files_images_only;
    emu_unlock();
    for (size_t i = 0; i < NTYPES; i++) {
        if (strcmp(mime, file_types[i].mime))
            continue;
        if (file_types[i].media && images_only)
            break;
        return &file_types[i];
    }
    if (images_only)
        reply_files_error(r, 400, "Unsupported file type '%s': only images can be uploaded "
                          "(allowed: " IMAGE_TYPES ")", mime);
    else
        reply_files_error(r, 400, "Unsupported file type '%s' (allowed: " ALL_TYPES ")", mime);
    return NULL;
}

/* ---- POST /api/v1/files/upload/stream ---------------------------------------------- */

struct upload_stream {
    struct MHD_PostProcessor *pp;
    char *tmp;                  /* where the part "file" goes */
    FILE *f;
    int64_t size;
    int nfiles;                 /* parts named "file" */
    int too_big, io_error, malformed, stored;
    char filename[256], ctype[128];
    char upload_path[FIELD_MAX + 1], file_name[FIELD_MAX + 1];
    char not_multipart[160];    /* the Content-Type when it is not multipart */
};

static void add_field(char *dst, const char *data, size_t size)
{
    size_t have = strlen(dst), room = FIELD_MAX - have;
    size_t n = size < room ? size : room;
    memcpy(dst + have, data, n);
    dst[have + n] = '\0';
}

static void file_data(upload_stream *u, const char *filename, const char *ctype,
                      const char *data, uint64_t off, size_t size)
{
    if (off == 0 && size > 0 && u->nfiles++ == 0) {
        snprintf(u->filename, sizeof u->filename, "%s", filename ? filename : "");
        snprintf(u->ctype, sizeof u->ctype, "%s", ctype ? ctype : "");
    }
    if (u->nfiles > 1 || !size)
        return;                     /* the handler refuses a second file */
    if (u->size + (int64_t)size > EMU_MAX_UPLOAD) {
        u->too_big = 1;
        if (u->f) {
            fclose(u->f);
            u->f = NULL;
            unlink(u->tmp);
        }
    } else if (!u->too_big && !u->io_error) {
        if (!u->f && !(u->f = fopen(u->tmp, "wb")))
            u->io_error = 1;
        else if (fwrite(data, 1, size, u->f) != size)
            u->io_error = 1;
    }
    u->size += (int64_t)size;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *ctype,
                               const char *encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind; (void)encoding;
    upload_stream *u = cls;
    if (!strcmp(key, "file"))
        file_data(u, filename, ctype, data, off, size);
    else if (!strcmp(key, "upload_path") || !strcmp(key, "uploadPath"))
        add_field(u->upload_path, data, size);
    else if (!strcmp(key, "file_name") || !strcmp(key, "fileName"))
        add_field(u->file_name, data, size);
    return MHD_YES;
}

upload_stream *upload_stream_begin(struct MHD_Connection *c)
{
    upload_stream *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    char rnd[12];
    random_chars(rnd, sizeof rnd);
    buf dir = { 0 }, tmp = { 0 };
    buf_printf(&dir, "%s/files", E.data_dir);
    buf_printf(&tmp, "%s/.incoming-%.12s", dir.data ? dir.data : "", rnd);
    u->tmp = tmp.data;
    if (!dir.data || !u->tmp || mkdir_p(dir.data))
        u->io_error = 1;
    buf_free(&dir);
    if (!ct || strncasecmp(ct, "multipart/form-data", 19))
        snprintf(u->not_multipart, sizeof u->not_multipart, "%s", ct ? ct : "none");
    else if (!(u->pp = MHD_create_post_processor(c, 64 * 1024, on_part, u)))
        u->malformed = 1;
    return u;
}

void upload_stream_feed(upload_stream *u, const char *data, size_t len)
{
    if (u->pp && !u->malformed && MHD_post_process(u->pp, data, len) != MHD_YES)
        u->malformed = 1;
}

void upload_stream_free(upload_stream *u)
{
    if (!u)
        return;
    if (u->pp)
        MHD_destroy_post_processor(u->pp);
    if (u->f)
        fclose(u->f);
    if (!u->stored && u->tmp)
        unlink(u->tmp);
    free(u->tmp);
    free(u);
}

/* Whether the stored bytes are what the type says; 0, or -1 with r. */
static int check_content(const upload_stream *u, const struct file_type *ft, reply *r)
{
    uint8_t head[64];
    FILE *f = fopen(u->tmp, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (sniff(head, n) == ft->content)
        return 0;
    reply_files_error(r, 400, "The file's content does not match its type %s (it is not %s)",
                      ft->mime, ft->what);
    return -1;
}

/* The form's own errors, in the order a server meets them; 0 or -1 with r. */
static int check_form(upload_stream *u, reply *r)
{
    if (u->not_multipart[0])
        reply_files_error(r, 400, "Content-Type must be multipart/form-data with the file in a "
                          "part named \"file\" (got %s)", u->not_multipart);
    else if (u->malformed)
        reply_files_error(r, 400, "The multipart/form-data body cannot be parsed");
    else if (u->too_big)
        reply_files_error(r, 413, "File too large: more than 100 MB (at most %lld bytes)",
                          (long long)EMU_MAX_UPLOAD);
    else if (!u->nfiles)
        reply_files_error(r, 400, "No file: the form needs a part named \"file\" (with a "
                          "filename and a Content-Type), and it must not be empty");
    else if (u->nfiles > 1)
        reply_files_error(r, 400, "One file per request: the form has %d parts named \"file\"",
                          u->nfiles);
    else if (!u->filename[0])
        reply_files_error(r, 400, "The part \"file\" has no filename");
    else if (!u->ctype[0])
        reply_files_error(r, 400, "The part \"file\" has no Content-Type (allowed: " ALL_TYPES ")");
    else if (u->io_error || !u->f || fflush(u->f))
        reply_files_error(r, 500, "cannot store the file");
    else
        return 0;
    return -1;
}

void handle_upload_stream(upload_stream *u, reply *r)
{
    const struct file_type *ft;
    if (!u) {
        reply_files_error(r, 500, "out of memory");
        return;
    }
    if (u->pp) {                                /* the body has ended: the form must have too */
        if (MHD_destroy_post_processor(u->pp) != MHD_YES)
            u->malformed = 1;
        u->pp = NULL;
    }
    if (check_form(u, r) || !(ft = accept_type(u->ctype, r)))
        return;
    fclose(u->f);
    u->f = NULL;
    if (check_content(u, ft, r))
        return;
    emu_file *f = calloc(1, sizeof *f);
    if (!f) {
        reply_files_error(r, 500, "out of memory");
        return;
    }
    new_file_id(f->id, sizeof f->id);
    clean_name(u->file_name[0] ? u->file_name : u->filename, 0, f->name, sizeof f->name);
    if (!name_ok(f->name))
        snprintf(f->name, sizeof f->name, "upload");
    snprintf(f->original, sizeof f->original, "%s", u->filename);
    snprintf(f->mime, sizeof f->mime, "%s", ft->mime);
    clean_name(u->upload_path, 1, f->upload_path, sizeof f->upload_path);
    f->size = u->size;
    f->uploaded = (int64_t)time(NULL);
    if (store(f, u->tmp, NULL, r)) {
        free(f);
        return;
    }
    u->stored = 1;
    emu_lock();
    cJSON *d = file_json(f);
    emu_unlock();
    reply_ok(r, "File uploaded successfully", d);
}

/* ---- POST /api/v1/files/upload/base64 ---------------------------------------------- */

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

/* An optional string member: 0, or -1 with r when it is not a string. */
static int opt_string(const cJSON *root, const char *name, const char **out, reply *r)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    *out = NULL;
    if (!v)
        return 0;
    if (!cJSON_IsString(v)) {
        reply_files_error(r, 400, "%s must be a string", name);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

void handle_upload(const char *body, size_t len, reply *r)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "base64_data");
    const char *kind = NULL, *name = NULL, *path = NULL;
    uint8_t *data = NULL;
    int n = 0;
    if (!cJSON_IsObject(root))
        reply_files_error(r, 400, "The request body must be a JSON object "
                                  "{\"base64_data\":...,\"file_name\":...}");
    else if (!cJSON_IsString(d) || !d->valuestring[0])
        reply_files_error(r, 400, "base64_data is required (a base64 string or data: URI)");
    else if (!opt_string(root, "file_name", &name, r) && !opt_string(root, "upload_path", &path, r))
        data = decode_upload(d->valuestring, &n, &kind, r);
    emu_file *f = data ? calloc(1, sizeof *f) : NULL;
    if (data && !f)
        reply_files_error(r, 500, "out of memory");
    if (f) {
        new_file_id(f->id, sizeof f->id);
        clean_name(name, 0, f->name, sizeof f->name);
        if (!name_ok(f->name))
            snprintf(f->name, sizeof f->name, "upload.%s", !strcmp(kind, "jpeg") ? "jpg" : kind);
        snprintf(f->original, sizeof f->original, "%s", name ? name : f->name);
        snprintf(f->mime, sizeof f->mime, "image/%s", kind);
        clean_name(path, 1, f->upload_path, sizeof f->upload_path);
        f->size = n;
        f->uploaded = (int64_t)time(NULL);
        if (store(f, NULL, data, r)) {
            free(f);
        } else {
            emu_lock();
            cJSON *dd = file_json(f);
            emu_unlock();
            reply_ok(r, "File uploaded successfully", dd);
        }
    }
    free(data);
    cJSON_Delete(root);
}

/* ---- DELETE, list, quota ----------------------------------------------------------- */

void handle_file_delete(const char *id, reply *r)
{
    emu_lock();
    emu_file *f = E.files;
    while (f && strcmp(f->id, id))
        f = f->next;
    if (f) {
        drop_file(f);
        if (f->earlier)
            E.cfg.files_used--;
    }
    emu_unlock();
    if (!f) {
        reply_files_error(r, 404, "File not found: %.100s", id);
        return;
    }
    buf dir = { 0 };
    buf_printf(&dir, "%s/files/%s", E.data_dir, f->id);
    if (dir.data && !f->earlier)
        remove_tree(dir.data);
    buf_free(&dir);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "file_id", f->id);
    free(f);
    reply_ok(r, "File deleted successfully", d);
}

/* A positive integer query argument (dflt when absent); 0 when invalid. */
static long positive(const char *s, long dflt)
{
    if (!s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return end != s && !*end && v > 0 ? v : 0;
}

void handle_file_list(const char *page_s, const char *size_s, reply *r)
{
    long page = positive(page_s, 1), size = positive(size_s, 20);
    if (!page) {
        reply_files_error(r, 400, "page must be a positive integer, got '%.40s'", page_s);
        return;
    }
    if (!size || size > MAX_PAGE) {
        reply_files_error(r, 400, "pageSize must be an integer from 1 to %d, got '%.40s'",
                          MAX_PAGE, size_s);
        return;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON *list = cJSON_CreateArray();
    emu_lock();
    long total = files_count(), i = 0;
    for (const emu_file *f = E.files; f; f = f->next, i++)
        if (i >= (page - 1) * size && i < page * size)
            cJSON_AddItemToArray(list, file_json(f));
    emu_unlock();
    cJSON_AddNumberToObject(d, "total", (double)total);
    cJSON_AddNumberToObject(d, "page", (double)page);
    cJSON_AddNumberToObject(d, "page_size", (double)size);
    cJSON_AddItemToObject(d, "files", list);
    reply_ok(r, "ok", d);
}

void handle_file_quota(reply *r)
{
    emu_lock();
    long used = files_count(), max = E.cfg.file_quota;
    emu_unlock();
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "user_group", "default");
    cJSON_AddNumberToObject(d, "used_files", (double)used);
    cJSON_AddNumberToObject(d, "max_files", (double)max);
    cJSON_AddNumberToObject(d, "remain_files", (double)(used < max ? max - used : 0));
    cJSON_AddBoolToObject(d, "is_custom", 0);
    cJSON_AddStringToObject(d, "quota_reason", "");
    reply_ok(r, "ok", d);
}
