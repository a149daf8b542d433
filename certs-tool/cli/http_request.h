/* http_request.h - a whole HTTP/1.x request (head and a Content-Length body) as the
 * enrollment server's routes see it, the lookup of a query parameter, and a route table
 * that turns a request into one handler call (pure, unit tested). A verb serving more than
 * one path (scep; guest links) lists its routes; enroll_server.c stays path-agnostic. */
#ifndef LK_CERTS_HTTP_REQUEST_H
#define LK_CERTS_HTTP_REQUEST_H

#include <stddef.h>

#include "enroll_server.h"

struct lk_http_req {
    const char *method;
    size_t method_len;
    const char *path; /* the target up to '?' */
    size_t path_len;
    const char *query; /* after '?' (raw, not decoded); query_len 0 if none */
    size_t query_len;
    const unsigned char *body;
    size_t body_len;
};

enum lk_http_parse {
    LK_HTTP_INCOMPLETE, /* read more */
    LK_HTTP_BAD,        /* not a request line, bad Content-Length, chunked: 400 */
    LK_HTTP_TOO_LARGE,  /* Content-Length above body_max: 413 */
    LK_HTTP_OK
};
enum lk_http_parse lk_http_req_parse(const char *buf, size_t len, size_t body_max,
                                     struct lk_http_req *r);

/* The raw value of query parameter name: 1 found (*v, *vlen), 0 not there. */
int lk_http_query_get(const struct lk_http_req *r, const char *name, const char **v, size_t *vlen);

struct lk_http_route {
    const char *method; /* "GET", "POST" */
    const char *path;   /* exact, or a prefix when it ends in '/' */
    /* Fills reply; peer as the server gives it ("ADDR port N"). */
    void (*handle)(void *arg, const struct lk_http_req *req, const char *peer,
                   struct lk_enroll_reply *reply);
};

/* struct lk_enroll_handler's answer over a route table: 0 while the request is incomplete,
 * 1 with reply filled (by a route, or 400/404/405/413 here). */
int lk_http_dispatch(const struct lk_http_route *routes, size_t n, void *arg, const char *buf,
                     size_t len, const char *peer, struct lk_enroll_reply *reply);

/* reply = a fixed text/plain answer. */
void lk_http_text(struct lk_enroll_reply *reply, int status, const char *body);

#endif
