/* http_admin.c - the admin page (http_admin.h). Plain forms, no script: one form per
 * person whose buttons name the change (op), each with the admin's PIN and the CSRF
 * token; the answer is a page saying what was done, with a link back. Every value is
 * escaped. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "admin_ops.h"
#include "audit.h"
#include "csrf.h"
#include "gw_log.h"
#include "http_admin.h"
#include "http_csrf.h"
#include "http_form.h"
#include "http_reply.h"
#include "lockout.h"
#include "request.h"
#include "sched_doors.h"
#include "sched_store.h"
#include "sched_text.h"
#include "site_tz.h"
#include "users.h"
#include "web.h"

#define ADMIN_HISTORY_ROWS 200

static const char *const field_names[] = {"csrf",  "pin",  "op",    "user",    "door",
                                          "doors", "from", "until", "windows", "uses"};
enum { F_CSRF, F_PIN, F_OP, F_USER, F_DOOR, F_DOORS, F_FROM, F_UNTIL, F_WINDOWS, F_USES };

/* The requester, if an enabled admin: 1; otherwise the refusal is the reply and 0. */
static int admin_only(struct lws *wsi, struct http_session *s, struct user_rec *u)
{
    struct action_outcome refused;
    if (!action_page_user(web_of(wsi)->app, s->user, u, &refused)) {
        http_reply_result(wsi, s, refused.result, refused.detail[0] ? refused.detail : NULL);
        return 0;
    }
    if (!u->admin) {
        gw_log("admin page refused user=%s reason=not-admin", s->user);
        http_reply_result(wsi, s, GW_FORBIDDEN, "The admin page is for administrators only.");
        return 0;
    }
    return 1;
}

struct page {
    struct gw_app *app;
    struct html_buf *b;
    const char *token;
    int64_t now;
};

static void input(struct html_buf *b, const char *label, const char *name, const char *value,
                  const char *hint)
{
    html_raw(b, "<label>");
    html_text(b, label);
    html_raw(b, " <input name=\"");
    html_raw(b, name);
    html_raw(b, "\" value=\"");
    html_text(b, value);
    html_raw(b, "\" placeholder=\"");
    html_text(b, hint);
    html_raw(b, "\" autocomplete=\"off\"></label>\n");
}

static void button(struct html_buf *b, const char *op, const char *text)
{
    html_raw(b, "<button type=\"submit\" name=\"op\" value=\"");
    html_raw(b, op);
    html_raw(b, "\">");
    html_raw(b, text);
    html_raw(b, "</button>\n");
}

/* One line per configured door: allowed or not, and its schedule. */
static void door_lines(struct page *p, const struct user_rec *u)
{
    const struct conf *c = p->app->conf;
    char line[SCHED_TEXT_MAX + 128];
    struct schedule sc;
    struct door_set allowed, scheduled;
    int i, rc;

    action_user_doors(p->app, u, &allowed);
    (void)sched_doors_of(p->app->store, c, u->name, &scheduled); /* -1: every door is read */
    html_raw(p->b, "<ul class=\"doors\">\n");
    for (i = 0; i < c->n_doors; i++) {
        html_raw(p->b, "<li data-door=\"");
        html_text(p->b, c->doors[i].name);
        html_raw(p->b, "\">");
        html_text(p->b, c->doors[i].label[0] ? c->doors[i].label : c->doors[i].name);
        if (!door_set_has(&allowed, i)) {
            html_raw(p->b, ": not allowed</li>\n");
            continue;
        }
        rc = door_set_has(&scheduled, i)
                 ? sched_store_get(p->app->store, u->name, c->doors[i].name, &sc)
                 : 0;
        if (rc == 1)
            sched_text_summary(&sc, line, sizeof line);
        else
            snprintf(line, sizeof line, "%s", rc == 0 ? "any time" : "schedule cannot be read");
        html_raw(p->b, ": ");
        html_text(p->b, line);
        html_raw(p->b, "</li>\n");
    }
    html_raw(p->b, "</ul>\n");
}

static int person(void *arg, const struct user_rec *u)
{
    struct page *p = arg;
    const struct conf *c = p->app->conf;
    char state[160], when[40];
    int64_t left = lockout_remaining_s(u, p->now);
    int i;

    snprintf(state, sizeof state, "%s \xc2\xb7 %s",
             u->guest   ? "guest"
             : u->admin ? "admin"
                        : "user",
             u->enabled ? "enabled" : "disabled");
    if (left > 0) {
        site_tz_format(u->locked_until, when, sizeof when);
        snprintf(state + strlen(state), sizeof state - strlen(state), " \xc2\xb7 locked until %s",
                 when);
    } else if (u->failed > 0) {
        snprintf(state + strlen(state), sizeof state - strlen(state), " \xc2\xb7 %d wrong PIN%s",
                 u->failed, u->failed == 1 ? "" : "s");
    }
    if (u->expires != 0) {
        site_tz_format(u->expires, when, sizeof when);
        snprintf(state + strlen(state), sizeof state - strlen(state), " \xc2\xb7 %s %s",
                 u->expires > p->now ? "access ends" : "access ended", when);
    }
    html_raw(p->b, "<section class=\"person\" data-user=\"");
    html_text(p->b, u->name);
    html_raw(p->b, "\">\n<h2>");
    html_text(p->b, u->name);
    html_raw(p->b, "</h2>\n<p class=\"state\" data-enabled=\"");
    html_raw(p->b, u->enabled ? "yes" : "no");
    html_raw(p->b, "\" data-locked=\"");
    html_raw(p->b, left > 0 ? "yes" : "no");
    html_raw(p->b, "\">");
    html_text(p->b, state);
    html_raw(p->b, "</p>\n");
    door_lines(p, u);
    html_raw(p->b,
             "<form method=\"post\" action=\"/admin\">\n<input type=\"hidden\" "
             "name=\"csrf\" value=\"");
    html_text(p->b, p->token);
    html_raw(p->b, "\">\n<input type=\"hidden\" name=\"user\" value=\"");
    html_text(p->b, u->name);
    html_raw(p->b,
             "\">\n<label>Your PIN <input name=\"pin\" type=\"password\" "
             "inputmode=\"numeric\" autocomplete=\"off\" required></label>\n");
    button(p->b, u->enabled ? "disable" : "enable", u->enabled ? "Disable" : "Enable");
    button(p->b, "unlock", "Clear lockout");
    input(p->b, "Doors", "doors", u->doors, "front,garage");
    button(p->b, "doors", "Set doors");
    html_raw(p->b, "<label>Door <select name=\"door\">");
    for (i = 0; i < c->n_doors; i++) {
        html_raw(p->b, "<option value=\"");
        html_text(p->b, c->doors[i].name);
        html_raw(p->b, "\">");
        html_text(p->b, c->doors[i].label[0] ? c->doors[i].label : c->doors[i].name);
        html_raw(p->b, "</option>");
    }
    html_raw(p->b, "</select></label>\n");
    input(p->b, "From", "from", "", "2026-12-24 18:00, none, or empty: keep");
    input(p->b, "Until", "until", "", "2026-12-27 12:00, none, or empty: keep");
    input(p->b, "Windows", "windows", "", "mon-fri 08:00-18:00, always, or empty: keep");
    input(p->b, "Uses", "uses", "", "a number; empty: keep (Set uses: any number)");
    button(p->b, "schedule", "Save schedule");
    button(p->b, "uses", "Set uses");
    button(p->b, "clear-schedule", "Clear schedule");
    html_raw(p->b, "</form>\n<p><a href=\"/admin/history?user=");
    html_text(p->b, u->name); /* [A-Za-z0-9._@-]: nothing to encode in a query */
    html_raw(p->b, "\">History of ");
    html_text(p->b, u->name);
    html_raw(p->b, "</a></p>\n</section>\n");
    return 0;
}

void http_admin_page(struct lws *wsi, struct http_session *s)
{
    struct gw_app *app = web_of(wsi)->app;
    char token[CSRF_TOKEN_MAX];
    struct user_rec u;
    struct html_buf b;
    struct page p = {app, &b, token, app_wall_ms(app) / 1000};

    if (!admin_only(wsi, s, &u))
        return;
    if (csrf_token(&web_of(wsi)->csrf, s->binding, (int64_t)time(NULL), token, sizeof token) != 0) {
        http_reply_plain(wsi, s, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Cannot make the form token.");
        return;
    }
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey admin");
    html_raw(&b, "<h1>Admin</h1>\n<p>People and guests. Times are in ");
    html_text(&b, app->conf->server.timezone);
    html_raw(&b, ". Every change asks for your PIN.</p>\n");
    if (users_list(app->store, person, &p) != 0) {
        html_free(&b);
        http_reply_result(wsi, s, GW_AUDIT_UNAVAILABLE, "The users cannot be read.");
        return;
    }
    html_raw(&b,
             "<p><a href=\"/admin/history\">All history</a> \xc2\xb7 "
             "<a href=\"/\">Doors</a></p>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}

struct history {
    struct html_buf *b;
    const char *door; /* NULL: every door */
    int n;
};

static void cell(struct html_buf *b, const char *text)
{
    html_raw(b, "<td>");
    html_text(b, text);
    html_raw(b, "</td>");
}

static int history_row(void *arg, const struct audit_rec *r)
{
    struct history *h = arg;
    char when[48], uses[24] = "";
    struct tm tm;

    if (h->door != NULL && strcmp(r->door, h->door) != 0)
        return 0;
    if (site_tz_local(r->at_ms / 1000, &tm) != 0 ||
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
        snprintf(when, sizeof when, "%lld", (long long)r->at_ms);
    if (r->has_uses)
        snprintf(uses, sizeof uses, "%lld", (long long)r->uses_left);
    html_raw(h->b, "<tr data-result=\"");
    html_text(h->b, r->result);
    html_raw(h->b, "\">");
    cell(h->b, when);
    cell(h->b, r->user);
    cell(h->b, r->door);
    cell(h->b, r->result);
    cell(h->b, r->reason);
    cell(h->b, uses);
    html_raw(h->b, "</tr>\n");
    return ++h->n >= ADMIN_HISTORY_ROWS ? 1 : 0;
}

void http_admin_history(struct lws *wsi, struct http_session *s)
{
    struct gw_app *app = web_of(wsi)->app;
    char user[LK_BY_MAX + 8], door[LK_NAME_MAX + 8];
    const char *fu = lws_get_urlarg_by_name(wsi, "user=", user, (int)sizeof user);
    const char *fd = lws_get_urlarg_by_name(wsi, "door=", door, (int)sizeof door);
    struct history h;
    struct user_rec u;
    struct html_buf b;

    if (!admin_only(wsi, s, &u))
        return;
    if ((fu != NULL && fu[0] != '\0' && !lk_by_valid(fu, strlen(fu))) ||
        (fd != NULL && fd[0] != '\0' && conf_find_door(app->conf, fd) < 0)) {
        http_reply_result(wsi, s, GW_BAD_REQUEST, "Unknown person or door.");
        return;
    }
    html_init(&b, LWS_PRE);
    h.b = &b;
    h.door = fd != NULL && fd[0] != '\0' ? fd : NULL;
    h.n = 0;
    html_begin(&b, "Latchkey admin history");
    html_raw(&b, "<h1>History</h1>\n<p>");
    html_text(&b, fu != NULL && fu[0] ? fu : "everyone");
    html_raw(&b, " \xc2\xb7 ");
    html_text(&b, h.door != NULL ? h.door : "every door");
    html_raw(&b, " \xc2\xb7 newest first, times in ");
    html_text(&b, app->conf->server.timezone);
    html_raw(&b,
             "</p>\n<table class=\"history\">\n<thead><tr><th>time</th><th>user</th>"
             "<th>door</th><th>result</th><th>reason</th><th>uses left</th></tr></thead>\n"
             "<tbody>\n");
    if (audit_query(app->store, 0, fu != NULL && fu[0] ? fu : NULL, 1, 0, history_row, &h) != 0) {
        html_free(&b);
        gw_log("admin history: cannot read the audit log: %s", store_errmsg(app->store));
        http_reply_result(wsi, s, GW_AUDIT_UNAVAILABLE, "The audit log cannot be read.");
        return;
    }
    html_raw(&b, "</tbody>\n</table>\n<p><a href=\"/admin\">Back</a></p>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}

static const struct http_form admin_form = {ROUTE_ADMIN, field_names, LWS_ARRAY_SIZE(field_names),
                                            ADMIN_BODY_MAX};

int http_admin_begin(struct lws *wsi, struct http_session *s)
{
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
        s->close_after = 1;
        http_reply_result(wsi, s, GW_BAD_REQUEST, "Transfer-Encoding is not accepted");
        return 0;
    }
    if (http_form_begin(wsi, s, &admin_form) == 0 && s->route == ROUTE_ADMIN &&
        http_csrf_origin(wsi, s) != 0)
        s->route = ROUTE_NONE; /* answered; the body is discarded, the connection closed */
    return 0;
}

int http_admin_body(struct lws *wsi, struct http_session *s, const char *in, size_t len)
{
    return http_form_body(wsi, s, &admin_form, in, len);
}

/* The change the form names (its strings live in the form's spa). */
static void op_of(struct lws_spa *spa, struct admin_op *op)
{
    op->op = lws_spa_get_string(spa, F_OP);
    op->user = lws_spa_get_string(spa, F_USER);
    op->door = lws_spa_get_string(spa, F_DOOR);
    op->doors = lws_spa_get_string(spa, F_DOORS);
    op->from = lws_spa_get_string(spa, F_FROM);
    op->until = lws_spa_get_string(spa, F_UNTIL);
    op->windows = lws_spa_get_string(spa, F_WINDOWS);
    op->uses = lws_spa_get_string(spa, F_USES);
}

static void admin_reply(struct lws *wsi, struct http_session *s, int rc, enum gw_result r,
                        const char *msg)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey admin");
    html_raw(&b, "<h1>Admin</h1>\n<p class=\"result\" role=\"status\" data-result=\"");
    html_raw(&b, rc == 0 ? "done" : gw_result_name(r));
    html_raw(&b, "\">");
    html_text(&b, msg);
    html_raw(&b, "</p>\n<p><a class=\"back\" href=\"/admin\">Back to the admin page</a></p>\n");
    html_end(&b);
    http_reply(wsi, s, rc == 0 ? HTTP_STATUS_OK : gw_result_http_status(r),
               "text/html; charset=utf-8", &b);
}

int http_admin_complete(struct lws *wsi, struct http_session *s)
{
    struct admin_op op;
    enum gw_result r = GW_BAD_REQUEST;
    char msg[SCHED_TEXT_MAX + 128];
    int rc;

    if (s->route != ROUTE_ADMIN)
        return 0;
    if (s->spa == NULL || lws_spa_finalize(s->spa)) {
        s->close_after = 1;
        http_reply_result(wsi, s, GW_BAD_REQUEST, "the form could not be read");
        return 0;
    }
    if (http_csrf_token(wsi, s, lws_spa_get_string(s->spa, F_CSRF)) == 0) {
        op_of(s->spa, &op);
        if (admin_start(web_of(wsi)->app, s->user, lws_spa_get_string(s->spa, F_PIN), &op, wsi,
                        &s->admin, &rc, &r, msg, sizeof msg) == ADMIN_CHECKING_PIN) {
            s->admin_waiting = 1; /* the form (and its PIN) stays until the verdict */
            return 0;
        }
        admin_reply(wsi, s, rc, r, msg);
    }
    lws_spa_destroy(s->spa); /* the PIN goes with it */
    s->spa = NULL;
    return 0;
}

void http_admin_writable(struct lws *wsi, struct http_session *s)
{
    struct admin_op op;
    enum gw_result r = GW_BAD_REQUEST;
    char msg[SCHED_TEXT_MAX + 128];
    int rc;

    if (!s->admin_waiting || s->spa == NULL)
        return;
    op_of(s->spa, &op);
    if (admin_take(web_of(wsi)->app, s->admin, &op, &rc, &r, msg, sizeof msg) == ADMIN_CHECKING_PIN)
        return;
    s->admin_waiting = 0;
    admin_reply(wsi, s, rc, r, msg);
    lws_spa_destroy(s->spa);
    s->spa = NULL;
}

void http_admin_closed(struct lws *wsi, struct http_session *s)
{
    if (!s->admin_waiting)
        return;
    admin_detach(web_of(wsi)->app, s->admin);
    s->admin_waiting = 0;
}
