/* http_session.h - per-connection state of the HTTPS protocol (the lws per-session data)
 * and the handler entry points shared by server.c and the http_*.c files. */
#ifndef GW_HTTP_SESSION_H
#define GW_HTTP_SESSION_H

#include <libwebsockets.h>

#include "app.h"
#include "html.h"
#include "latchkey/cmd_format.h"
#include "pending.h"

#define HTTP_BODY_MAX 1024 /* a form with a PIN and a door name is far smaller */

enum http_route { ROUTE_NONE = 0, ROUTE_ACTION, ROUTE_DONE };

struct http_session {
    char user[LK_BY_MAX + 1];   /* verified CN ("" if none) */
    enum http_route route;
    struct lws_spa *spa;
    size_t body_len;
    int waiting;                 /* an action is in the pending table */
    struct pending_handle pending;
    /* reply being sent */
    int phase;                   /* 0 none, 1 headers next, 2 body next */
    unsigned status;
    const char *content_type;
    int close_after;
    struct html_buf out;
};

/* server.c: the app of the connection's context, and re-arming of the timeout timer. */
struct gw_app *http_app(struct lws *wsi);
void server_arm_timer(struct lws *wsi);

/* http_reply.c */
void http_reply(struct lws *wsi, struct http_session *s, unsigned status,
                const char *content_type, struct html_buf *body);
void http_reply_result(struct lws *wsi, struct http_session *s, enum gw_result r,
                       const char *detail);
void http_reply_plain(struct lws *wsi, struct http_session *s, unsigned status, const char *msg);
int http_reply_writable(struct lws *wsi, struct http_session *s);
void http_session_reset(struct http_session *s);

/* http_page.c */
void http_page_index(struct lws *wsi, struct http_session *s);
void http_page_style(struct lws *wsi, struct http_session *s);

/* http_action.c */
int http_action_begin(struct lws *wsi, struct http_session *s);
int http_action_body(struct lws *wsi, struct http_session *s, const char *in, size_t len);
int http_action_complete(struct lws *wsi, struct http_session *s);
void http_action_writable(struct lws *wsi, struct http_session *s);
void http_action_closed(struct lws *wsi, struct http_session *s);

#endif
