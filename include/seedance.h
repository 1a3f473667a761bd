/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libseedance: a client for the Evolink Seedance 2.0 video generation API.
 *
 * One client (seedance_client) holds the configuration: API key, API and
 * Files API bases, cache directory, overall timeout and the caller's
 * callbacks. A request (seedance_request) holds one generation job, set
 * field by field with the API's own field names and validated locally
 * before anything leaves the machine. seedance_open() turns a request into
 * a seekable byte stream of the finished MP4: it submits the job at most
 * once (see seedance_submit()), waits for the task, and streams the result
 * while caching it.
 *
 * Every function that can fail returns SEEDANCE_OK (0) or a positive
 * seedance_code, and leaves the details in seedance_last_error(). Stream
 * reads and seeks return a negative seedance_code on failure.
 *
 * A client is not thread safe: use one client per thread. The API key
 * never appears in any message, log line or file this library writes.
 */
#ifndef SEEDANCE_H
#define SEEDANCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEEDANCE_VERSION_MAJOR 0
#define SEEDANCE_VERSION_MINOR 1
#define SEEDANCE_VERSION_PATCH 0
#define SEEDANCE_VERSION "0.1.0"

#define SEEDANCE_DEFAULT_API_BASE   "https://api.evolink.ai"
#define SEEDANCE_DEFAULT_FILES_BASE "https://files-api.evolink.ai"
/* Where an account's tasks can be seen (named in SEEDANCE_E_UNCERTAIN messages). */
#define SEEDANCE_DASHBOARD_URL      "https://evolink.ai/dashboard"

#define SEEDANCE_MODEL_T2V      "seedance-2.0-fast-text-to-video"
#define SEEDANCE_MODEL_I2V      "seedance-2.0-fast-image-to-video"
#define SEEDANCE_MODEL_T2V_PRO  "seedance-2.0-text-to-video"
#define SEEDANCE_MODEL_I2V_PRO  "seedance-2.0-image-to-video"

typedef enum seedance_code {
    SEEDANCE_OK = 0,
    SEEDANCE_E_INVALID,        /* invalid request or argument; nothing was sent */
    SEEDANCE_E_CONFIG,         /* unusable configuration (no key, refused base URL) */
    SEEDANCE_E_IMAGE,          /* a local image is unreadable or outside the limits */
    SEEDANCE_E_NETWORK,        /* connection failed, retries exhausted */
    SEEDANCE_E_HTTP,           /* an HTTP status with no more specific code */
    SEEDANCE_E_BAD_REQUEST,    /* 400 from the API */
    SEEDANCE_E_AUTH,           /* 401: missing, bad or expired key */
    SEEDANCE_E_QUOTA,          /* 402: quota or balance */
    SEEDANCE_E_FORBIDDEN,      /* 403: no access to the model */
    SEEDANCE_E_NOT_FOUND,      /* 404: unknown task */
    SEEDANCE_E_TOO_LARGE,      /* 413: request body too large */
    SEEDANCE_E_RATE_LIMIT,     /* 429, retries exhausted */
    SEEDANCE_E_SERVER,         /* 5xx, retries exhausted */
    SEEDANCE_E_PROTOCOL,       /* a reply that is not what the API documents */
    SEEDANCE_E_TASK_FAILED,    /* the task ended "failed" */
    SEEDANCE_E_TASK_CANCELLED, /* the task ended "cancelled" */
    SEEDANCE_E_TIMEOUT,        /* the overall deadline passed */
    SEEDANCE_E_INTERRUPTED,    /* the interrupt callback asked to stop */
    SEEDANCE_E_EXPIRED,        /* the result link expired and no cached copy exists */
    SEEDANCE_E_IO,             /* local file or cache error */
    SEEDANCE_E_NOMEM,          /* out of memory */
    SEEDANCE_E_UPLOAD,         /* the Files API refused an upload */
    SEEDANCE_E_UNCERTAIN,      /* a submit may have created a paid task: see seedance_submit() */
    SEEDANCE_E_TASK_EXPIRED,   /* the task ended "expired" before it produced a clip */
    SEEDANCE_E_JOURNAL,        /* the journal's database cannot be reached or used */
    SEEDANCE_E__LAST
} seedance_code;

/* Short constant description of a code ("task failed", ...). */
const char *seedance_strerror(int code);

/* The details of the last failure of a client. */
typedef struct seedance_error {
    int  code;             /* seedance_code */
    int  http_status;      /* HTTP status involved, 0 if none */
    char api_code[64];     /* the API's error.code (or Files API code), "" if none */
    char task_id[96];      /* the task concerned, "" if none */
    char message[1024];    /* one complete human-readable line, no trailing newline */
} seedance_error;

/* Log levels of the log callback (same order as syslog-ish levels). */
enum {
    SEEDANCE_LOG_ERROR   = 0,
    SEEDANCE_LOG_WARNING = 1,
    SEEDANCE_LOG_INFO    = 2,
    SEEDANCE_LOG_DEBUG   = 3
};

/* Progress events. */
typedef enum seedance_event {
    SEEDANCE_EV_SUBMITTED = 0, /* a new task was created (task_id set) */
    SEEDANCE_EV_ATTACHED,      /* an existing task was found (journal or explicit id) */
    SEEDANCE_EV_POLL,          /* a task query returned (status/progress/eta set) */
    SEEDANCE_EV_RETRY,         /* a request is retried after 429/5xx/network error */
    SEEDANCE_EV_COMPLETED,     /* the task completed (result_url set) */
    SEEDANCE_EV_DOWNLOAD,      /* the result download starts (or resumes) */
    SEEDANCE_EV_CACHED,        /* the clip is served from the local cache */
    SEEDANCE_EV_UPLOAD,        /* a local file is being uploaded (file, size, sent set) */
    SEEDANCE_EV_TICK           /* between two queries, about once a second: the
                                  estimate moved with the clock (no request sent) */
} seedance_event;

typedef struct seedance_progress {
    seedance_event event;
    const char *task_id;       /* may be NULL before the submit */
    const char *status;        /* last status seen ("pending", ...), may be NULL */
    int progress;              /* 0..100, -1 unknown */
    int estimated_time;        /* seconds left as the API says, -1 unknown */
    double elapsed;            /* seconds since the wait started */
    double next_poll;          /* seconds until the next query, -1 if none */
    const char *result_url;    /* on SEEDANCE_EV_COMPLETED / _DOWNLOAD */
    int64_t size;              /* on SEEDANCE_EV_DOWNLOAD: total bytes, -1 unknown */
    /*
     * On SEEDANCE_EV_POLL, _TICK and _COMPLETED only: the wait's own
     * estimate, read off a model of the task (what the replies said of its
     * progress and estimated time, and how both moved) and the clock.
     * Between queries it moves smoothly; each reply corrects it.
     *   estimated  percent done, 0..99 while the task runs, 100 once it
     *              completed; never lower than in an earlier event of the
     *              same wait; -1 unknown
     *   remaining  seconds left, -1 unknown (also once the predicted end
     *              has passed and the task still runs)
     * status, progress and estimated_time stay those of the last reply.
     */
    double estimated;
    double remaining;
    /* On SEEDANCE_EV_SUBMITTED and _POLL: the reply's usage.credits_reserved,
     * -1 when it has none. */
    double credits;
    /* On SEEDANCE_EV_UPLOAD: the file (its field and name, "video a.mp4"),
     * and the bytes sent of size so far: 0 when it starts, then as it goes,
     * size once sent. */
    const char *file;
    int64_t sent;
} seedance_progress;

typedef int  (*seedance_interrupt_cb)(void *opaque);  /* non-zero: stop now */
typedef void (*seedance_progress_cb)(void *opaque, const seedance_progress *p);
typedef void (*seedance_log_cb)(void *opaque, int level, const char *msg);

/* ------------------------------------------------------------------ */
/* Client                                                             */

typedef struct seedance_client seedance_client;

/*
 * A new client configured from the environment:
 *   key:   SEEDANCE_API_KEY, else EVOLINK_API_KEY
 *   bases: SEEDANCE_API_BASE (default SEEDANCE_DEFAULT_API_BASE),
 *          SEEDANCE_FILES_BASE (default SEEDANCE_DEFAULT_FILES_BASE)
 *   cache: SEEDANCE_CACHE_DIR, else $XDG_CACHE_HOME/seedance,
 *          else $HOME/.cache/seedance
 *   journal: SEEDANCE_JOURNAL (see seedance_client_set_journal())
 * Returns NULL only when out of memory.
 */
seedance_client *seedance_client_new(void);
void seedance_client_free(seedance_client *c);

/* Setters; a NULL or empty string restores the environment/default value.
 * Bases are checked when set: https://, or http:// for loopback hosts only. */
int seedance_client_set_api_key(seedance_client *c, const char *key);
/*
 * The API key from the first line of a file, blanks around it removed. A
 * file that other users may read gets a warning through the log callback.
 * SEEDANCE_E_CONFIG when the file is unreadable or holds no key.
 */
int seedance_client_set_api_key_file(seedance_client *c, const char *path);
int seedance_client_set_api_base(seedance_client *c, const char *url);
int seedance_client_set_files_base(seedance_client *c, const char *url);
int seedance_client_set_cache_dir(seedance_client *c, const char *dir);
/* 1 (default): use the journal and the clip cache; 0: neither. */
void seedance_client_set_cache(seedance_client *c, int enabled);
/*
 * Where the journal is: NULL or "" restores $SEEDANCE_JOURNAL, and when
 * that is unset too, the local journal in the cache directory. Otherwise a
 * libpq connection string ("postgresql://[USER@]HOST[:PORT]/DBNAME",
 * "service=NAME", "host=... dbname=...") naming the PostgreSQL database
 * that every machine of a team shares: the library keeps its entries in
 * the schema "seedance", which it creates and versions itself. The
 * database is reached when the journal is first needed.
 * SEEDANCE_E_CONFIG when the string does not parse; the message never
 * holds the string (it may hold a password).
 */
int seedance_client_set_journal(seedance_client *c, const char *conninfo);
/* Overall deadline of a wait (and of one task query's retries) in seconds;
 * <= 0 means the default (3600 s). */
void seedance_client_set_timeout(seedance_client *c, double seconds);
/*
 * Refuse to submit a request whose estimated cost (seedance_request_cost())
 * is above max credits, or unknown: SEEDANCE_E_INVALID, nothing sent. A
 * request the journal knows costs nothing and is not refused. < 0 (the
 * default): no limit.
 */
void seedance_client_set_max_credits(seedance_client *c, double max);
void seedance_client_set_interrupt(seedance_client *c, seedance_interrupt_cb cb, void *opaque);
void seedance_client_set_progress(seedance_client *c, seedance_progress_cb cb, void *opaque);
void seedance_client_set_log(seedance_client *c, seedance_log_cb cb, void *opaque);

const char *seedance_client_api_base(const seedance_client *c);
const char *seedance_client_cache_dir(const seedance_client *c);
const seedance_error *seedance_last_error(const seedance_client *c);

/* ------------------------------------------------------------------ */
/* Request                                                            */

typedef struct seedance_request seedance_request;

seedance_request *seedance_request_new(void);
void seedance_request_free(seedance_request *r);

/*
 * Set one field by its name, from text (as it comes from a URL query or a
 * command line): any option of SEEDANCE_OPTION_LIST flagged
 * SEEDANCE_OPT_REQUEST, by NAME, FFNAME or an alias (see
 * seedance_option_find()). Booleans take 1/0, true/false, yes/no, on/off;
 * choices any case; an empty value restores the default.
 * Fails with SEEDANCE_E_INVALID for an unknown field or a value that does
 * not parse; the message (in err if not NULL) names field, value and what
 * is allowed. Ranges, choices and the rules of the model are checked by
 * seedance_request_validate().
 */
int seedance_request_set(seedance_request *r, const char *field, const char *value,
                         seedance_error *err);

/*
 * The value of a field as the request will send it: as set (normalised:
 * booleans "1"/"0", choices in their listed case), else the project's
 * default (the DEFAULT column), else NULL. *given (may be NULL) is set to
 * 1 when the value was set.
 */
const char *seedance_request_get(const seedance_request *r, int option_id, int *given);

/* Field names accepted by seedance_request_set(), NULL-terminated. */
const char *const *seedance_request_fields(void);

/*
 * Check every documented constraint: each field's range or choices, the
 * rules of the model (its qualities, its fields, its inputs), the
 * reference tags of the prompt (@image1, @video2, ... must name an input
 * given), and local media: images (readable, JPEG/PNG/WebP by content,
 * 300..6000 px, ratio 0.4..2.5, <= 30 MB), videos and sounds by the rules
 * of seedance_media_rules_get() (formats by content; durations, frame
 * rates and sizes read by c's media probe, which local video and audio
 * need), the total body <= 64 MB, no inline data in reference mode. No
 * network access but what the probe does. Warnings (an unknown model name)
 * go to the client's log callback when c is not NULL.
 */
int seedance_request_validate(const seedance_request *r, seedance_client *c,
                              seedance_error *err);

/*
 * The model the request will use: model when given, else the model of
 * tier (default fast) and mode (default: image when images are given,
 * else text). The nine models are seedance-2.0-[fast-|mini-]MODE-to-video
 * with MODE text, image or reference (no prefix: the standard tier).
 */
const char *seedance_request_model(const seedance_request *r);

/*
 * The request body as it would be sent (local files still named by their
 * paths, not yet uploaded), canonical JSON: every field the model takes,
 * with the project's default where none was given. Caller frees with
 * free(). NULL when invalid (the durations of local clips are not read
 * here: seedance_request_validate() does that with a media probe).
 */
char *seedance_request_to_json(const seedance_request *r);

/*
 * A local image given as bytes in memory (for example a frame encoded by the
 * caller) for field "image" or "last_image": JPEG, PNG or WebP, mime
 * "image/jpeg", "image/png" or "image/webp". The bytes are copied. It is
 * checked, identified in the journal and sent like a local file of the same
 * content (uploaded or inlined as image_mode says).
 */
int seedance_request_set_image_data(seedance_request *r, const char *field,
                                    const void *data, size_t size, const char *mime,
                                    seedance_error *err);

/* ------------------------------------------------------------------ */
/* The API's rules, for front ends that prepare input or announce output */

/*
 * The frame size of a clip, from the API's table of sizes: quality
 * "480p", "720p", "1080p" or "4k" (NULL or "": the default, 720p) and
 * aspect_ratio "16:9", "9:16", "1:1", "4:3", "3:4" or "21:9" (NULL or "":
 * the default, 16:9). Returns 1 and sets *width and *height; 0 for
 * "adaptive" (the model chooses: the size is known only once the clip
 * exists); -1 for a quality or an aspect ratio the API does not allow.
 * Whether the model takes the quality is seedance_request_validate()'s
 * business. The pointers are left alone unless 1 is returned.
 */
int seedance_frame_size(const char *quality, const char *aspect_ratio, int *width, int *height);

/* seedance_frame_size() of the request's quality and aspect_ratio; -1 for a NULL request. */
int seedance_request_frame_size(const seedance_request *r, int *width, int *height);

/*
 * Whether the request's clip will have an audio track: generate_audio as
 * set, else the API's default (1). 0 or 1; 1 for a NULL request.
 */
int seedance_request_generate_audio(const seedance_request *r);

/* The API's rules for an image (fields image and last_image). */
typedef struct seedance_image_rules {
    const char *const *mime_types; /* allowed formats, NULL-terminated: "image/jpeg", ... */
    size_t max_bytes;              /* size of one image */
    int min_side, max_side;        /* width and height, pixels */
    double min_ratio, max_ratio;   /* width / height */
} seedance_image_rules;

/*
 * The rules seedance_request_validate() and
 * seedance_request_set_image_data() check an image against: JPEG, PNG or
 * WebP, at most 30 MB, 300..6000 px per side, width/height 0.4..2.5.
 */
const seedance_image_rules *seedance_image_rules_get(void);

/* The API's rules for the references of reference-to-video. */
typedef struct seedance_media_rules {
    const char *field;             /* "image", "video" or "audio" */
    const char *formats;           /* for messages: "jpeg, png, webp" */
    int max_count;                 /* per request */
    size_t max_bytes;              /* per file */
    double min_duration, max_duration; /* per clip, seconds (0: no rule) */
    double max_total;              /* all clips of the field together (0: no rule) */
    double min_fps, max_fps;       /* (0: no rule) */
    long min_pixels, max_pixels;   /* width x height (0: no rule) */
    int min_side, max_side;        /* pixels (0: no rule) */
    double min_ratio, max_ratio;   /* width / height (0: no rule) */
} seedance_media_rules;

/* The rules of field "image", "video" or "audio"; NULL for another. */
const seedance_media_rules *seedance_media_rules_get(const char *field);

/* What a media probe reads of a local file (or an URL it can open). */
typedef struct seedance_media_info {
    double duration;               /* seconds, < 0 unknown */
    double fps;                    /* of the first video stream, < 0 none */
    int width, height;             /* of the first video stream, 0 none */
    int has_video, has_audio;
} seedance_media_info;

/*
 * A media probe: fill *info for path (a local file, or an http(s) URL when
 * the probe can read one) and return 0, or -1 when it cannot be read. The
 * library has no demuxer of its own: a front end supplies one (the FFmpeg
 * components with their libavformat, the seedance command with the
 * system's).
 */
typedef int (*seedance_probe_cb)(void *opaque, const char *path, seedance_media_info *info);
void seedance_client_set_probe(seedance_client *c, seedance_probe_cb cb, void *opaque);

/* ------------------------------------------------------------------ */
/* Cost                                                               */

/* The date of the published rates seedance_request_cost() uses. */
#define SEEDANCE_RATES_DATE "2026-07"
/* What one web search the model makes costs, in credits (on top of the estimate). */
#define SEEDANCE_WEB_SEARCH_CREDITS 0.04

/*
 * An estimate of what a request will cost, from the published per-second
 * rates (SEEDANCE_RATES_DATE) and the billing rules: output seconds times
 * the rate of the tier and quality; with video input, (max(input video
 * seconds, output seconds) + output seconds) times the lower "with video"
 * rate; times 1.1 with content_filter off. Prices change: the task's
 * usage (seedance_task_credits_reserved()) is what was charged.
 */
typedef struct seedance_cost {
    int known;              /* 1: a published rate covers the request */
    double credits;         /* the estimate (known only) */
    double usd;
    double rate_credits;    /* per billed second (known only) */
    double rate_usd;
    int output_seconds;     /* the clip's */
    double input_seconds;   /* billed seconds of video input: max(the references' total,
                               output_seconds); 0 without video input */
    double factor;          /* 1.1 with content_filter off, else 1 */
    int web_search;         /* 1: plus SEEDANCE_WEB_SEARCH_CREDITS per search made */
    char model[64];         /* the model priced */
    char why[160];          /* not known: what has no published price */
} seedance_cost;

/*
 * Estimate the cost of a valid request (no network access). SEEDANCE_OK
 * with *cost filled, cost->known 0 when no rate is published for it (the
 * mini tier, 1080p, 4k, an unknown model: cost->why says which) or the
 * length of a video reference is unknown (an https URL the probe could not
 * read); or the failure of seedance_request_validate(). Local video
 * references are measured by c's media probe (seedance_client_set_probe());
 * c may be NULL for a request without video.
 */
int seedance_request_cost(const seedance_request *r, seedance_client *c, seedance_cost *cost,
                          seedance_error *err);

/*
 * May a request of this cost be submitted under the client's max_credits
 * (seedance_client_set_max_credits())? SEEDANCE_OK, or SEEDANCE_E_INVALID
 * with the reason in seedance_last_error(c): the estimate is above the
 * limit, or unknown while a limit is set. seedance_submit() asks this
 * before any upload or submit.
 */
int seedance_cost_allowed(seedance_client *c, const seedance_cost *cost);

/*
 * The estimate in one line for people, into buf: "54.675 credits
 * ($0.8040): 5 s at 10.935 credits/s (MODEL rates of DATE)", or "unknown
 * (no published price for ...)".
 */
void seedance_cost_describe(const seedance_cost *cost, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Tasks                                                              */

typedef struct seedance_task seedance_task;

void seedance_task_free(seedance_task *t);
const char *seedance_task_id(const seedance_task *t);
const char *seedance_task_status(const seedance_task *t);   /* "pending", ... */
const char *seedance_task_model(const seedance_task *t);
int seedance_task_progress(const seedance_task *t);         /* 0..100, -1 unknown */
int seedance_task_estimated_time(const seedance_task *t);   /* seconds, -1 unknown */
/*
 * Statuses are compared trimmed and in any case. Final: completed,
 * succeeded, success (the clip is ready), failed, cancelled, canceled,
 * expired. Anything else, an empty or unknown status included, is still
 * running.
 */
int seedance_task_is_final(const seedance_task *t);
const char *seedance_task_result_url(const seedance_task *t); /* NULL unless it succeeded */
const char *seedance_task_error_code(const seedance_task *t);    /* NULL unless failed */
const char *seedance_task_error_message(const seedance_task *t); /* NULL unless failed */
const char *seedance_task_json(const seedance_task *t);      /* the raw reply */
/* usage.credits_reserved of the reply (what the task costs), -1 when absent. */
double seedance_task_credits_reserved(const seedance_task *t);

/* Flags of seedance_submit() / seedance_open(). */
#define SEEDANCE_NEW 0x1   /* ignore the journal: pay for a new generation */

/*
 * Validate, upload local images, and submit at most once: the submit is
 * paid and the API does not promise it is idempotent.
 *
 * When the journal already knows this request (same canonical JSON, local
 * images by content, same API base), the known task id is returned and
 * nothing is sent, unless flags has SEEDANCE_NEW. *task_id is allocated,
 * free() it. *attached (may be NULL) is set to 1 when an existing task was
 * reused.
 *
 * The submit is retried automatically only when it provably created
 * nothing: the request never reached the server (name resolution failed,
 * connection refused, TLS handshake failed, the connection could not be
 * made in time) or the server refused it with 429 (Retry-After honoured).
 * Other 4xx replies are final (nothing was created: a rerun submits). An
 * Idempotency-Key is sent but never relied on.
 *
 * Any other failure once the request may have reached the server (no reply
 * in time, a connection reset or closed before the reply, 5xx, a reply
 * that is not JSON, a 2xx reply without a usable task id, an interrupt
 * after sending) is SEEDANCE_E_UNCERTAIN: the request may have created a
 * paid task whose id never arrived. The message says when the submit was
 * sent (local time), what failed, where to look (SEEDANCE_DASHBOARD_URL)
 * and how to submit again on purpose. The journal records it: submitting
 * the same request again fails the same way, sending nothing, until flags
 * has SEEDANCE_NEW. A process that ended between writing the journal and
 * receiving the task id leaves the same state. Without the cache
 * (seedance_client_set_cache(c, 0)) nothing is recorded.
 *
 * With a shared journal (seedance_client_set_journal()) all of this holds
 * across machines: a client on another machine submitting the same request
 * waits for this one's task id and attaches to it. A database that cannot
 * be reached before the submit fails it with SEEDANCE_E_JOURNAL, nothing
 * sent; one lost after the submit was recorded does not fail it.
 *
 * Status reads, uploads and result downloads are free: they are retried.
 */
int seedance_submit(seedance_client *c, const seedance_request *r, int flags,
                    char **task_id, int *attached);

/* One query of a task: 429, 5xx, network errors and unusable replies are
 * retried a few times, within the client's timeout. */
int seedance_get_task(seedance_client *c, const char *task_id, seedance_task **out);

/*
 * Poll the task until it is final, the deadline passes or the interrupt
 * callback fires. Returns SEEDANCE_OK only when it succeeded (completed,
 * succeeded, success: *out is set then, and also on SEEDANCE_E_TASK_FAILED
 * / _CANCELLED when out != NULL); a task that failed, was cancelled or
 * expired ends the wait at once with SEEDANCE_E_TASK_FAILED, _CANCELLED or
 * _EXPIRED and the API's error code and message.
 */
int seedance_wait(seedance_client *c, const char *task_id, seedance_task **out);

/* GET /v1/credits; *json is the raw reply body, free() it. */
int seedance_credits(seedance_client *c, char **json);

/*
 * The Files API, where local references are uploaded (the account holds a
 * limited number of files; uploads expire after 72 hours, and libseedance
 * deletes its own once their task has ended): a page (from 1, 100 files
 * each) of the list of files, and the quota; *json is the reply, free()
 * it. Deleting a file frees its slot of the quota.
 */
int seedance_files_list(seedance_client *c, int page, char **json);
int seedance_files_quota(seedance_client *c, char **json);
int seedance_file_delete(seedance_client *c, const char *file_id);

/* ------------------------------------------------------------------ */
/* Ledger                                                             */

/*
 * What the journal (local, or the database every machine shares) recorded
 * of one submit: who sent it, when, what, what it was estimated to cost,
 * what its reply reserved, and how it ended.
 *
 * state:
 *   "completed"   the clip was made: paid
 *   "running"     the task id is known, no end was recorded yet: its
 *                 credits are reserved
 *   "failed", "cancelled", "expired"
 *                 ended without a clip: refunded, not counted as paid
 *   "uncertain"   the submit may have created a paid task whose id never
 *                 arrived (see seedance_submit())
 *   "submitting"  being sent, or its sender stopped before the reply came
 *                 (uncertain then)
 */
typedef struct seedance_ledger_entry {
    int64_t time;           /* when the submit was sent, unix seconds */
    int64_t ended;          /* when its end was recorded, 0 not yet */
    char host[256];         /* the machine that sent it */
    char user[64];          /* its user on that machine */
    char role[64];          /* the database role that recorded it ("" in a local journal) */
    char task_id[96];       /* "" unless the reply named it */
    char model[64];
    int duration;           /* seconds of output, -1 unknown */
    char quality[16];       /* "" unknown */
    double estimate;        /* estimated credits, -1 unknown (no published price) */
    double credits;         /* the reply's usage.credits_reserved, -1 unknown */
    char state[16];
} seedance_ledger_entry;

typedef struct seedance_ledger {
    char journal[512];      /* which: "local journal DIR" or "journal database DESCRIPTION"
                               (never a password) */
    seedance_ledger_entry *entries;  /* by time of submit, oldest first */
    size_t count;
    /* Totals. Paid: "completed" and "running". */
    int paid;
    double credits;         /* reserved credits of the paid entries that have them */
    int unpriced;           /* paid entries whose reply reserved no credits */
    double estimate;        /* estimated credits of the paid entries with an estimate */
    int refunded;           /* "failed", "cancelled", "expired" */
    int uncertain;          /* "uncertain" and "submitting": may have been paid */
    double uncertain_estimate;  /* their estimated credits, where known */
} seedance_ledger;

/*
 * The submits the client's journal recorded from time from (included) to
 * time to (excluded), unix seconds, with totals. Nothing is sent to the
 * API. The local journal holds the submits of its cache directory; a
 * shared one those of every machine. *out: free with seedance_ledger_free().
 */
int seedance_ledger_read(seedance_client *c, int64_t from, int64_t to, seedance_ledger **out);
void seedance_ledger_free(seedance_ledger *l);

/* ------------------------------------------------------------------ */
/* Result stream                                                      */

/*
 * A stream keeps a pointer to its client: the client must outlive it, and
 * the details of a failed read or seek are in seedance_last_error(client).
 * The client's interrupt callback is honoured while a read waits for data.
 */
typedef struct seedance_stream seedance_stream;

/*
 * submit (or reuse) + wait + open the result. The cached clip is used when
 * present, so a second open of the same request sends no request at all.
 */
int seedance_open(seedance_client *c, const seedance_request *r, int flags,
                  seedance_stream **out);

/* wait for an existing task + open its result (cached clip if present). */
int seedance_open_task(seedance_client *c, const char *task_id, seedance_stream **out);

/*
 * Read up to size bytes; blocks until at least one byte is available.
 * Returns the number of bytes, 0 at the end of the clip, or a negative
 * seedance_code.
 */
int64_t seedance_stream_read(seedance_stream *s, void *buf, size_t size);

/* whence: SEEK_SET, SEEK_CUR or SEEK_END. New position or a negative code. */
int64_t seedance_stream_seek(seedance_stream *s, int64_t offset, int whence);

/* Total size in bytes, -1 while unknown. */
int64_t seedance_stream_size(seedance_stream *s);

/*
 * 1 when any position can be reached: from the cached file, with an HTTP
 * Range request, or by waiting for the download to get there (servers
 * without Range). 0 only when the download failed and the server does not
 * accept Range.
 */
int seedance_stream_seekable(seedance_stream *s);

const char *seedance_stream_task_id(const seedance_stream *s);
/* The cache file the clip is (being) written to, NULL without cache. */
const char *seedance_stream_cache_path(const seedance_stream *s);

/*
 * Read the whole stream into a file (atomically: temporary name, then
 * rename). Used by "seedance download" and "seedance generate -o".
 */
int seedance_stream_save(seedance_stream *s, const char *path);

void seedance_stream_close(seedance_stream *s);

/* ------------------------------------------------------------------ */
/* Options: one grammar for every front end                           */

/*
 * Every setting a front end takes by name, request fields and client
 * settings alike: the seedance command's --options, the protocol's URL keys
 * and AVOptions, the filters' options. One row per setting drives parsing,
 * validation and the request body:
 * X(ID, NAME, FFNAME, FLAGS, HELP, JSON, ALLOWED, DEFAULT)
 *   NAME    the API field name or the setting's name: URL key, filter
 *           option, command-line --NAME (dashes and underscores alike)
 *   FFNAME  the protocol's AVOption name (prefixed where ffmpeg already has
 *           an option called NAME); also accepted as NAME
 *   FLAGS   SEEDANCE_OPT_*: where it may come from, and its kind
 *   HELP    one line: meaning, allowed values, default
 *   JSON    where a request field goes in the body ("a.b": b inside the
 *           object a; "a[]": appended to the array a); "" for none
 *   ALLOWED "LO..HI" (SEEDANCE_OPT_INT), "A|B|C" (SEEDANCE_OPT_CHOICE), or ""
 *   DEFAULT the project's value when none is given, as text, or "": a
 *           request states every field its model takes, defaults included,
 *           so that the service's own defaults never decide a clip
 * Front ends that only need the first columns define X(id, name, ffname,
 * flags, help, ...).
 */
#define SEEDANCE_OPT_REQUEST   0x001 /* a field of the request */
#define SEEDANCE_OPT_URL       0x002 /* may come from a URL or a filter graph */
#define SEEDANCE_OPT_BOOL      0x004 /* boolean: 1/0, true/false, yes/no, on/off */
#define SEEDANCE_OPT_SECRET    0x008 /* the API key: never from a URL or a command line */
#define SEEDANCE_OPT_ENV       0x010 /* also read from SEEDANCE_<NAME> by seedance_job_set_env() */
#define SEEDANCE_OPT_INT       0x020 /* a whole number in ALLOWED */
#define SEEDANCE_OPT_CHOICE    0x040 /* one of ALLOWED, any case */
#define SEEDANCE_OPT_MEDIA     0x080 /* a list of local files, http(s) URLs or data: URIs, '|'
                                        between two ("\|" for a '|' in one); a key given again in
                                        a URL or on a command line adds to the list */
#define SEEDANCE_OPT_NUMBER    0x100 /* a decimal number */
#define SEEDANCE_OPT_PER_MODEL 0x200 /* taken only by the models that list it */

/* Request fields that a URL, a filter graph or a command line may set. */
#define SEEDANCE_OPT_FIELD (SEEDANCE_OPT_REQUEST | SEEDANCE_OPT_URL)

#define SEEDANCE_OPTION_LIST(X) \
    X(PROMPT,         "prompt",         "prompt",             SEEDANCE_OPT_FIELD, \
      "text prompt (required)", "prompt", "", "") \
    X(TIER,           "tier",           "tier",               SEEDANCE_OPT_FIELD | SEEDANCE_OPT_CHOICE, \
      "model tier: standard, fast or mini (default fast)", "", "standard|fast|mini", "fast") \
    X(MODE,           "mode",           "mode",               SEEDANCE_OPT_FIELD | SEEDANCE_OPT_CHOICE, \
      "text, image or reference(-to-video) (default: image when images are given, else text)", \
      "", "text|image|reference", "") \
    X(MODEL,          "model",          "model",              SEEDANCE_OPT_FIELD, \
      "model id, overriding tier and mode (default: the model of tier and mode)", "", "", "") \
    X(DURATION,       "duration",       "video_duration",     SEEDANCE_OPT_FIELD | SEEDANCE_OPT_INT, \
      "clip length in whole seconds, 4..15 (default 5)", "duration", "4..15", "5") \
    X(QUALITY,        "quality",        "video_quality",      SEEDANCE_OPT_FIELD | SEEDANCE_OPT_CHOICE, \
      "resolution: 480p or 720p, on the standard tier also 1080p or 4k (default 720p)", \
      "quality", "480p|720p|1080p|4k", "720p") \
    X(ASPECT_RATIO,   "aspect_ratio",   "aspect_ratio",       SEEDANCE_OPT_FIELD | SEEDANCE_OPT_CHOICE, \
      "16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive: the model chooses from the image or " \
      "the prompt (default 16:9)", "aspect_ratio", "16:9|9:16|1:1|4:3|3:4|21:9|adaptive", "16:9") \
    X(GENERATE_AUDIO, "generate_audio", "generate_audio",     SEEDANCE_OPT_FIELD | SEEDANCE_OPT_BOOL, \
      "generate an audio track (default 1)", "generate_audio", "", "1") \
    X(CONTENT_FILTER, "content_filter", "content_filter",     SEEDANCE_OPT_FIELD | SEEDANCE_OPT_BOOL, \
      "standard content filter; 0 costs 10% more (default 1)", "content_filter", "", "1") \
    X(WEB_SEARCH,     "web_search",     "web_search",         SEEDANCE_OPT_FIELD | SEEDANCE_OPT_BOOL | \
                                                              SEEDANCE_OPT_PER_MODEL, \
      "let the model search the web, standard and fast text-to-video only, billed per search " \
      "(default 0)", "model_params.web_search", "", "0") \
    X(CALLBACK_URL,   "callback_url",   "callback_url",       SEEDANCE_OPT_FIELD, \
      "https URL told when the task ends (public host, at most 2048 characters)", \
      "callback_url", "", "") \
    X(IMAGE,          "image",          "image",              SEEDANCE_OPT_FIELD | SEEDANCE_OPT_MEDIA, \
      "images (|-separated): the first frame (and a second, the last) of image-to-video, up to " \
      "9 references of reference-to-video; local file, http(s) URL or data: URI", \
      "image_urls[]", "", "") \
    X(LAST_IMAGE,     "last_image",     "last_image",         SEEDANCE_OPT_FIELD | SEEDANCE_OPT_MEDIA, \
      "last frame (needs image): local file, http(s) URL or data: URI", "image_urls[]", "", "") \
    X(VIDEO,          "video",          "video",              SEEDANCE_OPT_FIELD | SEEDANCE_OPT_MEDIA, \
      "reference clips, up to 3 (|-separated): mp4 or mov, 2..15 s, 24..60 fps; local files " \
      "or https URLs; makes the mode reference", "video_urls[]", "", "") \
    X(AUDIO,          "audio",          "audio",              SEEDANCE_OPT_FIELD | SEEDANCE_OPT_MEDIA, \
      "reference sounds, up to 3 (|-separated): wav or mp3, 2..15 s; local files or https URLs; " \
      "needs an image or a video", "audio_urls[]", "", "") \
    X(IMAGE_MODE,     "image_mode",     "image_mode",         SEEDANCE_OPT_FIELD | SEEDANCE_OPT_CHOICE | \
                                                              SEEDANCE_OPT_ENV, \
      "how local images reach the API: upload (Files API) or inline (default upload)", \
      "", "upload|inline", "upload") \
    X(TASK,           "task",           "task",               SEEDANCE_OPT_URL, \
      "attach to this task id instead of submitting (pays nothing)", "", "", "") \
    X(NEW_GENERATION, "new_generation", "new_generation",     SEEDANCE_OPT_URL | SEEDANCE_OPT_BOOL, \
      "pay for a new generation even when this request was made before (default 0)", "", "", "0") \
    X(MAX_CREDITS,    "max_credits",    "max_credits",        SEEDANCE_OPT_URL | SEEDANCE_OPT_NUMBER | \
                                                              SEEDANCE_OPT_ENV, \
      "refuse to submit a request whose estimated cost is above this many credits, or unknown " \
      "(default: no limit)", "", "", "") \
    X(CACHE,          "cache",          "cache",              SEEDANCE_OPT_URL | SEEDANCE_OPT_BOOL | \
                                                              SEEDANCE_OPT_ENV, \
      "use the journal and the clip cache (default 1)", "", "", "1") \
    X(TIMEOUT,        "timeout",        "seedance_timeout",   SEEDANCE_OPT_URL | SEEDANCE_OPT_NUMBER | \
                                                              SEEDANCE_OPT_ENV, \
      "give up waiting for the task after this many seconds (default 3600)", "", "", "3600") \
    X(CACHE_DIR,      "cache_dir",      "seedance_cache_dir", SEEDANCE_OPT_URL, \
      "journal and clip cache directory (default $SEEDANCE_CACHE_DIR, " \
      "$XDG_CACHE_HOME/seedance or ~/.cache/seedance)", "", "", "") \
    X(JOURNAL,        "journal",        "seedance_journal",   SEEDANCE_OPT_URL, \
      "the journal in a PostgreSQL database every machine shares: a libpq connection string, " \
      "postgresql://[USER@]HOST[:PORT]/DBNAME or service=NAME; a password only from " \
      "$SEEDANCE_JOURNAL, ~/.pgpass or a service file (default $SEEDANCE_JOURNAL, else the " \
      "local journal in cache_dir)", "", "", "") \
    X(API_BASE,       "api_base",       "api_base",           0, \
      "API base URL (default $SEEDANCE_API_BASE or " SEEDANCE_DEFAULT_API_BASE ")", "", "", "") \
    X(FILES_BASE,     "files_base",     "files_base",         0, \
      "Files API base URL (default $SEEDANCE_FILES_BASE or " SEEDANCE_DEFAULT_FILES_BASE ")", \
      "", "", "") \
    X(API_KEY_FILE,   "api_key_file",   "api_key_file",       SEEDANCE_OPT_ENV, \
      "read the API key from the first line of this file (default $SEEDANCE_API_KEY_FILE)", \
      "", "", "") \
    X(API_KEY,        "api_key",        "api_key",            SEEDANCE_OPT_SECRET, \
      "API key, for programs (prefer $SEEDANCE_API_KEY or api_key_file)", "", "", "")

typedef enum seedance_option_id {
#define SEEDANCE_X_ID(id, ...) SEEDANCE_OPTION_##id,
    SEEDANCE_OPTION_LIST(SEEDANCE_X_ID)
#undef SEEDANCE_X_ID
    SEEDANCE_OPTION__COUNT
} seedance_option_id;

typedef struct seedance_option {
    int id;                /* seedance_option_id */
    const char *name;
    const char *ffname;
    int flags;
    const char *help;
    const char *json;      /* "" when not in the request body */
    const char *allowed;   /* "" when any value of its kind */
    const char *dflt;      /* "" when none */
} seedance_option;

/* The options in the order of SEEDANCE_OPTION_LIST; the last has name NULL. */
const seedance_option *seedance_options(void);

/*
 * The option of a name: NAME or FFNAME, any case, '-' for '_', and the
 * aliases (resolution, first_image, first_frame, last_frame, new,
 * model_params.*). NULL when unknown.
 */
const seedance_option *seedance_option_find(const char *name);

/*
 * A job: what one front end opens. A client (configured from the
 * environment), a request, and how to open it (a task to attach to, a new
 * generation). Failures are in seedance_last_error(seedance_job_client(j)).
 */
typedef struct seedance_job seedance_job;

seedance_job *seedance_job_new(void);
void seedance_job_free(seedance_job *j);
seedance_client *seedance_job_client(seedance_job *j);
seedance_request *seedance_job_request(seedance_job *j);

/* Where a value comes from: URLs and graphs may not name where the key goes. */
enum {
    SEEDANCE_FROM_PROGRAM = 0,   /* an API call (an AVOption set by a program) */
    SEEDANCE_FROM_COMMAND_LINE,  /* visible in the process list: no key */
    SEEDANCE_FROM_URL            /* a URL query or a filter graph: SEEDANCE_OPT_URL only */
};

/*
 * Set one option from text. One grammar everywhere: booleans 1/0,
 * true/false, yes/no, on/off in any case; numbers in C notation; an empty
 * value restores the default. SEEDANCE_E_INVALID (nothing set) for an
 * unknown name, a value that does not parse, or a name that origin may not
 * set; SEEDANCE_E_CONFIG for an unusable base URL or key file. The message
 * names the option, the value (never a key) and what is allowed.
 */
int seedance_job_set(seedance_job *j, const char *name, const char *value, int origin);

/*
 * seedance_job_set(), except that a media option (image, video, audio)
 * gets value added to its list instead of replacing it: how a key given
 * again in a URL (video=a.mp4&video=b.mp4) or on a command line is read.
 */
int seedance_job_add(seedance_job *j, const char *name, const char *value, int origin);

/* The options flagged SEEDANCE_OPT_ENV from SEEDANCE_<NAME> (upper case) when set. */
int seedance_job_set_env(seedance_job *j);

/*
 * Parse a seedance: URL (the scheme may be omitted, "//" after it is
 * tolerated):
 *   seedance:?KEY=VALUE[&KEY=VALUE...]  options, values percent-decoded; a
 *                                       media key given again adds to its list
 *   seedance:task-unified-...           attach to that task
 *   seedance:PROMPT TEXT                text-to-video with the defaults
 * Keys are set with SEEDANCE_FROM_URL. '+' stays a plus sign.
 */
int seedance_job_parse_url(seedance_job *j, const char *url);

/* The task to attach to, NULL when the job submits its request. */
const char *seedance_job_task(const seedance_job *j);
/* SEEDANCE_NEW when new_generation is set, else 0. */
int seedance_job_flags(const seedance_job *j);

/* seedance_open_task() of the task, else seedance_open() of the request. */
int seedance_job_open(seedance_job *j, seedance_stream **out);

/*
 * Submit the job's request now, ahead of its open, so that a later
 * seedance_job_open() of a job with the same settings (in this process or
 * another, through the journal) attaches to the task instead of paying
 * again: seedance_submit() with the job's client and request, the same
 * once-only rules, *task_id allocated (free() it), *attached (may be NULL)
 * set when the journal already knew the request.
 *
 * A job the later open would not find this way is not submitted:
 * SEEDANCE_E_INVALID, nothing sent, when it attaches to a task, has the
 * cache off (no journal) or asks for a new generation. An incomplete or
 * invalid request fails validation the same way (SEEDANCE_E_INVALID or
 * SEEDANCE_E_IMAGE, nothing sent). Either way the job is left to its open.
 */
int seedance_job_submit_ahead(seedance_job *j, char **task_id, int *attached);

/* Is id usable as a task id (safe in a URL path and a file name)? 1 or 0. */
int seedance_task_id_valid(const char *id);

#ifdef __cplusplus
}
#endif

#endif /* SEEDANCE_H */
