/* http_history.c - GET /history: the audit rows, newest first, HISTORY_ROWS a page, for
 * users with the admin role (anyone else gets 403). Keyset pagination, plain links (no
 * script): ?older=AT.ID shows the rows just older than the row (AT, ID), ?newer=AT.ID the
 * rows just newer; each page is one index range read however long the log is. Every
 * value is escaped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "audit.h"
#include "gw_log.h"
#include "http_pages.h"
#include "http_reply.h"
#include "web.h"

#define HISTORY_ROWS 100

static void cell(struct html_buf *b, const char *text)
{
    html_raw(b, "<td>");
    html_text(b, text);
    html_raw(b, "</td>");
}

static int add_row(void *arg, const struct audit_rec *r)
{
    struct html_buf *b = arg;
    char when[40], num[32];
    time_t t = (time_t)(r->at_ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(when, sizeof when, "%lld", (long long)r->at_ms);
    html_raw(b, "<tr data-result=\"");
    html_text(b, r->result);
    html_raw(b, "\">");
    cell(b, when);
    cell(b, r->user);
    cell(b, r->door);
    cell(b, r->result);
    cell(b, r->reason);
    snprintf(num, sizeof num, "%lld", (long long)r->latency_ms);
    cell(b, num);
    cell(b, r->serial);
    cell(b, r->peer);
    html_raw(b, "</tr>\n");
    return 0;
}

/* "AT.ID", both decimal, as the links write them. 0 or -1. */
static int parse_key(const char *v, struct audit_key *k)
{
    char *end;
    long long at, id;

    if (v[0] < '0' || v[0] > '9')
        return -1;
    errno = 0;
    at = strtoll(v, &end, 10);
    if (errno != 0 || *end != '.' || end[1] < '0' || end[1] > '9')
        return -1;
    id = strtoll(end + 1, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    k->at_ms = at;
    k->id = id;
    return 0;
}

/* Which page the query asks for. 0, or -1 for a query that names no page we make. */
static int page_asked(struct lws *wsi, enum audit_page_from *from, struct audit_key *k)
{
    char older[64], newer[64];
    const char *o = lws_get_urlarg_by_name(wsi, "older=", older, (int)sizeof older);
    const char *n = lws_get_urlarg_by_name(wsi, "newer=", newer, (int)sizeof newer);

    *from = AUDIT_LATEST;
    if (o != NULL && n != NULL)
        return -1;
    if (o != NULL || n != NULL) {
        *from = o != NULL ? AUDIT_OLDER : AUDIT_NEWER;
        return parse_key(o != NULL ? o : n, k);
    }
    return lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS) > 0 ? -1 : 0;
}

static void page_link(struct html_buf *b, const char *dir, const char *rel, const char *text,
                      const struct audit_rec *r)
{
    char href[96];
    snprintf(href, sizeof href, "/history?%s=%lld.%lld", dir, (long long)r->at_ms,
             (long long)r->id);
    html_raw(b, "<a href=\"");
    html_raw(b, href); /* digits only */
    html_raw(b, "\" rel=\"");
    html_raw(b, rel);
    html_raw(b, "\">");
    html_raw(b, text);
    html_raw(b, "</a>");
}

void http_page_history(struct lws *wsi, struct http_session *s)
{
    static struct audit_rec rows[HISTORY_ROWS]; /* loop thread only */
    struct gw_app *app = web_of(wsi)->app;
    struct audit_page page = {rows, HISTORY_ROWS, 0, 0, 0};
    struct action_outcome refused;
    enum audit_page_from from;
    struct audit_key key = {0, 0};
    struct user_rec u;
    struct html_buf b;
    int i;

    if (!action_page_user(app, s->user, &u, &refused)) {
        http_reply_result(wsi, s, refused.result, refused.detail[0] ? refused.detail : NULL);
        return;
    }
    if (!u.admin) {
        gw_log("history refused user=%s reason=not-admin", s->user);
        http_reply_result(wsi, s, GW_FORBIDDEN, "The history is for administrators only.");
        return;
    }
    if (page_asked(wsi, &from, &key) != 0) {
        http_reply_result(wsi, s, GW_BAD_REQUEST, "Unknown history page.");
        return;
    }
    if (audit_page(app->store, from, &key, &page) != 0) {
        gw_log("history: cannot read the audit log: %s", store_errmsg(app->store));
        http_reply_result(wsi, s, GW_AUDIT_UNAVAILABLE, "The audit log cannot be read.");
        return;
    }
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey history");
    html_raw(&b, page.newer ? "<h1>History</h1>\n<p>Earlier attempts, newest first (times in "
                              "UTC).</p>\n"
                            : "<h1>History</h1>\n<p>The latest attempts, newest first (times in "
                              "UTC).</p>\n");
    html_raw(&b,
             "<table class=\"history\">\n<thead><tr><th>time</th><th>user</th><th>door</th>"
             "<th>result</th><th>reason</th><th>ms</th><th>certificate serial</th>"
             "<th>address</th></tr></thead>\n<tbody>\n");
    for (i = 0; i < page.n; i++)
        add_row(&b, &rows[i]);
    html_raw(&b, "</tbody>\n</table>\n");
    if (page.newer || page.older) {
        html_raw(&b, "<p class=\"pages\">");
        if (page.newer && page.n > 0)
            page_link(&b, "newer", "prev", "Newer", &rows[0]);
        else if (page.newer) /* nothing older than that key: back to the top */
            html_raw(&b, "<a href=\"/history\" rel=\"prev\">Newer</a>");
        if (page.newer && page.older) /* older implies n > 0 */
            html_raw(&b, " ");
        if (page.older)
            page_link(&b, "older", "next", "Older", &rows[page.n - 1]);
        html_raw(&b, "</p>\n");
    }
    html_raw(&b, "<p><a href=\"/\">Back</a></p>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}
