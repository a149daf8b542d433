/* no_cert_page.c - the page for a phone without a valid certificate (see no_cert_page.h).
 * Self-contained on purpose: every path answers with it, so it refers to nothing else. */
#include "no_cert_page.h"

#include "html.h"
#include "http_reply.h"

void no_cert_page(struct lws *wsi, struct http_session *s, const char *contact)
{
    struct html_buf b;

    html_init(&b, LWS_PRE);
    html_raw(&b,
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<meta name=\"color-scheme\" content=\"light dark\">"
             "<title>No certificate</title></head>\n<body><main>\n"
             "<h1>No certificate for this door</h1>\n"
             "<p class=\"result\" role=\"status\" data-result=\"no-certificate\">"
             "This phone has no (valid) certificate for this door: ask ");
    html_text(&b, contact);
    html_raw(&b, " for an invitation.</p>\n</main></body></html>\n");
    s->close_after = 1;
    s->end_connection = 1; /* nothing else is served on this connection */
    http_reply(wsi, s, HTTP_STATUS_FORBIDDEN, "text/html; charset=utf-8", &b);
}
