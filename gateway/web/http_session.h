/* http_session.h - per-connection state of the HTTPS protocol (the lws per-session data)
 * and the handler entry points shared by server.c and the http_*.c files. */
#ifndef GW_HTTP_SESSION_H
#define GW_HTTP_SESSION_H

#include <libwebsockets.h>

#include "app.h"
#include "attempts.h"
#include "html.h"
#include "latchkey/cmd_format.h"
#include "peer_identity.h"

#define HTTP_BODY_MAX 1024 /* a form with a PIN and a door name is far smaller */

enum http_route { ROUTE_NONE = 0, ROUTE_ACTION, ROUTE_DONE };

struct http_session {
    char user[LK_BY_MAX + 1];   /* verified CN ("" if none) */
    char binding[PEER_BINDING_MAX]; /* certificate serial + user, for the CSRF token */
    enum http_route route;
    struct lws_spa *spa;
    size_t body_len;
    int active;                  /* an action of this request is under way (action.h) */
    struct attempt_handle attempt;
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
};

/* server.c: the app of the connection's context. */
struct gw_app *http_app(struct lws *wsi);
struct csrf;
const struct csrf *server_csrf(struct lws *wsi);
/* "https://" + the request's Host (or :authority), the origin POSTs must come from. */
int server_own_origin(struct lws *wsi, char *out, size_t cap);
/* Header value (Origin, Sec-Fetch-Site, ...) by name, lower case with ':'. 0 if absent. */
int server_header(struct lws *wsi, const char *name, char *out, size_t cap);
/* 1 if wsi is an HTTP/2 stream (a child of the network connection's wsi). */
int server_h2_stream(struct lws *wsi);
/* HTTP/2: closes the stream's whole connection in 1 ms, after what is queued is sent. */
void server_end_connection(struct lws *wsi);
/* HTTP/2: a websocket stream refused at admission, now ESTABLISHED: closes it with 1008
 * (nothing was sent on it). Returns -1 for the callback to return. */
int server_ws_refuse(struct lws *wsi);

/* http_reply.c */
void http_reply(struct lws *wsi, struct http_session *s, unsigned status,
                const char *content_type, struct html_buf *body);
void http_reply_result(struct lws *wsi, struct http_session *s, enum gw_result r,
                       const char *detail);
void http_reply_plain(struct lws *wsi, struct http_session *s, unsigned status, const char *msg);
/* A page with data-result="name" that is not an action result (e.g. "csrf"). */
void http_reply_named(struct lws *wsi, struct http_session *s, unsigned status, const char *name,
                      const char *message, const char *detail);
/* POST checks before an action: Origin rule, then the CSRF token. 0 if allowed; otherwise
   the 403 data-result="csrf" reply is set and -1 returned. token may be NULL. */
int http_csrf_origin(struct lws *wsi, struct http_session *s);
int http_csrf_token(struct lws *wsi, struct http_session *s, const char *token);
int http_reply_writable(struct lws *wsi, struct http_session *s);
void http_session_reset(struct http_session *s);

/* http_page.c */
void http_page_index(struct lws *wsi, struct http_session *s);
void http_page_style(struct lws *wsi, struct http_session *s);
/* Static assets (http_static.c): 1 if path is one and the reply is set, else 0. */
int http_static(struct lws *wsi, struct http_session *s, const char *path);

/* http_history.c: GET /history, the latest audit rows (admins only, 403 otherwise) */
void http_page_history(struct lws *wsi, struct http_session *s);

/* http_action.c */
int http_action_begin(struct lws *wsi, struct http_session *s);
int http_action_body(struct lws *wsi, struct http_session *s, const char *in, size_t len);
int http_action_complete(struct lws *wsi, struct http_session *s);
void http_action_writable(struct lws *wsi, struct http_session *s);
void http_action_closed(struct lws *wsi, struct http_session *s);

#endif
