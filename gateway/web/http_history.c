/* http_history.c - GET /history: the audit rows, newest first, HISTORY_ROWS a page, for
 * users with the admin role (anyone else gets 403). Keyset pagination, plain links (no
 * script): ?older=AT.ID shows the rows just older than the row (AT, ID), ?newer=AT.ID the
 * rows just newer; each page is one index range read however long the log is. Every
 * value is escaped. Fits a phone (style.css turns each row into a block below 40rem);
 * doors by label, times as <time> (the gateway's zone; /app.js shows the phone's). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "gw_log.h"
#include "http_outcome.h"
#include "http_pages.h"
#include "http_reply.h"
#include "web.h"

#define HISTORY_ROWS 100

/* A cell; cls a fixed class name or NULL. */
static void cell(struct html_buf *b, const char *cls, const char *text)
{
    html_raw(b, cls != NULL ? "<td class=\"" : "<td>");
    if (cls != NULL) {
        html_raw(b, cls);
        html_raw(b, "\">");
    }
    html_text(b, text);
    html_raw(b, "</td>");
}

struct history_ctx {
    struct html_buf *b;
    const struct conf *conf;
};

/* One attempt: when (a <time>, the phone's zone with /app.js), the door's label (its name
 * if it is no longer configured), who, the result and its reason, then the details. */
static int add_row(void *arg, const struct audit_rec *r)
{
    const struct history_ctx *h = arg;
    struct html_buf *b = h->b;
    int door = conf_find_door(h->conf, r->door);
    char more[48 + sizeof r->serial + sizeof r->peer]; /* the longest serial and peer fit */

    html_raw(b, "<tr data-result=\"");
    html_text(b, r->result);
    html_raw(b, "\"><td class=\"when\">");
    http_outcome_time(b, r->at_ms / 1000);
    html_raw(b, "</td>");
    cell(b, NULL, door >= 0 ? h->conf->doors[door].label : r->door);
    cell(b, NULL, r->user);
    html_raw(b, "<td class=\"what\">");
    html_text(b, r->result);
    if (strcmp(r->reason, "-") != 0 && r->reason[0] != '\0' && strcmp(r->reason, r->result) != 0) {
        html_raw(b, " (");
        html_text(b, r->reason);
        html_raw(b, ")");
    }
    html_raw(b, "</td><td class=\"more\">");
    snprintf(more, sizeof more, "%lld ms, certificate %s, from %s", (long long)r->latency_ms,
             r->serial[0] ? r->serial : "-", r->peer);
    html_text(b, more);
    html_raw(b, "</td></tr>\n");
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
    struct history_ctx hc = {&b, app->conf};
    int i;

    if (!action_page_user(app, s->user, &u, &refused)) {
        http_reply_result(wsi, s, refused.result, refused.detail[0] ? refused.detail : NULL);
        return;
    }
    if (!u.admin) {
        gw_log("history refused user=%s reason=not-admin", s->user);
        http_reply_named(wsi, s, HTTP_STATUS_FORBIDDEN, "forbidden",
                         "The history is for administrators only.",
                         "Your doors still open from the door page; an administrator can "
                         "tell you who opened what.");
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
    html_raw(&b, page.newer ? "<h1>History</h1>\n<p class=\"note\">Earlier attempts, newest "
                              "first.</p>\n"
                            : "<h1>History</h1>\n<p class=\"note\">The latest attempts, newest "
                              "first.</p>\n");
    html_raw(&b,
             "<table class=\"history\">\n<thead><tr><th>time</th><th>door</th><th>user</th>"
             "<th>result</th><th>details</th></tr></thead>\n<tbody>\n");
    for (i = 0; i < page.n; i++)
        add_row(&hc, &rows[i]);
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
    html_raw(&b, "<p><a href=\"/\">Back</a></p>\n<script src=\"/app.js\" defer></script>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}
