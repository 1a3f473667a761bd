/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The option layer every front end parses through: names and aliases, one
 * boolean and number grammar, refusals by origin, the API key file, and the
 * seedance: URL grammar. No network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "tap.h"

static char tmpdir[256];

/* A field of a request as it will be sent. */
#define V(r, id) seedance_request_get(r, SEEDANCE_OPTION_##id, NULL)

static const char *msg(seedance_job *j)
{
    return seedance_last_error(seedance_job_client(j))->message;
}

static void test_names(void)
{
    const seedance_option *o;
    int n = 0;

    for (o = seedance_options(); o->name; o++)
        n++;
    OK(n == SEEDANCE_OPTION__COUNT, "the table lists every option (%d)", n);
    o = seedance_option_find("Aspect-Ratio");
    OK(o && o->id == SEEDANCE_OPTION_ASPECT_RATIO, "case and dashes do not matter");
    o = seedance_option_find("video_duration");
    OK(o && o->id == SEEDANCE_OPTION_DURATION, "the protocol's name is an alias");
    o = seedance_option_find("seedance_timeout");
    OK(o && o->id == SEEDANCE_OPTION_TIMEOUT, "seedance_timeout is timeout");
    o = seedance_option_find("first_frame");
    OK(o && o->id == SEEDANCE_OPTION_IMAGE, "first_frame is image");
    o = seedance_option_find("model_params.web_search");
    OK(o && o->id == SEEDANCE_OPTION_WEB_SEARCH, "model_params. prefix");
    OK(!seedance_option_find("durations") && !seedance_option_find(""),
       "unknown names are not found");
}

static void test_booleans(void)
{
    seedance_job *j = seedance_job_new();
    seedance_client *c = seedance_job_client(j);

    OK(seedance_job_set(j, "cache", "YES", SEEDANCE_FROM_URL) == 0, "cache=YES is accepted");
    OK(seedance_job_set(j, "cache", "Off", SEEDANCE_FROM_URL) == 0, "cache=Off is accepted");
    OK(seedance_job_set(j, "new_generation", "TRUE", SEEDANCE_FROM_URL) == 0 &&
       seedance_job_flags(j) == SEEDANCE_NEW, "new_generation=TRUE sets SEEDANCE_NEW");
    OK(seedance_job_set(j, "generate_audio", "YES", SEEDANCE_FROM_URL) == 0,
       "generate_audio=YES is accepted");
    OK(seedance_job_set(j, "cache", "maybe", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       strstr(msg(j), "cache") && strstr(msg(j), "'maybe'") && strstr(msg(j), "true/false"),
       "a bad boolean names option, value and what is allowed: %s", msg(j));
    OK(seedance_job_set(j, "web_search", "2", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       strstr(msg(j), "web_search") && strstr(msg(j), "yes/no"),
       "request booleans use the same message: %s", msg(j));
    (void)c;
    seedance_job_free(j);
}

static void test_numbers(void)
{
    seedance_job *j = seedance_job_new();

    OK(seedance_job_set(j, "timeout", "0.5", SEEDANCE_FROM_URL) == 0,
       "timeout=0.5 in a URL");
    OK(seedance_job_set(j, "seedance_timeout", "0.5", SEEDANCE_FROM_PROGRAM) == 0,
       "-seedance_timeout 0.5");
    OK(seedance_job_set(j, "timeout", "0", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       strstr(msg(j), "'0'") && strstr(msg(j), "seconds"), "timeout 0 refused: %s", msg(j));
    OK(seedance_job_set(j, "timeout", "inf", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID,
       "timeout inf refused");
    OK(seedance_job_set(j, "timeout", "5s", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID,
       "timeout 5s refused");
    OK(seedance_job_set(j, "duration", "8", SEEDANCE_FROM_URL) == 0, "duration 8");
    OK(seedance_job_set(j, "duration", "8.5", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       strstr(msg(j), "duration") && strstr(msg(j), "4..15"), "duration 8.5: %s", msg(j));
    seedance_job_free(j);
}

static void test_refusals(void)
{
    seedance_job *j = seedance_job_new();

    OK(seedance_job_set(j, "api_base", "http://127.0.0.1:1", SEEDANCE_FROM_URL) ==
       SEEDANCE_E_INVALID && strstr(msg(j), "api_base"), "api_base refused in a URL: %s",
       msg(j));
    OK(seedance_job_set(j, "api_key", "sk-secret", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       !strstr(msg(j), "sk-secret"), "api_key refused in a URL without echoing it");
    OK(seedance_job_set(j, "api_key", "sk-secret", SEEDANCE_FROM_COMMAND_LINE) ==
       SEEDANCE_E_INVALID && strstr(msg(j), "process list") && !strstr(msg(j), "sk-secret"),
       "api_key refused on a command line: %s", msg(j));
    OK(seedance_job_set(j, "api_key_file", "/etc/passwd", SEEDANCE_FROM_URL) ==
       SEEDANCE_E_INVALID, "api_key_file refused in a URL");
    OK(seedance_job_set(j, "api_base", "http://127.0.0.1:1", SEEDANCE_FROM_COMMAND_LINE) == 0,
       "api_base on a command line");
    OK(seedance_job_set(j, "api_base", "http://example.com", SEEDANCE_FROM_COMMAND_LINE) ==
       SEEDANCE_E_CONFIG, "a plain-http remote base is refused");
    OK(seedance_job_set(j, "bogus", "1", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       strstr(msg(j), "'bogus'") && strstr(msg(j), "prompt") && !strstr(msg(j), "api_base"),
       "an unknown URL key lists the URL keys: %s", msg(j));
    OK(seedance_job_set(j, "task", "..", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       seedance_job_set(j, "task", ".hidden", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID &&
       seedance_job_set(j, "task", "task-unified-1/..", SEEDANCE_FROM_URL) == SEEDANCE_E_INVALID,
       "task ids '..', '.hidden' and with '/' are refused");
    seedance_job_free(j);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static int warnings;
static void on_log(void *opaque, int level, const char *m)
{
    (void)opaque;
    warnings += level == SEEDANCE_LOG_WARNING && strstr(m, "readable by other users");
}

static void test_key_file(void)
{
    seedance_job *j = seedance_job_new();
    seedance_client *c = seedance_job_client(j);
    char path[300];

    seedance_client_set_log(c, on_log, NULL);
    snprintf(path, sizeof(path), "%s/key", tmpdir);
    write_file(path, "  \tsk-abc123 \t\r\nsecond line\n", 0600);
    OK(seedance_job_set(j, "api_key_file", path, SEEDANCE_FROM_COMMAND_LINE) == 0 &&
       c->api_key && !strcmp(c->api_key, "sk-abc123"),
       "the key file's first line, blanks and CR removed");
    OK(warnings == 0, "no warning for a 0600 file");
    write_file(path, "sk-abc123", 0644);
    OK(seedance_job_set(j, "api_key_file", path, SEEDANCE_FROM_PROGRAM) == 0 &&
       !strcmp(c->api_key, "sk-abc123") && warnings == 1,
       "the same key without a newline; a warning for a 0644 file");
    write_file(path, " \n", 0600);
    OK(seedance_job_set(j, "api_key_file", path, SEEDANCE_FROM_PROGRAM) == SEEDANCE_E_CONFIG &&
       strstr(msg(j), "holds no key"), "an empty key file: %s", msg(j));
    snprintf(path, sizeof(path), "%s/none", tmpdir);
    OK(seedance_job_set(j, "api_key_file", path, SEEDANCE_FROM_PROGRAM) == SEEDANCE_E_CONFIG &&
       strstr(msg(j), path), "a missing key file is named: %s", msg(j));
    seedance_job_free(j);
}

static void test_url(void)
{
    seedance_job *j = seedance_job_new();
    seedance_request *r = seedance_job_request(j);

    OK(seedance_job_parse_url(j, "seedance:?prompt=a%26b+c&duration=6&Aspect-Ratio=1:1") == 0 &&
       !strcmp(V(r, PROMPT), "a&b+c") && !strcmp(V(r, DURATION), "6") &&
       !strcmp(V(r, ASPECT_RATIO), "1:1"),
       "query keys, percent-decoding, '+' kept");
    OK(seedance_job_parse_url(j, "seedance:task-unified-123-abc") == 0 &&
       seedance_job_task(j) && !strcmp(seedance_job_task(j), "task-unified-123-abc"),
       "a bare task id attaches");
    seedance_job_free(j);

    j = seedance_job_new();
    r = seedance_job_request(j);
    OK(seedance_job_parse_url(j, "seedance://a%20calm sea") == 0 && !seedance_job_task(j) &&
       !strcmp(V(r, PROMPT), "a calm sea"), "a bare prompt after //");
    OK(seedance_job_parse_url(j, "seedance:?prompt") == SEEDANCE_E_INVALID &&
       strstr(msg(j), "no value"), "an item without '=': %s", msg(j));
    OK(seedance_job_parse_url(j, "seedance:?cache=YES&timeout=0.5") == 0,
       "cache=YES&timeout=0.5");
    OK(seedance_job_parse_url(j, "seedance:?api_key=sk-x") == SEEDANCE_E_INVALID,
       "no key in a URL");
    seedance_job_free(j);
}

static void test_image_data(void)
{
    seedance_request *r = seedance_request_new();
    seedance_error err;
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

    OK(seedance_request_set_image_data(r, "image", png, sizeof(png), "image/png", &err) == 0 &&
       V(r, IMAGE) && !strncmp(V(r, IMAGE), "data:image/png;base64,", 22),
       "image bytes become the image");
    OK(seedance_request_set_image_data(r, "video", png, sizeof(png), "image/png", &err) ==
       SEEDANCE_E_INVALID && strstr(err.message, "video"), "an unknown field: %s",
       err.message);
    OK(seedance_request_set_image_data(r, "last_image", png, sizeof(png), "image/gif", &err) ==
       SEEDANCE_E_INVALID && strstr(err.message, "image/gif"), "an unknown type: %s",
       err.message);
    seedance_request_free(r);
}

static void test_env(void)
{
    seedance_job *j = seedance_job_new();

    setenv("SEEDANCE_TIMEOUT", "12.5", 1);
    setenv("SEEDANCE_CACHE", "NO", 1);
    OK(seedance_job_set_env(j) == 0 && seedance_job_client(j)->timeout == 12.5 &&
       seedance_job_client(j)->cache == 0, "SEEDANCE_TIMEOUT and SEEDANCE_CACHE");
    setenv("SEEDANCE_TIMEOUT", "soon", 1);
    OK(seedance_job_set_env(j) == SEEDANCE_E_INVALID && strstr(msg(j), "SEEDANCE_TIMEOUT"),
       "a bad environment value names the variable: %s", msg(j));
    unsetenv("SEEDANCE_TIMEOUT");
    unsetenv("SEEDANCE_CACHE");
    seedance_job_free(j);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    char cmd[300];

    snprintf(tmpdir, sizeof(tmpdir), "%s/seedance-options.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir))
        return 1;
    unsetenv("SEEDANCE_API_KEY");
    unsetenv("EVOLINK_API_KEY");
    test_names();
    test_booleans();
    test_numbers();
    test_refusals();
    test_key_file();
    test_url();
    test_image_data();
    test_env();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return done_testing();
}
