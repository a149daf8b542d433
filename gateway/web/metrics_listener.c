/* metrics_listener.c - the optional plain-HTTP loopback listener ("metrics" vhost):
 * GET /metrics (Prometheus text, metrics.h) and /healthz (broker connected and CRL
 * usable). Its address must resolve and be loopback unless forced (allow_non_loopback). */
#include "metrics_listener.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "crl_metrics.h"
#include "crl_warning.h"
#include "gw_log.h"
#include "http_reply.h"
#include "listen_addr.h"
#include "metrics_page.h"


/* Whether the CRL is usable now (else why, e.g. "crl expired"). */
static int crl_usable(struct web *sv, char *why, size_t cap)
{
    enum crl_state s = tls_store_state(&sv->tls, time(NULL));
    if (s == CRL_OK || s == CRL_OFF)
        return 1;
    snprintf(why, cap, "crl %s", crl_state_name(s));
    return 0;
}

static int callback_metrics(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len)
{
    struct http_session *s = user;
    struct web *sv = lws_context_user(lws_get_context(wsi));

    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        const char *path = in != NULL ? in : "";
        struct html_buf b;
        char why[96] = "";
        int mq = sv->app->ports.broker_ready(sv->app->ports.ctx), crl_ok = crl_usable(sv, why, sizeof why);

        http_session_reset(s);
        html_init(&b, LWS_PRE);
        if (strcmp(path, "/metrics") == 0) {
            long left = -1;
            if (!crl_warning_left(sv, time(NULL), &left))
                left = -1;
            metrics_render(&b, mq, crl_ok, left);
            crl_metrics_render(&b, &sv->tls);
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

static const struct lws_protocols metrics_protocols[] = {
    {"metrics-http", callback_metrics, sizeof(struct http_session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}
};

int metrics_listener_check(struct web *sv, const struct conf *c, int *family, int *loopback,
                         char *err, size_t errlen)
{
    if (c->metrics.port == 0)
        return 0;
    if (listen_addr_resolve(c->metrics.listen, sv->metrics_iface, sizeof sv->metrics_iface, family,
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

int metrics_listener_start(struct web *sv, const struct conf *c, int family, int loopback,
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
