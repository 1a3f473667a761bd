/*
 * Seedance 2.0 video generation filters: what they share
 * Copyright (c) 2026 the seedance for FFmpeg authors
 *
 * This file is part of FFmpeg.
 *
 * FFmpeg is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * FFmpeg is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with FFmpeg; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */

/**
 * @file
 * What the seedance, seedance_extend, seedance_bridge and seedance_edit
 * filters share.
 *
 * SeedanceClip (seedance_clip.c) is one generation: its options, set
 * through libseedance's option layer; its task, submitted once (the
 * journal makes a second submit of the same request a reuse); a worker
 * thread that waits for the task and opens the clip; and the decoders that
 * turn the clip into frames.
 *
 * seedance_frame.c holds the frame work: frames fitted to the API's image
 * rules (the library's) and encoded as PNG for image-to-video, conversion
 * of generated frames to the format of a link, the timing of generated
 * frames in an output, and an input passed through before them.
 *
 * seedance_generated.c is a generated part of an output: a clip from the
 * frames around it, decoded and retimed into the output. It uses both
 * files above; seedance_clip.c uses seedance_frame.c; nothing calls back.
 *
 * Reference-to-video (seedance_edit, mode=video of the two others) sends
 * footage: seedance_segment.c holds it and writes it as references,
 * seedance_seam.c finds where a clip replays it, seedance_reference.c makes
 * a generated part from it. They use the files above, which call them only
 * where a generated part is cut at its seam and its cost logged.
 *
 * Waiting: a generation takes minutes. The worker waits; the filter thread
 * only looks at it (ff_seedance_clip_ready()), for at most a tenth of a
 * second per activation, and schedules itself again. The filter thread
 * still does not return to the program meanwhile (libavfilter runs the
 * graph until a frame comes out), so Ctrl-C is learnt from the signal
 * itself: while a clip exists, SIGINT and SIGTERM handlers that the
 * program installed are wrapped by one that counts the signals and then
 * calls them; once one came, every wait stops.
 */

#ifndef AVFILTER_SEEDANCE_FILTER_H
#define AVFILTER_SEEDANCE_FILTER_H

#include <pthread.h>
#include <stdatomic.h>

#include <seedance.h>

#include "libavutil/error.h"
#include "libavutil/frame.h"
#include "libavutil/log.h"
#include "libavutil/opt.h"
#include "libavutil/rational.h"
#include "libavcodec/avcodec.h"
#include "libavformat/avformat.h"
#include <seedance_av.h>

#include "avfilter.h"
#include "version.h"
#if LIBAVFILTER_VERSION_MAJOR < 10
#include "internal.h"
#endif
#include "filters.h"
#include "formats.h"
#include "video.h"

struct SwsContext;

/* ---- differences between FFmpeg 5.1, 7.1, 8.x and 9.x ---------------- */

/* Filters are "const AVFilter" up to libavfilter 10, "const FFFilter" (public
 * fields under .p) from libavfilter 11 (FFmpeg 8.0) on. */
#if LIBAVFILTER_VERSION_MAJOR >= 11
#define SEEDANCE_FILTER FFFilter
#define SEEDANCE_PUB(field) .p.field
#else
#define SEEDANCE_FILTER AVFilter
#define SEEDANCE_PUB(field) .field
#endif

/* A link's frame rate moved to FilterLink in libavfilter 10 (FFmpeg 7.1). */
#if LIBAVFILTER_VERSION_MAJOR >= 10
#define SEEDANCE_FRAME_RATE(link) (ff_filter_link(link)->frame_rate)
#else
#define SEEDANCE_FRAME_RATE(link) ((link)->frame_rate)
#endif

/* AVFrame.duration replaced pkt_duration in libavutil 57.30 (FFmpeg 6.0). */
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 30, 100)
#define SEEDANCE_DURATION(frame) ((frame)->duration)
#else
#define SEEDANCE_DURATION(frame) ((frame)->pkt_duration)
#endif

/*
 * The class and the definition ff_vf_<fname> of an image-to-video filter
 * (seedance_extend, seedance_bridge): the options of
 * ff_seedance_i2v_options, the input pads in_pads, one video output that
 * config_output() configures, every pixel format libswscale handles, and
 * the file's init(), uninit() and activate() over a context_type (which
 * starts with SeedanceRefOptions).
 */
#define SEEDANCE_DEFINE_I2V_FILTER(fname, context_type, in_pads, desc)                     \
    AVFILTER_DEFINE_CLASS_EXT(fname, #fname, ff_seedance_i2v_options);                   \
    static const AVFilterPad fname##_outputs[] = {                                       \
        { .name = "default", .type = AVMEDIA_TYPE_VIDEO, .config_props = config_output }, \
    };                                                                                   \
    const SEEDANCE_FILTER ff_vf_##fname = {                                              \
        SEEDANCE_PUB(name)        = #fname,                                              \
        SEEDANCE_PUB(description) = NULL_IF_CONFIG_SMALL(desc),                          \
        SEEDANCE_PUB(priv_class)  = &fname##_class,                                      \
        .priv_size     = sizeof(context_type),                                           \
        .init          = init,                                                           \
        .uninit        = uninit,                                                         \
        .activate      = activate,                                                       \
        FILTER_INPUTS(in_pads),                                                          \
        FILTER_OUTPUTS(fname##_outputs),                                                 \
        FILTER_QUERY_FUNC(ff_seedance_query_video),                                      \
    }

/* ---- options --------------------------------------------------------- */

#define SEEDANCE_OPTION_BIT(id) (1u << SEEDANCE_OPTION_##id)

/*
 * The start of every seedance filter's context: its class, and one string
 * per entry of SEEDANCE_OPTION_LIST, named like the URL key and parsed by
 * libseedance (its grammar, its messages). The option tables below point
 * into it.
 */
typedef struct SeedanceOptions {
    const AVClass *class;
    char *opts[SEEDANCE_OPTION__COUNT]; ///< by seedance_option_id, NULL when not given
} SeedanceOptions;

/*
 * The start of the context of a filter that sends frames or footage of its
 * inputs (seedance_extend, seedance_bridge, seedance_edit): the request
 * options, then the filter's own.
 */
typedef struct SeedanceRefOptions {
    SeedanceOptions o;
    char *mode;                 ///< extend, bridge: "frame" (NULL) or "video"
    int64_t context;            ///< extend, bridge: footage sent in mode video (AV_TIME_BASE)
    int audio_in;               ///< edit: an audio input, sent as @audio1
    int keep_audio;             ///< edit: output the input's sound; -1: when audio_in
} SeedanceRefOptions;

/*
 * The option tables (seedance_clip.c). Options a URL may not set (the API
 * key and bases) are not listed by "ffmpeg -h filter=..."; given anyway,
 * they are refused with the library's message (ff_seedance_clip_init()).
 *   ff_seedance_options      every option (the seedance source)
 *   ff_seedance_i2v_options  seedance_extend, seedance_bridge: the library's
 *                            mode row is the filter's own mode (frame or
 *                            video), then context; the frames or footage,
 *                            generate_audio and web_search are set by the
 *                            filter; image only as references in mode
 *                            video; aspect_ratio is adaptive by default
 *   ff_seedance_edit_options seedance_edit: the footage, the sound, duration
 *                            and mode are the filter's; then audio_in and
 *                            keep_audio
 */
extern const AVOption ff_seedance_options[];
extern const AVOption ff_seedance_i2v_options[];
extern const AVOption ff_seedance_edit_options[];

/* ---- a generated clip ------------------------------------------------ */

enum { SEEDANCE_VIDEO = 0, SEEDANCE_AUDIO = 1 };

typedef struct SeedanceClip {
    void *log;                  ///< the filter, for av_log()
    const char *name;           ///< the filter's name, for messages
    seedance_job *job;
    char task_id[96];

    /* the worker thread: [submit,] wait, open the clip */
    pthread_t worker;
    int worker_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;                   ///< the worker finished (under lock)
    int code;                   ///< its seedance_code, SEEDANCE_OK when the clip is open
    int averror;                ///< its AVERROR when opening the clip failed
    int submit_in_worker;
    int want[2];                ///< decode video / audio
    atomic_int stop;            ///< set by ff_seedance_clip_uninit()
    int watching;               ///< holds a reference on the signal handlers
    int reported;               ///< the failure or interruption was logged

    SeedanceAVReport report;    ///< progress and error lines, as the protocol's

    /* the clip */
    seedance_stream *stream;
    SeedanceAVIO io;            ///< the AVIO adapter of stream
    AVIOContext *pb;
    AVFormatContext *fmt;
    AVCodecContext *dec[2];     ///< video, audio decoder (NULL when unused)
    int index[2];               ///< their stream indexes
    AVPacket *pkt;
    int cur;                    ///< decoder being drained, -1 when none
    int demux_eof;
    int dec_eof[2];
} SeedanceClip;

/**
 * Set up the clip from the filter's options: the environment first
 * (SEEDANCE_*), then each option given, as from a filter graph.
 * @param opts     the filter's option strings, indexed by seedance_option_id
 * @param hidden   SEEDANCE_OPTION_BIT()s the filter sets itself: refused
 * @param defaults the filter's own defaults, name/value pairs, NULL-terminated
 * Cheap: no network, nothing paid. Errors are logged.
 */
int ff_seedance_clip_init(SeedanceClip *c, void *log, const char *name, char *const *opts,
                          unsigned hidden, const char *const *defaults);

/**
 * ff_seedance_clip_init() for an image-to-video filter (the options of
 * ff_seedance_i2v_options), then, unless it attaches to a task, every
 * option checked now, before any frame: with grey stand-in frames for
 * "image" and, when nb_frames is 2, "last_image".
 */
int ff_seedance_clip_init_i2v(SeedanceClip *c, AVFilterContext *ctx, char *const *opts,
                              int nb_frames);

/** Validate the request (no network); errors are logged. */
int ff_seedance_clip_validate(SeedanceClip *c);

/** 1 when the clip will have an audio track (the library's reading of generate_audio). */
int ff_seedance_clip_has_audio(SeedanceClip *c);

/**
 * The clip's frame size as the library gives it for quality and
 * aspect_ratio (seedance_request_frame_size()); 0 when it cannot be known
 * before the clip exists (aspect_ratio adaptive, or attaching to a task).
 */
int ff_seedance_clip_frame_size(SeedanceClip *c, int *w, int *h);

/** Submit on the calling thread (or take the task option); errors logged. */
int ff_seedance_clip_submit(SeedanceClip *c);

/**
 * Encode a frame as PNG (scaled to the API's image rules) and set it as
 * field "image" or "last_image" of the request.
 */
int ff_seedance_clip_set_frame(SeedanceClip *c, const char *field, const AVFrame *frame);

/**
 * Start the worker: submit first when submit is set (else
 * ff_seedance_clip_submit() was called), wait for the task, open the clip
 * and its video (and audio when audio is set) decoder.
 */
int ff_seedance_clip_start(SeedanceClip *c, int submit, int audio);

/**
 * Wait up to timeout_ms for the worker. 1: the clip is open; 0: not yet;
 * < 0: the AVERROR of a failure or of Ctrl-C (logged once).
 */
int ff_seedance_clip_ready(SeedanceClip *c, int timeout_ms);

/**
 * From activate(): 1 when the clip is open. Otherwise the filter is
 * scheduled again and FFERROR_NOT_READY, or an error, is returned.
 */
int ff_seedance_clip_activate_wait(AVFilterContext *ctx, SeedanceClip *c);

/** Block until the clip is open, Ctrl-C or a failure. 0 or < 0. */
int ff_seedance_clip_wait(SeedanceClip *c);

/**
 * Decode the next frame of the clip (pts: best effort, in the stream's
 * time base). Returns SEEDANCE_VIDEO or SEEDANCE_AUDIO, AVERROR_EOF at the
 * end, or another AVERROR.
 */
int ff_seedance_clip_read(SeedanceClip *c, AVFrame *frame);

/** The clip's stream of a type, NULL when absent or not decoded. */
AVStream *ff_seedance_clip_stream(SeedanceClip *c, int type);

/** Stop the worker (the task keeps running: its id is logged) and free all. */
void ff_seedance_clip_uninit(SeedanceClip *c);

/* ---- frames ----------------------------------------------------------- */

/**
 * Check that frames of w x h (sample aspect ratio sar) can be sent to the
 * API after scaling: width/height 0.4..2.5. Logs a clear error naming what
 * (e.g. "input A") otherwise.
 */
int ff_seedance_check_frame(void *log, const char *what, int w, int h, AVRational sar);

/**
 * Check that frames of w x h (sample aspect ratio sar) show a width/height
 * of min..max; else log an error naming what, and what is sent (as: "an
 * image's").
 */
int ff_seedance_check_ratio(void *log, const char *what, int w, int h, AVRational sar,
                            double min, double max, const char *as);

/**
 * Encode a frame as PNG, losslessly, at a size within the API's image
 * rules (square pixels, 300..6000 px per side). *data is av_malloc()ed.
 */
int ff_seedance_frame_png(void *log, const AVFrame *frame, uint8_t **data, int *size);

/**
 * Convert src into dst (allocated by the caller with its width, height,
 * format and colour properties set), through *sws.
 */
int ff_seedance_convert(void *log, struct SwsContext **sws, AVFrame *dst, const AVFrame *src);

/**
 * A frame of outlink's size and format with the pixels of src (converted
 * when they differ) and the colour properties of like (when not NULL).
 * *out is a new reference; NULL on error.
 */
AVFrame *ff_seedance_output_frame(AVFilterLink *outlink, struct SwsContext **sws,
                                  const AVFrame *src, const AVFrame *like);

/**
 * Timing of generated frames in an output that continues at start: at the
 * output's frame rate when it has one (frames repeated or skipped, as the
 * fps filter does), else at their own times, always strictly increasing.
 */
typedef struct SeedanceRetime {
    AVRational out_tb;          ///< the output's time base
    AVRational rate;            ///< the output's frame rate, 0/1 when variable
    AVRational in_tb;           ///< the clip's time base
    int64_t start;              ///< output time of the first generated frame
    int64_t first;              ///< pts of the clip's first frame, AV_NOPTS_VALUE before it
    int64_t ticks;              ///< output frames so far
    int64_t last_out;           ///< pts of the last output frame
    AVFrame *held;              ///< the frame being shown
    int64_t held_end;           ///< where it ends, in in_tb, relative to first
} SeedanceRetime;

/** in_tb is set from the clip by ff_seedance_generated_step(). */
void ff_seedance_retime_init(SeedanceRetime *r, AVRational out_tb, AVRational rate,
                             int64_t start);

/**
 * Give the next generated frame (NULL at the end of the clip). Frames to
 * output are sent to outlink (after conversion via ff_seedance_output_frame()
 * with like). Returns the number of frames sent or an AVERROR.
 */
int ff_seedance_retime_push(SeedanceRetime *r, AVFilterLink *outlink, struct SwsContext **sws,
                            AVFrame *frame, const AVFrame *like);

/** The output time right after the last generated frame. */
int64_t ff_seedance_retime_end(const SeedanceRetime *r);

void ff_seedance_retime_uninit(SeedanceRetime *r);

/* ---- a generated part of an output (seedance_extend, seedance_bridge), --
 * seedance_generated.c */

typedef struct SeedanceGenerated {
    SeedanceClip clip;
    SeedanceRetime retime;
    AVFrame *frame;             ///< a decoded frame
    struct SwsContext *sws;     ///< conversion to the output
    struct SeedanceSeam *seam;  ///< NULL, or the footage sent: where the clip replays it, cut
} SeedanceGenerated;

/** From init(): ff_seedance_clip_init_i2v(), and a frame to decode into. */
int ff_seedance_generated_init(SeedanceGenerated *g, AVFilterContext *ctx, char *const *opts,
                               int nb_frames);

/**
 * Start generating the part from first (and, when not NULL, to last) as
 * "image" ("last_image"), unless the filter attaches to a task. It is
 * output on ctx's output at rate (0/1: at its own times) from start on
 * (the output's time base). Schedules ctx.
 */
int ff_seedance_generated_start(SeedanceGenerated *g, AVFilterContext *ctx, const AVFrame *first,
                                const AVFrame *last, AVRational rate, int64_t start);

/**
 * activate() while the part is output: waits for the clip (scheduling the
 * filter again), decodes one frame and sends it retimed, converted to the
 * output with the colour properties of like. Sets *done at the end of the
 * clip (ff_seedance_retime_end(&g->retime) is then where the part ends).
 * Returns what activate() returns.
 */
int ff_seedance_generated_step(SeedanceGenerated *g, AVFilterContext *ctx, const AVFrame *like,
                               int *done);

void ff_seedance_generated_uninit(SeedanceGenerated *g);

/**
 * One activation of passing inlink through to outlink (the same time
 * base), keeping a reference to the last frame in *last and where it ends
 * in *end. 0 when a frame was sent on or requested, FFERROR_NOT_READY
 * when there is nothing to do, an AVERROR; 1 at the end of inlink: its
 * *status and *pts (*end moved to an end of stream that comes later).
 */
int ff_seedance_pass_input(AVFilterLink *inlink, AVFilterLink *outlink, AVFrame **last,
                           int64_t *end, int *status, int64_t *pts);

/** An output of inlink's size, sample aspect ratio, time base and frame rate. */
int ff_seedance_config_as_input(AVFilterLink *outlink, AVFilterLink *inlink);

/** Every pixel format libswscale reads and writes, one list on every video link of ctx. */
int ff_seedance_query_video(AVFilterContext *ctx);

/** The end of a frame: pts plus its duration (or one frame at rate, or 1). */
int64_t ff_seedance_frame_end(const AVFrame *f, AVRational tb, AVRational rate);

/* ---- reference-to-video: footage of the inputs as references ---------
 * seedance_segment.c: held stretches of an input, written as references;
 * seedance_seam.c: where a clip replays the footage sent;
 * seedance_reference.c: a generated part made from them. */

/* The options an extend or bridge in mode video, or seedance_edit, sets itself. */
#define SEEDANCE_REF_HIDDEN  (SEEDANCE_OPTION_BIT(LAST_IMAGE) | SEEDANCE_OPTION_BIT(MODE) |   \
                              SEEDANCE_OPTION_BIT(GENERATE_AUDIO) |                           \
                              SEEDANCE_OPTION_BIT(WEB_SEARCH) | SEEDANCE_OPTION_BIT(VIDEO) |  \
                              SEEDANCE_OPTION_BIT(AUDIO))
#define SEEDANCE_EDIT_HIDDEN ((SEEDANCE_REF_HIDDEN & ~SEEDANCE_OPTION_BIT(GENERATE_AUDIO)) |  \
                              SEEDANCE_OPTION_BIT(DURATION))

/* A stretch of an input held by a filter: references to its frames, in order. */
typedef struct SeedanceSegment {
    enum AVMediaType type;
    AVFrame **frames;
    int nb_frames, nb_alloc;
    AVRational tb;              ///< of the frames' pts
    AVRational rate;            ///< video: the link's frame rate, 0/1 when unknown
    int64_t start, end;         ///< the first frame's pts, the end of the last one (tb)
    int64_t window;             ///< > 0: only the frames that show the last window (tb) are held
    const char *what;           ///< what it is, for messages ("The segment")
} SeedanceSegment;

/** An empty segment of inlink's frames; window as above, 0: every frame is held. */
void ff_seedance_segment_init(SeedanceSegment *s, AVFilterLink *inlink, int64_t window,
                              const char *what);

/** Hold a new reference to frame (a frame without pts follows the one before). */
int ff_seedance_segment_add(SeedanceSegment *s, const AVFrame *frame);

/**
 * ff_seedance_pass_input(), each frame passed also held in held when it is
 * not NULL.
 */
int ff_seedance_pass_held(AVFilterLink *inlink, AVFilterLink *outlink, AVFrame **last,
                          SeedanceSegment *held, int64_t *end, int *status, int64_t *pts);

/** The first frame held, taken out of the segment (NULL when empty). */
AVFrame *ff_seedance_segment_shift(SeedanceSegment *s);

/** Seconds from the first frame's start to the last one's end. */
double ff_seedance_segment_seconds(const SeedanceSegment *s);

/** An error, logged, once a segment is longer than a reference may be. */
int ff_seedance_check_segment_length(void *log, const SeedanceSegment *s);

void ff_seedance_segment_uninit(SeedanceSegment *s);

/**
 * Check that frames of w x h (sample aspect ratio sar) can be sent as a
 * reference video after scaling: width/height 0.4..2.5. Logs a clear
 * error naming what otherwise.
 */
int ff_seedance_check_footage(void *log, const char *what, int w, int h, AVRational sar);

/*
 * What was sent as @video1, as small grey pictures, and the search for
 * the seam of a clip made from it: services may return @video1 first,
 * then the new part.
 */
typedef struct SeedanceSeam {
    uint8_t *thumbs;            ///< the frames sent, tw x th each
    int nb, tw, th;
    AVRational rate;            ///< their frame rate
    uint8_t *cur;               ///< the clip's frame looked at, cw x ch
    int cw, ch;
    AVFrame *rgb;               ///< a frame on its way to grey
    struct SwsContext *sws;
    int state;
    int64_t first;              ///< pts of the clip's first frame
    int dropped;                ///< frames of the clip cut as a replay
} SeedanceSeam;

/** Room for nb frames of w x h sent at rate. */
int ff_seedance_seam_init(SeedanceSeam *s, int nb, int w, int h, AVRational rate);

/** Frame k sent (NULL: the same picture as frame k - 1). */
int ff_seedance_seam_add(SeedanceSeam *s, int k, const AVFrame *frame);

/**
 * The clip's next frame (pts in tb): 1 to output it, 0 when it replays the
 * footage sent (it is cut), or an AVERROR. Once a frame is kept, all are.
 */
int ff_seedance_seam_keep(SeedanceSeam *s, void *log, const AVFrame *frame, AVRational tb);

/** At the end of the clip: warn when it held nothing but the replay. */
void ff_seedance_seam_end(SeedanceSeam *s, void *log);

void ff_seedance_seam_uninit(SeedanceSeam *s);

/**
 * Write segment s as a reference to path: video as an H.264 MP4 (the last
 * seconds of it when from_end is set, else the first; seconds <= 0: all
 * of it), brought within the rules of a reference video, each conversion
 * said at info level, its frames kept in seam when not NULL; audio as a
 * 48 kHz 16-bit WAV. The same segment always gives the same bytes. A
 * length outside the rules is refused with a message naming the rule.
 */
int ff_seedance_segment_write(void *log, const SeedanceSegment *s, double seconds, int from_end,
                              const char *path, SeedanceSeam *seam);

struct SwrContext;

/**
 * Convert audio in (NULL: flush) to fmt, rate and layout through *swr
 * (allocated on the first frame). *frame is the converted frame, with
 * in's properties, or NULL when nothing came out yet.
 */
int ff_seedance_resample(void *log, struct SwrContext **swr, AVFrame **frame, const AVFrame *in,
                         enum AVSampleFormat fmt, int rate, const AVChannelLayout *layout);

/** The footage of a segment sent as a reference video, for ff_seedance_reference_start(). */
typedef struct SeedanceFootage {
    const SeedanceSegment *seg;
    double seconds;             ///< how much of it, <= 0: all
    int from_end;               ///< its last seconds, else its first
} SeedanceFootage;

/**
 * The mode option of seedance_extend and seedance_bridge: 0 for frame (the
 * default), 1 for video, else an error logged (reference images in mode
 * frame too).
 */
int ff_seedance_reference_mode(void *log, const SeedanceRefOptions *o);

/**
 * From init(): the clip of a generated part made from footage: the
 * filter's options (the ones of hidden refused), then every option checked
 * now, unless it attaches to a task, with stand-ins for nb_videos videos
 * (and a sound); a frame to decode into.
 */
int ff_seedance_reference_init(SeedanceGenerated *g, AVFilterContext *ctx, char *const *opts,
                               unsigned hidden, int nb_videos, int audio);

/** Log the estimated cost of the clip's request at info level (unless it attaches to a task). */
void ff_seedance_log_cost(SeedanceClip *c);

/**
 * Start the generated part: the footage written to a private temporary
 * directory, sent as @video1... (and audio as @audio1), checked, its cost
 * logged, submitted, the files deleted; then decoded (its sound too when
 * decode_audio is set) and output as ff_seedance_generated_start() says,
 * cut where the clip replays @video1 when g->seam is set.
 */
int ff_seedance_reference_start(SeedanceGenerated *g, AVFilterContext *ctx,
                                const SeedanceFootage *videos, int nb_videos,
                                const SeedanceSegment *audio, int decode_audio,
                                AVRational rate, int64_t start);

#endif /* AVFILTER_SEEDANCE_FILTER_H */
