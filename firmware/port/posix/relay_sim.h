/* relay_sim.h - the simulated relay: every transition is appended to a log file as
 * "<unix_ms> on|off\n" so tests and the demo can see what the door would do. */
#ifndef LKP_RELAY_SIM_H
#define LKP_RELAY_SIM_H

#include <stddef.h>

struct lkp_relay_sim {
    int fd;   /* the log, opened O_APPEND; -1 when closed */
    int on;   /* current (believed) output state */
    char path[512];
};

/* Opens (creates, mode 0644) path for appending. 0, or -1 with a message in err. */
int lkp_relay_sim_open(struct lkp_relay_sim *r, const char *path, char *err, size_t errlen);

/* Sets the output and logs the transition (only when the state changes). If the line
 * cannot be written, the error is logged and the output is treated as off. */
void lkp_relay_sim_set(struct lkp_relay_sim *r, int on);

/* Off without stdio, logging or locking (fatal-signal handlers): appends the "off" line
 * with write() only if the output was on. */
void lkp_relay_sim_off_now(struct lkp_relay_sim *r);

/* Forces the output off (logged) and closes the log. */
void lkp_relay_sim_close(struct lkp_relay_sim *r);

#endif
