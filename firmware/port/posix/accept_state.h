/* accept_state.h - the Linux device's persisted replay cache ([device] state_file;
 * docs/protocol.md "After a restart"): the id and exp of every accepted command whose exp
 * has not passed, one "<id> <exp>" line each, written durably before the relay moves (the
 * core's accept_record hook, lk/port.h). At the next start the ids go back into the core's
 * replay cache (lk_device_remember), so a restart cannot reopen the window of a command
 * the previous run acted on, and fresh commands act at once. */
#ifndef LKP_ACCEPT_STATE_H
#define LKP_ACCEPT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <latchkey/cmd_format.h>
#include <lk/config_defaults.h>

#include "config.h"

struct lkp_accept_entry {
    char id[LK_ID_HEX_LEN + 1];
    int64_t exp;
};

struct lkp_accept_state {
    char path[LKP_PATH_MAX];
    char tmp[LKP_PATH_MAX + 8];
    struct lkp_accept_entry e[LK_REPLAY_SLOTS]; /* oldest first */
    size_t n;
};

/* Reads the file (absent: nothing was ever accepted), keeps the entries whose exp is not
 * before now, and writes them back, so that a file that cannot be written fails at start
 * rather than at the first command. 0, or -1 with a one-line message in err (unreadable,
 * a line that is not "<32 lowercase hex> <integer>", too many lines, unwritable). */
int lkp_accept_state_open(struct lkp_accept_state *s, const char *path, int64_t now, char *err,
                          size_t errlen);

/* Adds id/exp (dropping expired entries, and the oldest when full), then writes the file:
 * temporary file, fsync, rename over the file, fsync of the directory. 0 once durable, -1
 * (logged) otherwise. */
int lkp_accept_state_add(struct lkp_accept_state *s, const char *id, int64_t exp, int64_t now);

/* The core's accept_record hook (ctx = the state). */
int lkp_accept_record(void *ctx, const char *id, int64_t exp, int64_t now);

#endif
