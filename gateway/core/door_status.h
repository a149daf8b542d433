/* door_status.h - what the gateway knows about each door from MQTT: the retained
 * `availability` (online/offline) and `state` (relay idle/active, firmware version, the
 * door contact open/closed and whether the last command really opened it) topics,
 * and the site's bridge link (latchkey/<site>/bridge, docs/protocol.md "The bridge link"):
 * while a bridge reports its link down, every door of the site is offline whatever its
 * last retained availability says (that message was kept by this broker before the cut).
 * Written from Paho's thread, read by the lws loop: every access holds a mutex. A version
 * number grows on each change so the websocket side knows when to push. */
#ifndef GW_DOOR_STATUS_H
#define GW_DOOR_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "door_index.h"
#include "latchkey/cmd_format.h"

/* Doors heard of: every configured one (LATCHKEY_MAX_DOORS) and as many more that only
 * the broker names (a removed door's retained availability); found by hash (door_index.h). */
#define DOOR_STATUS_MAX DOOR_INDEX_CAP

enum door_avail { DOOR_UNKNOWN = 0, DOOR_ONLINE, DOOR_OFFLINE };

/* The site's bridge link as its notification topic says: none seen (no bridge, or the
 * broker restarted), up ("1") or down ("0", the bridge's will on this broker). */
enum door_link { LINK_NONE = 0, LINK_UP, LINK_DOWN };

struct door_status {
    char door[LK_NAME_MAX + 1];
    enum door_avail avail;    /* in effect: offline while the bridge link is down */
    enum door_avail reported; /* the device's own retained availability */
    enum door_link link;
    char relay[8];  /* "idle", "active" or "" (unknown) */
    char fw[16];    /* "" if unknown */
    /* A door sensor's (docs/firmware.md "Door sensor"), "" without one: */
    char contact[8];                  /* "open" / "closed" */
    char entry[12];                   /* the last command's window: "opened" / "not-opened" */
    char entry_id[LK_ID_HEX_LEN + 1]; /* and that command's id */
};

/* Called (unlocked) after each change, e.g. to wake the lws loop. May be NULL. */
void door_status_set_wake(void (*wake)(void *arg), void *arg);

/* From the topic payloads; bad payloads are ignored (returns -1). */
int door_status_availability(const char *door, const char *payload, size_t len);
int door_status_state(const char *door, const char *payload, size_t len);
/* The bridge notification: "1" up, "0" down; anything else -1. */
int door_status_bridge(const char *payload, size_t len);

/* Copies the status of door into *out (unknown if never heard of). */
void door_status_get(const char *door, struct door_status *out);
uint64_t door_status_version(void);
const char *door_avail_name(enum door_avail a);

#endif
