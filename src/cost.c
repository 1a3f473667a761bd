/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a request will cost, before it is paid: the published per-second
 * rates of Evolink (SEEDANCE_RATES_DATE) and its billing rules. Only an
 * estimate: the task's usage says what was charged.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#define CONTENT_FILTER_OFF 1.1   /* content_filter false costs 10% more */

/* Per output second, without and with video input; credits and US dollars. */
static const struct rate {
    int tier, quality;           /* SD_TIER_*, index of the QUALITY choice */
    double credits, usd;
    double video_credits, video_usd;
} rates[] = {
    { SD_TIER_STANDARD, 0,  6.251, 0.0919, 3.807, 0.0560 },  /* 480p */
    { SD_TIER_STANDARD, 1, 13.500, 0.1985, 8.222, 0.1209 },  /* 720p */
    { SD_TIER_FAST,     0,  5.063, 0.0745, 3.012, 0.0443 },
    { SD_TIER_FAST,     1, 10.935, 0.1608, 6.506, 0.0957 },
};
#define NB_RATES (sizeof(rates) / sizeof(rates[0]))

static const struct rate *rate_of(int tier, int quality)
{
    for (size_t i = 0; i < NB_RATES; i++)
        if (rates[i].tier == tier && rates[i].quality == quality)
            return &rates[i];
    return NULL;
}

int sd_cost_estimate(const sd_resolved *m, int quality, int seconds, int input_seconds,
                     int content_filter, int web_search, seedance_cost *cost)
{
    const seedance_option *q = sd_option(SEEDANCE_OPTION_QUALITY);
    const seedance_option *t = sd_option(SEEDANCE_OPTION_TIER);
    const struct rate *rate = m->model ? rate_of(m->tier, quality) : NULL;
    char qname[16], tname[16];
    double billed;

    memset(cost, 0, sizeof(*cost));
    snprintf(cost->model, sizeof(cost->model), "%s", m->id);
    cost->output_seconds = seconds;
    cost->factor = content_filter ? 1.0 : CONTENT_FILTER_OFF;
    cost->web_search = web_search;
    sd_choice_name(q, quality, qname, sizeof(qname));
    sd_choice_name(t, m->tier, tname, sizeof(tname));
    if (!m->model)
        snprintf(cost->why, sizeof(cost->why), "no published price for the model %s", m->id);
    else if (!rate_of(m->tier, 1))
        snprintf(cost->why, sizeof(cost->why), "no published price for the %s tier", tname);
    else if (!rate)
        snprintf(cost->why, sizeof(cost->why), "no published price for %s", qname);
    if (!rate)
        return SEEDANCE_OK;
    cost->known = 1;
    if (input_seconds > 0) {
        cost->input_seconds = input_seconds > seconds ? input_seconds : seconds;
        cost->rate_credits = rate->video_credits;
        cost->rate_usd = rate->video_usd;
    } else {
        cost->rate_credits = rate->credits;
        cost->rate_usd = rate->usd;
    }
    billed = (double)(cost->input_seconds + seconds) * cost->factor;
    cost->credits = billed * cost->rate_credits;
    cost->usd = billed * cost->rate_usd;
    return SEEDANCE_OK;
}

int sd_request_cost(const seedance_request *r, seedance_cost *cost, seedance_error *err)
{
    sd_resolved m;
    int rc;

    if ((rc = sd_request_resolve(r, &m, err)))
        return rc;
    return sd_cost_estimate(&m, sd_request_choice(r, SEEDANCE_OPTION_QUALITY),
                            sd_request_int(r, SEEDANCE_OPTION_DURATION), 0,
                            sd_request_bool(r, SEEDANCE_OPTION_CONTENT_FILTER) != 0,
                            sd_model_takes(&m, r, SEEDANCE_OPTION_WEB_SEARCH) &&
                                sd_request_bool(r, SEEDANCE_OPTION_WEB_SEARCH) == 1,
                            cost);
}

int seedance_request_cost(const seedance_request *r, seedance_cost *cost, seedance_error *err)
{
    int rc;

    if (!cost)
        return sd_error(err, SEEDANCE_E_INVALID, "seedance_request_cost: cost is NULL");
    memset(cost, 0, sizeof(*cost));
    if ((rc = seedance_request_validate(r, NULL, err)))
        return rc;
    return sd_request_cost(r, cost, err);
}

void seedance_cost_describe(const seedance_cost *cost, char *buf, size_t size)
{
    int n;

    if (!cost->known) {
        snprintf(buf, size, "unknown (%s)", cost->why);
        return;
    }
    n = snprintf(buf, size, "%.3f credits ($%.4f): ", cost->credits, cost->usd);
    if (n < 0 || (size_t)n >= size)
        return;
    if (cost->input_seconds)
        n += snprintf(buf + n, size - (size_t)n, "%d s of video input and %d s of output",
                      cost->input_seconds, cost->output_seconds);
    else
        n += snprintf(buf + n, size - (size_t)n, "%d s", cost->output_seconds);
    if (n < 0 || (size_t)n >= size)
        return;
    snprintf(buf + n, size - (size_t)n, " at %.3f credits/s%s (%s rates of %s)%s",
             cost->rate_credits, cost->factor > 1 ? ", x1.1 without the content filter" : "",
             cost->model, SEEDANCE_RATES_DATE,
             cost->web_search ? ", plus 0.04 credits per web search the model makes" : "");
}

int seedance_cost_allowed(seedance_client *c, const seedance_cost *cost)
{
    if (!c || !cost)
        return SEEDANCE_E_INVALID;
    if (c->max_credits < 0)
        return SEEDANCE_OK;
    if (!cost->known)
        return sd_fail(c, SEEDANCE_E_INVALID, "max_credits: the cost of this request is "
                       "unknown (%s): with max_credits=%g it is not submitted; set "
                       "max_credits empty for no limit", cost->why, c->max_credits);
    if (cost->credits > c->max_credits)
        return sd_fail(c, SEEDANCE_E_INVALID, "max_credits: this request is estimated at "
                       "%.3f credits ($%.4f): allowed at most max_credits=%g; nothing was "
                       "submitted", cost->credits, cost->usd, c->max_credits);
    return SEEDANCE_OK;
}
