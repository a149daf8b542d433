/* http_page.c - GET / (the PIN form with one row per door the user may open, door_row.h,
 * and a link to the history for admins) and GET /style.css (all styling is served from
 * here: the CSP forbids inline style). Both themes meet WCAG AA contrast (checked by
 * tests/browser with axe-core). The form carries the CSRF token (csrf.h); /app.js adds
 * live status and local times when scripts run. */
#include <time.h>

#include "action.h"
#include "crl_warning.h"
#include "csrf.h"
#include "door_row.h"
#include "door_status.h"
#include "http_pages.h"
#include "http_renew.h"
#include "http_reply.h"
#include "sched_doors.h"
#include "web.h"

static const char style_css[] =
    ":root{color-scheme:light dark;--bg:#f4f4f5;--fg:#111827;--card:#fff;--accent:#1d4ed8;"
    "--link:#1d4ed8;--ok:#166534;--bad:#b91c1c;--muted:#4b5563;--line:#d1d5db}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--fg:#e5e7eb;--card:#111827;"
    "--accent:#2563eb;--link:#93c5fd;--ok:#4ade80;--bad:#f87171;--muted:#9ca3af;"
    "--line:#374151}}\n"
    "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;background:var(--bg);color:var(--"
    "fg)}\n"
    "main{max-width:28rem;margin:0 auto}\n"
    "h1{font-size:1.6rem;margin:.5rem 0}\n"
    "label,input,button{display:block;width:100%;box-sizing:border-box;font-size:1.35rem}\n"
    "input{padding:.8rem;margin:.3rem 0 1rem;border-radius:.5rem;border:2px solid var(--muted);"
    "background:var(--card);color:var(--fg);letter-spacing:.3em}\n"
    "button{min-height:4rem;padding:1rem;margin:.6rem 0 .2rem;border:0;border-radius:.6rem;"
    "background:var(--accent);color:#fff;text-align:left}\n"
    "button:disabled{background:var(--card);color:var(--muted);border:2px dashed var(--muted)}\n"
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid "
    "var(--fg);outline-offset:2px}\n"
    ".door{margin-bottom:.8rem}\n"
    ".status{font-size:1rem;margin:0 0 .4rem;color:var(--muted)}\n"
    "[data-availability=offline]{color:var(--bad);font-weight:bold}\n"
    ".result,#live{font-size:1.3rem;font-weight:bold;min-height:1.5em}\n"
    "[data-result=opened]{color:var(--ok)}\n"
    "[data-result=wrong-pin],[data-result=forbidden],[data-result=csrf],[data-result=revoked],"
    "[data-result=locked],[data-result=rejected],[data-result=offline],[data-result=outside-"
    "schedule]{color:var(--bad)}\n"
    "a{color:var(--link);font-size:1.2rem}\n"
    ".user,.note{color:var(--muted)}\n"
    "table.history{border-collapse:collapse;width:100%;font-size:1rem}\n"
    ".history th{text-align:left}\n"
    ".history td,.history th{padding:.3rem .4rem;border-bottom:1px solid var(--line);"
    "overflow-wrap:anywhere}\n"
    ".history .more{color:var(--muted);font-size:.9rem}\n"
    "@media (max-width:40rem){.history thead{display:none}.history tr{display:block;"
    "padding:.5rem 0;border-bottom:1px solid var(--line)}.history td{display:inline;"
    "border:0;padding:0 .3rem 0 0}.history td.when{display:block;font-weight:bold}"
    ".history td+td:not(.more)::after{content:\" \\00b7\"}.history tr td.what::after{content:none}"
    ".history td.more{display:block}}\n"
    ".schedule{margin:-.3rem 0 .6rem;color:var(--muted);font-size:1rem}\n";

void http_page_style(struct lws *wsi, struct http_session *s)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_raw(&b, style_css);
    html_raw(&b, crl_warning_css);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/css; charset=utf-8", &b);
    s->cacheable = 1;
}

void http_page_index(struct lws *wsi, struct http_session *s)
{
    struct gw_app *app = web_of(wsi)->app;
    const struct conf *c = app->conf;
    struct action_outcome refused;
    struct user_rec user, *u = &user;
    struct html_buf b;
    char token[CSRF_TOKEN_MAX], line[600];
    struct door_set allowed, scheduled;
    int i;

    if (csrf_token(&web_of(wsi)->csrf, s->binding, (int64_t)time(NULL), token, sizeof token) != 0) {
        http_reply_plain(wsi, s, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Cannot make the form token.");
        return;
    }
    if (!action_page_user(app, s->user, u, &refused)) {
        http_reply_result(wsi, s, refused.result, refused.detail[0] ? refused.detail : NULL);
        return;
    }
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey");
    html_raw(&b, "<h1>Latchkey</h1>\n<p class=\"user\">Signed in as <strong>");
    html_text(&b, u->name);
    html_raw(&b, "</strong></p>\n");
    if (u->admin)
        crl_warning_banner(&b, web_of(wsi), time(NULL));
    html_raw(&b, /* the form */
             "<form id=\"open-form\" method=\"post\" action=\"/action\">\n"
             "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&b, token);
    html_raw(&b, "\">\n<label for=\"pin\">PIN</label>\n"
                 "<input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" "
                 "pattern=\"[0-9]{4,12}\" minlength=\"4\" maxlength=\"12\" autocomplete=\"off\" "
                 "required>\n");
    action_user_doors(app, u, &allowed);
    (void)sched_doors_of(app->store, c, u->name, &scheduled); /* -1: every door is read */
    for (i = 0; i < c->n_doors; i++) {
        struct door_status st;
        if (!door_set_has(&allowed, i))
            continue;
        door_status_get(c->doors[i].name, &st);
        door_row(&b, &c->doors[i], &st);
        if (door_set_has(&scheduled, i) &&
            action_schedule_line(app, u->name, i, line, sizeof line)) {
            html_raw(&b, "<p class=\"schedule\" data-schedule=\"");
            html_text(&b, c->doors[i].name);
            html_raw(&b, "\">");
            html_text(&b, line);
            html_raw(&b, "</p>\n");
        }
    }
    http_renew_line(wsi, c->server.cert_renew_warn_days, &b);
    html_raw(&b, "</form>\n<p id=\"live\" role=\"status\" aria-live=\"polite\"></p>\n");
    if (u->admin)
        html_raw(&b, "<p class=\"nav\"><a href=\"/history\">History of every door</a></p>\n");
    html_raw(&b, "<script src=\"/app.js\" defer></script>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}
