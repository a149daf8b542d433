/* http_admin.h - the admin page (http_admin.c): GET /admin lists people and guests with
 * their doors, schedules and state, and the forms to change them; POST /admin makes one
 * change (gateway/core/admin_ops.h: the admin's PIN again, CSRF-checked like /action);
 * GET /admin/history?user=U&door=D the audit rows of one person and/or door, newest
 * first, in the site's local time. Admins only. */
#ifndef GW_HTTP_ADMIN_H
#define GW_HTTP_ADMIN_H

#include <stddef.h>

#include "http_session.h"
#include "users.h"

/* The form with the longest door list (every door, each comma as %2C) and the rest. */
#define ADMIN_BODY_MAX (3 * USER_DOORS_MAX + 2048)

void http_admin_page(struct lws *wsi, struct http_session *s);
void http_admin_history(struct lws *wsi, struct http_session *s);
/* POST /admin, as http_action.h's three steps. */
int http_admin_begin(struct lws *wsi, struct http_session *s);
int http_admin_body(struct lws *wsi, struct http_session *s, const char *in, size_t len);
int http_admin_complete(struct lws *wsi, struct http_session *s);
/* A change whose PIN the worker checked: its owner's writeable turn answers it. */
void http_admin_writable(struct lws *wsi, struct http_session *s);
/* The connection went: a change still waiting for its PIN check is detached. */
void http_admin_closed(struct lws *wsi, struct http_session *s);

#endif
