/* door_sensor.c - debounce and the "did it really open" window of the door contact (see
 * door_sensor.h). */
#include "lk/door_sensor.h"

#include <string.h>

static uint32_t clamp(uint32_t v, uint32_t def, uint32_t max)
{
    if (v == 0)
        return def;
    return v > max ? max : v;
}

void lk_door_init(struct lk_door_sensor *s, uint32_t debounce_ms, uint32_t window_ms)
{
    memset(s, 0, sizeof *s);
    s->debounce_ms = clamp(debounce_ms, LK_DOOR_DEBOUNCE_DEFAULT_MS, LK_DOOR_DEBOUNCE_MAX_MS);
    s->window_ms = clamp(window_ms, LK_DOOR_WINDOW_DEFAULT_MS, LK_DOOR_WINDOW_MAX_MS);
}

int lk_door_sample(struct lk_door_sensor *s, int raw, uint32_t now_ms)
{
    uint8_t v;
    if (raw < 0)
        return 0;
    v = raw ? (uint8_t)LK_DOOR_OPEN : (uint8_t)LK_DOOR_CLOSED;
    if (s->state == LK_DOOR_UNKNOWN) { /* the first reading: nothing to debounce against */
        s->state = v;
        s->pending = LK_DOOR_UNKNOWN;
        return 1;
    }
    if (v == s->state) {
        s->pending = LK_DOOR_UNKNOWN; /* a bounce back: forgotten */
        return 0;
    }
    if (s->pending != v) {
        s->pending = v;
        s->pending_ms = now_ms;
        return 0;
    }
    if ((uint32_t)(now_ms - s->pending_ms) < s->debounce_ms)
        return 0;
    s->state = v;
    s->pending = LK_DOOR_UNKNOWN;
    return 1;
}

static void decide(struct lk_door_sensor *s, enum lk_entry e)
{
    s->entry = (uint8_t)e;
    memcpy(s->entry_id, s->watch_id, sizeof s->entry_id);
    s->watching = 0;
}

void lk_door_watch(struct lk_door_sensor *s, const char *id, uint32_t now_ms)
{
    size_t n = 0;
    if (s->watching)
        decide(s, s->state == LK_DOOR_OPEN ? LK_ENTRY_OPENED : LK_ENTRY_NOT_OPENED);
    while (n < LK_ID_HEX_LEN && id != NULL && id[n] != '\0')
        n++;
    memcpy(s->watch_id, id != NULL ? id : "", n);
    s->watch_id[n] = '\0';
    s->watching = 1;
    s->watch_ms = now_ms;
}

enum lk_entry lk_door_tick(struct lk_door_sensor *s, uint32_t now_ms)
{
    if (!s->watching)
        return LK_ENTRY_NONE;
    if (s->state == LK_DOOR_OPEN)
        decide(s, LK_ENTRY_OPENED);
    else if ((uint32_t)(now_ms - s->watch_ms) >= s->window_ms)
        decide(s, LK_ENTRY_NOT_OPENED);
    else
        return LK_ENTRY_NONE;
    return (enum lk_entry)s->entry;
}

const char *lk_door_name(enum lk_door d)
{
    switch (d) {
    case LK_DOOR_OPEN: return "open";
    case LK_DOOR_CLOSED: return "closed";
    case LK_DOOR_UNKNOWN: break;
    }
    return "unknown";
}

const char *lk_entry_name(enum lk_entry e)
{
    switch (e) {
    case LK_ENTRY_OPENED: return "opened";
    case LK_ENTRY_NOT_OPENED: return "not-opened";
    case LK_ENTRY_NONE: break;
    }
    return "";
}
