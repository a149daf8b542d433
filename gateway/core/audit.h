/* audit.h - the durable audit log of door attempts (table audit of store.h). A row is
 * committed (synchronous=FULL: on disk) before the gateway answers the attempt; an
 * attempt that sends a command is written as "pending" before the command goes out and
 * completed with the device's answer. If a write fails the caller refuses the action. */
#ifndef GW_AUDIT_H
#define GW_AUDIT_H

#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "store.h"

#define AUDIT_SERIAL_MAX 96  /* hex of a certificate serial (up to 20 bytes in practice) */
#define AUDIT_WORD_MAX 48    /* result and reason */
#define AUDIT_PEER_MAX 64

struct audit_rec {
    int64_t id;                      /* row id (filled by queries) */
    int64_t at_ms;                   /* unix milliseconds */
    char user[LK_BY_MAX + 1];
    char serial[AUDIT_SERIAL_MAX];
    char door[LK_NAME_MAX + 1];      /* "?" if the request named none or an invalid one */
    char result[AUDIT_WORD_MAX];     /* gw_result name, or "pending" */
    char reason[AUDIT_WORD_MAX];
    int64_t latency_ms;
    char peer[AUDIT_PEER_MAX];
    char cmd_id[LK_ID_HEX_LEN + 1];  /* "" when no command was sent */
};

/* Appends r (id ignored). 0 once committed, -1 on failure. */
int audit_append(struct store *s, const struct audit_rec *r);

/* Sets result, reason and latency of the row of command cmd_id. 0, 1 if no such row,
 * -1 on failure. */
int audit_finish(struct store *s, const char *cmd_id, const char *result, const char *reason,
                 int64_t latency_ms);

/* Calls cb for rows with at_ms >= since_ms (and user = user unless NULL), oldest first,
 * or newest first when newest_first; at most limit rows (0: no limit). cb returns 0 to go
 * on, > 0 to stop, < 0 to fail. 0 or -1. */
int audit_query(struct store *s, int64_t since_ms, const char *user, int newest_first,
                int limit, int (*cb)(void *arg, const struct audit_rec *r), void *arg);

/* Unix milliseconds now (wall clock). */
int64_t audit_now_ms(void);

#endif
