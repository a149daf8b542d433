/* ws_status.c - the "latchkey.v1" websocket at /ws (see ws_status.h). The upgrade passes
 * the same checks as a page request (verified, unrevoked certificate of a known user) plus
 * an Origin check; every received message re-checks the certificate against the current
 * CRL and its dates, a CRL change re-checks every open socket, and so does the passing of
 * a socket's certificate's notAfter: a revoked or expired one is closed with 1008 (policy
 * violation). Messages (JSON, built with cJSON):
 *   {"type":"doors","doors":[{"door":"door1","label":"Front door","availability":
 *     "online|offline|unknown","relay":"idle|active|unknown","sensor":"open|closed|unknown"}]}
 *   {"type":"result","door":"door1","result":"opened","reason":"-","latency_ms":812}
 * Action results come from any thread through a small ring (mutex), then lws_cancel_service
 * wakes the loop, which asks the sockets of that user for a writeable callback.
 * Over HTTP/2 (RFC 8441: lws 4.1 announces SETTINGS_ENABLE_CONNECT_PROTOCOL and takes an
 * extended CONNECT with :protocol websocket) the socket is a stream of the connection and
 * passes the same checks: the path is the CONNECT's :path, the Origin the same header
 * (against the configured own origin, own_origin.h), the certificate from the network
 * connection. */
#include "ws_status.h"

#include <cJSON.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "csrf.h"
#include "door_status.h"
#include "gw_log.h"
#include "mem_trim.h"
#include "metrics.h"
#include "peer_identity.h"
#include "request.h"
#include "web.h"
#include "wire_fold.h"

#define RING 32
/* The longest message: every door of the site in one `doors` message, each with its label
 * (JSON-escaped: up to 6 bytes a character) and the fixed keys and words. */
#define WS_DOOR_JSON_MAX (LK_NAME_MAX + 6 * CONF_LABEL_MAX + 128)
#define WS_MSG_MAX (CONF_MAX_DOORS * WS_DOOR_JSON_MAX + 256)

struct result_event {
    uint64_t seq;
    char user[LK_BY_MAX + 1];
    char door[LK_NAME_MAX + 1];
    char result[24];
    char reason[33];
    int64_t latency_ms;
};

struct ws_session {
    struct lws *wsi;
    struct ws_session *next;
    char user[LK_BY_MAX + 1];
    char binding[PEER_BINDING_MAX];
    uint64_t doors_sent;   /* door_status version sent (0: none yet) */
    uint64_t result_seq;   /* last result event looked at */
    int recheck;           /* re-check the certificate at the next writeable */
    time_t not_after;      /* the certificate's notAfter: re-checked when it passes */
    int refused;           /* HTTP/2: admission failed, closed at ESTABLISHED (see below) */
};

static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static struct result_event ring[RING];
static uint64_t ring_seq; /* seq of the newest event; event seq lives at ring[seq % RING] */
static struct lws_context *ring_ctx;
static struct ws_session *sessions; /* loop thread only */
static uint64_t doors_epoch;        /* loop thread only: +1 when the config's doors change */

size_t ws_status_session_size(void)
{
    return sizeof(struct ws_session);
}

void ws_status_action_result(const char *user, const char *door, enum gw_result result,
                             const char *reason, int64_t latency_ms)
{
    struct result_event *e;
    struct lws_context *ctx;

    if (user == NULL || user[0] == '\0')
        return;
    pthread_mutex_lock(&ring_lock);
    ring_seq++;
    e = &ring[ring_seq % RING];
    memset(e, 0, sizeof *e);
    e->seq = ring_seq;
    if (strlen(user) < sizeof e->user)
        strcpy(e->user, user);
    if (door != NULL && lk_name_valid(door, strlen(door)))
        strcpy(e->door, door);
    strncpy(e->result, gw_result_name(result), sizeof e->result - 1);
    if (reason != NULL && strlen(reason) < sizeof e->reason)
        strcpy(e->reason, reason);
    e->latency_ms = latency_ms;
    ctx = ring_ctx;
    pthread_mutex_unlock(&ring_lock);
    if (ctx != NULL)
        lws_cancel_service(ctx);
}

void ws_status_poke(struct lws_context *ctx, int recheck_certs)
{
    struct ws_session *w;
    pthread_mutex_lock(&ring_lock);
    ring_ctx = ctx;
    pthread_mutex_unlock(&ring_lock);
    for (w = sessions; w != NULL; w = w->next) {
        if (recheck_certs)
            w->recheck = 1;
        lws_callback_on_writable(w->wsi);
    }
}

void ws_status_expire(time_t now)
{
    struct ws_session *w;
    for (w = sessions; w != NULL; w = w->next)
        if (w->not_after <= now && !w->recheck) {
            w->recheck = 1; /* closed with 1008 at its writeable (still_allowed) */
            lws_callback_on_writable(w->wsi);
        }
}

int ws_status_on_connection(const struct lws *nwsi)
{
    const struct ws_session *w;
    for (w = sessions; w != NULL; w = w->next)
        if (w->wsi != nwsi && lws_get_network_wsi(w->wsi) == nwsi)
            return 1;
    return 0;
}

void ws_status_doors_changed(struct lws_context *ctx)
{
    doors_epoch++;
    if (ctx != NULL)
        ws_status_poke(ctx, 0);
}

/* Next event for w's user after w->result_seq; 1 and *out if any. */
static int next_result(struct ws_session *w, struct result_event *out)
{
    int found = 0;
    pthread_mutex_lock(&ring_lock);
    if (w->result_seq + RING < ring_seq)
        w->result_seq = ring_seq - RING; /* fell behind: older events are gone */
    while (!found && w->result_seq < ring_seq) {
        const struct result_event *e = &ring[(w->result_seq + 1) % RING];
        w->result_seq++;
        if (e->seq == w->result_seq && strcmp(e->user, w->user) == 0) {
            *out = *e;
            found = 1;
        }
    }
    pthread_mutex_unlock(&ring_lock);
    return found;
}

static char *doors_json(struct gw_app *app, const char *user)
{
    const struct conf *c = app->conf;
    struct user_rec u;
    struct action_outcome refused;
    struct door_set allowed;
    cJSON *root = cJSON_CreateObject(), *arr;
    char *txt = NULL;
    int i;

    if (root == NULL || cJSON_AddStringToObject(root, "type", "doors") == NULL ||
        (arr = cJSON_AddArrayToObject(root, "doors")) == NULL)
        goto out;
    if (action_page_user(app, user, &u, &refused) && action_user_doors(app, &u, &allowed) > 0)
        for (i = 0; i < c->n_doors; i++) {
            struct door_status d;
            cJSON *o;
            if (!door_set_has(&allowed, i))
                continue;
            door_status_get(c->doors[i].name, &d);
            if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, o) ||
                cJSON_AddStringToObject(o, "door", c->doors[i].name) == NULL ||
                cJSON_AddStringToObject(o, "label", c->doors[i].label) == NULL ||
                cJSON_AddStringToObject(o, "availability", door_avail_name(d.avail)) == NULL ||
                cJSON_AddStringToObject(o, "relay", d.relay[0] ? d.relay : "unknown") == NULL ||
                cJSON_AddStringToObject(o, "sensor", d.contact[0] ? d.contact : "unknown") == NULL)
                goto out;
        }
    txt = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return txt;
}

static char *result_json(const struct result_event *e)
{
    cJSON *root = cJSON_CreateObject();
    char *txt = NULL;
    if (root != NULL && cJSON_AddStringToObject(root, "type", "result") != NULL &&
        cJSON_AddStringToObject(root, "door", e->door) != NULL &&
        cJSON_AddStringToObject(root, "result", e->result) != NULL &&
        cJSON_AddStringToObject(root, "reason", e->reason[0] ? e->reason : "-") != NULL &&
        cJSON_AddNumberToObject(root, "latency_ms", (double)e->latency_ms) != NULL)
        txt = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return txt;
}

static int send_text(struct lws *wsi, char *txt)
{
    unsigned char *buf;
    size_t n;
    int rc = 0;
    if (txt == NULL)
        return -1;
    n = strlen(txt);
    if (n > WS_MSG_MAX) {
        gw_log("ws: status message too long (%zu bytes), not sent", n);
    } else if ((buf = malloc(LWS_PRE + n)) == NULL) { /* sized by the doors: not the stack */
        rc = -1;
    } else {
        memcpy(buf + LWS_PRE, txt, n);
        rc = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n ? -1 : 0;
        free(buf);
    }
    cJSON_free(txt);
    return rc;
}

/* 0 if the socket's certificate is still good; otherwise closes it (1008). */
static int still_allowed(struct lws *wsi, struct ws_session *w)
{
    char user[LK_BY_MAX + 1], binding[PEER_BINDING_MAX];
    const char *why = NULL;
    int rc = peer_check(wsi, &web_of(wsi)->tls, user, sizeof user, binding, sizeof binding, &why);
    if (rc == 0 && strcmp(user, w->user) == 0)
        return 0;
    gw_log("ws: closing websocket of %s: certificate %s", w->user, rc != 0 ? why : "of another user");
    metrics_refused(rc != 0 ? (enum metrics_refusal)peer_refusal_of(rc, why)->metric
                            : REFUSED_REVOKED);
    lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)"certificate refused",
                     19);
    return -1;
}

static int filter(struct lws *wsi)
{
    char user[LK_BY_MAX + 1], binding[PEER_BINDING_MAX], origin[300];
    const char *why = NULL;
    struct user_rec u;
    struct action_outcome refused;
    char *path;
    int rc, path_len, method = lws_http_get_uri_and_method(wsi, &path, &path_len);

    /* HTTP/1.1: GET /ws with Upgrade; HTTP/2: CONNECT with :path /ws (RFC 8441) */
    if (method != (request_h2_stream(wsi) ? LWSHUMETH_CONNECT : LWSHUMETH_GET) ||
        path_len != 3 || memcmp(path, "/ws", 3) != 0)
        return 1;
    if (wire_fold_request(wsi)) {
        gw_log("ws: upgrade refused: obs-fold in its headers");
        return 1;
    }
    rc = peer_check(wsi, &web_of(wsi)->tls, user, sizeof user, binding, sizeof binding, &why);
    if (rc != 0) {
        gw_log("ws: upgrade refused: certificate %s", why);
        if (rc != PEER_NO_IDENTITY)
            metrics_refused((enum metrics_refusal)peer_refusal_of(rc, why)->metric);
        return 1;
    }
    /* Cross-site websocket hijacking: browsers always send Origin on a websocket. */
    if (!request_header(wsi, "origin:", origin, sizeof origin) ||
        strcmp(origin, web_of(wsi)->origin) != 0) {
        gw_log("ws: upgrade refused for %s: missing or foreign Origin", user);
        metrics_refused(REFUSED_CSRF);
        return 1;
    }
    if (!action_page_user(web_of(wsi)->app, user, &u, &refused)) {
        gw_log("ws: upgrade refused for %s: %s", user, gw_result_name(refused.result));
        return 1;
    }
    return 0;
}

int ws_status_callback(struct lws *wsi, int reason, void *user, void *in, size_t len)
{
    struct ws_session *w = user, **pp;
    (void)in, (void)len;

    switch ((enum lws_callback_reasons)reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        /* HTTP/2: lws 4.1.6 leaks its websocket state (224 bytes) of a stream refused here,
         * so a refused stream is let through the handshake and closed with 1008 at
         * ESTABLISHED, before anything is sent on it. HTTP/1.1: refused here. */
        if (filter(wsi) == 0)
            return 0;
        if (!request_h2_stream(wsi))
            return 1;
        w->refused = 1; /* lws zeroed the session data */
        return 0;

    case LWS_CALLBACK_ESTABLISHED: {
        const char *why = NULL;
        if (w->refused)
            return request_ws_refuse(wsi);
        memset(w, 0, sizeof *w);
        w->wsi = wsi;
        if (peer_check(wsi, &web_of(wsi)->tls, w->user, sizeof w->user, w->binding,
                       sizeof w->binding, &why) != 0)
            return -1;
        w->not_after = time(NULL) + peer_cert_seconds_left(wsi);
        pthread_mutex_lock(&ring_lock);
        w->result_seq = ring_seq; /* only results from now on */
        ring_ctx = lws_get_context(wsi);
        pthread_mutex_unlock(&ring_lock);
        w->next = sessions;
        sessions = w;
        metrics_websockets(1);
        lws_callback_on_writable(wsi);
        return 0;
    }

    case LWS_CALLBACK_RECEIVE:
        metrics_request();
        if (still_allowed(wsi, w) != 0)
            return -1;
        return 0; /* clients have nothing to say yet; actions go through the form */

    case LWS_CALLBACK_SERVER_WRITEABLE: {
        struct result_event e;
        uint64_t v;
        if (w->recheck) {
            w->recheck = 0;
            if (still_allowed(wsi, w) != 0)
                return -1;
        }
        /* +1: version 0 (nothing heard yet) still gets sent */
        v = door_status_version() + (doors_epoch << 40) + 1;
        if (w->doors_sent != v) {
            w->doors_sent = v;
            if (send_text(wsi, doors_json(web_of(wsi)->app, w->user)) != 0)
                return -1;
            lws_callback_on_writable(wsi); /* results may wait too */
            return 0;
        }
        if (next_result(w, &e)) {
            if (send_text(wsi, result_json(&e)) != 0)
                return -1;
            lws_callback_on_writable(wsi);
        }
        return 0;
    }

    case LWS_CALLBACK_CLOSED:
        for (pp = &sessions; *pp != NULL; pp = &(*pp)->next)
            if (*pp == w) {
                *pp = w->next;
                metrics_websockets(-1);
                break;
            }
        mem_trim_note(); /* many closing together free MBs: give them back afterwards */
        return 0;

    default:
        break;
    }
    return 0;
}
