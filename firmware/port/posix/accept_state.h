/* accept_state.h - the Linux device's persisted start rule ([device] state_file;
 * docs/protocol.md "After a restart"): one line, the wall time (UNIX s) of the last command
 * it accepted, written durably before the relay moves (the core's accept_record hook,
 * lk/port.h). At the next start the core refuses every command whose window began at or
 * before that time, so a restart cannot reopen the window of a command the previous run
 * acted on, while fresh commands act at once. */
#ifndef LKP_ACCEPT_STATE_H
#define LKP_ACCEPT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct lkp_accept_state {
    char path[LKP_PATH_MAX];
    char tmp[LKP_PATH_MAX + 8];
};

/* Reads the file (absent: nothing was ever accepted, *last = 0), then writes it back, so
 * that a file that cannot be written fails at start rather than at the first command.
 * 0, or -1 with a one-line message in err (unreadable, not one decimal line, unwritable). */
int lkp_accept_state_open(struct lkp_accept_state *s, const char *path, int64_t *last,
                          char *err, size_t errlen);

/* Writes now: temporary file, fsync, rename over the file, fsync of the directory.
 * 0 once durable, -1 (logged) otherwise. */
int lkp_accept_state_write(struct lkp_accept_state *s, int64_t now);

/* The core's accept_record hook (ctx = the state). */
int lkp_accept_record(void *ctx, int64_t now);

#endif
