/* door_sensor.h - the door contact of a device (docs/firmware.md "Door sensor"): raw
 * readings from the port (struct lk_platform door_read) are debounced into open/closed,
 * and after every accepted command the core watches whether the door really opened within
 * a bounded window: "opened" as soon as it is (or already was) open, "not-opened" when
 * the window passed with the door closed (unlocked, not opened). No I/O, no malloc. */
#ifndef LK_DOOR_SENSOR_H
#define LK_DOOR_SENSOR_H

#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "latchkey/entry_window.h"

#define LK_DOOR_DEBOUNCE_DEFAULT_MS 50u
#define LK_DOOR_DEBOUNCE_MAX_MS 2000u
#define LK_DOOR_WINDOW_DEFAULT_MS LK_ENTRY_WINDOW_DEFAULT_MS /* the gateway waits for it */
#define LK_DOOR_WINDOW_MAX_MS LK_ENTRY_WINDOW_MAX_MS

enum lk_door { LK_DOOR_UNKNOWN = 0, LK_DOOR_CLOSED, LK_DOOR_OPEN };
enum lk_entry { LK_ENTRY_NONE = 0, LK_ENTRY_OPENED, LK_ENTRY_NOT_OPENED };

struct lk_door_sensor {
    uint32_t debounce_ms, window_ms;
    uint8_t state;       /* enum lk_door: the debounced state */
    uint8_t pending;     /* enum lk_door: a raw value not yet stable */
    uint32_t pending_ms; /* since when the raw value is pending */
    uint8_t watching;    /* 1 while a command's window runs */
    uint32_t watch_ms;   /* when it started */
    char watch_id[LK_ID_HEX_LEN + 1];
    uint8_t entry; /* enum lk_entry of the last decided window */
    char entry_id[LK_ID_HEX_LEN + 1];
};

/* 0 for a default; values above the maxima are clamped. State unknown, nothing watched. */
void lk_door_init(struct lk_door_sensor *s, uint32_t debounce_ms, uint32_t window_ms);

/* One reading: raw 1 open, 0 closed, < 0 none (the port could not read: the state stays).
 * The state changes once a value held debounce_ms (the first reading is taken at once).
 * 1 if the debounced state changed. */
int lk_door_sample(struct lk_door_sensor *s, int raw, uint32_t now_ms);

/* An accepted command (id) pulsed the relay at now_ms: its window starts (a window still
 * running is decided first, as not-opened unless the door is open). */
void lk_door_watch(struct lk_door_sensor *s, const char *id, uint32_t now_ms);

/* Decides the running window: LK_ENTRY_OPENED once the door is open, LK_ENTRY_NOT_OPENED
 * once window_ms passed with it closed or unknown; LK_ENTRY_NONE while undecided or when
 * nothing is watched. A decision is returned once; entry/entry_id keep it. */
enum lk_entry lk_door_tick(struct lk_door_sensor *s, uint32_t now_ms);

const char *lk_door_name(enum lk_door d);   /* "open", "closed", "unknown" */
const char *lk_entry_name(enum lk_entry e); /* "opened", "not-opened", "" */

#endif
