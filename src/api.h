/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance internals of the API client: the request model, local image
 * checks, JSON building and parsing, HTTP calls, uploads, the submit
 * journal and the poll schedule (poll.h). Not installed.
 */
#ifndef SEEDANCE_API_H
#define SEEDANCE_API_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "internal.h"

/* request.c --------------------------------------------------------- */

enum { SD_IMAGE_UPLOAD = 0, SD_IMAGE_INLINE = 1 };

/* Every field as text, by option id, normalised by its kind (booleans
 * "1"/"0", whole numbers in digits, choices as listed); NULL: not given. */
struct seedance_request {
    char *value[SEEDANCE_OPTION__COUNT];
    char **items[SEEDANCE_OPTION__COUNT]; /* media lists, split (NULL-terminated) */
};

/* A field's value as sent (given, else the default) as a boolean, a whole
 * number or the index of a choice; -1 when it has none. */
int sd_request_bool(const seedance_request *r, int id);
int sd_request_int(const seedance_request *r, int id);
int sd_request_choice(const seedance_request *r, int id);

/* Add item to the list of media option id (SEEDANCE_OPT_MEDIA; other
 * options: set to item). */
int sd_request_add(seedance_request *r, int id, const char *item, seedance_error *err);

/* SD_IMAGE_UPLOAD or SD_IMAGE_INLINE. */
int sd_request_image_mode(const seedance_request *r);

/* One value of a media field (SEEDANCE_OPT_MEDIA), in table order. */
typedef struct sd_media {
    int id;                /* the option */
    const char *field;     /* its name */
    const char *value;     /* one item of its list: a path, a URL or a data: URI */
} sd_media;

/* The media values of r into out (at most max), field by field in table
 * order, each list in its order; returns how many r has. */
int sd_request_media(const seedance_request *r, sd_media *out, int max);
#define SD_MAX_MEDIA 16

/* Number of media values of a kind (SD_MEDIA_*), of every kind for -1. */
int sd_request_media_count(const seedance_request *r, int kind);
/* Number of images. */
int sd_request_image_count(const seedance_request *r);

/* media.c ----------------------------------------------------------- */

enum { SD_MEDIA_IMAGE, SD_MEDIA_VIDEO, SD_MEDIA_AUDIO, SD_MEDIA__COUNT };

/* The kind of a media option (SD_MEDIA_*), -1 for another option. */
int sd_media_kind(int option_id);
/* The rules of a kind. */
const seedance_media_rules *sd_media_rules(int kind);

/* A media list "a|b" ("\|" for a '|' in an item) into a NULL-terminated
 * array of allocated items (empty items left out): their number, -1 when
 * out of memory. */
int sd_media_list_split(const char *text, char ***items);
void sd_media_list_free(char **items);
/* The items of the list more added at the end of list (may be NULL), allocated. */
char *sd_media_list_add(const char *list, const char *more);

/* The usual extension of a MIME type ("mp4"), "bin" when unknown. */
const char *sd_media_ext(const char *mime);

/* A media value as it will be sent. */
typedef struct sd_local {
    int kind;              /* SD_MEDIA_* */
    int remote;            /* an URL (or a data: URI that is not base64): sent as given */
    const char *path;      /* a local file, read again when sent; or NULL */
    unsigned char *data;   /* bytes in memory (an image's data: URI or data), or NULL */
    size_t size;
    const char *mime;      /* by content */
    char sha256[65];       /* of the bytes: the canonical form, and one upload per content */
    int probed;            /* info was read by the probe */
    seedance_media_info info; /* images: width, height; clips: what the probe read */
} sd_local;

/*
 * Load and check one media value: nothing for an URL (remote set); an
 * image file or data: URI loaded, probed and checked (its bytes kept only
 * for a data: URI); a video or sound file: size, format by content, its
 * hash, and with probe set what c's media probe reads, checked against
 * the kind's rules. The message names field, value and what is allowed.
 * sd_local_clear() it.
 */
int sd_media_load(seedance_client *c, const sd_media *m, int probe, sd_local *l,
                  seedance_error *err);
void sd_local_clear(sd_local *l);

/* models.c ---------------------------------------------------------- */

/* The tiers and modes, as indexes of the TIER and MODE choices. */
enum { SD_TIER_STANDARD, SD_TIER_FAST, SD_TIER_MINI };
enum { SD_MODE_TEXT, SD_MODE_IMAGE, SD_MODE_REFERENCE };

/* One of the nine models and its rules. */
typedef struct sd_model {
    const char *id;
    int tier, mode;
    unsigned qualities;    /* bit i: the i-th QUALITY choice */
    unsigned fields;       /* SEEDANCE_OPT_PER_MODEL fields it takes: bit = 1u << option id */
} sd_model;

/* The model of an id, of a tier and mode; NULL when none. */
const sd_model *sd_model_find(const char *id);
const sd_model *sd_model_of(int tier, int mode);

/* What a request asks of the models. */
typedef struct sd_resolved {
    const char *id;        /* the model id sent */
    const sd_model *model; /* its rules, NULL for a model this version does not know */
    int tier, mode;        /* SD_TIER_*, SD_MODE_* (of the model when known) */
} sd_resolved;

/*
 * The model of r: model when given, else that of tier and mode (mode from
 * the inputs when not given). SEEDANCE_E_INVALID when a given tier or mode
 * contradicts a known model.
 */
int sd_request_resolve(const seedance_request *r, sd_resolved *out, seedance_error *err);

/* Does the model take field id (SEEDANCE_OPT_PER_MODEL)? Unknown models: only when given. */
int sd_model_takes(const sd_resolved *m, const seedance_request *r, int id);

/* The models that take field id, ", "-separated, into buf. */
const char *sd_models_taking(int id, char *buf, size_t size);

/* The qualities a model takes, ", "-separated, into buf. */
const char *sd_model_qualities(const sd_model *m, char *buf, size_t size);

/* cost.c ------------------------------------------------------------ */

/*
 * The estimate of model m at quality (index of the QUALITY choice) for
 * seconds of output and input_seconds of video input (0: none), with the
 * content filter on or off and web search allowed or not.
 */
int sd_cost_estimate(const sd_resolved *m, int quality, int seconds, double input_seconds,
                     int content_filter, int web_search, seedance_cost *cost);

/* seedance_request_cost() of a request already checked: media[0..n) the
 * media sd_request_check() loaded. */
int sd_request_cost(const seedance_request *r, const sd_local *media, int n,
                    seedance_cost *cost, seedance_error *err);

/* request_key.c ----------------------------------------------------- */

/*
 * The journal key of a request: *canon (allocated) is its canonical body,
 * media[] the canonical form of its media values (content hashes of local
 * files, URLs as given); hash the SHA-256 of canon and the API base.
 */
int sd_request_key(seedance_client *c, const seedance_request *r, const char *const *media,
                   int n_media, char **canon, char hash[65]);

/*
 * The key version 0.1 gave the same request, whose body held only the
 * fields given (so that journal entries made then are still found): 1 and
 * hash set when 0.1 could have made this request, else 0 (or -1 when out
 * of memory).
 */
int sd_request_legacy_key(seedance_client *c, const seedance_request *r,
                          const char *const *media, int n_media, char hash[65]);

/* Parse a text boolean: 1/0 true/false yes/no on/off, any case. -1 when none. */
int sd_parse_bool(const char *s);
/* The same into *out, or SEEDANCE_E_INVALID naming the option and the value. */
int sd_option_bool(const char *name, const char *value, int *out, seedance_error *err);

/* options.c --------------------------------------------------------- */

/* The row of an option id; NULL when out of range. */
const seedance_option *sd_option(int id);

/* The index of value in o's choices (any case), -1 when it is not one. */
int sd_choice_index(const seedance_option *o, const char *value);
/* The index-th choice of o into buf; NULL when there is none. */
const char *sd_choice_name(const seedance_option *o, int index, char *buf, size_t size);
/* o's allowed values for a message ("480p, 720p", "4..15") into buf. */
const char *sd_option_allowed(const seedance_option *o, char *buf, size_t size);
/* The bounds of an SEEDANCE_OPT_INT option: 0, or -1 when it has none. */
int sd_option_range(const seedance_option *o, long *lo, long *hi);

/*
 * The names of the options whose flags have every bit of need and none of
 * refuse, ", "-separated, into buf. Returns the length it needs.
 */
size_t sd_option_names(int need, int refuse, char *buf, size_t size);

/* A number of credits, 0 or more, or SEEDANCE_E_INVALID. */
int sd_option_credits(const char *name, const char *value, double *out, seedance_error *err);

/* A positive number of seconds (at most 7 days), or SEEDANCE_E_INVALID. */
int sd_option_seconds(const char *name, const char *value, double *out, seedance_error *err);

/* image.c ----------------------------------------------------------- */

#define SD_IMAGE_MIN_SIDE   300
#define SD_IMAGE_MAX_SIDE   6000
#define SD_IMAGE_MIN_RATIO  0.4
#define SD_IMAGE_MAX_RATIO  2.5
#define SD_IMAGE_MAX_BYTES  (30L * 1024 * 1024)
#define SD_BODY_MAX_BYTES   (64L * 1024 * 1024)

enum { SD_IMG_URL, SD_IMG_DATA, SD_IMG_FILE };

/* How an image value reaches the API. */
int sd_image_kind(const char *value);

/* An image in memory, probed. */
typedef struct sd_image {
    unsigned char *data;   /* file content (or decoded data: URI) */
    size_t size;
    const char *mime;      /* "image/jpeg", "image/png", "image/webp" */
    int width, height;
} sd_image;

/*
 * Identify a JPEG, PNG or WebP by content and read its dimensions.
 * Returns SEEDANCE_OK or SEEDANCE_E_IMAGE with a message naming field and
 * name (err may be NULL).
 */
int sd_image_probe(const unsigned char *data, size_t size, const char *field,
                   const char *name, const char **mime, int *w, int *h,
                   seedance_error *err);

/* Check the limits (sides, ratio, bytes) of a probed image. */
int sd_image_check(const char *field, const char *name, size_t size, int w, int h,
                   seedance_error *err);

/*
 * Load and check an image value that is a local file or a data: URI.
 * A data: URI that is not base64 is left unchecked: *img is zeroed and
 * SEEDANCE_OK returned. Free with sd_image_clear().
 */
int sd_image_load(const char *field, const char *value, sd_image *img, seedance_error *err);
void sd_image_clear(sd_image *img);

/* base64 of data (NUL-terminated, free()); NULL when out of memory. */
char *sd_base64(const unsigned char *data, size_t size);
/* Decode base64 text; NULL when it is not valid base64. free() it. */
unsigned char *sd_unbase64(const char *text, size_t len, size_t *out_size);
/* "data:<mime>;base64,<...>", free() it. */
char *sd_data_uri(const sd_image *img);

/* validate.c -------------------------------------------------------- */

/*
 * seedance_request_validate(), keeping what it loaded: media[i] is the
 * i-th media value (sd_request_media()) as sd_media_load() loaded it.
 * media may be NULL. On failure nothing is kept; else sd_local_clear()
 * each of the sd_request_media_count(r, -1).
 */
/* references.c: the media of r against the mode of model m, each loaded
 * into local[] (sd_media_load(); probed unless flags has SD_CHECK_NO_PROBE);
 * *body gets what they add to the body. On failure nothing is kept. */
int sd_check_references(const seedance_request *r, seedance_client *c, const sd_resolved *m,
                        sd_local *local, int flags, size_t *body, seedance_error *err);

enum {
    SD_CHECK_ALL = 0,
    SD_CHECK_NO_PROBE = 1      /* local video and sound: format and size only */
};
int sd_request_check(const seedance_request *r, seedance_client *c,
                     sd_local media[SD_MAX_MEDIA], int flags, seedance_error *err);

/* sha256.c ---------------------------------------------------------- */

/* Lower-case hex SHA-256 of data into hex (65 bytes). */
int sd_sha256_hex(const void *data, size_t size, char hex[65]);

/* The n bytes of in as 2n lower-case hex digits and a NUL, into out. */
void sd_to_hex(const unsigned char *in, size_t n, char *out);

/* Random lower-case hex string of 2*nbytes characters into out. */
int sd_random_hex(char *out, size_t nbytes);

/* hash.c ------------------------------------------------------------ */

/*
 * The content hash of a cached clip, taken piece by piece (as the clip is
 * stored): XXH3-128 (libxxhash; a clip's record, see cache.c), or SHA-256
 * (records written by earlier versions). new: NULL when out of memory.
 * final: the lower-case hex digest of what was added (32 or 64 digits),
 * 0 or -1; the hash then starts again, as after reset.
 */
typedef enum sd_hash_kind { SD_HASH_XXH128, SD_HASH_SHA256 } sd_hash_kind;
typedef struct sd_hash sd_hash;
sd_hash *sd_hash_new(sd_hash_kind kind);
void sd_hash_add(sd_hash *h, const void *data, size_t size);
int sd_hash_final(sd_hash *h, char hex[65]);
void sd_hash_reset(sd_hash *h);
void sd_hash_free(sd_hash *h);

/* json.c ------------------------------------------------------------ */

/*
 * The request body: the model, then every field of the option table that
 * has a JSON place and a value (given, else the default) and that the
 * model takes. media[i] (n_media of them) replaces the i-th media value
 * (sd_request_media()) when media is not NULL: uploaded URLs, data: URIs,
 * or content hashes for the canonical form. Unformatted JSON, free() it;
 * NULL when out of memory or when the model cannot be resolved.
 */
char *sd_request_json(const seedance_request *r, const char *const *media, int n_media);

/* Add one field of opt's kind at opt->json to o ("a.b", "a[]"): 1, or 0 when out of memory. */
struct cJSON;
int sd_json_add_field(struct cJSON *o, const seedance_option *opt, const char *value);

/*
 * Parse the reply to a task query. SEEDANCE_E_PROTOCOL when it is not a
 * JSON object, has no task id or one that is not a valid task id
 * (seedance_task_id_valid), or succeeded without a result URL.
 */
int sd_task_parse(const char *body, size_t len, seedance_task **out, seedance_error *err);
/* The same for the reply to a query of task known_id, which may omit "id";
 * one that names another task is SEEDANCE_E_PROTOCOL too. */
int sd_task_parse_for(const char *body, size_t len, const char *known_id,
                      seedance_task **out, seedance_error *err);
/* The reply to a submit: only the task id is required. */
int sd_submit_reply_parse(const char *body, size_t len, seedance_task **out,
                          seedance_error *err);

/* The API's error envelope: code (string or integer), message, suggestion. */
typedef struct sd_api_error {
    char code[64];
    char message[512];
    char suggestion[256];
} sd_api_error;

/* Parse {"error":{...}} (or {"success":false,"code","msg"}); 0 if found, -1 if not. */
int sd_api_error_parse(const char *body, size_t len, sd_api_error *out);

/*
 * Parse a Files API reply: SEEDANCE_E_UPLOAD when it says success:false;
 * with file_url not NULL, *file_url (and *file_id when the reply has one
 * and file_id is not NULL) allocated on success.
 */
int sd_upload_reply_parse(const char *body, size_t len, long http_status,
                          char **file_url, char **file_id, seedance_error *err);

/* task.c ------------------------------------------------------------ */

struct seedance_task {
    char *id;
    char *status;
    char *model;
    int progress;          /* -1 unknown */
    int estimated_time;    /* -1 unknown */
    char *result_url;
    char *error_code;
    char *error_message;
    char *json;            /* the raw reply */
    double credits_reserved; /* usage.credits_reserved, -1 absent */
};

seedance_task *sd_task_new(void);

/*
 * What a task's status means. Statuses are compared trimmed and in any
 * case: completed, succeeded, success are SD_TASK_SUCCEEDED; failed
 * SD_TASK_FAILED; cancelled, canceled SD_TASK_CANCELLED; expired
 * SD_TASK_EXPIRED; anything else (empty, missing or unknown included) is
 * SD_TASK_RUNNING, under the wait's deadline.
 */
enum {
    SD_TASK_RUNNING = 0,
    SD_TASK_SUCCEEDED,
    SD_TASK_FAILED,
    SD_TASK_CANCELLED,
    SD_TASK_EXPIRED
};
int sd_status_state(const char *status);
int sd_task_state(const seedance_task *t);  /* of t's status; NULL: running */

/* http.c ------------------------------------------------------------ */

enum { SD_BASE_API = 0, SD_BASE_FILES = 1 };

typedef struct sd_http_req {
    const char *method;    /* "GET" or "POST" */
    int base;              /* SD_BASE_API or SD_BASE_FILES */
    const char *path;      /* "/v1/..." */
    const char *body;      /* JSON body for POST, or NULL */
    const char *idempotency_key; /* or NULL */
    const char *task_id;   /* named in errors, or NULL */
    double deadline;       /* sd_now() value after which no retry starts; 0 = none */
    int max_attempts;      /* 0 = default */
    long timeout;          /* per attempt in seconds; 0 = default */
    int once;              /* not idempotent and paid (the submit): see sd_http_call() */
    const struct sd_http_file *file; /* a multipart/form-data upload of one file, or NULL */
} sd_http_req;

/* The file of a multipart upload: part "file" (and "file_name"). */
typedef struct sd_http_file {
    const char *path;      /* read from disk as it is sent, or NULL: */
    const void *data;      /* ... these bytes */
    size_t size;
    const char *name;      /* its file name in the part */
    const char *mime;      /* its Content-Type */
    /* told the bytes sent so far, about every 100 ms and at the end */
    void (*on_sent)(void *opaque, int64_t sent, int64_t total);
    void *opaque;
} sd_http_file;

typedef struct sd_http_resp {
    long status;
    char *body;            /* NUL-terminated */
    size_t len;
    int replayed;          /* idempotency-replayed: true */
    int uncertain;         /* (once) the request may have been carried out */
    char failure[160];     /* (uncertain) what failed, in words: "HTTP 502", ... */
} sd_http_resp;

/*
 * Send an API call with Bearer auth. On a 2xx status returns SEEDANCE_OK
 * with the response; otherwise the error (distinct code, HTTP status, API
 * code and message, task id) is in c->err and resp holds the last reply.
 * Call sd_http_resp_clear() in both cases.
 *
 * Retries, with backoff and Retry-After (sd_retry_after_parse; at least
 * 1 s, never past req->deadline, at most 60 s without one):
 *   - a free call: network errors (sd_curl_retryable), 429 and 5xx;
 *   - a call made once (req->once): only a request that provably never
 *     reached the server (sd_curl_unsent: every attempt uses a new
 *     connection) and 429. 4xx are final. Any other failure once the
 *     request may have been sent (a read timeout, a reset or closed
 *     connection, an interrupt, 1xx/3xx/5xx, an oversized reply) returns
 *     SEEDANCE_E_UNCERTAIN at once with resp->uncertain set and
 *     resp->failure saying what failed.
 */
int sd_http_call(seedance_client *c, const sd_http_req *req, sd_http_resp *resp);
void sd_http_resp_clear(sd_http_resp *resp);

/* The seedance_code of an HTTP status (0 for 2xx). */
int sd_http_code(long status);

/* The longest wait a Retry-After can ask for, seconds (sd_http_call clamps further). */
#define SD_RETRY_AFTER_MAX 86400.0

/*
 * A Retry-After value (seconds or HTTP-date) in seconds from now, at most
 * SD_RETRY_AFTER_MAX (1e999 and dates years ahead included); -1 when
 * absent, negative, NaN or unparsable. A date in the past gives 0.
 */
double sd_retry_after_parse(const char *value, time_t now);

/* Backoff before attempt n (1 = first retry, anything below is 1): 1, 2, 4 ... 30 s. */
double sd_backoff(int attempt);

/*
 * One header line data[0..len) (not NUL-terminated, never read past len):
 * a Retry-After value into retry_after (size bytes, trimmed, truncated),
 * "idempotency-replayed: true" sets *replayed. Others are ignored.
 */
void sd_http_header(const char *data, size_t len, char *retry_after, size_t size, int *replayed);

/*
 * Is a libcurl failure worth retrying for a free call (a task query, an
 * upload, a download)? Name resolution, connection, timeouts, resets,
 * truncated replies.
 */
int sd_curl_retryable(CURLcode cc);

/*
 * Did a failed transfer on handle h provably send nothing to the server?
 * 1 for failures while resolving, connecting or in the TLS handshake
 * (tls: the URL is https), and for any failure (a connect timeout, an
 * interrupt) before the connection and its handshake completed. Only
 * meaningful when the transfer could not reuse a connection
 * (CURLOPT_FRESH_CONNECT). 0 for CURLE_OK and whenever in doubt.
 */
int sd_curl_unsent(CURL *h, CURLcode cc, int tls);

/* Check key and base before any call (SEEDANCE_E_CONFIG). */
int sd_http_ready(seedance_client *c, int base);

/* upload.c ---------------------------------------------------------- */

/*
 * Upload a local medium through the Files API stream upload, from its
 * file (read as it is sent) or its bytes in memory, as file name name;
 * SEEDANCE_EV_UPLOAD events tell the bytes sent. *file_url and *file_id
 * (NULL when the reply has none) allocated. A refusal (the type, the
 * quota) is SEEDANCE_E_UPLOAD with a message naming field, file, the
 * reason and what to do.
 */
int sd_upload_media(seedance_client *c, const sd_local *l, const char *field,
                    const char *name, char **file_url, char **file_id);

/* DELETE a file of the Files API, freeing its slot of the quota. */
int sd_upload_delete(seedance_client *c, const char *file_id);

/* uploads.c --------------------------------------------------------- */

/*
 * Remember the uploads of task_id (in the cache, and in the client) until
 * sd_uploads_release() sees the task end; delete uploads no task reads;
 * at the end of a task, delete what it had (every record of it, also a
 * record an earlier process made); forget the client's list.
 */
int sd_uploads_record(seedance_client *c, const char *task_id, char *const *ids, int n);
void sd_uploads_delete(seedance_client *c, char *const *ids, int n);
void sd_uploads_release(seedance_client *c, const char *task_id);
void sd_uploads_free(seedance_client *c);

/* journal.c --------------------------------------------------------- */

/*
 * The states of a request in the journal:
 *   SUBMITTING  written just before the submit is sent; found by a later
 *               run, the process ended before the reply: uncertain too
 *   SUBMITTED   the task id is known
 *   UNCERTAIN   the submit may have created a task whose id never arrived
 */
enum { SD_JOURNAL_SUBMITTING = 1, SD_JOURNAL_SUBMITTED, SD_JOURNAL_UNCERTAIN };

/* What an entry records of its submit for the ledger (ledger.c). */
typedef struct sd_journal_record {
    char host[256];            /* the machine that sent it */
    char user[64];             /* its user there */
    char role[64];             /* the database role that wrote it (read back only) */
    char model[64];
    int duration;              /* seconds of output, -1 unknown */
    char quality[16];          /* "" unknown */
    double estimate;           /* estimated credits, -1 unknown */
    double credits;            /* the reply's usage.credits_reserved, -1 unknown */
    char final_state[16];      /* "" until the task ended: completed, failed, ... */
    int64_t ended;             /* unix time the end was recorded, 0 none */
} sd_journal_record;

/* A state's name ("submitting", ...), NULL for none; the state of an entry
 * of that name and task id: a task id makes it SUBMITTED, else UNCERTAIN
 * by its name, else SUBMITTING (never taken for a finished submit). */
const char *sd_journal_state_name(int state);
int sd_journal_state_of(const char *name, const char *task_id);

typedef struct sd_journal_entry {
    char hash[65];
    char idempotency_key[65];
    char task_id[96];          /* "" unless SUBMITTED */
    int state;                 /* SD_JOURNAL_* */
    int64_t attempted;         /* unix time the submit was sent, 0 unknown */
    char failure[160];         /* UNCERTAIN: what failed ("HTTP 502", ...) */
    sd_journal_record rec;
} sd_journal_entry;

/*
 * The journal is local (files under <cache_dir>/journal, this file) or a
 * PostgreSQL database every machine shares (c->journal, journal_pg.c);
 * these functions serve either.
 */

/* Where the entry of hash is, for a message: its file, or its row. free() it. */
char *sd_journal_path(const seedance_client *c, const char *hash);
/*
 * 1 found, 0 not found, -1 present but unreadable or damaged (a warning is
 * logged): it may have recorded a paid task, so it is never taken for "not
 * found". A shared journal that cannot be reached: -1 too, with
 * SEEDANCE_E_JOURNAL in c->err.
 */
int sd_journal_load(seedance_client *c, const char *hash, sd_journal_entry *e);
/*
 * Make e the entry of its hash (files: written atomically, mode 0600,
 * directories 0700). The entry it replaces, when it names another
 * idempotency key (a new generation), is kept for the ledger; storing
 * again an entry that was replaced so brings it back and drops the attempt
 * that replaced it (a refused submit created nothing).
 */
int sd_journal_store(seedance_client *c, const sd_journal_entry *e, const char *request_json);
/* Drop the entry of hash (a refused first submit created nothing). */
int sd_journal_remove(seedance_client *c, const char *hash);
/*
 * Hold the lock of hash while looking up and submitting: other clients,
 * processes and (shared journal) machines wait for it. A shared journal
 * that cannot be reached: SEEDANCE_E_JOURNAL, nothing may be sent.
 */
int sd_journal_lock(seedance_client *c, const char *hash, int *lock);
void sd_journal_unlock(seedance_client *c, int lock);
/*
 * Task task_id is final (t): its entries record how it ended and what its
 * reply reserved. One that ended without a clip (not billed) is forgotten:
 * the same request submits anew; the ledger keeps it. A shared journal out
 * of reach keeps the outcome and records it when it is back.
 */
void sd_journal_task_ended(seedance_client *c, const char *task_id, const seedance_task *t);
/* Record what could not be written while a shared journal was out of reach, if it is back. */
void sd_journal_flush(seedance_client *c);
/* Every entry whose submit was sent in [from, to), for the ledger: *n of them in *out
 * (allocated, free()). */
int sd_journal_list(seedance_client *c, int64_t from, int64_t to, sd_journal_entry **out,
                    size_t *n);
/* Close what the client's journal holds open (its database connection). */
void sd_journal_close(seedance_client *c);
/* Which journal, for people: "local journal DIR", "journal database DESC". */
void sd_journal_name(seedance_client *c, char *buf, size_t size);

/* journal_pg.c ------------------------------------------------------ */

/* The operations above, in the database of c->journal (a shared journal). */
int sd_journal_pg_load(seedance_client *c, const char *hash, sd_journal_entry *e);
int sd_journal_pg_store(seedance_client *c, const sd_journal_entry *e, const char *request_json);
int sd_journal_pg_remove(seedance_client *c, const char *hash);
int sd_journal_pg_lock(seedance_client *c, const char *hash);
void sd_journal_pg_unlock(seedance_client *c);
void sd_journal_pg_task_ended(seedance_client *c, const char *task_id, const char *final_state,
                              double credits);
void sd_journal_pg_flush(seedance_client *c);
int sd_journal_pg_list(seedance_client *c, int64_t from, int64_t to, sd_journal_entry **out,
                       size_t *n);
void sd_journal_pg_close(seedance_client *c);

/* journal_db.c ------------------------------------------------------ */

/* Is conninfo a connection string libpq takes? SEEDANCE_OK or
 * SEEDANCE_E_CONFIG; the message never holds the string. */
int sd_journal_pg_check(const char *conninfo, seedance_error *err);
/* Does conninfo hold a password? 1 or 0. */
int sd_journal_pg_has_password(const char *conninfo);
/* The database of c->journal for people: never its password. */
const char *sd_journal_pg_name(seedance_client *c);

/* ledger.c ---------------------------------------------------------- */

/* The record of a submit of r about to be sent: host, user, model, duration,
 * quality, the estimate cost (when known); nothing known yet of its reply
 * or its end. */
void sd_journal_record_request(const seedance_request *r, const seedance_cost *cost,
                               sd_journal_record *rec);
/* The record as members of a local entry's JSON object o, and back (missing
 * members: unknown). 0, or -1 when out of memory / a member is damaged. */
int sd_journal_record_to_json(const sd_journal_record *rec, struct cJSON *o);
int sd_journal_record_from_json(const struct cJSON *o, sd_journal_record *rec);
/* An empty record: every number unknown. */
void sd_journal_record_init(sd_journal_record *rec);

/* poll.c: see poll.h */

#endif /* SEEDANCE_API_H */
