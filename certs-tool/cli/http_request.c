/* http_request.c - request parsing, query lookup and route dispatch of the enrollment
 * server (http_request.h). Pure functions on buffers. */
#include "http_request.h"

#include <string.h>
#include <strings.h>

#include "enroll_http.h"

#define CONTENT_LENGTH_DIGITS 9

static int line_is(const char *line, size_t len, const char *name, const char **value, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return 0;
    line += n + 1;
    len -= n + 1;
    while (len > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    *value = line;
    *vlen = len;
    return 1;
}

/* Content-Length and Transfer-Encoding of the header lines in [p, end): 0, or -1 (bad). */
static int body_length(const char *p, const char *end, size_t *out)
{
    int seen = 0;
    *out = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *v;
        size_t len = (size_t)((eol != NULL ? eol : end) - p), vlen, i;
        if (line_is(p, len, "Transfer-Encoding", &v, &vlen))
            return -1; /* no chunked bodies here: clients send Content-Length */
        if (line_is(p, len, "Content-Length", &v, &vlen)) {
            if (seen || vlen == 0 || vlen > CONTENT_LENGTH_DIGITS)
                return -1;
            for (i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return -1;
                *out = *out * 10 + (size_t)(v[i] - '0');
            }
            seen = 1;
        }
        p += len + 1;
    }
    return 0;
}

enum lk_http_parse lk_http_req_parse(const char *buf, size_t len, size_t body_max,
                                     struct lk_http_req *r)
{
    const char *end = lk_enroll_head_end(buf, len), *eol, *sp1, *sp2, *q;
    size_t blen;

    memset(r, 0, sizeof *r);
    if (end == NULL)
        return LK_HTTP_INCOMPLETE;
    if (memchr(buf, '\0', (size_t)(end - buf)) != NULL ||
        (eol = memchr(buf, '\n', (size_t)(end - buf))) == NULL)
        return LK_HTTP_BAD;
    if (body_length(eol + 1, end, &blen) != 0)
        return LK_HTTP_BAD;
    if (blen > body_max)
        return LK_HTTP_TOO_LARGE;
    if (eol > buf && eol[-1] == '\r')
        eol--;
    sp1 = memchr(buf, ' ', (size_t)(eol - buf));
    if (sp1 == NULL || sp1 == buf)
        return LK_HTTP_BAD;
    sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (sp2 == NULL || sp2 == sp1 + 1 || sp1[1] != '/' || (size_t)(eol - sp2 - 1) != 8 ||
        memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1'))
        return LK_HTTP_BAD;
    if ((size_t)(buf + len - end) < blen)
        return LK_HTTP_INCOMPLETE;
    r->method = buf;
    r->method_len = (size_t)(sp1 - buf);
    r->path = sp1 + 1;
    q = memchr(r->path, '?', (size_t)(sp2 - r->path));
    r->path_len = (size_t)((q != NULL ? q : sp2) - r->path);
    if (q != NULL) {
        r->query = q + 1;
        r->query_len = (size_t)(sp2 - q - 1);
    }
    r->body = (const unsigned char *)end;
    r->body_len = blen;
    return LK_HTTP_OK;
}

int lk_http_query_get(const struct lk_http_req *r, const char *name, const char **v, size_t *vlen)
{
    const char *p = r->query, *end;
    size_t n = strlen(name);
    if (p == NULL)
        return 0; /* no query */
    end = p + r->query_len;
    while (p != NULL && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp != NULL ? amp : end;
        if ((size_t)(stop - p) > n && memcmp(p, name, n) == 0 && p[n] == '=') {
            *v = p + n + 1;
            *vlen = (size_t)(stop - p - (ptrdiff_t)n - 1);
            return 1;
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return 0;
}

void lk_http_text(struct lk_enroll_reply *reply, int status, const char *body)
{
    memset(reply, 0, sizeof *reply);
    reply->status = status;
    reply->type = "text/plain; charset=utf-8";
    reply->body = body;
    reply->len = strlen(body);
}

static int path_matches(const struct lk_http_route *rt, const struct lk_http_req *r)
{
    size_t n = strlen(rt->path);
    if (n > 0 && rt->path[n - 1] == '/')
        return r->path_len > n && memcmp(r->path, rt->path, n) == 0;
    return r->path_len == n && memcmp(r->path, rt->path, n) == 0;
}

int lk_http_dispatch(const struct lk_http_route *routes, size_t n, void *arg, const char *buf,
                     size_t len, const char *peer, struct lk_enroll_reply *reply)
{
    struct lk_http_req r;
    size_t i;
    int path_known = 0;
    switch (lk_http_req_parse(buf, len, LK_ENROLL_BODY_MAX, &r)) {
    case LK_HTTP_INCOMPLETE: return 0;
    case LK_HTTP_BAD: lk_http_text(reply, 400, "bad request\n"); return 1;
    case LK_HTTP_TOO_LARGE: lk_http_text(reply, 413, "request body too large\n"); return 1;
    case LK_HTTP_OK: break;
    }
    for (i = 0; i < n; i++) {
        if (!path_matches(&routes[i], &r))
            continue;
        path_known = 1;
        if (strlen(routes[i].method) == r.method_len &&
            memcmp(routes[i].method, r.method, r.method_len) == 0) {
            memset(reply, 0, sizeof *reply);
            routes[i].handle(arg, &r, peer, reply);
            return 1;
        }
    }
    lk_http_text(reply, path_known ? 405 : 404,
                 path_known ? "method not allowed\n" : "not found\n");
    return 1;
}
