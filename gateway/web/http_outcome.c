/* http_outcome.c - the result page and the JSON answer of a door action (http_outcome.h).
 * Both say the same: the door's label, the result's sentence, then the tries left (a wrong
 * PIN) or the lock's end with the minutes to it (a lock). */
#include "http_outcome.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http_reply.h"
#include "web.h"

/* The door's label ("" for no configured door: the outcome names none). */
static const char *label_of(const struct conf *c, const char *door)
{
    int i = conf_find_door(c, door);
    return i >= 0 ? c->doors[i].label : "";
}

static void iso_utc(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, cap, "%lld", (long long)t);
}

void http_outcome_time(struct html_buf *b, int64_t unix_s)
{
    char iso[40], local[48];
    time_t tt = (time_t)unix_s;
    struct tm tm;

    iso_utc(unix_s, iso, sizeof iso);
    if (localtime_r(&tt, &tm) == NULL ||
        strftime(local, sizeof local, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
        snprintf(local, sizeof local, "%s", iso);
    html_raw(b, "<time datetime=\"");
    html_text(b, iso);
    html_raw(b, "\">");
    html_text(b, local);
    html_raw(b, "</time>");
}

static long long minutes_to(int64_t until)
{
    int64_t left = until - (int64_t)time(NULL);
    return left > 0 ? (long long)((left + 59) / 60) : 0;
}

static void tries_text(char *out, size_t cap, int tries)
{
    snprintf(out, cap, "%d %s left before a lock.", tries, tries == 1 ? "try" : "tries");
}

void http_outcome_page(struct html_buf *b, const struct conf *c, const struct action_outcome *o)
{
    const char *label = label_of(c, o->door);
    char line[96];

    html_begin(b, "Latchkey");
    html_raw(b, "<h1>Latchkey</h1>\n<p class=\"result\" role=\"status\" data-result=\"");
    html_raw(b, gw_result_name(o->result)); /* a fixed token */
    if (label[0] != '\0') {
        html_raw(b, "\" data-door=\"");
        html_text(b, o->door);
        html_raw(b, "\">");
        html_text(b, label);
        html_raw(b, ": ");
    } else {
        html_raw(b, "\">");
    }
    html_text(b, gw_result_message(o->result));
    html_raw(b, "</p>\n");
    if (o->detail[0] != '\0' || o->locked_until > 0 || o->tries_left > 0) {
        html_raw(b, "<p class=\"detail\">");
        html_text(b, o->detail);
        if (o->locked_until > 0) {
            html_raw(b, " until ");
            http_outcome_time(b, o->locked_until);
            snprintf(line, sizeof line, " (about %lld minute%s).", minutes_to(o->locked_until),
                     minutes_to(o->locked_until) == 1 ? "" : "s");
            html_text(b, line);
        } else if (o->tries_left > 0) {
            tries_text(line, sizeof line, o->tries_left);
            html_text(b, line);
        }
        html_raw(b, "</p>\n");
    }
    html_raw(b,
             "<p><a class=\"back\" href=\"/\">Back</a></p>\n"
             "<script src=\"/app.js\" defer></script>\n");
    html_end(b);
}

/* cJSON's text into b (a failed build marks b failed: a 500 goes out instead). */
static void put_json(struct html_buf *b, cJSON *root)
{
    char *txt = root != NULL ? cJSON_PrintUnformatted(root) : NULL;
    if (txt == NULL) {
        b->failed = 1;
    } else {
        html_raw(b, txt);
        html_raw(b, "\n");
    }
    cJSON_free(txt);
    cJSON_Delete(root);
}

void http_outcome_json(struct html_buf *b, const struct conf *c, const struct action_outcome *o)
{
    const char *label = label_of(c, o->door);
    cJSON *root = cJSON_CreateObject();
    char when[40], detail[ACTION_DETAIL_MAX + 64];
    int ok =
        root != NULL && cJSON_AddStringToObject(root, "result", gw_result_name(o->result)) != NULL;

    snprintf(detail, sizeof detail, "%s", o->detail);
    if (o->locked_until > 0) {
        iso_utc(o->locked_until, when, sizeof when);
        snprintf(detail, sizeof detail, "%s until %s.", o->detail, when);
        ok = ok && cJSON_AddStringToObject(root, "locked_until", when) != NULL;
    } else if (o->tries_left > 0) {
        tries_text(detail, sizeof detail, o->tries_left);
        ok = ok && cJSON_AddNumberToObject(root, "tries_left", o->tries_left) != NULL;
    }
    if (label[0] != '\0')
        ok = ok && cJSON_AddStringToObject(root, "door", o->door) != NULL &&
             cJSON_AddStringToObject(root, "label", label) != NULL;
    ok = ok && cJSON_AddStringToObject(root, "message", gw_result_message(o->result)) != NULL &&
         cJSON_AddStringToObject(root, "detail", detail) != NULL;
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    put_json(b, root);
}

void http_reply_outcome(struct lws *wsi, struct http_session *s, const struct action_outcome *o)
{
    const struct conf *c = web_of(wsi)->app->conf;
    struct html_buf b;

    html_init(&b, LWS_PRE);
    if (s->api)
        http_outcome_json(&b, c, o);
    else
        http_outcome_page(&b, c, o);
    http_reply(wsi, s, gw_result_http_status(o->result),
               s->api ? "application/json" : "text/html; charset=utf-8", &b);
}

void http_reply_refusal(struct lws *wsi, struct http_session *s, unsigned status, const char *name,
                        const char *message, const char *detail)
{
    struct html_buf b;
    cJSON *root;

    if (!s->api) {
        http_reply_named(wsi, s, status, name, message, detail);
        return;
    }
    root = cJSON_CreateObject();
    if (root != NULL &&
        (cJSON_AddStringToObject(root, "result", name) == NULL ||
         cJSON_AddStringToObject(root, "message", message) == NULL ||
         cJSON_AddStringToObject(root, "detail", detail != NULL ? detail : "") == NULL)) {
        cJSON_Delete(root);
        root = NULL;
    }
    html_init(&b, LWS_PRE);
    put_json(&b, root);
    http_reply(wsi, s, status, "application/json", &b);
}
