/* http_renew.c - the certificate-ends-soon line of the phone page (http_renew.h). */
#include "http_renew.h"

#include <stdio.h>

#include "html.h"
#include "peer_identity.h"
#include "renew_notice.h"

void http_renew_line(struct lws *wsi, int warn_days, struct html_buf *b)
{
    int days = renew_notice_days(peer_cert_seconds_left(wsi), warn_days);
    char n[16];
    if (days < 0)
        return;
    snprintf(n, sizeof n, "%d", days);
    html_raw(b, "<p class=\"renew\" data-cert-days-left=\"");
    html_text(b, n);
    if (days == 0) {
        html_raw(b, "\">This phone's certificate ends today");
    } else if (days == 1) {
        html_raw(b, "\">This phone's certificate ends tomorrow");
    } else {
        html_raw(b, "\">This phone's certificate ends in ");
        html_text(b, n);
        html_raw(b, " days");
    }
    html_raw(b, ". Ask your administrator for a new invitation before then.</p>\n");
}
