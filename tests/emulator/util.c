/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers: growable buffers, clocks, ids, files. */
#include "emu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

int buf_append(buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char *tmp = malloc((size_t)n + 1);
    if (!tmp)
        return -1;
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = buf_append(b, tmp, (size_t)n);
    free(tmp);
    return rc;
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_real(void) { return clock_s(CLOCK_REALTIME); }
double now_mono(void) { return clock_s(CLOCK_MONOTONIC); }

int emu_sleep(double s)
{
    double end = now_mono() + s;
    for (;;) {
        if (EMU_STOPPING())
            return 1;
        double left = end - now_mono();
        if (left <= 0)
            return 0;
        if (left > 0.02)
            left = 0.02;
        struct timespec ts = { 0, (long)(left * 1e9) };
        nanosleep(&ts, NULL);
    }
}

void random_chars(char *out, size_t n)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[64];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd >= 0) {
        ssize_t k = read(fd, rnd, n < sizeof rnd ? n : sizeof rnd);
        if (k > 0)
            got = (size_t)k;
        close(fd);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v = i < got ? rnd[i] : (unsigned)rand();
        out[i] = set[v % (sizeof set - 1)];
    }
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = -1;
    if (fd >= 0) {
        const char *p = data;
        size_t left = len;
        while (left > 0) {
            ssize_t k = write(fd, p, left);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            p += k;
            left -= (size_t)k;
        }
        if (close(fd) == 0 && left == 0 && rename(tmp, path) == 0)
            rc = 0;
    }
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

int read_file(const char *path, size_t max, buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t k;
    int rc = 0;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + k > max) {
            rc = -2;
            break;
        }
        if (buf_append(out, chunk, k)) {
            rc = -1;
            break;
        }
    }
    if (ferror(f))
        rc = -1;
    fclose(f);
    return rc;
}

int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0700) && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int rc = (mkdir(p, 0700) && errno != EEXIST) ? -1 : 0;
    free(p);
    return rc;
}

void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(n);
            if (!sub)
                continue;
            snprintf(sub, n, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(sub);
            else
                unlink(sub);
            free(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

uint64_t hash64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void json_show(const cJSON *v, char *out, size_t n)
{
    char *s = cJSON_PrintUnformatted(v);
    snprintf(out, n, "%.80s%s", s ? s : "?", s && strlen(s) > 80 ? "..." : "");
    cJSON_free(s);
}

void iso_time(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

int json_apply(const char *json, int (*apply)(const cJSON *, char *, size_t),
               char *err, size_t errlen)
{
    cJSON *obj = cJSON_Parse(json);
    if (!obj) {
        snprintf(err, errlen, "not valid JSON: %.100s", json);
        return -1;
    }
    int rc = apply(obj, err, errlen);
    cJSON_Delete(obj);
    return rc;
}

/*
 * The emulator never sends traffic off this machine: image fetches and
 * callbacks go only to loopback hosts. A URL whose host is not
 * "localhost", 127.0.0.0/8 or ::1 is not contacted (no DNS lookup either).
 */
int url_is_local(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    int local = 0;

    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        unsigned char a[16];
        size_t n = strlen(host);
        if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
            memmove(host, host + 1, n - 2);
            host[n - 2] = '\0';
        }
        if (!strcasecmp(host, "localhost"))
            local = 1;
        else if (inet_pton(AF_INET, host, a) == 1)
            local = a[0] == 127;
        else if (inet_pton(AF_INET6, host, a) == 1)
            local = IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a);
    }
    curl_free(host);
    curl_url_cleanup(u);
    return local;
}

/* CURLOPT_OPENSOCKETFUNCTION: refuse any address but loopback (redirects). */
static curl_socket_t open_local_only(void *cls, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)cls; (void)purpose;
    if (a->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&a->addr;
        if ((ntohl(in->sin_addr.s_addr) >> 24) != 127)
            return CURL_SOCKET_BAD;
    } else if (a->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->addr;
        if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return CURL_SOCKET_BAD;
    } else {
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

void curl_local_only(void *c)
{
    curl_easy_setopt((CURL *)c, CURLOPT_OPENSOCKETFUNCTION, open_local_only);
}
