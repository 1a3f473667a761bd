/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nine Seedance 2.0 models and their rules: one row per model (tier,
 * mode, the qualities it renders, the per-model fields it takes), the
 * frame size of every quality and aspect ratio, and how a request names
 * its model (model, else tier and mode).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

/* Bits of the QUALITY choices: 480p|720p|1080p|4k. */
#define Q480  0x1u
#define Q720  0x2u
#define Q1080 0x4u
#define Q4K   0x8u
#define WEB   (1u << SEEDANCE_OPTION_WEB_SEARCH)

static const sd_model models[] = {
    { "seedance-2.0-text-to-video",           SD_TIER_STANDARD, SD_MODE_TEXT,
      Q480 | Q720 | Q1080 | Q4K, WEB },
    { "seedance-2.0-image-to-video",          SD_TIER_STANDARD, SD_MODE_IMAGE,
      Q480 | Q720 | Q1080 | Q4K, 0 },
    { "seedance-2.0-reference-to-video",      SD_TIER_STANDARD, SD_MODE_REFERENCE,
      Q480 | Q720 | Q1080 | Q4K, 0 },
    { "seedance-2.0-fast-text-to-video",      SD_TIER_FAST,     SD_MODE_TEXT,      Q480 | Q720, WEB },
    { "seedance-2.0-fast-image-to-video",     SD_TIER_FAST,     SD_MODE_IMAGE,     Q480 | Q720, 0 },
    { "seedance-2.0-fast-reference-to-video", SD_TIER_FAST,     SD_MODE_REFERENCE, Q480 | Q720, 0 },
    { "seedance-2.0-mini-text-to-video",      SD_TIER_MINI,     SD_MODE_TEXT,      Q480 | Q720, 0 },
    { "seedance-2.0-mini-image-to-video",     SD_TIER_MINI,     SD_MODE_IMAGE,     Q480 | Q720, 0 },
    { "seedance-2.0-mini-reference-to-video", SD_TIER_MINI,     SD_MODE_REFERENCE, Q480 | Q720, 0 },
};
#define NB_MODELS (sizeof(models) / sizeof(models[0]))

/* The frame size of each aspect ratio at each quality (480p, 720p, 1080p,
 * 4k): the table of the API's pages. "adaptive" has none: the model
 * chooses. */
#define RATIO_ADAPTIVE "adaptive"
static const struct frame_size {
    const char *ratio;
    int width[4], height[4];
} frame_sizes[] = {
    { "16:9", {  864, 1280, 1920, 3840 }, {  496,  720, 1080, 2160 } },
    { "9:16", {  496,  720, 1080, 2160 }, {  864, 1280, 1920, 3840 } },
    { "1:1",  {  640,  960, 1440, 2880 }, {  640,  960, 1440, 2880 } },
    { "4:3",  {  752, 1112, 1664, 3326 }, {  560,  834, 1248, 2494 } },
    { "3:4",  {  560,  834, 1248, 2494 }, {  752, 1112, 1664, 3326 } },
    { "21:9", {  992, 1470, 2206, 4398 }, {  432,  630,  946, 1886 } },
};
#define NB_FRAME_SIZES (sizeof(frame_sizes) / sizeof(frame_sizes[0]))

const sd_model *sd_model_find(const char *id)
{
    for (size_t i = 0; id && i < NB_MODELS; i++)
        if (!strcmp(id, models[i].id))
            return &models[i];
    return NULL;
}

const sd_model *sd_model_of(int tier, int mode)
{
    for (size_t i = 0; i < NB_MODELS; i++)
        if (models[i].tier == tier && models[i].mode == mode)
            return &models[i];
    return NULL;
}

/* The mode the inputs ask for: images make it image-to-video. */
static int mode_of_inputs(const seedance_request *r)
{
    return sd_request_image_count(r) ? SD_MODE_IMAGE : SD_MODE_TEXT;
}

/* A given tier or mode that a known model contradicts. */
static int contradiction(const seedance_request *r, const sd_model *m, seedance_error *err)
{
    static const int ids[2] = { SEEDANCE_OPTION_TIER, SEEDANCE_OPTION_MODE };
    char name[16];

    for (int i = 0; i < 2; i++) {
        int want = i ? m->mode : m->tier;
        const seedance_option *o = sd_option(ids[i]);

        if (r->value[ids[i]] && sd_choice_index(o, r->value[ids[i]]) != want)
            return sd_error(err, SEEDANCE_E_INVALID, "%s: '%s' contradicts model %s (%s %s): "
                            "give one of them", o->name, r->value[ids[i]], m->id, o->name,
                            sd_choice_name(o, want, name, sizeof(name)));
    }
    return SEEDANCE_OK;
}

int sd_request_resolve(const seedance_request *r, sd_resolved *out, seedance_error *err)
{
    const char *given = r->value[SEEDANCE_OPTION_MODEL];
    int mode = sd_request_choice(r, SEEDANCE_OPTION_MODE);

    memset(out, 0, sizeof(*out));
    out->tier = sd_request_choice(r, SEEDANCE_OPTION_TIER);
    out->mode = mode >= 0 ? mode : mode_of_inputs(r);
    if (given) {
        out->id = given;
        if ((out->model = sd_model_find(given))) {
            out->tier = out->model->tier;
            out->mode = out->model->mode;
            return contradiction(r, out->model, err);
        }
        return SEEDANCE_OK;
    }
    out->model = sd_model_of(out->tier, out->mode);
    out->id = out->model ? out->model->id : "";
    return SEEDANCE_OK;
}

const char *seedance_request_model(const seedance_request *r)
{
    sd_resolved m;

    if (!r || sd_request_resolve(r, &m, NULL))
        return r ? r->value[SEEDANCE_OPTION_MODEL] : NULL;
    return m.id;
}

int sd_model_takes(const sd_resolved *m, const seedance_request *r, int id)
{
    if (!(sd_option(id)->flags & SEEDANCE_OPT_PER_MODEL))
        return 1;
    return m->model ? (m->model->fields >> id) & 1 : r->value[id] != NULL;
}

const char *sd_models_taking(int id, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < NB_MODELS; i++)
        if ((models[i].fields >> id) & 1)
            n += (size_t)snprintf(buf + (n < size ? n : size - 1), n < size ? size - n : 1,
                                  "%s%s", n ? ", " : "", models[i].id);
    return buf;
}

const char *sd_model_qualities(const sd_model *m, char *buf, size_t size)
{
    const seedance_option *q = sd_option(SEEDANCE_OPTION_QUALITY);
    char name[16];
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; sd_choice_name(q, i, name, sizeof(name)); i++)
        if ((m->qualities >> i) & 1)
            n += (size_t)snprintf(buf + (n < size ? n : size - 1), n < size ? size - n : 1,
                                  "%s%s", n ? ", " : "", name);
    return buf;
}

int seedance_frame_size(const char *quality, const char *aspect_ratio, int *width, int *height)
{
    const seedance_option *q = sd_option(SEEDANCE_OPTION_QUALITY);
    const seedance_option *a = sd_option(SEEDANCE_OPTION_ASPECT_RATIO);
    int qi = sd_choice_index(q, quality && *quality ? quality : q->dflt);
    int ai = sd_choice_index(a, aspect_ratio && *aspect_ratio ? aspect_ratio : a->dflt);
    char ratio[16];

    if (qi < 0 || ai < 0)
        return -1;
    sd_choice_name(a, ai, ratio, sizeof(ratio));
    if (!strcmp(ratio, RATIO_ADAPTIVE))
        return 0;
    for (size_t i = 0; i < NB_FRAME_SIZES; i++)
        if (!strcmp(ratio, frame_sizes[i].ratio)) {
            *width  = frame_sizes[i].width[qi];
            *height = frame_sizes[i].height[qi];
            return 1;
        }
    return -1;
}

int seedance_request_frame_size(const seedance_request *r, int *width, int *height)
{
    if (!r)
        return -1;
    return seedance_frame_size(seedance_request_get(r, SEEDANCE_OPTION_QUALITY, NULL),
                               seedance_request_get(r, SEEDANCE_OPTION_ASPECT_RATIO, NULL),
                               width, height);
}
