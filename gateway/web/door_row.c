/* door_row.c - one door on the page (door_row.h). The status line carries data-availability
 * and data-sensor for the style and for /app.js, which updates both from the websocket. */
#include "door_row.h"

static const char *avail_text(enum door_avail a)
{
    switch (a) {
    case DOOR_ONLINE: return "Online";
    case DOOR_OFFLINE: return "Offline: it cannot be opened now";
    case DOOR_UNKNOWN: break;
    }
    return "Not heard from yet";
}

static void attr(struct html_buf *b, const char *name, const char *value)
{
    html_raw(b, " ");
    html_raw(b, name);
    html_raw(b, "=\"");
    html_text(b, value);
    html_raw(b, "\"");
}

void door_row(struct html_buf *b, const struct conf_door *d, const struct door_status *st)
{
    html_raw(b, "<div class=\"door\"");
    attr(b, "data-door", d->name);
    html_raw(b, ">\n<button type=\"submit\" name=\"door\"");
    attr(b, "value", d->name);
    html_raw(b, " aria-describedby=\"st-");
    html_text(b, d->name);
    html_raw(b, st->avail == DOOR_OFFLINE ? "\" disabled>" : "\">");
    html_raw(b, "Open ");
    html_text(b, d->label);
    html_raw(b, "</button>\n<p class=\"status\" id=\"st-");
    html_text(b, d->name);
    html_raw(b, "\"");
    attr(b, "data-door-status", d->name);
    attr(b, "data-availability", door_avail_name(st->avail));
    if (st->sensor[0] != '\0')
        attr(b, "data-sensor", st->sensor);
    html_raw(b, "><span class=\"avail\">");
    html_raw(b, avail_text(st->avail));
    html_raw(b, "</span><span class=\"sensor\">");
    if (st->sensor[0] != '\0') {
        html_raw(b, " · the door is ");
        html_text(b, st->sensor);
    }
    html_raw(b, "</span></p>\n</div>\n");
}
