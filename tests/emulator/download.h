/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Serving result files and uploaded files (download.c). */
#ifndef EVOLINK_EMU_DOWNLOAD_H
#define EVOLINK_EMU_DOWNLOAD_H

#include "emu.h"

struct MHD_Response;

typedef struct download_request {
    const char *path;       /* "/results/ID.mp4" or "/files/ID/NAME" */
    const char *range;      /* Range header or NULL */
    int head;
    int64_t *sent;          /* body bytes sent, updated while streaming */
    int *status;            /* the HTTP status chosen */
} download_request;

/* A streaming response (200/206), or NULL with an error reply in r
 * (404, 403 expired, 416). */
struct MHD_Response *download_response(const download_request *dr, reply *r);

#endif
