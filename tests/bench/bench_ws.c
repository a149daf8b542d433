/* bench_ws.c - the held websockets of latchkey-bench's ws mode: wslay reads the frames
 * from the non-blocking TLS connection (pings answered), cJSON checks every message
 * against latchkey.v1 (gateway/ws_status.c, docs/protocol.md): a "doors" message first,
 * then "doors" or "result" ones; counted per socket. Anything else ends the socket. */
#include "bench_ws.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <cJSON.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

#define WS_MSG_LIMIT (64 * 1024) /* the gateway sends at most 4 KiB */

struct ws_peer {
    wslay_event_context_ptr ev;
    struct bench_run *run;
    struct conn *c;
    size_t early;       /* next unread byte of c->rx that came with the 101 */
    int want_out;       /* TLS needs the socket writable */
    int eof, closed;    /* the server ended the TLS stream / sent a close frame */
    const char *bad;    /* first message that broke latchkey.v1 */
};

/* Every member of o named in keys is a string. */
static int strings(const cJSON *o, const char *const *keys)
{
    for (; *keys != NULL; keys++)
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, *keys)))
            return 0;
    return 1;
}

static const char *check_doors(const cJSON *root)
{
    static const char *const keys[] = {"door", "label", "availability", "relay", NULL};
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "doors"), *d;
    if (!cJSON_IsArray(arr))
        return "a doors message without a doors array";
    cJSON_ArrayForEach(d, arr)
        if (!cJSON_IsObject(d) || !strings(d, keys))
            return "a doors message with a malformed door";
    return NULL;
}

static const char *check_result(const cJSON *root)
{
    static const char *const keys[] = {"door", "result", "reason", NULL};
    if (!strings(root, keys) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "latency_ms")))
        return "a result message without door, result, reason and latency_ms";
    return NULL;
}

/* Checks one text message and counts it; NULL, or what was wrong with it. */
static const char *check_message(struct conn *c, const uint8_t *msg, size_t len)
{
    cJSON *root = cJSON_ParseWithLength((const char *)msg, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const char *bad;

    if (!cJSON_IsObject(root) || !cJSON_IsString(type))
        bad = "a websocket message that is not a JSON object with a type";
    else if (strcmp(type->valuestring, "doors") == 0) {
        if ((bad = check_doors(root)) == NULL)
            c->ws_doors++;
    } else if (strcmp(type->valuestring, "result") == 0) {
        if (c->ws_doors == 0)
            bad = "a result message before the doors message";
        else if ((bad = check_result(root)) == NULL)
            c->ws_results++;
    } else {
        bad = "a websocket message of an unknown type";
    }
    cJSON_Delete(root);
    return bad;
}

static void on_msg(wslay_event_context_ptr ev, const struct wslay_event_on_msg_recv_arg *a,
                   void *user)
{
    struct ws_peer *p = user;
    const char *bad;

    if (a->opcode == WSLAY_CONNECTION_CLOSE) {
        p->closed = 1;
        return;
    }
    if (a->opcode == WSLAY_PING || a->opcode == WSLAY_PONG)
        return; /* wslay queues the pong itself */
    bad = a->opcode == WSLAY_TEXT_FRAME ? check_message(p->c, a->msg, a->msg_length)
                                        : "a binary websocket message";
    if (bad != NULL && p->bad == NULL) {
        p->bad = bad;
        wslay_event_shutdown_read(ev);
    }
}

/* What an SSL_read/SSL_write that returned r <= 0 means for wslay. */
static ssize_t tls_stall(struct ws_peer *p, int r)
{
    int e = SSL_get_error(p->c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (e == SSL_ERROR_WANT_WRITE)
            p->want_out = 1;
        wslay_event_set_error(p->ev, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0))
        p->eof = 1;
    wslay_event_set_error(p->ev, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t on_recv(wslay_event_context_ptr ev, uint8_t *buf, size_t len, int flags, void *user)
{
    struct ws_peer *p = user;
    struct conn *c = p->c;
    int r;
    (void)ev, (void)flags;

    if (p->early < c->rx_len) { /* bytes that came along with the 101 */
        size_t n = c->rx_len - p->early < len ? c->rx_len - p->early : len;
        memcpy(buf, c->rx + p->early, n);
        p->early += n;
        p->run->ws_rx_bytes += (long)n;
        return (ssize_t)n;
    }
    errno = 0;
    r = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (r > 0) {
        p->run->ws_rx_bytes += r;
        return r;
    }
    return tls_stall(p, r);
}

static ssize_t on_send(wslay_event_context_ptr ev, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    struct ws_peer *p = user;
    int r;
    (void)ev, (void)flags;
    errno = 0;
    r = SSL_write(p->c->ssl, data, len > INT_MAX ? INT_MAX : (int)len);
    return r > 0 ? r : tls_stall(p, r);
}

static int on_genmask(wslay_event_context_ptr ev, uint8_t *buf, size_t len, void *user)
{
    (void)ev, (void)user;
    return RAND_bytes(buf, len > INT_MAX ? INT_MAX : (int)len) == 1 ? 0 : -1;
}

int ws_peer_open(struct bench_run *run, struct conn *c, size_t off)
{
    static const struct wslay_event_callbacks cb = {on_recv, on_send, on_genmask, NULL, NULL,
                                                    NULL, on_msg};
    struct ws_peer *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -1;
    p->run = run;
    p->c = c;
    p->early = off;
    if (wslay_event_context_client_init(&p->ev, &cb, p) != 0) {
        free(p);
        return -1;
    }
    wslay_event_config_set_max_recv_msg_length(p->ev, WS_MSG_LIMIT);
    c->ws = p;
    c->ws_opened = 1;
    return 0;
}

int ws_peer_io(struct conn *c, const char **why)
{
    struct ws_peer *p = c->ws;
    int rc;

    p->want_out = 0;
    rc = wslay_event_recv(p->ev);
    if (p->bad != NULL || p->closed || p->eof) {
        *why = p->bad != NULL ? p->bad : "websocket closed by the server";
        return -1;
    }
    if (rc != 0) {
        *why = "websocket broken (TLS or frame error)";
        return -1;
    }
    if (wslay_event_want_write(p->ev) && wslay_event_send(p->ev) != 0) {
        *why = "websocket write failed";
        return -1;
    }
    return 0;
}

unsigned ws_peer_events(const struct conn *c)
{
    const struct ws_peer *p = c->ws;
    return EPOLLIN | (p != NULL && (p->want_out || wslay_event_want_write(p->ev)) ? EPOLLOUT : 0);
}

void ws_peer_free(struct conn *c)
{
    if (c->ws == NULL)
        return;
    wslay_event_context_free(c->ws->ev);
    free(c->ws);
    c->ws = NULL;
}

void ws_peer_tally(const struct bench_run *run, struct ws_tally *t)
{
    int i;
    memset(t, 0, sizeof *t);
    for (i = 0; i < run->o->conns; i++) {
        const struct conn *c = &run->c[i];
        if (!c->ws_opened)
            continue;
        if (t->sockets == 0 || c->ws_doors < t->doors_min)
            t->doors_min = c->ws_doors;
        if (c->ws_doors > t->doors_max)
            t->doors_max = c->ws_doors;
        if (t->sockets == 0 || c->ws_results < t->results_min)
            t->results_min = c->ws_results;
        if (c->ws_results > t->results_max)
            t->results_max = c->ws_results;
        t->without_doors += c->ws_doors == 0;
        t->sockets++;
    }
    for (i = 0; i < run->o->conns; i++)
        t->results_short += run->c[i].ws_opened && run->c[i].ws_results < t->results_max;
}
