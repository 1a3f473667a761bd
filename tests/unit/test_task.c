/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The task id of a task reply (src/json.c, src/task.c): an id that is not
 * a valid task id, or that names another task than the one asked for,
 * makes the reply malformed, with a message naming the value; nothing of
 * such a reply is kept as a task.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "tap.h"

#define ASKED "task-unified-1774857405-abc123"

/* Parse body as a reply to a query of asked (NULL: sd_task_parse). */
static int parse(const char *body, const char *asked, seedance_task **t, seedance_error *e)
{
    memset(e, 0, sizeof(*e));
    *t = (seedance_task *)1;
    return asked ? sd_task_parse_for(body, strlen(body), asked, t, e)
                 : sd_task_parse(body, strlen(body), t, e);
}

static void test_invalid_ids(void)
{
    static const char *const bodies[] = {
        "{\"id\":\"../../etc/passwd\",\"status\":\"pending\"}",
        "{\"task_id\":\".hidden\",\"status\":\"processing\"}",
        "{\"id\":\"task unified 1\",\"status\":\"completed\",\"results\":[\"https://x/v.mp4\"]}",
    };
    static const char *const shown[] = { "'../../etc/passwd'", "'.hidden'", "'task unified 1'" };
    seedance_task *t;
    seedance_error e;
    int rc;

    for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
        rc = parse(bodies[i], NULL, &t, &e);
        OK(rc == SEEDANCE_E_PROTOCOL && !t && e.code == rc && strstr(e.message, shown[i]) &&
           strstr(e.message, "letters, digits") && !*e.task_id,
           "a reply with the id %s is malformed, the message names it: %s", shown[i],
           e.message);
        rc = parse(bodies[i], ASKED, &t, &e);
        OK(rc == SEEDANCE_E_PROTOCOL && !t && strstr(e.message, shown[i]) &&
           !strcmp(e.task_id, ASKED) && strstr(e.message, ASKED),
           "... and in a reply to a query of %s it names the task asked for: %s", ASKED,
           e.message);
    }
    /* a submit reply with such an id does not give a task id to keep */
    rc = sd_submit_reply_parse(bodies[0], strlen(bodies[0]), &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "a submit reply with an invalid id is malformed");
}

/* Control characters and a very long id are shown cut and printable. */
static void test_shown_value(void)
{
    char body[512], id[301];
    seedance_task *t;
    seedance_error e;
    int rc;

    rc = parse("{\"id\":\"task-unified-\\n\\u0007x\",\"status\":\"pending\"}", NULL, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "'task-unified-??x'") &&
       !strchr(e.message, '\n') && !strchr(e.message, '\a'),
       "control characters in an id are shown as '?': %s", e.message);
    memset(id, 'a', 300);
    id[300] = '\0';
    snprintf(body, sizeof(body), "{\"id\":\"%s\",\"status\":\"pending\"}", id);
    rc = parse(body, NULL, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && strstr(e.message, "300 characters long") &&
       strstr(e.message, "at most 95") && strstr(e.message, "aaaa...'") &&
       strlen(e.message) < 200, "a long id is cut in the message: %s", e.message);
}

static void test_other_task(void)
{
    seedance_task *t;
    seedance_error e;
    int rc;

    rc = parse("{\"id\":\"task-unified-1795308570-wwa6b73c\",\"status\":\"completed\","
               "\"results\":[\"https://x/other.mp4\"]}", ASKED, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t && !strcmp(e.task_id, ASKED) &&
       strstr(e.message, "task-unified-1795308570-wwa6b73c") && strstr(e.message, ASKED),
       "a reply about another task is not the task asked for: %s", e.message);
    rc = parse("{\"task_id\":\"task-unified-1795308570-wwa6b73c\",\"status\":\"pending\"}",
               ASKED, &t, &e);
    OK(rc == SEEDANCE_E_PROTOCOL && !t, "... named as task_id too");
    rc = parse("{\"task_id\":\"" ASKED "\",\"status\":\"pending\"}", ASKED, &t, &e);
    OK(rc == SEEDANCE_OK && t && !strcmp(seedance_task_id(t), ASKED),
       "a reply about the task asked for, as task_id, is taken");
    seedance_task_free(t);
    rc = parse("{\"status\":\"processing\",\"progress\":65}", ASKED, &t, &e);
    OK(rc == SEEDANCE_OK && t && !strcmp(seedance_task_id(t), ASKED),
       "a reply without an id takes the one asked for");
    seedance_task_free(t);
}

/* The rule is said in one place: sd_check_task_id gives the same words. */
static void test_problem(void)
{
    seedance_client *c = seedance_client_new();
    char why[160];

    OK(!strcmp(sd_task_id_problem(ASKED, why, sizeof(why)), ""), "a valid id has no problem");
    OK(strstr(sd_task_id_problem("", why, sizeof(why)), "missing") != NULL,
       "an empty id is missing: %s", why);
    sd_task_id_problem("a/b", why, sizeof(why));
    OK(sd_check_task_id(c, "a/b") == SEEDANCE_E_INVALID &&
       strstr(seedance_last_error(c)->message, why),
       "sd_check_task_id says what sd_task_id_problem says: %s",
       seedance_last_error(c)->message);
    seedance_client_free(c);
}

int main(void)
{
    test_invalid_ids();
    test_shown_value();
    test_other_task();
    test_problem();
    return done_testing();
}
