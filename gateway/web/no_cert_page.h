/* no_cert_page.h - the optional answer to a phone without a valid client certificate
 * ([server] no_certificate_page = whom to ask; off by default, docs/threat-model.md): one
 * static page that says so and whom to ask, for every path and method, with no app code
 * (no script, no style sheet, no link), no user data and no websocket; the connection
 * ends after it. */
#ifndef GW_NO_CERT_PAGE_H
#define GW_NO_CERT_PAGE_H

#include "http_session.h"

/* Queues the page (403) on wsi; contact is the configured text (escaped here). */
void no_cert_page(struct lws *wsi, struct http_session *s, const char *contact);

#endif
