/* relay.h - relay controller of the firmware core: timed pulses, a minimum interval
 * between pulses, off at start and after any fault. The pulse ends by time
 * (lk_relay_tick), never because of anything on the network. */
#ifndef LK_RELAY_H
#define LK_RELAY_H

#include <stdint.h>

#include "lk/config_defaults.h"
#include "lk/port.h"

enum lk_relay_status {
    LK_RELAY_OK = 0,    /* pulse started */
    LK_RELAY_BUSY,      /* a pulse is running or the minimum interval has not passed.
                         * The device acks such a command "rejected" with reason
                         * "busy" (docs/protocol.md, "How a device decides"). */
    LK_RELAY_FAULT      /* the controller is latched off after lk_relay_fault() */
};

struct lk_relay {
    const struct lk_platform *plat;
    uint32_t pulse_ms;         /* clamped to [LK_RELAY_PULSE_MIN_MS, LK_RELAY_PULSE_MAX_MS] */
    uint32_t min_interval_ms;  /* from the END of one pulse to the start of the next */
    uint8_t active;
    uint8_t faulted;
    uint8_t have_last;         /* a pulse has ended before */
    uint32_t started_ms;
    uint32_t ended_ms;
    uint32_t pulses;           /* pulses started, for diagnostics */
};

/* Sets the output off. pulse_ms 0 means LK_RELAY_DEFAULT_PULSE_MS; out-of-range values
 * are clamped (min_interval_ms to LK_RELAY_INTERVAL_MAX_MS). */
void lk_relay_init(struct lk_relay *r, const struct lk_platform *plat, uint32_t pulse_ms,
                   uint32_t min_interval_ms);

/* Starts a pulse at now_ms (millis()). */
enum lk_relay_status lk_relay_pulse(struct lk_relay *r, uint32_t now_ms);

/* Ends the pulse once pulse_ms has passed. Returns 1 if the output changed, else 0. */
int lk_relay_tick(struct lk_relay *r, uint32_t now_ms);

/* Forces the output off and refuses pulses until lk_relay_init() again. */
void lk_relay_fault(struct lk_relay *r);

int lk_relay_active(const struct lk_relay *r);

#endif
