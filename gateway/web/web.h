/* web.h - the state of the HTTPS side, one per lws context and found from any connection
 * through the context's user pointer (web_of): the app, the lws context and vhosts, the
 * client CA + CRL store, the CSRF key and the loop's timers. No handler reaches it any
 * other way. */
#ifndef GW_WEB_H
#define GW_WEB_H

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "app.h"
#include "conn_limit.h"
#include "csrf.h"
#include "leaf_cache.h"
#include "own_origin.h"
#include "tls_store.h"

#define HTTP_IDLE_SECS 10      /* lws timeout for a stalled request (slow clients) */
#define KEEPALIVE_SECS 30      /* idle keep-alive connection is closed after this */

/* A file's identity and version, to notice a replaced certificate (cert_reload.h). */
struct cert_stamp {
    dev_t dev;
    ino_t ino;
    off_t size;
    time_t mtime_sec;
    long mtime_nsec;
};

struct web {
    struct gw_app *app;
    struct lws_context *ctx;
    struct lws_vhost *vh, *metrics_vh;
    lws_sorted_usec_list_t timer, crl_timer, hold_timer; /* timers.h */
    int holding;                       /* hold_timer scheduled */
    char iface[64], metrics_iface[64]; /* numeric IPv4/IPv6 addresses */
    struct tls_store tls;
    struct leaf_cache leaf_cache;      /* leaf_verify.h: client certificates verified before */
    SSL_CTX *ssl_ctx;                  /* the gw vhost's, seen at LOAD_EXTRA_SERVER_VERIFY_CERTS */
    enum crl_state crl_logged;
    struct cert_stamp cert_stamp, key_stamp; /* cert_reload.h: the server cert and key */
    int cert_retrying;                       /* cert_reload.h: a changed pair failed once */
    time_t crl_warned;                       /* crl_warning.h: last expiry warning logged */
    struct csrf csrf;
    char origin[OWN_ORIGIN_MAX];       /* own_origin.h: what Origin must say */
    struct conn_limit conns;           /* connections per source, descriptor reserve */
    volatile sig_atomic_t *reload;
    void (*on_reload)(struct gw_app *);
};

/* The web of wsi's context. */
static inline struct web *web_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

#endif
