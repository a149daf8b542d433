/* http_page.c - GET / (the PIN form with one button per door the user may open) and
 * GET /style.css (all styling is served from here: the CSP forbids inline style). */
#include "http_session.h"

static const char style_css[] =
    "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;background:#f4f4f4;color:#111}\n"
    "main{max-width:28rem;margin:0 auto}\n"
    "label,input,button{display:block;width:100%;box-sizing:border-box;font-size:1.25rem}\n"
    "input{padding:.6rem;margin:.3rem 0 1rem}\n"
    "button{padding:.9rem;margin:.5rem 0;border:0;border-radius:.4rem;background:#1d4ed8;color:#fff}\n"
    ".result{font-size:1.3rem;font-weight:bold}\n"
    "[data-result=opened]{color:#166534}\n";

void http_page_style(struct lws *wsi, struct http_session *s)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_raw(&b, style_css);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/css; charset=utf-8", &b);
}

void http_page_index(struct lws *wsi, struct http_session *s)
{
    const struct conf *c = http_app(wsi)->conf;
    const struct conf_user *u = conf_find_user(c, s->user);
    struct html_buf b;
    int i;

    if (u == NULL) {
        http_reply_result(wsi, s, GW_FORBIDDEN, "unknown user");
        return;
    }
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey");
    html_raw(&b, "<h1>Latchkey</h1>\n<p class=\"user\">Signed in as <strong>");
    html_text(&b, u->name);
    html_raw(&b, "</strong></p>\n<form method=\"post\" action=\"/action\">\n"
                 "<label for=\"pin\">PIN</label>\n"
                 "<input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" "
                 "pattern=\"[0-9]{4,12}\" minlength=\"4\" maxlength=\"12\" autocomplete=\"off\" "
                 "required>\n");
    for (i = 0; i < c->n_doors; i++) {
        if (!conf_user_may_open(u, i))
            continue;
        html_raw(&b, "<button type=\"submit\" name=\"door\" value=\"");
        html_text(&b, c->doors[i].name);
        html_raw(&b, "\">");
        html_text(&b, c->doors[i].label);
        html_raw(&b, "</button>\n");
    }
    html_raw(&b, "</form>\n");
    html_end(&b);
    http_reply(wsi, s, HTTP_STATUS_OK, "text/html; charset=utf-8", &b);
}
