/* http_csrf.h - the CSRF checks of a POST (http_csrf.c; rules in csrf.h). */
#ifndef GW_HTTP_CSRF_H
#define GW_HTTP_CSRF_H

#include "http_session.h"

/* POST checks before an action: Origin rule, then the CSRF token. 0 if allowed; otherwise
   the 403 data-result="csrf" reply is set and -1 returned. token may be NULL. */
int http_csrf_origin(struct lws *wsi, struct http_session *s);
int http_csrf_token(struct lws *wsi, struct http_session *s, const char *token);

/* A 403 data-result="csrf" (JSON for the API), logged and counted; why is its reason. */
void http_csrf_refuse(struct lws *wsi, struct http_session *s, const char *why,
                      const char *message);

#endif
