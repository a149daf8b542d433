/* app.h - the gateway's long-lived state, shared by the event loop and the handlers. */
#ifndef GW_APP_H
#define GW_APP_H

#include <openssl/evp.h>
#include <signal.h>

#include "conf.h"
#include "pending.h"
#include "pepper.h"
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
};

#endif
