/* server.c - libwebsockets 4.1 glue: the mTLS vhost (client cert required and verified,
 * TLS 1.2+), the HTTP protocol callback that routes requests to http_*.c, the wake-up path
 * from Paho's thread (lws_cancel_service -> EVENT_WAIT_CANCELLED) and the ack timeout
 * timer (lws_sul). */
#include "server.h"

#include <libwebsockets.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "action.h"
#include "gw_log.h"
#include "http_session.h"
#include "peer_identity.h"

struct server {
    struct gw_app *app;
    struct lws_context *ctx;
    lws_sorted_usec_list_t timer;
    char iface[64]; /* numeric IPv4/IPv6 address */
};

static struct server the_server;

struct gw_app *http_app(struct lws *wsi)
{
    struct server *sv = lws_context_user(lws_get_context(wsi));
    return sv->app;
}

static void on_timer(lws_sorted_usec_list_t *sul);

/* (Re)schedules the timer for the earliest ack deadline. Loop thread only. */
static void arm(struct server *sv)
{
    int64_t next = pending_next_deadline(&sv->app->pending), wait;
    if (next < 0) {
        lws_sul_cancel(&sv->timer);
        return;
    }
    wait = next - gw_now_ms();
    if (wait < 1)
        wait = 1;
    lws_sul_schedule(sv->ctx, 0, &sv->timer, on_timer, (lws_usec_t)wait * LWS_US_PER_MS);
}

void server_arm_timer(struct lws *wsi)
{
    arm(lws_context_user(lws_get_context(wsi)));
}

static void wake_owner(void *arg, void *owner)
{
    (void)arg;
    lws_callback_on_writable(owner);
}

static void log_orphan(void *arg, const struct pending_info *info)
{
    (void)arg;
    action_log_result(info);
}

static void collect(struct server *sv)
{
    pending_collect(&sv->app->pending, wake_owner, log_orphan, sv);
    arm(sv);
}

static void on_timer(lws_sorted_usec_list_t *sul)
{
    struct server *sv = lws_container_of(sul, struct server, timer);
    pending_expire(&sv->app->pending, gw_now_ms());
    collect(sv);
}

void server_wake(void *app)
{
    struct gw_app *a = app;
    if (a->lws != NULL)
        lws_cancel_service(a->lws);
}

static int route_request(struct lws *wsi, struct http_session *s, const char *path)
{
    char *uri;
    int uri_len, method = lws_http_get_uri_and_method(wsi, &uri, &uri_len);
    int known = strcmp(path, "/") == 0 || strcmp(path, "/style.css") == 0 ||
                strcmp(path, "/action") == 0;

    http_session_reset(s);
    if (peer_identity(wsi, s->user, sizeof s->user) != 0) {
        /* Not reachable with REQUIRE_VALID_OPENSSL_CLIENT_CERT; kept as a second lock. */
        s->user[0] = '\0';
        s->close_after = 1;
        http_reply_result(wsi, s, GW_FORBIDDEN, "no verified client certificate");
        return 0;
    }
    if (!known) {
        http_reply_plain(wsi, s, HTTP_STATUS_NOT_FOUND, "Not found.");
        return 0;
    }
    if (method == LWSHUMETH_GET && strcmp(path, "/") == 0) {
        http_page_index(wsi, s);
        return 0;
    }
    if (method == LWSHUMETH_GET && strcmp(path, "/style.css") == 0) {
        http_page_style(wsi, s);
        return 0;
    }
    if (method == LWSHUMETH_POST && strcmp(path, "/action") == 0)
        return http_action_begin(wsi, s);
    s->close_after = method == LWSHUMETH_POST; /* a body may follow */
    http_reply_plain(wsi, s, HTTP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed.");
    return 0;
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    struct http_session *s = user;

    switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
        /* Inverted: 0 ACCEPTS. Keep OpenSSL's verdict (len = preverify_ok); returning 0
         * unconditionally would let any certificate in. */
        if (!len) {
            X509_STORE_CTX *xs = user;
            gw_log("tls: client certificate refused: %s",
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(xs)));
        }
        return len ? 0 : 1;

    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
        /* user = the vhost's SSL_CTX. The CRL of a later issue is added to its store here. */
        return SSL_CTX_set_min_proto_version(user, TLS1_2_VERSION) == 1 ? 0 : 1;

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
        struct server *sv = lws_context_user(lws_get_context(wsi));
        if (sv != NULL && sv->app != NULL)
            collect(sv);
        return 0;
    }

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        /* No websocket yet (later issue): an upgrade would bind to this protocol. Refuse. */
        return 1;

    case LWS_CALLBACK_HTTP:
        return route_request(wsi, s, in != NULL ? in : "");

    case LWS_CALLBACK_HTTP_BODY:
        return http_action_body(wsi, s, in, len);

    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_action_complete(wsi, s);

    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (s == NULL)
            return 0;
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

static const struct lws_protocols protocols[] = {
    {"http", callback_http, sizeof(struct http_session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

/* Listen address -> numeric form for lws (which takes an interface name or a literal). */
static int resolve_listen(const char *host, char *out, size_t cap, int *family)
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
    freeaddrinfo(res);
    return rc == 0 ? 0 : -1;
}

int server_start(struct gw_app *app, char *err, size_t errlen)
{
    const struct conf *c = app->conf;
    struct lws_context_creation_info info;
    struct server *sv = &the_server;
    int family;

    memset(sv, 0, sizeof *sv);
    sv->app = app;
    if (resolve_listen(c->server.listen, sv->iface, sizeof sv->iface, &family) != 0) {
        snprintf(err, errlen, "%s: [server] listen: cannot resolve '%s'", c->path, c->server.listen);
        return -1;
    }

    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    memset(&info, 0, sizeof info);
    info.port = c->server.port;
    info.iface = sv->iface;
    info.protocols = protocols;
    info.user = sv;
    info.ssl_cert_filepath = c->server.cert;
    info.ssl_private_key_filepath = c->server.key;
    info.ssl_ca_filepath = c->server.client_ca; /* checked to load by conf_load() */
    info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
    info.alpn = "http/1.1"; /* first cut: HTTP/1.1 only (one wsi per connection) */
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
                   LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT |
                   LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
                   LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
    if (family == AF_INET)
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.timeout_secs = 20;

    sv->ctx = lws_create_context(&info);
    if (sv->ctx == NULL) {
        snprintf(err, errlen, "cannot listen with TLS on %s port %d (port busy, bad address, "
                              "or the server cert/key do not load)", c->server.listen, c->server.port);
        return -1;
    }
    app->lws = sv->ctx;
    gw_log("listening on https://%s:%d/", c->server.listen, c->server.port);
    return 0;
}

void server_run(struct gw_app *app, volatile sig_atomic_t *stop)
{
    while (!*stop && lws_service(app->lws, 0) >= 0)
        ;
}

void server_stop(struct gw_app *app)
{
    struct lws_context *ctx = app->lws;
    if (ctx == NULL)
        return;
    lws_sul_cancel(&the_server.timer);
    lws_context_destroy(ctx);
    app->lws = NULL;
    the_server.ctx = NULL;
}
