/* http_pages.h - the GET pages: the form (http_page.c), the style sheet and the static
 * assets (http_static.c), the audit history for admins (http_history.c). */
#ifndef GW_HTTP_PAGES_H
#define GW_HTTP_PAGES_H

#include "http_session.h"

void http_page_index(struct lws *wsi, struct http_session *s);
void http_page_style(struct lws *wsi, struct http_session *s);
/* Static assets: 1 if path is one and the reply is set, else 0 (wsi NULL: only asks). */
int http_static(struct lws *wsi, struct http_session *s, const char *path);
/* GET /history, the latest audit rows (admins only, 403 otherwise) */
void http_page_history(struct lws *wsi, struct http_session *s);

#endif
