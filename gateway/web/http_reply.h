/* http_reply.h - sending one HTTP response from the writeable callbacks (http_reply.c). */
#ifndef GW_HTTP_REPLY_H
#define GW_HTTP_REPLY_H

#include "http_session.h"

void http_reply(struct lws *wsi, struct http_session *s, unsigned status,
                const char *content_type, struct html_buf *body);
void http_reply_result(struct lws *wsi, struct http_session *s, enum gw_result r,
                       const char *detail);
void http_reply_plain(struct lws *wsi, struct http_session *s, unsigned status, const char *msg);
/* A page with data-result="name" that is not an action result (e.g. "csrf"). */
void http_reply_named(struct lws *wsi, struct http_session *s, unsigned status, const char *name,
                      const char *message, const char *detail);
/* HTTP_WRITEABLE: headers, then the body. */
int http_reply_writable(struct lws *wsi, struct http_session *s);
void http_session_reset(struct http_session *s);

#endif
