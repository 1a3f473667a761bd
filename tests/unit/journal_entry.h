/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A journal entry to store, shared by the tests of the local journal
 * (test_journal.c) and of the shared one (tests/journal/journal_pg.c).
 */
#ifndef SEEDANCE_TEST_JOURNAL_ENTRY_H
#define SEEDANCE_TEST_JOURNAL_ENTRY_H

#include <stdio.h>
#include <string.h>

#include "api.h"

/* The entry of request (hashed) with key, state and task id (NULL: none);
 * its record unknown. */
static inline sd_journal_entry journal_entry(const char *request, const char *key, int state,
                                             const char *task_id)
{
    sd_journal_entry e;

    memset(&e, 0, sizeof(e));
    sd_journal_record_init(&e.rec);
    sd_sha256_hex(request, strlen(request), e.hash);
    snprintf(e.idempotency_key, sizeof(e.idempotency_key), "%s", key);
    snprintf(e.task_id, sizeof(e.task_id), "%s", task_id ? task_id : "");
    e.state = state;
    return e;
}

#endif
