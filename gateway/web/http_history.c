/* http_history.c - GET /history: the latest HISTORY_ROWS audit rows, newest first, for
 * users with the admin role (anyone else gets 403). Every value is escaped. */
#include <stdio.h>
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

void http_page_history(struct lws *wsi, struct http_session *s)
{
    struct gw_app *app = web_of(wsi)->app;
    struct action_outcome refused;
    struct user_rec u;
    struct html_buf b;

    if (!action_page_user(app, s->user, &u, &refused)) {
        http_reply_result(wsi, s, refused.result, refused.detail[0] ? refused.detail : NULL);
        return;
    }
    if (!u.admin) {
        gw_log("history refused user=%s reason=not-admin", s->user);
        http_reply_result(wsi, s, GW_FORBIDDEN, "The history is for administrators only.");
        return;
    }
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey history");
    html_raw(&b, "<h1>History</h1>\n<p>The latest attempts, newest first (times in UTC).</p>\n"
                 "<table class=\"history\">\n<thead><tr><th>time</th><th>user</th><th>door</th>"
                 "<th>result</th><th>reason</th><th>ms</th><th>certificate serial</th>"
                 "<th>address</th></tr></thead>\n<tbody>\n");
    if (audit_query(app->store, 0, NULL, 1, HISTORY_ROWS, add_row, &b) != 0) {
        html_free(&b);
        gw_log("history: cannot read the audit log: %s", store_errmsg(app->store));
        http_reply_result(wsi, s, GW_AUDIT_UNAVAILABLE, "The audit log cannot be read.");
        return;
    }
    html_raw(&b, "</tbody>\n</table>\n<p><a href=\"/\">Back</a></p>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}
