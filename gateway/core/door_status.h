/* door_status.h - what the gateway knows about each door from MQTT: the retained
 * `availability` (online/offline) and `state` (relay idle/active, firmware version, and the door's sensor open/closed when the
 * device has one) topics.
 * Written from Paho's thread, read by the lws loop: every access holds a mutex. A version
 * number grows on each change so the websocket side knows when to push. */
#ifndef GW_DOOR_STATUS_H
#define GW_DOOR_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"

#define DOOR_STATUS_MAX 64

enum door_avail { DOOR_UNKNOWN = 0, DOOR_ONLINE, DOOR_OFFLINE };

struct door_status {
    char door[LK_NAME_MAX + 1];
    enum door_avail avail;
    char relay[8];  /* "idle", "active" or "" (unknown) */
    char fw[16];    /* "" if unknown */
    char sensor[8]; /* the door's contact sensor, "open" or "closed" ("" if none reports) */
};

/* Called (unlocked) after each change, e.g. to wake the lws loop. May be NULL. */
void door_status_set_wake(void (*wake)(void *arg), void *arg);

/* From the topic payloads; bad payloads are ignored (returns -1). */
int door_status_availability(const char *door, const char *payload, size_t len);
int door_status_state(const char *door, const char *payload, size_t len);

/* Copies the status of door into *out (unknown if never heard of). */
void door_status_get(const char *door, struct door_status *out);
uint64_t door_status_version(void);
const char *door_avail_name(enum door_avail a);

#endif
