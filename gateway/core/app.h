/* app.h - the gateway's long-lived state, shared by the event loop and the handlers: the
 * config, the command key, the store, the PIN machinery, the table of attempts under way,
 * and the ports (ports.h) through which the decisions reach the broker, the phones and
 * the clock. */
#ifndef GW_APP_H
#define GW_APP_H

#include <openssl/evp.h>
#include <stdint.h>

#include "admin_checks.h"
#include "attempts.h"
#include "conf.h"
#include "pepper.h"
#include "pin_cache.h"
#include "pin_worker.h"
#include "ports.h"
#include "store.h"

struct gw_app {
    const struct conf *conf;
    EVP_PKEY *cmd_key;
    struct store *store;   /* users, lockouts, audit (loop thread only) */
    struct pepper pepper;  /* PIN pepper, loaded at start-up */
    struct pin_worker pins;        /* scrypt PIN checks, off the loop */
    struct pin_cache pin_cache;    /* recently verified PINs (memory only) */
    struct attempts attempts;      /* door actions under way (attempts.h) */
    struct admin_checks admin_checks; /* admin changes whose PIN is being checked */
    struct gw_ports ports;
};

static inline int64_t app_now_ms(const struct gw_app *app)
{
    return app->ports.now_ms(app->ports.ctx);
}

static inline int64_t app_wall_ms(const struct gw_app *app)
{
    return app->ports.wall_ms(app->ports.ctx);
}

#endif
