/* action_check.h - the table of door actions whose PIN is being checked off the loop
 * (action.h): each slot holds the attempt (its audit row so far), what the check is
 * against, and once decided the outcome for its owner. Fixed size, loop thread only;
 * handles carry a generation so a stale one never reaches a reused slot. */
#ifndef GW_ACTION_CHECK_H
#define GW_ACTION_CHECK_H

#include <stdint.h>

#include "audit.h"
#include "latchkey/cmd_format.h"
#include "pending.h"
#include "pin_cache.h"
#include "pin_hash.h"
#include "pin_worker.h"
#include "result.h"

#define ACTION_CHECKS_MAX PIN_WORKER_SLOTS
#define ACTION_DETAIL_MAX 160

struct action_outcome {
    enum gw_result result;
    const char *reason;               /* short token for the log and the audit */
    char detail[ACTION_DETAIL_MAX];   /* a sentence for the page, "" if none */
    char door[LK_NAME_MAX + 1];       /* the door as audited ("?" if none or invalid) */
};

/* One attempt from the request to its outcome (the audit row grows along the way). */
struct action_attempt {
    struct audit_rec rec;
    int64_t start_ms;   /* monotonic */
    void *owner;        /* NULL once the requester went away */
};

struct action_check_handle {
    int slot;           /* -1: none */
    uint32_t gen;
};

enum action_check_state { CHECK_FREE = 0, CHECK_RUNNING, CHECK_DECIDED };

struct action_check {
    enum action_check_state state;
    uint32_t gen;
    struct action_attempt a;
    char phc[PIN_HASH_MAX];                 /* the stored hash the PIN is checked against */
    unsigned char mac[PIN_CACHE_MAC_LEN];   /* pin_cache entry value if the PIN is right */
    int have_mac;
    int stage;                              /* enum action_stage once decided */
    struct pending_handle ack;
    struct action_outcome out;
};

struct action_checks {
    struct action_check c[ACTION_CHECKS_MAX];
    uint32_t next_gen;
};

#endif
