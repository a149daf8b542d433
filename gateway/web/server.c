/* server.c - libwebsockets 4.1 glue: one context with two vhosts. "gw" is the mTLS HTTPS
 * listener (client cert required and verified against the CA and its CRL, TLS 1.2+, ALPN
 * h2 and http/1.1; its protocols in routes.c, the TLS callbacks in tls_verify.c); "metrics"
 * is an optional plain-HTTP loopback listener (metrics_listener.c). The context's user
 * pointer is the struct web every handler finds (web.h). Also the wake-up from other
 * threads (lws_cancel_service -> EVENT_WAIT_CANCELLED) and the ports of the loop
 * (wiring.c). HTTP/2: every stream is its own wsi with its own http_session, so each
 * request is routed, identity- and CRL-checked, answered and closed on its own
 * (docs/gateway.md, "HTTP/2"). */
#include "server.h"

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config_check.h"
#include "door_status.h"
#include "fd_limit.h"
#include "gw_log.h"
#include "listen_addr.h"
#include "mem_trim.h"
#include "metrics_listener.h"
#include "routes.h"
#include "timers.h"
#include "ws_status.h"

#if !defined(LWS_ROLE_H2)
#error "latchkey-gateway needs libwebsockets built with HTTP/2 (LWS_ROLE_H2), as Debian's is"
#endif

#define MAX_HEADER_BYTES 4096  /* all request headers together */
#define H2_MAX_STREAMS 16      /* HTTP/2 streams open at once per connection */

void server_wake(void *arg)
{
    struct web *sv = arg;
    struct lws_context *ctx = sv != NULL ? sv->ctx : NULL;
    if (ctx != NULL)
        lws_cancel_service(ctx);
}

void server_wake_owner(void *owner)
{
    lws_callback_on_writable(owner);
}

void server_deadlines_changed(struct web *sv)
{
    timers_deadlines_changed(sv);
}

void server_doors_changed(struct web *sv)
{
    ws_status_doors_changed(sv->ctx);
}

int server_start(struct web *sv, struct gw_app *app, char *err, size_t errlen)
{
    const struct conf *c = app->conf;
    struct lws_context_creation_info info, vi;
    int family, loopback, m_family = AF_INET, m_loopback = 1;
    enum crl_state cs;
    char floor[CONF_STR_MAX + sizeof CRL_FLOOR_SUFFIX], why[400];
    int fds, max_conns;

    memset(sv, 0, sizeof *sv);
    sv->app = app;
    if (listen_addr_resolve(c->server.listen, sv->iface, sizeof sv->iface, &family, &loopback) != 0) {
        snprintf(err, errlen, "%s: [server] listen: cannot resolve '%s'", c->path, c->server.listen);
        return -1;
    }
    if (metrics_listener_check(sv, c, &m_family, &m_loopback, err, errlen) != 0)
        return -1;
    if (own_origin_get(c, sv->origin, sizeof sv->origin, err, errlen) != 0)
        return -1;
    if (csrf_init(&sv->csrf) != 0) {
        snprintf(err, errlen, "cannot make the CSRF key (RNG failure)");
        return -1;
    }
    /* The CRL number floor lives beside the database: the gateway's state directory. */
    if (snprintf(floor, sizeof floor, "%s%s", c->store.database, CRL_FLOOR_SUFFIX) >=
            (int)sizeof floor) {
        snprintf(err, errlen, "%s: [store] database: path too long", c->path);
        return -1;
    }
    if (tls_store_init(&sv->tls, c->server.client_ca, c->server.crl, floor, err, errlen) != 0)
        return -1;
    cs = tls_store_state(&sv->tls, time(NULL));
    if (tls_store_crl_problem(&sv->tls, cs, why, sizeof why)) {
        snprintf(err, errlen, "%s: [server] crl: %s", c->path, why);
        tls_store_free(&sv->tls);
        return -1;
    }
    if (cs == CRL_OFF)
        gw_log("WARNING: crl = none: revoked client certificates are still accepted (unsafe)");
    tls_store_log_uncovered(&sv->tls);
    sv->crl_logged = CRL_OK;

    fds = fd_limit_set();
    max_conns = conn_limit_max(fds) < c->server.max_connections ? conn_limit_max(fds)
                                                                : c->server.max_connections;
    if (conn_limit_init(&sv->conns, fds, c->server.max_per_address) != 0) {
        snprintf(err, errlen, "out of memory");
        tls_store_free(&sv->tls);
        return -1;
    }
    /* A busy port or a foreign address in one line with the OS's reason, not lws' log. */
    if (config_bind_error(c->server.listen, c->server.port,
                          config_try_bind(c->server.listen, c->server.port), err, errlen) ||
        (c->metrics.port != 0 &&
         config_bind_error(c->metrics.listen, c->metrics.port,
                           config_try_bind(c->metrics.listen, c->metrics.port), err, errlen))) {
        conn_limit_free(&sv->conns);
        tls_store_free(&sv->tls);
        return -1;
    }
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    memset(&info, 0, sizeof info);
    /* The total: lws stops polling the listening socket at this many TLS connections (and
     * polls it again below), so the rest wait in the kernel's backlog (conn_limit.h). */
    info.simultaneous_ssl_restriction = max_conns;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.user = sv;
    info.max_http_header_data = MAX_HEADER_BYTES;
    info.timeout_secs = HTTP_IDLE_SECS;
    sv->ctx = lws_create_context(&info);
    if (sv->ctx == NULL) {
        snprintf(err, errlen, "cannot create the lws context");
        conn_limit_free(&sv->conns);
        tls_store_free(&sv->tls);
        return -1;
    }

    memset(&vi, 0, sizeof vi);
    vi.vhost_name = "gw";
    vi.port = c->server.port;
    vi.iface = sv->iface;
    vi.protocols = routes_protocols();
    vi.ssl_cert_filepath = c->server.cert;
    vi.ssl_private_key_filepath = c->server.key;
    vi.ssl_ca_filepath = c->server.client_ca; /* replaced by our store (CA + CRL) */
    vi.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
    /* TLS 1.2: forward secret AEAD suites only (no CBC); TLS 1.3 suites are all AEAD. */
    vi.ssl_cipher_list = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                         "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
                         "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";
    /* HTTP/2 and HTTP/1.1 (docs/gateway.md, "HTTP/2"). h2 settings: lws copies only [1]..[5]
     * from here (4.1.6); MAX_HEADER_LIST_SIZE stays lws' 4096, ENABLE_CONNECT_PROTOCOL its 1
     * (websockets over h2, RFC 8441: served by ws_status.c with the same checks). */
    vi.alpn = "h2,http/1.1";
    vi.http2_settings[0] = 1;
    vi.http2_settings[H2SET_HEADER_TABLE_SIZE] = 65536; /* lws' own; its HPACK is tuned to it */
    vi.http2_settings[H2SET_ENABLE_PUSH] = 0;
    vi.http2_settings[H2SET_MAX_CONCURRENT_STREAMS] = H2_MAX_STREAMS;
    vi.http2_settings[H2SET_INITIAL_WINDOW_SIZE] = 0; /* lws opens 256 KiB per stream itself */
    vi.http2_settings[H2SET_MAX_FRAME_SIZE] = 16384;
    vi.options = LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT |
                 LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
                 LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
    if (family == AF_INET)
        vi.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    /* [server] no_certificate_page: a handshake without a certificate (or, see tls_verify.c,
     * with a refused one) completes, unverified; routes.c answers only that page. */
    if (c->server.no_cert_page[0] != '\0') {
        vi.options |= LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED;
        gw_log(
            "WARNING: no_certificate_page is set: phones without a valid certificate "
            "complete TLS and get the no-certificate page (docs/threat-model.md)");
    }
    vi.timeout_secs = HTTP_IDLE_SECS;
    vi.keepalive_timeout = KEEPALIVE_SECS;
    sv->vh = lws_create_vhost(sv->ctx, &vi);
    if (sv->vh == NULL || sv->ssl_ctx == NULL) {
        snprintf(err, errlen, "cannot listen with TLS on %s port %d (port busy, bad address, "
                              "or the server cert/key or the CA/CRL store do not load)",
                 c->server.listen, c->server.port);
        lws_context_destroy(sv->ctx);
        sv->ctx = NULL;
        conn_limit_free(&sv->conns);
        tls_store_free(&sv->tls);
        return -1;
    }
    mem_trim_start(sv->ctx);
    if (tls_store_start_worker(&sv->tls, server_wake, sv) != 0)
        gw_log("crl: cannot start the CRL thread: changed CRLs are read on the event loop");
    door_status_set_wake(server_wake, sv);
    if (metrics_listener_start(sv, c, m_family, m_loopback, err, errlen) != 0) {
        server_stop(sv);
        return -1;
    }
    timers_start(sv);
    gw_log("listening on https://%s:%d/ (crl %s; at most %d connections, %d per address); "
           "own origin %s%s", c->server.listen, c->server.port,
           sv->tls.crl_path[0] ? sv->tls.crl_path : "none", max_conns,
           c->server.max_per_address, sv->origin,
           c->server.public_origin[0] ? "" : " (from the server certificate)");
    return 0;
}

void server_run(struct web *sv, const volatile sig_atomic_t *stop, volatile sig_atomic_t *reload,
                void (*on_reload)(struct gw_app *app))
{
    sv->reload = reload;
    sv->on_reload = on_reload;
    while (!*stop && lws_service(sv->ctx, 0) >= 0)
        ;
}

void server_stop(struct web *sv)
{
    struct lws_context *ctx = sv->ctx;
    if (ctx == NULL)
        return;
    timers_stop(sv);
    tls_store_stop_worker(&sv->tls); /* it wakes the context: before that goes */
    mem_trim_stop();
    door_status_set_wake(NULL, NULL);
    sv->ctx = NULL; /* server_wake: no wake-up of a destroyed context */
    lws_context_destroy(ctx);
    sv->ssl_ctx = NULL;
    conn_limit_free(&sv->conns);
    tls_store_free(&sv->tls);
}
