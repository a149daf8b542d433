/* server.c - libwebsockets 4.1 glue: one context with two vhosts. "gw" is the mTLS HTTPS
 * listener (client cert required and verified against the CA and its CRL, TLS 1.2+, ALPN
 * h2 and http/1.1, HTTP routes to http_*.c, websocket "latchkey.v1" to ws_status.c);
 * "metrics" is an optional plain-HTTP loopback listener for /metrics and /healthz. Also: the
 * wake-up path from Paho's thread (lws_cancel_service -> EVENT_WAIT_CANCELLED), the ack
 * timeout timer, the CRL watch timer (lws_sul), which reloads a changed CRL for the verify
 * callback, and the hold timer that keeps HTTP/2 connections with a waiting action.
 * HTTP/2: every stream is its own wsi with its own http_session, so each request is routed,
 * identity- and CRL-checked, answered and closed on its own (docs/gateway.md, "HTTP/2"). */
#include "server.h"

#include <arpa/inet.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <time.h>

#include "action.h"
#include "csrf.h"
#include "door_status.h"
#include "gw_log.h"
#include "http_session.h"
#include "mem_trim.h"
#include "metrics.h"
#include "mqtt_link.h"
#include "peer_identity.h"
#include "tls_store.h"
#include "ws_status.h"

#if !defined(LWS_ROLE_H2)
#error "latchkey-gateway needs libwebsockets built with HTTP/2 (LWS_ROLE_H2), as Debian's is"
#endif

#define CRL_POLL_MS 200        /* a changed CRL is in force within this (+ one loop turn) */
#define HTTP_IDLE_SECS 10      /* lws timeout for a stalled request (slow clients) */
#define KEEPALIVE_SECS 30      /* idle keep-alive connection is closed after this */
#define MAX_HEADER_BYTES 4096  /* all request headers together */
#define MAX_FDS 8192           /* descriptors, so connections, the gateway can hold at once */
#define HOLD_MS 5000           /* HTTP/2 connections of waiting actions: idle timer restarted */
#define H2_MAX_STREAMS 16      /* HTTP/2 streams open at once per connection */

struct server {
    struct gw_app *app;
    struct lws_context *ctx;
    struct lws_vhost *vh, *metrics_vh;
    lws_sorted_usec_list_t timer, crl_timer, hold_timer;
    int holding;                       /* hold_timer scheduled */
    char iface[64], metrics_iface[64]; /* numeric IPv4/IPv6 addresses */
    struct tls_store tls;
    SSL_CTX *ssl_ctx;                  /* the gw vhost's, seen at LOAD_EXTRA_SERVER_VERIFY_CERTS */
    enum crl_state crl_logged;
    struct csrf csrf;
    volatile sig_atomic_t *reload;
    void (*on_reload)(struct gw_app *);
};

static struct server the_server;

struct gw_app *http_app(struct lws *wsi)
{
    (void)wsi;
    return the_server.app;
}

const struct csrf *server_csrf(struct lws *wsi)
{
    (void)wsi;
    return &the_server.csrf;
}

const struct tls_store *server_tls(void)
{
    return &the_server.tls;
}

int server_crl_usable(char *why, size_t cap)
{
    enum crl_state s = tls_store_state(&the_server.tls, time(NULL));
    if (s == CRL_OK || s == CRL_OFF)
        return 1;
    snprintf(why, cap, "crl %s", crl_state_name(s));
    return 0;
}

int server_header(struct lws *wsi, const char *name, char *out, size_t cap)
{
    int n;
    /* Headers lws knows as tokens never reach the custom-header table. */
    if (strcmp(name, "origin:") == 0) {
        n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
        return n > 0 && (size_t)n < cap && lws_hdr_copy(wsi, out, (int)cap, WSI_TOKEN_ORIGIN) > 0;
    }
    n = lws_hdr_custom_length(wsi, name, (int)strlen(name));
    if (n <= 0 || (size_t)n >= cap)
        return 0;
    return lws_hdr_custom_copy(wsi, out, (int)cap, name, (int)strlen(name)) > 0;
}

int server_h2_stream(struct lws *wsi)
{
    return lws_get_network_wsi(wsi) != wsi;
}

/* Uses the network wsi's own timer (lws_set_timer_usecs: LWS_CALLBACK_TIMER on protocols[0],
 * cancelled if the connection goes first), not its timeout, which lws resets to
 * keepalive_timeout whenever a frame comes in. The connection's own http_session (lws gives
 * the network wsi one too) is marked. */
void server_end_connection(struct lws *wsi)
{
    struct lws *nwsi = lws_get_network_wsi(wsi);
    struct http_session *ns = lws_wsi_user(nwsi);

    if (ns != NULL) {
        ns->end_connection = 1;
        lws_set_timer_usecs(nwsi, 1000);
    } else {
        lws_set_timeout(nwsi, PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE, LWS_TO_KILL_ASYNC);
    }
}

int server_ws_refuse(struct lws *wsi)
{
    static const char why[] = "refused";
    lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why,
                     sizeof why - 1);
    return -1;
}

int server_own_origin(struct lws *wsi, char *out, size_t cap)
{
    char host[256];
    int n = -1;
    /* HTTP/2 names the target in :authority (a Host header, if any, must not differ:
     * RFC 9113 8.3.1, and :authority is the one that counts); HTTP/1.1 in Host. */
    if (server_h2_stream(wsi))
        n = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HTTP_COLON_AUTHORITY);
    if (n <= 0)
        n = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
    if (n <= 0 || strpbrk(host, "/\\@ ") != NULL)
        return -1;
    n = snprintf(out, cap, "https://%s", host);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static void on_timer(lws_sorted_usec_list_t *sul);
static void on_hold_timer(lws_sorted_usec_list_t *sul);

/* (Re)schedules the timer for the earliest ack deadline. Loop thread only. */
static void arm(struct server *sv)
{
    int64_t next = pending_next_deadline(&sv->app->pending), wait;
    if (next < 0) {
        lws_sul_cancel(&sv->timer);
        return;
    }
    if (!sv->holding) {
        sv->holding = 1;
        lws_sul_schedule(sv->ctx, 0, &sv->hold_timer, on_hold_timer, HOLD_MS * LWS_US_PER_MS);
    }
    wait = next - gw_now_ms();
    if (wait < 1)
        wait = 1;
    lws_sul_schedule(sv->ctx, 0, &sv->timer, on_timer, (lws_usec_t)wait * LWS_US_PER_MS);
}

void server_arm_timer(struct lws *wsi)
{
    (void)wsi;
    arm(&the_server);
}

static void wake_owner(void *arg, void *owner)
{
    (void)arg;
    lws_callback_on_writable(owner);
}

static void log_orphan(void *arg, const struct pending_info *info)
{
    action_log_result(((struct server *)arg)->app, info);
    ws_status_action_result(info->user, info->door, info->result, info->reason,
                            gw_now_ms() - info->started_ms);
}

static void collect(struct server *sv)
{
    action_collect(sv->app, wake_owner, sv); /* PIN verdicts first: they may publish */
    pending_collect(&sv->app->pending, wake_owner, log_orphan, sv);
    arm(sv);
}

static void on_timer(lws_sorted_usec_list_t *sul)
{
    struct server *sv = lws_container_of(sul, struct server, timer);
    pending_expire(&sv->app->pending, gw_now_ms());
    collect(sv);
}

/* HTTP/2: lws restarts a connection's idle timeout (keepalive_timeout) only when a frame
 * comes in, so a stream waiting longer than that for its device's ack (ack_timeout_ms may
 * be 60 s) would lose its connection. While actions wait, the idle timer of each one's
 * connection is restarted every HOLD_MS. Not for a connection that carries a websocket:
 * lws keeps those without any timeout (immortal stream), and a timer set here would end it. */
static void on_hold_timer(lws_sorted_usec_list_t *sul)
{
    struct server *sv = lws_container_of(sul, struct server, hold_timer);
    void *owners[PENDING_MAX];
    int i, n = pending_waiting_owners(&sv->app->pending, owners, PENDING_MAX);

    for (i = 0; i < n; i++) {
        struct lws *nwsi = lws_get_network_wsi(owners[i]);
        if (nwsi != owners[i] && !ws_status_on_connection(nwsi))
            lws_set_timeout(nwsi, PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE, KEEPALIVE_SECS);
    }
    sv->holding = n > 0;
    if (sv->holding)
        lws_sul_schedule(sv->ctx, 0, &sv->hold_timer, on_hold_timer, HOLD_MS * LWS_US_PER_MS);
}

/* Logs CRL state changes once; on a bad state every client is refused (fail closed). */
static void note_crl_state(struct server *sv, int reloaded)
{
    enum crl_state s = tls_store_state(&sv->tls, time(NULL));
    if (reloaded)
        gw_log("crl: %s reloaded: %s", sv->tls.crl_path, crl_state_name(s));
    if (s != sv->crl_logged || reloaded) {
        if (s != CRL_OK && s != CRL_OFF)
            gw_log("crl: %s is %s: refusing every client certificate until a current CRL "
                   "signed by the CA is in place", sv->tls.crl_path, crl_state_name(s));
        else if (sv->crl_logged != CRL_OK && s == CRL_OK && !reloaded)
            gw_log("crl: %s is valid again", sv->tls.crl_path);
        sv->crl_logged = s;
        ws_status_poke(sv->ctx, 1); /* open websockets re-check their certificate */
    }
}

static void on_crl_timer(lws_sorted_usec_list_t *sul)
{
    struct server *sv = lws_container_of(sul, struct server, crl_timer);
    int reloaded = tls_store_poll(&sv->tls); /* the next handshake's callback sees it */

    note_crl_state(sv, reloaded);
    lws_sul_schedule(sv->ctx, 0, &sv->crl_timer, on_crl_timer, CRL_POLL_MS * LWS_US_PER_MS);
}

void server_wake(void *app)
{
    struct gw_app *a = app;
    if (a->lws != NULL)
        lws_cancel_service(a->lws);
}

static int refuse_cert(struct lws *wsi, struct http_session *s, int rc, const char *why)
{
    s->user[0] = '\0';
    s->close_after = 1;
    s->end_connection = 1; /* every later request on it would be refused too */
    if (rc == -2) {
        gw_log("request refused: client certificate %s (%s)", why,
               strcmp(why, "revoked") == 0 ? "serial on the CRL" : "CRL not usable");
        metrics_refused(strcmp(why, "revoked") == 0 ? REFUSED_REVOKED : REFUSED_CRL);
        http_reply_named(wsi, s, HTTP_STATUS_FORBIDDEN, "revoked",
                         "This certificate is no longer accepted.", why);
        return 0;
    }
    /* Not reachable with REQUIRE_VALID_OPENSSL_CLIENT_CERT; kept as a second lock. */
    http_reply_result(wsi, s, GW_FORBIDDEN, "no verified client certificate");
    return 0;
}

static int route_request(struct lws *wsi, struct http_session *s, const char *path)
{
    char *uri;
    int uri_len, method = lws_http_get_uri_and_method(wsi, &uri, &uri_len), rc;
    const char *why = NULL;
    int is_page = strcmp(path, "/") == 0, is_action = strcmp(path, "/action") == 0;

    metrics_request();
    http_session_reset(s);
    rc = peer_check(wsi, &the_server.tls, s->user, sizeof s->user, s->binding,
                    sizeof s->binding, &why);
    if (rc != 0)
        return refuse_cert(wsi, s, rc, why);
    if (method == LWSHUMETH_GET && is_page) {
        http_page_index(wsi, s);
        return 0;
    }
    if (method == LWSHUMETH_GET && strcmp(path, "/history") == 0) {
        http_page_history(wsi, s); /* http_history.c: admins only */
        return 0;
    }
    if (method == LWSHUMETH_GET && http_static(wsi, s, path))
        return 0;
    if (method == LWSHUMETH_POST && is_action) {
        /* Framing and size first (400 for any client), then the Origin rule (403 csrf).
         * Transfer-Encoding is refused outright: a form has a Content-Length, and
         * Content-Length + Transfer-Encoding together is the request-smuggling pattern. */
        if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
            s->close_after = 1;
            http_reply_result(wsi, s, GW_BAD_REQUEST, "Transfer-Encoding is not accepted");
            return 0;
        }
        rc = http_action_begin(wsi, s);
        if (rc == 0 && s->route == ROUTE_ACTION && http_csrf_origin(wsi, s) != 0)
            s->route = ROUTE_NONE; /* answered; the body is discarded, the connection closed */
        return rc;
    }
    if (!is_page && !is_action && strcmp(path, "/ws") != 0 && !http_static(NULL, NULL, path)) {
        s->close_after = method == LWSHUMETH_POST;
        http_reply_plain(wsi, s, HTTP_STATUS_NOT_FOUND, "Not found.");
        return 0;
    }
    if (strcmp(path, "/ws") == 0 && method == LWSHUMETH_GET) {
        http_reply_plain(wsi, s, HTTP_STATUS_BAD_REQUEST,
                         "This is the websocket endpoint (subprotocol latchkey.v1).");
        return 0;
    }
    s->close_after = method == LWSHUMETH_POST; /* a body may follow */
    http_reply_plain(wsi, s, HTTP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed.");
    return 0;
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    struct http_session *s = user;
    struct server *sv = &the_server;

    switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION: {
        /* Inverted: 0 ACCEPTS. Called for every certificate of the chain, the leaf last;
         * len = OpenSSL's verdict (preverify_ok), kept: returning 0 unconditionally would let
         * any certificate in. Revocation is checked here (tls_store_verify: the leaf's
         * serial in the CRL checked at load) instead of by X509_V_FLAG_CRL_CHECK, which
         * verified the CRL's signature again in every handshake. */
        X509_STORE_CTX *xs = user;
        int err = tls_store_verify(&sv->tls, xs, (int)len, time(NULL));
        mem_trim_note(); /* a handshake: trim its transient heap once the burst is over */
        if (err == X509_V_OK)
            return 0;
        X509_STORE_CTX_set_error(xs, err); /* the verify result and the client's alert */
        gw_log("tls: client certificate refused: %s", X509_verify_cert_error_string(err));
        metrics_tls_refused();
        return 1;
    }

    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
        /* user = the vhost's SSL_CTX: TLS 1.2+, and our CA store instead of the one lws
         * loaded. No X509_V_FLAG_CRL_CHECK: the verify callback above checks revocation. */
        if (SSL_CTX_set_min_proto_version(user, TLS1_2_VERSION) != 1)
            return 1;
        if (sv->tls.store == NULL)
            return 1;
        /* Send the configured cert (+ any chain in its file), not a chain rebuilt from the
         * client-CA store on every handshake (a chain verification with a CRL check each
         * time, and the CA cert on the wire). (lws already sets SSL_MODE_RELEASE_BUFFERS
         * on every connection.) */
        SSL_CTX_set_mode(user, SSL_MODE_NO_AUTO_CHAIN);
        /* No server-side session cache: it kept every cleanly closed TLS 1.2 session with
         * its peer certificate (~6 KB) for 5 minutes, up to 20 480 of them. Resumption
         * still works through stateless tickets (TLS 1.3 and 1.2); a resumed session skips
         * the chain check, so every request re-checks the certificate (peer_check). */
        SSL_CTX_set_session_cache_mode(user, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_set1_cert_store(user, sv->tls.store);
        sv->ssl_ctx = user;
        return 0;

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (sv->app != NULL && sv->ctx != NULL) {
            if (sv->reload != NULL && *sv->reload) {
                *sv->reload = 0;
                if (sv->on_reload != NULL)
                    sv->on_reload(sv->app);
            }
            collect(sv);
            ws_status_poke(sv->ctx, 0);
        }
        return 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        /* An upgrade without Sec-WebSocket-Protocol binds to protocols[0] (this one): only
         * the "latchkey.v1" subprotocol is served. HTTP/2: closed at ESTABLISHED instead
         * (ws_status.c says why). */
        gw_log("ws: upgrade refused: no subprotocol latchkey.v1");
        return server_h2_stream(wsi) ? 0 : 1;

    case LWS_CALLBACK_ESTABLISHED: /* only a websocket over HTTP/2 let through above */
        return server_ws_refuse(wsi);

    case LWS_CALLBACK_TIMER: /* server_end_connection: wsi is an HTTP/2 connection */
        if (s != NULL && s->end_connection)
            return -1; /* lws closes it, after sending what is queued */
        return 0;

    case LWS_CALLBACK_HTTP:
        return route_request(wsi, s, in != NULL ? in : "");

    case LWS_CALLBACK_HTTP_BODY:
        return http_action_body(wsi, s, in, len);

    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_action_complete(wsi, s);

    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (s == NULL)
            return 0;
        if (s->checking)
            http_action_checked(wsi, s);
        if (s->waiting)
            http_action_writable(wsi, s);
        return http_reply_writable(wsi, s);

    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s != NULL)
            http_action_closed(wsi, s);
        break;

    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
    return ws_status_callback(wsi, (int)reason, user, in, len);
}

/* ---- metrics listener (plain HTTP, loopback) ---------------------------------------- */

static int callback_metrics(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len)
{
    struct http_session *s = user;
    struct server *sv = &the_server;

    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        const char *path = in != NULL ? in : "";
        struct html_buf b;
        char why[96] = "";
        int mq = mqtt_link_ready(sv->app->mqtt), crl_ok = server_crl_usable(why, sizeof why);

        http_session_reset(s);
        html_init(&b, LWS_PRE);
        if (strcmp(path, "/metrics") == 0) {
            metrics_render(&b, mq, crl_ok);
            http_reply(wsi, s, HTTP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", &b);
        } else if (strcmp(path, "/healthz") == 0) {
            if (mq && crl_ok) {
                html_raw(&b, "ok\n");
            } else {
                if (!mq)
                    html_raw(&b, "mqtt not connected\n");
                if (!crl_ok) {
                    html_raw(&b, why);
                    html_raw(&b, "\n");
                }
            }
            http_reply(wsi, s, mq && crl_ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE,
                       "text/plain; charset=utf-8", &b);
        } else {
            html_raw(&b, "not found\n");
            http_reply(wsi, s, HTTP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", &b);
        }
        return 0;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return s != NULL ? http_reply_writable(wsi, s) : 0;
    case LWS_CALLBACK_HTTP_BODY:
        return -1; /* nothing here takes a body */
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s != NULL)
            http_session_reset(s);
        break;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static struct lws_protocols gw_protocols[] = {
    {"http", callback_http, sizeof(struct http_session), 0, 0, NULL, 0},
    {"latchkey.v1", ws_cb, 0, 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

static const struct lws_protocols metrics_protocols[] = {
    {"metrics-http", callback_metrics, sizeof(struct http_session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

/* Listen address -> numeric form for lws (which takes an interface name or a literal). */
static int resolve_listen(const char *host, char *out, size_t cap, int *family, int *loopback)
{
    struct addrinfo hints, *res = NULL;
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
        return -1;
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST);
    *family = res->ai_family;
    *loopback = 0;
    if (res->ai_family == AF_INET)
        *loopback = (ntohl(((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr) >> 24) == 127;
    else if (res->ai_family == AF_INET6)
        *loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr);
    freeaddrinfo(res);
    return rc == 0 ? 0 : -1;
}

/* Before anything listens: the metrics address must resolve and be loopback (or forced). */
static int check_metrics(struct server *sv, const struct conf *c, int *family, int *loopback,
                         char *err, size_t errlen)
{
    if (c->metrics.port == 0)
        return 0;
    if (resolve_listen(c->metrics.listen, sv->metrics_iface, sizeof sv->metrics_iface, family,
                       loopback) != 0) {
        snprintf(err, errlen, "%s: [metrics] listen: cannot resolve '%s'", c->path, c->metrics.listen);
        return -1;
    }
    if (!*loopback && !c->metrics.allow_non_loopback) {
        snprintf(err, errlen, "%s: [metrics] listen = %s is not a loopback address (the metrics "
                 "listener has no TLS and no authentication; set allow_non_loopback = yes to force)",
                 c->path, c->metrics.listen);
        return -1;
    }
    return 0;
}

static int start_metrics(struct server *sv, const struct conf *c, int family, int loopback,
                         char *err, size_t errlen)
{
    struct lws_context_creation_info vi;

    if (c->metrics.port == 0)
        return 0;
    memset(&vi, 0, sizeof vi);
    vi.vhost_name = "metrics";
    vi.port = c->metrics.port;
    vi.iface = sv->metrics_iface;
    vi.protocols = metrics_protocols;
    vi.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
    if (family == AF_INET)
        vi.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    vi.timeout_secs = HTTP_IDLE_SECS;
    vi.keepalive_timeout = KEEPALIVE_SECS;
    sv->metrics_vh = lws_create_vhost(sv->ctx, &vi);
    if (sv->metrics_vh == NULL) {
        snprintf(err, errlen, "cannot listen for metrics on %s port %d", c->metrics.listen,
                 c->metrics.port);
        return -1;
    }
    if (!loopback)
        gw_log("metrics: WARNING: listening on non-loopback %s (allow_non_loopback = yes)",
               c->metrics.listen);
    gw_log("metrics on http://%s:%d/metrics and /healthz", c->metrics.listen, c->metrics.port);
    return 0;
}

/* The soft RLIMIT_NOFILE becomes MAX_FDS (or the hard limit if that is lower): lws sizes
 * its per-fd tables by it, so the number of connections and that memory are the same on
 * every machine rather than whatever the service manager gave (systemd: 1 024, too few
 * for 1 000 websockets; a shell here: 20 000, 2 x 160 KiB of tables). */
static void set_fd_limit(void)
{
    struct rlimit rl;
    rlim_t want = MAX_FDS;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        gw_log("fd limit: cannot read RLIMIT_NOFILE; keeping the inherited one");
        return;
    }
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur != want) {
        rlim_t was = rl.rlim_cur;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            gw_log("fd limit: cannot set %llu (staying at %llu)", (unsigned long long)want,
                   (unsigned long long)was);
            return;
        }
    }
    if (want < MAX_FDS)
        gw_log("fd limit: %llu (the hard limit; %d wanted): at most that many connections",
               (unsigned long long)want, MAX_FDS);
}

int server_start(struct gw_app *app, char *err, size_t errlen)
{
    const struct conf *c = app->conf;
    struct lws_context_creation_info info, vi;
    struct server *sv = &the_server;
    int family, loopback, m_family = AF_INET, m_loopback = 1;
    enum crl_state cs;

    memset(sv, 0, sizeof *sv);
    sv->app = app;
    if (resolve_listen(c->server.listen, sv->iface, sizeof sv->iface, &family, &loopback) != 0) {
        snprintf(err, errlen, "%s: [server] listen: cannot resolve '%s'", c->path, c->server.listen);
        return -1;
    }
    if (check_metrics(sv, c, &m_family, &m_loopback, err, errlen) != 0)
        return -1;
    if (csrf_init(&sv->csrf) != 0) {
        snprintf(err, errlen, "cannot make the CSRF key (RNG failure)");
        return -1;
    }
    if (tls_store_init(&sv->tls, c->server.client_ca, c->server.crl, err, errlen) != 0)
        return -1;
    cs = tls_store_state(&sv->tls, time(NULL));
    if (cs == CRL_MISSING || cs == CRL_UNPARSABLE || cs == CRL_BAD_SIGNATURE) {
        snprintf(err, errlen, "%s: [server] crl: %s is %s", c->path, c->server.crl, crl_state_name(cs));
        tls_store_free(&sv->tls);
        return -1;
    }
    if (cs == CRL_OFF)
        gw_log("WARNING: crl = none: revoked client certificates are still accepted (unsafe)");
    sv->crl_logged = CRL_OK;

    gw_protocols[1].per_session_data_size = ws_status_session_size();
    set_fd_limit();
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.user = sv;
    info.max_http_header_data = MAX_HEADER_BYTES;
    info.timeout_secs = HTTP_IDLE_SECS;
    sv->ctx = lws_create_context(&info);
    if (sv->ctx == NULL) {
        snprintf(err, errlen, "cannot create the lws context");
        tls_store_free(&sv->tls);
        return -1;
    }

    memset(&vi, 0, sizeof vi);
    vi.vhost_name = "gw";
    vi.port = c->server.port;
    vi.iface = sv->iface;
    vi.protocols = gw_protocols;
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
    vi.timeout_secs = HTTP_IDLE_SECS;
    vi.keepalive_timeout = KEEPALIVE_SECS;
    sv->vh = lws_create_vhost(sv->ctx, &vi);
    if (sv->vh == NULL || sv->ssl_ctx == NULL) {
        snprintf(err, errlen, "cannot listen with TLS on %s port %d (port busy, bad address, "
                              "or the server cert/key or the CA/CRL store do not load)",
                 c->server.listen, c->server.port);
        lws_context_destroy(sv->ctx);
        sv->ctx = NULL;
        tls_store_free(&sv->tls);
        return -1;
    }
    app->lws = sv->ctx;
    mem_trim_start(sv->ctx);
    door_status_set_wake(server_wake, app);
    if (start_metrics(sv, c, m_family, m_loopback, err, errlen) != 0) {
        server_stop(app);
        return -1;
    }
    note_crl_state(sv, 0);
    lws_sul_schedule(sv->ctx, 0, &sv->crl_timer, on_crl_timer, CRL_POLL_MS * LWS_US_PER_MS);
    gw_log("listening on https://%s:%d/ (crl %s)", c->server.listen, c->server.port,
           sv->tls.crl_path[0] ? sv->tls.crl_path : "none");
    return 0;
}

void server_run(struct gw_app *app, const volatile sig_atomic_t *stop,
                volatile sig_atomic_t *reload, void (*on_reload)(struct gw_app *app))
{
    the_server.reload = reload;
    the_server.on_reload = on_reload;
    while (!*stop && lws_service(app->lws, 0) >= 0)
        ;
}

void server_stop(struct gw_app *app)
{
    struct lws_context *ctx = app->lws;
    if (ctx == NULL)
        return;
    lws_sul_cancel(&the_server.timer);
    lws_sul_cancel(&the_server.crl_timer);
    mem_trim_stop();
    lws_sul_cancel(&the_server.hold_timer);
    the_server.holding = 0;
    door_status_set_wake(NULL, NULL);
    lws_context_destroy(ctx);
    app->lws = NULL;
    the_server.ctx = NULL;
    the_server.ssl_ctx = NULL;
    tls_store_free(&the_server.tls);
}
