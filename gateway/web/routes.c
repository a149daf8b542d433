/* routes.c - the "http" protocol of the mTLS listener: the TLS callbacks (tls_verify.h),
 * the loop's wake-up (EVENT_WAIT_CANCELLED: reload, then action_collect), and every
 * request routed after its certificate is checked again (peer_check): GET / and /history
 * and the static assets, POST /action, GET/POST /admin and GET /admin/history, the JSON
 * API (/api/v1/..., http_api.c), /ws without
 * an upgrade, 404 and 405. Websocket upgrades go to ws_status.c ("latchkey.v1"). Without a
 * valid certificate, the optional no-certificate page (no_cert_page.h) or a refusal.
 * Accepted connections pass conn_limit.h first
 * (FILTER_NETWORK_CONNECTION). */
#include "routes.h"

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "cert_reload.h"
#include "gw_log.h"
#include "http_action.h"
#include "http_admin.h"
#include "http_api.h"
#include "http_csrf.h"
#include "http_pages.h"
#include "http_reply.h"
#include "metrics.h"
#include "no_cert_page.h"
#include "peer_identity.h"
#include "request.h"
#include "timers.h"
#include "tls_verify.h"
#include "wire_fold.h"
#include "ws_status.h"

static int refuse_cert(struct lws *wsi, struct http_session *s, int rc, const char *why)
{
    const struct peer_refusal *r = peer_refusal_of(rc, why);
    char serial[80], name[96], msg[224];

    s->user[0] = '\0';
    s->close_after = 1;
    s->end_connection = 1; /* every later request on it would be refused too */
    peer_cert_serial(wsi, serial, sizeof serial);
    if (rc == PEER_NO_IDENTITY) {
        /* Not reachable with REQUIRE_VALID_OPENSSL_CLIENT_CERT; kept as a second lock. */
        http_reply_result(wsi, s, GW_FORBIDDEN, r->message);
        return 0;
    }
    metrics_refused((enum metrics_refusal)r->metric);
    if (rc == PEER_BAD_NAME) {
        peer_name_text(wsi, name, sizeof name);
        gw_log("request refused: client certificate serial %s: CN '%s' is not a valid "
               "Latchkey user name", serial[0] ? serial : "?", name);
        snprintf(msg, sizeof msg, "certificate name '%s' is not a valid Latchkey user name "
                 "(1 to 64 of A-Z a-z 0-9 . _ @ -)", name);
        http_reply_named(wsi, s, HTTP_STATUS_FORBIDDEN, r->page, msg, NULL);
        return 0;
    }
    gw_log("request refused: client certificate %s (%s), serial %s", why, r->log,
           serial[0] ? serial : "?");
    http_reply_named(wsi, s, HTTP_STATUS_FORBIDDEN, r->page, r->message, why);
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
    rc = peer_check(wsi, &web_of(wsi)->tls, s->user, sizeof s->user, s->binding,
                    sizeof s->binding, &why);
    if (rc != 0 && rc != PEER_BAD_NAME && web_of(wsi)->app->conf->server.no_cert_page[0] != '\0') {
        /* The optional no-certificate mode: this page and nothing else (no_cert_page.h). */
        s->user[0] = '\0';
        gw_log("request answered with the no-certificate page: %s",
               rc == PEER_NO_IDENTITY ? "no verified client certificate" : why);
        no_cert_page(wsi, s, web_of(wsi)->app->conf->server.no_cert_page);
        return 0;
    }
    if (rc != 0)
        return refuse_cert(wsi, s, rc, why);
    if (request_framing_obscured(wsi)) {
        s->close_after = 1; /* its body, if any, cannot be framed: the connection ends */
        http_reply_result(wsi, s, GW_BAD_REQUEST, "whitespace before the colon of a framing header");
        return 0;
    }
    if (wire_fold_request(wsi)) { /* wire_fold.h: RFC 9112 5.2 says refuse with 400 */
        gw_log("request refused for %s: obs-fold in its headers", s->user);
        s->close_after = 1;
        http_reply_result(wsi, s, GW_BAD_REQUEST, "obs-fold: a header line continued on the next");
        return 0;
    }
    if (http_api_path(path, s->api_door, sizeof s->api_door))
        return http_api_begin(wsi, s, method); /* http_api.c: JSON for scripts */
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
    if (strcmp(path, "/admin") == 0 || strcmp(path, "/admin/history") == 0) {
        int history = path[6] != '\0';
        if (method == LWSHUMETH_GET && !history) /* http_admin.c: admins only */
            http_admin_page(wsi, s);
        else if (method == LWSHUMETH_GET)
            http_admin_history(wsi, s);
        else if (method == LWSHUMETH_POST && !history)
            return http_admin_begin(wsi, s);
        else {
            s->close_after = method == LWSHUMETH_POST;
            http_reply_plain(wsi, s, HTTP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed.");
        }
        return 0;
    }
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
    struct web *sv = lws_context_user(lws_get_context(wsi));

    switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION: /* inverted: 0 accepts */
        return tls_verify_client(sv, user, (int)len);

    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS: /* user: the vhost's SSL_CTX */
        return tls_verify_setup(sv, user);

    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: { /* accepted, before TLS; wsi: the listener */
        const struct lws_filter_network_conn_args *a = user;
        return a == NULL || conn_limit_admit(&sv->conns, (int)(intptr_t)in,
                                             (const struct sockaddr *)&a->cli_addr, a->clilen) != 0;
    }

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (sv->app != NULL && sv->ctx != NULL) {
            int hup = sv->reload != NULL && *sv->reload;
            if (hup) {
                *sv->reload = 0;
                if (sv->on_reload != NULL)
                    sv->on_reload(sv->app);
                cert_reload_poll(sv, 1); /* SIGHUP: the server certificate too */
            }
            timers_crl_wake(sv, hup); /* SIGHUP: the CRL files too */
            action_collect(sv->app);
            ws_status_poke(sv->ctx, 0);
        }
        return 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        /* An upgrade without Sec-WebSocket-Protocol binds to protocols[0] (this one): only
         * the "latchkey.v1" subprotocol is served. HTTP/2: closed at ESTABLISHED instead
         * (ws_status.c says why). */
        gw_log("ws: upgrade refused: no subprotocol latchkey.v1");
        return request_h2_stream(wsi) ? 0 : 1;

    case LWS_CALLBACK_ESTABLISHED: /* only a websocket over HTTP/2 let through above */
        return request_ws_refuse(wsi);

    case LWS_CALLBACK_TIMER: /* request_end_connection: wsi is an HTTP/2 connection */
        if (s != NULL && s->end_connection)
            return -1; /* lws closes it, after sending what is queued */
        return 0;

    case LWS_CALLBACK_HTTP:
        return route_request(wsi, s, in != NULL ? in : "");

    case LWS_CALLBACK_HTTP_BODY:
        if (s->route == ROUTE_ADMIN)
            return http_admin_body(wsi, s, in, len);
        return s->api ? http_api_body(wsi, s, in, len) : http_action_body(wsi, s, in, len);

    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (s->route == ROUTE_ADMIN)
            return http_admin_complete(wsi, s);
        return s->api ? http_api_complete(wsi, s) : http_action_complete(wsi, s);

    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (s == NULL)
            return 0;
        if (s->active)
            http_action_writable(wsi, s);
        if (s->admin_waiting)
            http_admin_writable(wsi, s);
        return http_reply_writable(wsi, s);

    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s != NULL) {
            http_admin_closed(wsi, s);
            http_action_closed(wsi, s);
        }
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

static struct lws_protocols gw_protocols[] = {
    {"http", callback_http, sizeof(struct http_session), 0, 0, NULL, 0},
    {"latchkey.v1", ws_cb, 0, 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

const struct lws_protocols *routes_protocols(void)
{
    gw_protocols[1].per_session_data_size = ws_status_session_size();
    return gw_protocols;
}
