/* http_csrf.c - the CSRF checks of a POST (rules in csrf.h): the Origin / Sec-Fetch-Site
 * headers when the request starts, the form's token once the body is read. A refusal is
 * 403 with data-result="csrf", logged and counted. */
#include <string.h>
#include <time.h>

#include "csrf.h"
#include "gw_log.h"
#include "http_csrf.h"
#include "http_outcome.h"
#include "http_reply.h"
#include "request.h"
#include "web.h"
#include "metrics.h"

void http_csrf_refuse(struct lws *wsi, struct http_session *s, const char *why, const char *message)
{
    gw_log("request refused: csrf user=%s reason=%s", s->user[0] ? s->user : "-", why);
    metrics_refused(REFUSED_CSRF);
    s->close_after = 1;
    http_reply_refusal(wsi, s, HTTP_STATUS_FORBIDDEN, "csrf", message, why);
}

static void refuse(struct lws *wsi, struct http_session *s, const char *why)
{
    http_csrf_refuse(wsi, s, why,
                     "This form is out of date or did not come from this site. Go "
                     "back, reload the page and try again.");
}

int http_csrf_origin(struct lws *wsi, struct http_session *s)
{
    char origin[300], site[32];
    int has_origin = request_header(wsi, "origin:", origin, sizeof origin);
    int has_site = request_header(wsi, "sec-fetch-site:", site, sizeof site);
    const char *why = NULL;

    if (!csrf_origin_ok(web_of(wsi)->origin, has_origin ? origin : NULL, has_site ? site : NULL, &why)) {
        refuse(wsi, s, why);
        return -1;
    }
    return 0;
}

int http_csrf_token(struct lws *wsi, struct http_session *s, const char *token)
{
    enum csrf_verdict v = csrf_check(&web_of(wsi)->csrf, s->binding, token, (int64_t)time(NULL));
    if (v != CSRF_OK) {
        refuse(wsi, s, csrf_verdict_name(v));
        return -1;
    }
    return 0;
}
