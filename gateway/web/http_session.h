/* http_session.h - per-connection state of the HTTPS protocol (the lws per-session data of
 * the "http" protocol, routes.c), shared by the http_*.c handlers. */
#ifndef GW_HTTP_SESSION_H
#define GW_HTTP_SESSION_H

#include <libwebsockets.h>

#include "admin_ops.h"
#include "attempts.h"
#include "html.h"
#include "latchkey/cmd_format.h"
#include "peer_identity.h"
#include "result.h"

#define HTTP_BODY_MAX 1024 /* a form with a PIN and a door name is far smaller */

enum http_route { ROUTE_NONE = 0, ROUTE_ACTION, ROUTE_API, ROUTE_DONE, ROUTE_ADMIN };

struct http_session {
    char user[LK_BY_MAX + 1];   /* verified CN ("" if none) */
    char binding[PEER_BINDING_MAX]; /* certificate serial + user, for the CSRF token */
    enum http_route route;
    struct lws_spa *spa;
    size_t body_len;
    int api;                          /* a JSON API request (http_api.c): answers are JSON */
    char api_door[LK_NAME_MAX + 1];   /* the door named in its path */
    char api_body[HTTP_BODY_MAX + 1]; /* its body (holds the PIN: wiped when done) */
    int active;                  /* an action of this request is under way (action.h) */
    struct attempt_handle attempt;
    int admin_waiting; /* an admin change waits for its PIN check (admin_ops.h) */
    struct admin_handle admin;
    /* reply being sent */
    int phase;                   /* 0 none, 1 headers next, 2 body next */
    unsigned status;
    const char *content_type;
    int cacheable;               /* static asset: may be cached */
    int close_after;             /* HTTP/1.1: close the connection after this answer (an
                                    early answer leaves the body unread); HTTP/2: see
                                    http_reply.c */
    int end_connection;          /* close the whole connection, HTTP/2 too (revoked) */
    struct html_buf out;
    size_t out_sent; /* body bytes written so far (sent in HTTP_CHUNK pieces) */
};

#endif
