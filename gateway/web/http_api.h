/* http_api.h - the JSON API for scripts (http_api.c): POST /api/v1/doors/DOOR/open with
 * {"pin":"..."}; the same action, results, statuses, limits and lockout as the form
 * (docs/gateway.md, "JSON API"). */
#ifndef GW_HTTP_API_H
#define GW_HTTP_API_H

#include "http_session.h"

/* 1 if path is an API path (any method), with the door's name in door (cap bytes, "" if
 * the path names no valid door). */
int http_api_path(const char *path, char *door, size_t cap);

/* LWS_CALLBACK_HTTP for an API path: method, framing and the CSRF rule. 0 (wait for the
 * body, or the reply is set). */
int http_api_begin(struct lws *wsi, struct http_session *s, int method);
int http_api_body(struct lws *wsi, struct http_session *s, const char *in, size_t len);
int http_api_complete(struct lws *wsi, struct http_session *s);

#endif
