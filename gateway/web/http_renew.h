/* http_renew.h - the phone page's line that the peer's certificate ends soon and how to
 * renew it ([server] cert_renew_warn_days; the decision is core/renew_notice.c's). */
#ifndef GW_HTTP_RENEW_H
#define GW_HTTP_RENEW_H

struct lws;
struct html_buf;

/* Appends <p class="renew" data-cert-days-left="N">...</p> if the certificate of wsi's peer
 * ends within warn_days; nothing otherwise. */
void http_renew_line(struct lws *wsi, int warn_days, struct html_buf *b);

#endif
