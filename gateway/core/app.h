/* app.h - the gateway's long-lived state, shared by the event loop and the handlers. */
#ifndef GW_APP_H
#define GW_APP_H

#include <openssl/evp.h>
#include <signal.h>

#include "action_check.h"
#include "conf.h"
#include "pending.h"
#include "pepper.h"
#include "pin_cache.h"
#include "pin_worker.h"
#include "store.h"

struct lws_context;
struct mqtt_link;

struct gw_app {
    const struct conf *conf;
    EVP_PKEY *cmd_key;
    struct mqtt_link *mqtt;
    struct pending_table pending;
    struct lws_context *lws;
    struct store *store;   /* users, lockouts, audit (loop thread only) */
    struct pepper pepper;  /* PIN pepper, loaded at start-up */
    struct pin_worker pins;        /* scrypt PIN checks, off the loop */
    struct pin_cache pin_cache;    /* recently verified PINs (memory only) */
    struct action_checks checks;   /* actions waiting for their PIN check */
};

#endif
