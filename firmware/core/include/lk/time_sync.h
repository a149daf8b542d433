/* time_sync.h - the device's side of the signed time beacon (docs/protocol.md "Time
 * beacon"): a fresh nonce per request, one open at a time for LK_TIME_OPEN_MS, the
 * answer's checks in the order malformed -> unsolicited -> bad-signature -> rollback, the
 * clock set from an accepted beacon (its time + monotonic ms since), and when the
 * high-water mark is due to be persisted. Pure state: no MQTT, no allocation; device.c
 * carries the requests and answers, a port only configures it (device.h). */
#ifndef LK_TIME_SYNC_H
#define LK_TIME_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "lk/config_defaults.h"
#include "lk/port.h"

enum lk_time_verdict {
    LK_TIME_ACCEPTED = 0,
    LK_TIME_MALFORMED,     /* not exactly v,nonce,time,sig with valid values */
    LK_TIME_UNSOLICITED,   /* no open request, or another nonce (no signature checked) */
    LK_TIME_BAD_SIGNATURE, /* not the gateway's command key over latchkey-time-v1 */
    LK_TIME_ROLLBACK       /* time below the high-water mark */
};

/* "accepted", "malformed", "unsolicited", "bad-signature", "rollback". */
const char *lk_time_verdict_name(enum lk_time_verdict v);

/* The request payload: {"v":1,"nonce":"<32 hex>"} (47 bytes) and its NUL. */
#define LK_TIME_REQ_LEN (sizeof "{\"v\":1,\"nonce\":\"\"}" - 1 + LK_NONCE_HEX_LEN)

struct lk_time_sync {
    char nonce[LK_NONCE_HEX_LEN]; /* the open request's nonce (while open) */
    uint8_t open;                 /* a request waits for its answer */
    uint8_t ask;                  /* a request is due now (a fresh link) */
    uint8_t synced;               /* a beacon was accepted since boot */
    uint8_t asked_once;           /* asked_ms is set */
    uint8_t persist_tried;        /* persisted_ms is set */
    uint8_t mark_dirty;           /* high_water rose since it was last written */
    uint32_t asked_ms;            /* millis() of the last request */
    uint32_t synced_ms;           /* millis() of the last accepted beacon */
    uint32_t persisted_ms;        /* millis() of the last write of the mark */
    /* Never lowered: the persisted mark, raised by beacons; once synced, also the last
     * accepted beacon's time (the clock's base, at base_uptime_ms). */
    int64_t high_water;
    uint64_t base_uptime_ms;
};

/* high_water: the mark the port persisted (0: none). Nothing open, not synced. */
void lk_time_sync_init(struct lk_time_sync *ts, int64_t high_water);

/* A fresh session (after CONNACK): a request is due at once. */
void lk_time_sync_link_up(struct lk_time_sync *ts);

/* The session ended: the open nonce (if any) is closed. */
void lk_time_sync_link_down(struct lk_time_sync *ts);

/* 1 if a request should be sent now: after link_up, LK_TIME_RETRY_MS after an unanswered
 * one while not synced, LK_TIME_RESYNC_MS after the last accepted beacon. Also closes a
 * nonce open for LK_TIME_OPEN_MS. */
int lk_time_sync_due(struct lk_time_sync *ts, uint32_t now_ms);

/* Draws a fresh nonce from plat->random and writes the request payload into out (NUL-
 * terminated; cap >= LK_TIME_REQ_LEN + 1). Returns its length, or 0 if the RNG failed or
 * cap is too small (nothing is opened). The nonce opens with lk_time_sync_sent. */
size_t lk_time_sync_request(struct lk_time_sync *ts, const struct lk_platform *plat, char *out,
                            size_t cap);

/* The request was handed to the broker at now_ms: its nonce is open (replacing any). */
void lk_time_sync_sent(struct lk_time_sync *ts, uint32_t now_ms);

/* Checks an answer against the open nonce and pubkey (the gateway's command key). On
 * LK_TIME_ACCEPTED the nonce closes, the clock is set to the beacon's time at uptime_ms,
 * the high-water mark rises to it, and *time is it (else *time is 0). */
enum lk_time_verdict lk_time_sync_check(struct lk_time_sync *ts, const struct lk_platform *plat,
                                        const uint8_t pubkey[LK_PUBKEY_LEN], const uint8_t *payload,
                                        size_t len, uint32_t now_ms, uint64_t uptime_ms,
                                        int64_t *time);

/* The wall clock from the last accepted beacon at uptime_ms (UNIX s); 0 before one. */
int64_t lk_time_sync_now(const struct lk_time_sync *ts, uint64_t uptime_ms);

/* 1 if the high-water mark should be written now: it rose, and either it was never
 * written since boot or LK_TIME_PERSIST_MS passed since the last write (flash wear). */
int lk_time_sync_persist_due(const struct lk_time_sync *ts, uint32_t now_ms);

/* The port tried to write the mark at now_ms (ok != 0: it is durable). A failed write
 * is tried again only after LK_TIME_PERSIST_MS. */
void lk_time_sync_persisted(struct lk_time_sync *ts, uint32_t now_ms, int ok);

#endif
