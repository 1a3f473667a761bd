/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seedance command's media probe: the system's libavformat reads the
 * duration, frame rate and size of local reference clips for libseedance
 * (which has no demuxer of its own), through seedance_av_probe().
 */
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/log.h>

#include "cli.h"
#include "seedance_av.h"

void cli_probe(seedance_client *c)
{
    seedance_client_set_probe(c, seedance_av_probe, NULL);
}

void cli_probe_setup(cli *st)
{
    /* libavformat's own lines about a file it cannot read add nothing to
     * libseedance's message naming the field, the file and the rule */
    av_log_set_level(st->verbose ? AV_LOG_WARNING : AV_LOG_QUIET);
    cli_probe(st->client);
}
