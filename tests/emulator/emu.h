/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * evolink-emu: a local emulator of the Evolink video API (Seedance 2.0).
 *
 * One process, one global state (struct emu, below) guarded by one mutex.
 * The pieces, one file each:
 *   main.c      command line, start, signals, clean stop
 *   server.c    the HTTP server (libmicrohttpd): bodies, auth, routing,
 *               faults, the request log
 *   reply.c     JSON replies and the documented error envelope
 *   admin.c     the /_emu/ endpoints tests use to script and observe
 *   config.c    the settings: defaults, one parser for /_emu/config and
 *               the command line
 *   faults.c    the fault list (status, delay, drop, malformed, task ...)
 *   shape.c     how a task object is spelled (status words, id field,
 *               result link, error), per task or for all new tasks
 *   submit.c    POST /v1/videos/generations: validation, task creation
 *   tasks.c     the task store and life cycle, GET /v1/tasks/{id}
 *   image.c     fetching and decoding image_urls, the documented limits
 *   render.c    real MP4 files (H.264 + AAC) with libavcodec/libavformat
 *   draw.c      the pictures: prompt animation and image motion
 *   download.c  result and uploaded files: GET/HEAD, Range, expiry,
 *               bandwidth, dropped connections
 *   files.c     the Files API upload
 *   callback.c  callback_url delivery in a background thread
 *   util.c      buffers, time, ids, small file helpers
 */
#ifndef EVOLINK_EMU_H
#define EVOLINK_EMU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define EMU_MAX_BODY   (64LL * 1024 * 1024)  /* request body limit */
#define EMU_MAX_IMAGE  (30LL * 1024 * 1024)  /* one image */
#define EMU_IMG_MIN    300                   /* px per side */
#define EMU_IMG_MAX    6000
#define EMU_FPS        24
#define EMU_MAX_HEADERS 8

/* ---- util.c --------------------------------------------------------- */

typedef struct buf {
    char *data;   /* always NUL-terminated when len > 0 */
    size_t len, cap;
} buf;

int  buf_append(buf *b, const void *p, size_t n);   /* 0 or -1 (no memory) */
int  buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(buf *b);

double now_real(void);            /* wall clock, seconds */
double now_mono(void);            /* monotonic clock, seconds */
/* Sleeps up to `s` seconds; returns early (non-zero) when the emulator stops. */
int  emu_sleep(double s);
void random_chars(char *out, size_t n);   /* n chars of [a-z0-9], no NUL */
int  write_file_atomic(const char *path, const void *data, size_t len);
int  read_file(const char *path, size_t max, buf *out);   /* 0, -1, or -2 if > max */
int  mkdir_p(const char *path);
void remove_tree(const char *path);
uint64_t hash64(const void *p, size_t n);   /* FNV-1a */
char *xstrdup(const char *s);
/* Parses json and hands the value to apply (fault_add_json, config_apply);
 * its result, or -1 with a message in err when json does not parse. */
int  json_apply(const char *json, int (*apply)(const cJSON *, char *, size_t),
                char *err, size_t errlen);
/* Only loopback hosts are ever contacted (image fetches, callbacks). */
int  url_is_local(const char *url);
void curl_local_only(void *curl_handle);

/* ---- reply.c -------------------------------------------------------- */

typedef struct reply {
    int status;
    buf body;
    const char *ctype;
    int nh;
    char *hname[EMU_MAX_HEADERS], *hvalue[EMU_MAX_HEADERS];
} reply;

void reply_init(reply *r);
void reply_free(reply *r);
void reply_header(reply *r, const char *name, const char *value);
/* Body = cJSON_PrintUnformatted(obj); takes ownership of obj. */
void reply_json(reply *r, int status, cJSON *obj);
/* The documented envelope {"error":{"code","message","type","param"}};
 * param may be NULL (then omitted). */
void reply_error(reply *r, int status, const char *code, const char *type,
                 const char *param, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The usual code/type for an HTTP status (429 -> rate_limit_exceeded ...). */
void reply_status_error(reply *r, int status);
/* What a CDN answers for a file it does not serve (yet): an XML
 * NoSuchKey body for 404, a small HTML page for other statuses. */
void reply_cdn_error(reply *r, int status);
/* The Files API envelope {"success":false,"code":N,"msg":...}. */
void reply_files_error(reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shape.c -------------------------------------------------------- */

/* Where a completed task's link stands (result_variant). */
enum { VARIANT_STRING = 0, VARIANT_OBJECT, VARIANT_RESULT_DATA, VARIANT_OUTPUT,
       VARIANT_CONTENT, VARIANT_DATA, VARIANT_VIDEO_URL, VARIANT_URL };
enum { ID_FIELD_ID = 0, ID_FIELD_TASK_ID };                  /* id_field */
enum { ERROR_OBJECT = 0, ERROR_INT_CODE, ERROR_STRING };     /* error_shape */
/* The fields of a shape, as bits of task_shape.given and .custom. */
#define SHAPE_SUCCESS  1u
#define SHAPE_RUNNING  2u
#define SHAPE_FINAL    4u
#define SHAPE_ID_FIELD 8u
#define SHAPE_VARIANT  16u
#define SHAPE_ERROR    32u

/* How a task object is spelled. Every field has a default (the documented
 * shape); `custom` marks the status words that replace the default ones. */
typedef struct task_shape {
    char success_status[32];    /* custom & SHAPE_SUCCESS: instead of "completed" */
    char running_status[32];    /* custom & SHAPE_RUNNING: instead of queued/pending/processing */
    char final_status[32];      /* custom & SHAPE_FINAL: instead of "failed"/"cancelled" */
    int id_field, result_variant, error_shape;
    unsigned given;             /* the fields an object named (shape_parse) */
    unsigned custom;
} task_shape;

/* Reads the shape fields of obj (success_status, running_status,
 * final_status, id_field, result_variant, error_shape; null = the default)
 * into s, marking them in s->given. 0, or -1 with a message in err. */
int  shape_parse(const cJSON *obj, task_shape *s, char *err, size_t errlen);
int  shape_is_key(const char *name);
/* Copies the fields src names onto dst. */
void shape_merge(task_shape *dst, const task_shape *src);
/* The status word for internal state st (ST_*). */
const char *shape_status(const task_shape *s, int st);
void shape_add_id(cJSON *o, const task_shape *s, const char *id);
void shape_add_result(cJSON *o, const task_shape *s, const char *url);
void shape_add_error(cJSON *o, const task_shape *s, const char *code, const char *msg);
/* Adds the six fields to o (status words null when they are the default). */
void shape_to_json(cJSON *o, const task_shape *s);

/* ---- config.c: configuration and shared state ------------------------ */

enum { ESTIMATE_ALWAYS = 0, ESTIMATE_OMIT, ESTIMATE_NEVER };
enum { PROGRESS_LINEAR = 0, PROGRESS_STEPS, PROGRESS_STUCK };

typedef struct emu_config {
    double  gen_time;           /* seconds per task */
    double  link_ttl;           /* seconds a result link lives */
    int     moov_at_end;
    int64_t bandwidth;          /* bytes/s of downloads, 0 = unlimited */
    int     allow_private_callbacks;
    int     quiet;
    double  credits;            /* balance; < 0 = unlimited */
    int     idempotency;        /* honour Idempotency-Key (replay the task) */
    double  cdn_lag;            /* seconds a new result link is not served yet */
    int     cdn_lag_status;     /* what it answers meanwhile (404) */
    double  estimate_factor;    /* estimated_time = the truth * factor */
    double  price_factor;       /* credits = the published rates * factor */
    int     estimate;           /* ESTIMATE_*: which reads carry estimated_time */
    int     progress;           /* PROGRESS_*: how progress rises */
    task_shape shape;           /* the spelling of new tasks */
} emu_config;

void config_defaults(emu_config *c);
/* Applies a settings object (the keys of POST /_emu/config) atomically:
 * all or nothing. 0, or -1 with a message naming the key in err. */
int  config_apply(const cJSON *obj, char *err, size_t errlen);
int  config_apply_string(const char *json, char *err, size_t errlen);
/* The settings of the moment, every key (GET /_emu/config). */
cJSON *config_json(void);

typedef struct emu_stats {
    long requests, submits, task_queries, downloads, uploads, credits,
         callbacks, tasks;
} emu_stats;

struct task;
struct fault;

struct emu {
    pthread_mutex_t lock;       /* guards everything below but `stopping` */
    emu_config cfg;
    emu_stats st;
    char *key;
    char *data_dir;
    int port;
    struct task *tasks;         /* newest first */
    struct fault *faults;       /* in the order they were added */
    FILE *log;                  /* request log or NULL */
    atomic_int stopping;
};
extern struct emu E;

void emu_lock(void);
void emu_unlock(void);
#define EMU_STOPPING() atomic_load(&E.stopping)
void emu_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- faults.c ------------------------------------------------------- */

/* What the faults matching one request ask for. */
typedef struct fault_effect {
    long delay_ms;              /* before the handler */
    int status;                 /* 0 = none; answers instead of the handler */
    char retry_after[64];       /* "" = no header (with status or after_status) */
    int malformed;
    /* Once the handler has run (a submit has created its task): */
    long after_delay_ms;        /* hold the reply */
    int after_status;           /* replace the reply with this error status */
    int lost_reply;             /* close the connection without any reply */
} fault_effect;

/* What a "task" fault asks of the next submitted task. */
enum { OUTCOME_OK = 0, OUTCOME_FAIL, OUTCOME_HANG, OUTCOME_CANCEL };
typedef struct task_effect {
    int outcome;
    char error_code[64];
    char error_message[512];
    int queued;
    int expired;
    task_shape shape;           /* the settings' shape, then the faults' */
} task_effect;

/* Parses and adds a fault object; on error fills err and returns -1. */
int  fault_add_json(const cJSON *obj, char *err, size_t errlen);
int  fault_add_string(const char *json, char *err, size_t errlen);
void faults_clear(void);       /* caller holds the lock */
int faults_pending(void);      /* faults still queued; caller holds the lock */
/* Consumes the faults matching a request (caller does not hold the lock). */
void faults_for_request(const char *path, int is_download, fault_effect *fx);
/* Consumes the first "drop" fault for a file transfer that is about to
 * stream a body (not for a 404 or 403): after how many body bytes to close
 * the connection, or -1. */
int64_t faults_for_transfer(const char *path);
/* Consumes the "task" faults for one newly submitted task; te->shape
 * starts from the configured shape. */
void faults_for_task(task_effect *te);

/* ---- image.c -------------------------------------------------------- */

struct AVFrame;
typedef struct emu_image {
    struct AVFrame *frame;      /* decoded picture, any pixel format */
    int width, height;
    const char *format;         /* "png", "jpeg", "webp" */
} emu_image;

/* Fetches (data:, own /files/ URL, http(s)), checks the documented limits
 * and decodes one image. On error returns -1 with a message in err that
 * names the problem (the caller prefixes the field). */
int  image_load(const char *url, emu_image *img, char *err, size_t errlen);
/* Decodes bytes already in memory (also checks the limits). */
int  image_decode(const uint8_t *data, size_t len, emu_image *img, char *err, size_t errlen);
const char *image_sniff(const uint8_t *data, size_t len);  /* "png"... or NULL */
void image_free(emu_image *img);

/* ---- draw.c / render.c ---------------------------------------------- */

typedef struct render_job {
    int width, height, duration, audio;
    int moov_at_end;
    uint64_t seed;              /* hash of the prompt */
    int nimages;                /* 0 = text-to-video */
    emu_image *images[2];
} render_job;

/* Writes the MP4 to path (via a temporary file). 0 or -1 with err. */
int render_mp4(const render_job *job, const char *path, char *err, size_t errlen);

struct AVFrame;
/* Prepares the pictures of a job (cover-scaled images) and draws frame i
 * of n into a YUV420P frame of the job's size. */
typedef struct draw_ctx draw_ctx;
draw_ctx *draw_open(const render_job *job, char *err, size_t errlen);
void draw_frame(draw_ctx *d, int i, int n, struct AVFrame *out);
void draw_close(draw_ctx *d);
/* Scales+crops (cover) an image to a w x h YUV420P frame. */
struct AVFrame *image_cover_yuv(const emu_image *img, int w, int h);

/* ---- tasks.c -------------------------------------------------------- */

enum { ST_QUEUED, ST_PENDING, ST_PROCESSING, ST_COMPLETED, ST_FAILED, ST_CANCELLED };

typedef struct task {
    struct task *next;
    char id[64];
    char model[64];
    char *request;              /* the body exactly as received */
    char *idem_key;             /* or NULL */
    char *callback_url;         /* or NULL */
    int64_t created;            /* unix seconds */
    double t0, gen_time;        /* monotonic start, generation time */
    int duration, audio, width, height;
    double credits;
    task_effect fx;
    render_job job;             /* images owned until the render ends */
    /* render */
    int render_state;           /* 0 waiting, 1 running, 2 done, -1 failed */
    double render_done;         /* monotonic */
    char *file;                 /* rendered MP4 */
    int64_t size;
    char render_error[256];
    /* life */
    int final_status;           /* 0 = not final yet, else ST_* */
    int final_progress;
    double completed_at;        /* monotonic, when it became final */
    int expired;                /* link expired on demand */
    int callback_attempts, callback_status;
} task;

/* Creates a task (caller fills fields first via the template), registers
 * it, queues its rendering and returns it. Takes ownership of t. */
void task_register(task *t);
/* Frees the images of a task's render job (once rendered or not needed). */
void task_release_images(task *t);
/* Frees a task that is not (or no longer) registered. */
void task_free(task *t);
task *task_find(const char *id);                  /* caller holds the lock */
task *task_find_idem(const char *key);            /* caller holds the lock */
/* Brings a task's life up to date; caller holds the lock. */
void task_update(task *t, double now);
/* The documented task object, spelled as the task's shape says; `first`
 * marks the submit reply (ESTIMATE_OMIT keeps estimated_time only there).
 * Caller holds the lock. */
cJSON *task_json(task *t, double now, int first);
int  task_link_expired(task *t, double now);       /* caller holds the lock */
const char *status_name(int st);
void result_url(const task *t, char *out, size_t n);
/* Find a task and bring it up to date: returns it with the lock held, or
 * NULL (lock released) after replying 404. */
task *task_lookup(const char *id, reply *r, double *now);
void handle_task_query(const char *id, reply *r);
int  tasks_start(void);     /* ticker + render workers */
void tasks_stop(void);
void tasks_free(void);

/* ---- submit.c / files.c / callback.c -------------------------------- */

void handle_submit(const char *body, size_t len, const char *idem_key, reply *r);
void handle_credits(reply *r);
void handle_upload(const char *body, size_t len, reply *r);
/* The local path of an uploaded file from its URL path "/files/ID/NAME",
 * or NULL (malloc'd). */
char *files_local_path(const char *urlpath);

int  callbacks_start(void);
void callbacks_stop(void);
/* Queues a POST of body to url (takes ownership of body). */
void callback_queue(const char *task_id, const char *url, char *body);

/* ---- admin.c -------------------------------------------------------- */

void handle_admin(const char *method, const char *path, const char *body, reply *r);

#endif
