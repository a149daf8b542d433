/* door_event.h - what every attempt on a door tells the house (docs/protocol.md "Events"):
 * one JSON object, the same on .../event (not retained), on the retained .../last (and
 * .../last_opened when it opened) and in the optional webhook's POST body:
 *     {"v":1,"event_type":"<result>","door":"<door>","by":"<identity>","reason":"<token>",
 *      "at":<unix s>}
 * event_type is the result's name (result.h), as Home Assistant's MQTT event entity wants. */
#ifndef GW_DOOR_EVENT_H
#define GW_DOOR_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

#define DOOR_EVENT_MAX 320 /* door 32, by 64, reason 32: about 170 bytes at most */

/* The event JSON into out (NUL-terminated). Its length, or 0 if it does not fit. */
size_t door_event_json(const char *door, const char *by, enum gw_result r, const char *reason,
                       int64_t at_s, char *out, size_t cap);

/* The JSON array of every event_type (every result name), for the discovery config. Its
 * length, or 0 if it does not fit. */
size_t door_event_types_json(char *out, size_t cap);

#endif
