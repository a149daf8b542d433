/* http_action.h - POST /action (http_action.c): the form's body, action_start, and the
 * answer once the attempt is finished. */
#ifndef GW_HTTP_ACTION_H
#define GW_HTTP_ACTION_H

#include "http_session.h"

int http_action_begin(struct lws *wsi, struct http_session *s);
int http_action_body(struct lws *wsi, struct http_session *s, const char *in, size_t len);
int http_action_complete(struct lws *wsi, struct http_session *s);
/* The action of door with pin for the request's user (form or API): answered at once, or
 * s->active until http_action_writable answers it. */
void http_action_run(struct lws *wsi, struct http_session *s, const char *door, const char *pin);
void http_action_writable(struct lws *wsi, struct http_session *s);
void http_action_closed(struct lws *wsi, struct http_session *s);

#endif
