/* bench_http.c - the HTTP/1.1 of latchkey-bench: request builders (GET, the action form
 * POST with Origin and CSRF token, the websocket upgrade) and an incremental response
 * parser (Content-Length, chunked, or until close). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench.h"

static int fits(int n, size_t cap)
{
    return n > 0 && (size_t)n < cap ? n : -1;
}

int http_build_get(char *out, size_t cap, const struct bench_opts *o, const char *path, int close)
{
    return fits(snprintf(out, cap, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: latchkey-bench\r\n"
                                   "Accept: */*\r\nConnection: %s\r\n\r\n",
                         path, o->sni, o->port, close ? "close" : "keep-alive"), cap);
}

int http_build_post_action(char *out, size_t cap, const struct bench_opts *o, const char *csrf,
                           const char *door)
{
    char body[512];
    int blen = snprintf(body, sizeof body, "csrf=%s&pin=%s&door=%s", csrf, o->pin, door);
    if (fits(blen, sizeof body) < 0)
        return -1;
    return fits(snprintf(out, cap, "POST /action HTTP/1.1\r\nHost: %s:%d\r\nOrigin: https://%s:%d\r\n"
                                   "User-Agent: latchkey-bench\r\n"
                                   "Content-Type: application/x-www-form-urlencoded\r\n"
                                   "Content-Length: %d\r\nConnection: keep-alive\r\n\r\n%s",
                         o->sni, o->port, o->sni, o->port, blen, body), cap);
}

int http_build_ws_upgrade(char *out, size_t cap, const struct bench_opts *o)
{
    return fits(snprintf(out, cap, "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nOrigin: https://%s:%d\r\n"
                                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: bGF0Y2hrZXktYmVuY2gtd3M=\r\n"
                                   "Sec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Protocol: latchkey.v1\r\n\r\n",
                         o->sni, o->port, o->sni, o->port), cap);
}

/* Case-insensitive search of a header's value in [0, hlen); returns its start or NULL. */
static const char *header_value(const char *buf, size_t hlen, const char *name)
{
    size_t nlen = strlen(name), i = 0;
    while (i < hlen) {
        const char *line = buf + i;
        const char *eol = memchr(line, '\n', hlen - i);
        size_t llen = eol != NULL ? (size_t)(eol - line) : hlen - i;
        if (llen > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            const char *v = line + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
        i += llen + 1;
    }
    return NULL;
}

/* Walks chunks of a chunked body; 1: complete, 0: more needed, -1: malformed. */
static int chunked_complete(const char *b, size_t len)
{
    size_t i = 0;
    for (;;) {
        char *end;
        unsigned long sz;
        const char *eol = memchr(b + i, '\n', len - i);
        if (eol == NULL)
            return 0;
        if (!isxdigit((unsigned char)b[i]))
            return -1;
        sz = strtoul(b + i, &end, 16);
        if (sz > BENCH_RX_MAX)
            return -1;
        i = (size_t)(eol - b) + 1;
        if (sz == 0) { /* trailers end with an empty line */
            for (;;) {
                eol = memchr(b + i, '\n', len - i);
                if (eol == NULL)
                    return 0;
                if ((size_t)(eol - b) - i <= 1)
                    return 1;
                i = (size_t)(eol - b) + 1;
            }
        }
        if (len - i < sz + 2)
            return 0;
        i += sz + 2;
    }
}

int http_resp_parse(const char *buf, size_t len, int eof, struct http_resp *r)
{
    const char *end, *v;
    size_t body;

    if (r->header_len == 0) {
        end = NULL;
        if (len >= 4) {
            size_t i;
            for (i = 0; i + 3 < len; i++)
                if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
                    end = buf + i;
                    break;
                }
        }
        if (end == NULL)
            return eof ? -1 : 0;
        if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)buf[9]))
            return -1;
        r->status = atoi(buf + 9);
        r->header_len = (size_t)(end - buf) + 4;
        r->content_length = -1;
        v = header_value(buf, r->header_len, "Content-Length");
        if (v != NULL)
            r->content_length = strtol(v, NULL, 10);
        v = header_value(buf, r->header_len, "Transfer-Encoding");
        r->chunked = v != NULL && strncasecmp(v, "chunked", 7) == 0;
        v = header_value(buf, r->header_len, "Connection");
        r->conn_close = v != NULL && strncasecmp(v, "close", 5) == 0;
    }
    if (r->status == 101 || r->status == 204 || r->status == 304)
        return 1;
    body = len - r->header_len;
    if (r->chunked)
        return chunked_complete(buf + r->header_len, body) != 0 ? 1 : (eof ? -1 : 0);
    if (r->content_length >= 0)
        return body >= (size_t)r->content_length ? 1 : (eof ? -1 : 0);
    return eof ? 1 : 0; /* delimited by close */
}

int http_find_csrf(const char *buf, size_t len, char *out, size_t outlen)
{
    static const char key[] = "name=\"csrf\" value=\"";
    size_t klen = sizeof key - 1, i, j;
    for (i = 0; i + klen < len; i++) {
        if (memcmp(buf + i, key, klen) != 0)
            continue;
        i += klen;
        for (j = 0; i + j < len && buf[i + j] != '"'; j++) {
            char c = buf[i + j];
            if (j + 1 >= outlen || !(isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_'))
                return -1;
            out[j] = c;
        }
        if (i + j >= len || j == 0)
            return -1;
        out[j] = '\0';
        return 0;
    }
    return -1;
}
