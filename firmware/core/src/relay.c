/* relay.c - relay pulse timing (see relay.h). Time only moves the relay off; nothing
 * received from the network can extend or end a pulse. */
#include "lk/relay.h"

#include <string.h>

static void output(struct lk_relay *r, int on)
{
    r->plat->relay_set(r->plat->ctx, on);
    r->active = on ? 1u : 0u;
}

void lk_relay_init(struct lk_relay *r, const struct lk_platform *plat, uint32_t pulse_ms,
                   uint32_t min_interval_ms)
{
    memset(r, 0, sizeof *r);
    r->plat = plat;
    if (pulse_ms == 0)
        pulse_ms = LK_RELAY_DEFAULT_PULSE_MS;
    if (pulse_ms < LK_RELAY_PULSE_MIN_MS)
        pulse_ms = LK_RELAY_PULSE_MIN_MS;
    if (pulse_ms > LK_RELAY_PULSE_MAX_MS)
        pulse_ms = LK_RELAY_PULSE_MAX_MS;
    if (min_interval_ms > LK_RELAY_INTERVAL_MAX_MS)
        min_interval_ms = LK_RELAY_INTERVAL_MAX_MS;
    r->pulse_ms = pulse_ms;
    r->min_interval_ms = min_interval_ms;
    output(r, 0);
}

enum lk_relay_status lk_relay_pulse(struct lk_relay *r, uint32_t now_ms)
{
    if (r->faulted)
        return LK_RELAY_FAULT;
    if (r->active)
        return LK_RELAY_BUSY;
    if (r->have_last && (uint32_t)(now_ms - r->ended_ms) < r->min_interval_ms)
        return LK_RELAY_BUSY;
    r->started_ms = now_ms;
    r->pulses++;
    output(r, 1);
    return LK_RELAY_OK;
}

int lk_relay_tick(struct lk_relay *r, uint32_t now_ms)
{
    if (!r->active || (uint32_t)(now_ms - r->started_ms) < r->pulse_ms)
        return 0;
    output(r, 0);
    r->ended_ms = now_ms;
    r->have_last = 1;
    return 1;
}

void lk_relay_fault(struct lk_relay *r)
{
    r->faulted = 1;
    output(r, 0);
}

int lk_relay_active(const struct lk_relay *r)
{
    return r->active;
}
