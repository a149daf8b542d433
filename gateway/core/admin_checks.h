/* admin_checks.h - the admin page's changes whose PIN the PIN worker is checking
 * (admin_ops.h): a small table on the loop thread, one slot per change from the job's
 * submission to the moment its owner (the waiting HTTP connection) takes the verdict, each
 * addressed by slot + generation so that a stale handle never reaches a reused slot. */
#ifndef GW_ADMIN_CHECKS_H
#define GW_ADMIN_CHECKS_H

#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "pin_cache.h"
#include "pin_hash.h"
#include "result.h"

#define ADMIN_CHECKS_MAX 4 /* admin changes waiting for their PIN check at once */
#define ADMIN_MSG_MAX 128

enum admin_check_state { ADMIN_CHECK_FREE = 0, ADMIN_CHECK_RUNNING, ADMIN_CHECK_DONE };

struct admin_check {
    enum admin_check_state state;
    uint32_t gen;
    void *owner; /* NULL once the requester went away: the verdict still counts */
    char admin[LK_BY_MAX + 1];
    /* RUNNING only (wiped with the verdict: PIN-derived) */
    char phc[PIN_HASH_MAX];
    unsigned char mac[PIN_CACHE_MAC_LEN];
    int have_mac;
    /* DONE: 1 if the PIN was right (lockout reset, cache filled), else r and msg say why */
    int pin_ok;
    enum gw_result r;
    char msg[ADMIN_MSG_MAX];
};

struct admin_checks {
    struct admin_check c[ADMIN_CHECKS_MAX];
    uint32_t next_gen;
};

#endif
