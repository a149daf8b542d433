/* mqtt_client.c - MQTT 3.1.1 client state machine of the firmware core (see
 * mqtt_client.h): drives a non-blocking transport with fixed RX/TX buffers. */
#include "lk/mqtt_client.h"

#include <string.h>

static uint32_t now_ms(const struct lk_mqtt_client *c)
{
    return c->plat->millis(c->plat->ctx);
}

/* Wrap-safe "at least ms have passed since since". */
static int elapsed(uint32_t now, uint32_t since, uint32_t ms)
{
    return (uint32_t)(now - since) >= ms;
}

static void reset_link_state(struct lk_mqtt_client *c)
{
    c->rx_len = 0;
    c->rx_skip = 0;
    c->tx_len = 0;
    c->ping_outstanding = 0;
}

/* Gives the current link up and waits LK_MQTT_BACKOFF_MIN_MS * 2^attempts (capped at
 * LK_MQTT_BACKOFF_MAX_MS), of which the upper half is random jitter. */
static void enter_backoff(struct lk_mqtt_client *c)
{
    uint32_t base = LK_MQTT_BACKOFF_MIN_MS;
    uint32_t i, r = 0;
    uint8_t rnd[4];
    for (i = 0; i < c->attempts && base < LK_MQTT_BACKOFF_MAX_MS; i++)
        base = base > LK_MQTT_BACKOFF_MAX_MS / 2 ? LK_MQTT_BACKOFF_MAX_MS : base * 2;
    if (base > LK_MQTT_BACKOFF_MAX_MS)
        base = LK_MQTT_BACKOFF_MAX_MS;
    if (c->plat->random(c->plat->ctx, rnd, sizeof rnd) == 0)
        r = ((uint32_t)rnd[0] << 24) | ((uint32_t)rnd[1] << 16) | ((uint32_t)rnd[2] << 8) | rnd[3];
    else
        r = base / 2; /* no randomness: no jitter, still a bounded delay */
    c->backoff_ms = base / 2 + r % (base / 2 + 1);
    if (c->attempts < 0xffffu)
        c->attempts++;
    c->stats.link_losses++;
    reset_link_state(c);
    c->state = LK_MQTT_ST_BACKOFF;
    c->state_ms = now_ms(c);
    if (c->cb.on_link_lost != NULL)
        c->cb.on_link_lost(c->cb.user);
}

void lk_mqtt_init(struct lk_mqtt_client *c, const struct lk_mqtt_session *sess,
                  const struct lk_mqtt_callbacks *cb, const struct lk_platform *plat,
                  const struct lk_transport *tr)
{
    memset(c, 0, sizeof *c);
    c->sess = *sess;
    if (cb != NULL)
        c->cb = *cb;
    c->plat = plat;
    c->tr = tr;
    c->next_packet_id = 1;
    c->state = LK_MQTT_ST_WANT_LINK;
    c->state_ms = now_ms(c);
}

/* Sends as much of the TX buffer as the transport takes now. -1 if the link failed. */
static int flush(struct lk_mqtt_client *c)
{
    while (c->tx_len > 0) {
        int32_t n = c->tr->send(c->tr->ctx, c->tx, c->tx_len);
        if (n < 0 || (size_t)n > c->tx_len)
            return -1;
        if (n == 0)
            break;
        memmove(c->tx, c->tx + n, c->tx_len - (size_t)n);
        c->tx_len -= (size_t)n;
    }
    return 0;
}

static int queue(struct lk_mqtt_client *c, const uint8_t *pkt, size_t len)
{
    if (len == 0)
        return LK_MQTT_ERR_PARAM;
    if (len > LK_MQTT_TX_BUF - c->tx_len)
        return LK_MQTT_ERR_BUSY;
    memcpy(c->tx + c->tx_len, pkt, len);
    c->tx_len += len;
    c->last_tx_ms = now_ms(c);
    return 0;
}

static uint16_t alloc_packet_id(struct lk_mqtt_client *c)
{
    for (;;) {
        uint16_t id = c->next_packet_id++;
        unsigned i;
        int used = 0;
        if (c->next_packet_id == 0)
            c->next_packet_id = 1;
        if (id == 0)
            continue;
        for (i = 0; i < LK_MQTT_INFLIGHT; i++)
            if (c->slots[i].used && c->slots[i].packet_id == id)
                used = 1;
        if (!used)
            return id;
    }
}

int lk_mqtt_on_link_up(struct lk_mqtt_client *c)
{
    struct lk_mqtt_connect conn;
    size_t len;
    reset_link_state(c);
    memset(&conn, 0, sizeof conn);
    conn.client_id = c->sess.client_id;
    conn.keepalive_s = c->sess.keepalive_s;
    conn.clean_session = 1;
    conn.will_topic = c->sess.will_topic;
    conn.will_payload = c->sess.will_payload;
    conn.will_payload_len = c->sess.will_payload_len;
    conn.will_qos = c->sess.will_qos;
    conn.will_retain = c->sess.will_retain;
    /* The TX buffer is empty on a fresh link: encode CONNECT straight into it. */
    len = lk_mqtt_encode_connect(c->tx, LK_MQTT_TX_BUF, &conn);
    if (len == 0) {
        enter_backoff(c);
        return LK_MQTT_ERR_PARAM;
    }
    c->tx_len = len;
    c->state = LK_MQTT_ST_CONNECTING;
    c->state_ms = now_ms(c);
    c->last_tx_ms = c->state_ms;
    c->last_rx_ms = c->state_ms;
    if (flush(c) != 0) {
        enter_backoff(c);
        return LK_MQTT_ERR_LINK;
    }
    return 0;
}

void lk_mqtt_on_link_down(struct lk_mqtt_client *c)
{
    /* Already given up by the client itself (or never asked for): nothing to do. */
    if (c->state == LK_MQTT_ST_BACKOFF)
        return;
    if (c->state == LK_MQTT_ST_CLOSED) {
        reset_link_state(c); /* closed for good: drop what was not sent */
        return;
    }
    enter_backoff(c);
}

/* Re-queues every unacknowledged QoS 1 PUBLISH with DUP set. */
static void resend_slots(struct lk_mqtt_client *c, uint32_t now, int only_due)
{
    unsigned i;
    for (i = 0; i < LK_MQTT_INFLIGHT; i++) {
        struct lk_mqtt_slot *s = &c->slots[i];
        if (!s->used || (only_due && !elapsed(now, s->sent_ms, LK_MQTT_RETRY_MS)))
            continue;
        s->pkt[0] |= 0x08u; /* DUP (3.3.1.1) */
        if (queue(c, s->pkt, s->len) != 0)
            return; /* TX full: the rest goes on a later poll */
        s->sent_ms = now;
        c->stats.retransmits++;
    }
}

/* Handles one complete inbound packet. 0, or -1 to drop the link. */
static int handle_packet(struct lk_mqtt_client *c, const uint8_t *pkt, size_t len)
{
    uint8_t type = (uint8_t)(pkt[0] >> 4);
    uint32_t now = now_ms(c);
    c->last_rx_ms = now;
    if (c->state == LK_MQTT_ST_CONNECTING) {
        uint8_t sp, rc;
        if (type != LK_MQTT_CONNACK || lk_mqtt_decode_connack(pkt, len, &sp, &rc) != LK_MQTT_OK ||
            rc != LK_MQTT_CONNACK_ACCEPTED)
            return -1;
        c->state = LK_MQTT_ST_CONNECTED;
        c->state_ms = now;
        c->attempts = 0;
        c->stats.connects++;
        resend_slots(c, now, 0);
        if (c->cb.on_connected != NULL)
            c->cb.on_connected(c->cb.user);
        return 0;
    }
    switch (type) {
    case LK_MQTT_PUBLISH: {
        struct lk_mqtt_publish msg;
        uint8_t ack[4];
        if (lk_mqtt_decode_publish(pkt, len, &msg) != LK_MQTT_OK || msg.qos > 1)
            return -1; /* QoS 2 is never subscribed to */
        if (c->cb.on_message != NULL)
            c->cb.on_message(c->cb.user, &msg);
        if (msg.qos == 1) {
            size_t n = lk_mqtt_encode_puback(ack, sizeof ack, msg.packet_id);
            if (queue(c, ack, n) != 0) {
                if (flush(c) != 0 || queue(c, ack, n) != 0)
                    return -1; /* cannot acknowledge: give the session up */
            }
        }
        return 0;
    }
    case LK_MQTT_PUBACK: {
        uint16_t id;
        unsigned i;
        if (lk_mqtt_decode_puback(pkt, len, &id) != LK_MQTT_OK)
            return -1;
        for (i = 0; i < LK_MQTT_INFLIGHT; i++)
            if (c->slots[i].used && c->slots[i].packet_id == id)
                c->slots[i].used = 0;
        return 0;
    }
    case LK_MQTT_SUBACK: {
        uint16_t id;
        uint8_t rc;
        if (lk_mqtt_decode_suback(pkt, len, &id, &rc) != LK_MQTT_OK || rc == LK_MQTT_SUBACK_FAILURE)
            return -1;
        if (c->cb.on_subscribed != NULL)
            c->cb.on_subscribed(c->cb.user, id, rc);
        return 0;
    }
    case LK_MQTT_PINGRESP:
        if (len != 2 || pkt[0] != (LK_MQTT_PINGRESP << 4))
            return -1;
        c->ping_outstanding = 0;
        return 0;
    default:
        return -1; /* nothing else may reach a 3.1.1 client that only uses QoS 0/1 */
    }
}

/* Processes every complete packet at the start of the RX buffer. -1 to drop the link. */
static int process_rx(struct lk_mqtt_client *c)
{
    while (c->rx_len > 0) {
        size_t plen;
        int r = lk_mqtt_frame(c->rx, c->rx_len, &plen);
        if (r == LK_MQTT_NEED_MORE)
            return 0;
        if (r != LK_MQTT_OK)
            return -1;
        if (plen > LK_MQTT_RX_BUF) {
            /* Too big to hold: discard it as it streams in, keep the session. */
            c->stats.skipped_packets++;
            c->rx_skip = plen - c->rx_len;
            c->rx_len = 0;
            return 0;
        }
        if (plen > c->rx_len)
            return 0;
        if (handle_packet(c, c->rx, plen) != 0)
            return -1;
        if (c->state != LK_MQTT_ST_CONNECTING && c->state != LK_MQTT_ST_CONNECTED)
            return 0;
        memmove(c->rx, c->rx + plen, c->rx_len - plen);
        c->rx_len -= plen;
    }
    return 0;
}

/* Reads what the transport has. -1 to drop the link. */
static int read_in(struct lk_mqtt_client *c)
{
    unsigned i;
    for (i = 0; i < LK_MQTT_READS_PER_POLL; i++) {
        int32_t n;
        if (c->rx_skip > 0) {
            uint8_t sink[64];
            size_t want = c->rx_skip < sizeof sink ? c->rx_skip : sizeof sink;
            n = c->tr->recv(c->tr->ctx, sink, want);
            if (n < 0 || (size_t)n > want)
                return -1;
            if (n == 0)
                return 0;
            c->rx_skip -= (size_t)n;
            continue;
        }
        if (c->rx_len >= LK_MQTT_RX_BUF)
            return -1; /* cannot happen: a full buffer always holds a complete packet */
        n = c->tr->recv(c->tr->ctx, c->rx + c->rx_len, LK_MQTT_RX_BUF - c->rx_len);
        if (n < 0 || (size_t)n > LK_MQTT_RX_BUF - c->rx_len)
            return -1;
        if (n == 0)
            return 0;
        c->rx_len += (size_t)n;
        if (process_rx(c) != 0)
            return -1;
        if (c->state != LK_MQTT_ST_CONNECTING && c->state != LK_MQTT_ST_CONNECTED)
            return 0;
    }
    return 0;
}

static int run_timers(struct lk_mqtt_client *c, uint32_t now)
{
    if (c->state == LK_MQTT_ST_CONNECTING)
        return elapsed(now, c->state_ms, LK_MQTT_CONNACK_TIMEOUT_MS) ? -1 : 0;
    resend_slots(c, now, 1);
    if (c->sess.keepalive_s > 0) {
        uint32_t ka = (uint32_t)c->sess.keepalive_s * 1000u;
        if (c->ping_outstanding) {
            if (elapsed(now, c->ping_ms, LK_MQTT_PINGRESP_TIMEOUT_MS))
                return -1;
        } else if (elapsed(now, c->last_tx_ms, ka) || elapsed(now, c->last_rx_ms, ka)) {
            uint8_t ping[2];
            size_t n = lk_mqtt_encode_pingreq(ping, sizeof ping);
            if (queue(c, ping, n) == 0) {
                c->ping_outstanding = 1;
                c->ping_ms = now;
                c->stats.pings++;
            }
        }
    }
    return 0;
}

enum lk_mqtt_poll_result lk_mqtt_poll(struct lk_mqtt_client *c)
{
    uint32_t now = now_ms(c);
    if (c->state == LK_MQTT_ST_BACKOFF && elapsed(now, c->state_ms, c->backoff_ms)) {
        c->state = LK_MQTT_ST_WANT_LINK;
        c->state_ms = now;
    }
    if (c->state == LK_MQTT_ST_WANT_LINK)
        return LK_MQTT_POLL_NEED_LINK;
    if (c->state == LK_MQTT_ST_CLOSED) {
        if (flush(c) != 0)
            reset_link_state(c); /* the link is gone: nothing more can be sent */
        return LK_MQTT_POLL_OK;
    }
    if (!lk_mqtt_link_active(c))
        return LK_MQTT_POLL_OK;
    /* Callbacks may give the link up themselves (a failed send): check after each step. */
    if (flush(c) != 0 || read_in(c) != 0) {
        enter_backoff(c);
        return LK_MQTT_POLL_OK;
    }
    if (!lk_mqtt_link_active(c))
        return LK_MQTT_POLL_OK;
    if (run_timers(c, now_ms(c)) != 0 || flush(c) != 0)
        enter_backoff(c);
    return LK_MQTT_POLL_OK;
}

int lk_mqtt_subscribe(struct lk_mqtt_client *c, const char *filter, uint8_t qos)
{
    uint8_t pkt[LK_MQTT_SLOT_BUF];
    size_t len;
    uint16_t id;
    int r;
    if (c->state != LK_MQTT_ST_CONNECTED)
        return LK_MQTT_ERR_STATE;
    if (qos > 1)
        return LK_MQTT_ERR_PARAM;
    id = alloc_packet_id(c);
    len = lk_mqtt_encode_subscribe(pkt, sizeof pkt, id, filter, qos);
    if (len == 0)
        return LK_MQTT_ERR_PARAM;
    r = queue(c, pkt, len);
    if (r != 0)
        return r;
    c->last_packet_id = id;
    if (flush(c) != 0) {
        enter_backoff(c);
        return LK_MQTT_ERR_LINK;
    }
    return 0;
}

int lk_mqtt_publish(struct lk_mqtt_client *c, const char *topic, const uint8_t *payload,
                    size_t len, uint8_t qos, uint8_t retain)
{
    struct lk_mqtt_publish p;
    size_t tlen;
    if (c->state != LK_MQTT_ST_CONNECTED)
        return LK_MQTT_ERR_STATE;
    if (topic == NULL || qos > 1)
        return LK_MQTT_ERR_PARAM;
    tlen = strlen(topic);
    if (tlen == 0 || tlen > 0xffffu)
        return LK_MQTT_ERR_PARAM;
    memset(&p, 0, sizeof p);
    p.topic = topic;
    p.topic_len = (uint16_t)tlen;
    p.payload = payload;
    p.payload_len = len;
    p.qos = qos;
    p.retain = retain ? 1u : 0u;
    if (qos == 1) {
        struct lk_mqtt_slot *slot = NULL;
        unsigned i;
        size_t n;
        int r;
        for (i = 0; i < LK_MQTT_INFLIGHT && slot == NULL; i++)
            if (!c->slots[i].used)
                slot = &c->slots[i];
        if (slot == NULL)
            return LK_MQTT_ERR_BUSY;
        p.packet_id = alloc_packet_id(c);
        n = lk_mqtt_encode_publish(slot->pkt, sizeof slot->pkt, &p);
        if (n == 0)
            return LK_MQTT_ERR_PARAM;
        r = queue(c, slot->pkt, n);
        if (r != 0)
            return r;
        slot->used = 1;
        slot->packet_id = p.packet_id;
        c->last_packet_id = p.packet_id;
        slot->len = (uint16_t)n;
        slot->sent_ms = now_ms(c);
    } else {
        size_t n = lk_mqtt_encode_publish(c->tx + c->tx_len, LK_MQTT_TX_BUF - c->tx_len, &p);
        if (n == 0)
            return c->tx_len > 0 ? LK_MQTT_ERR_BUSY : LK_MQTT_ERR_PARAM;
        c->tx_len += n;
        c->last_tx_ms = now_ms(c);
    }
    if (flush(c) != 0) {
        enter_backoff(c);
        return LK_MQTT_ERR_LINK;
    }
    return 0;
}

void lk_mqtt_cancel(struct lk_mqtt_client *c, uint16_t packet_id)
{
    unsigned i;
    for (i = 0; i < LK_MQTT_INFLIGHT; i++)
        if (c->slots[i].used && c->slots[i].packet_id == packet_id)
            c->slots[i].used = 0;
}

int lk_mqtt_disconnect(struct lk_mqtt_client *c)
{
    uint8_t pkt[2];
    size_t n;
    int was_connected = c->state == LK_MQTT_ST_CONNECTED;
    unsigned i;
    for (i = 0; i < LK_MQTT_INFLIGHT; i++)
        c->slots[i].used = 0; /* nothing is retransmitted after a clean end */
    if (!was_connected) {
        reset_link_state(c);
        c->state = LK_MQTT_ST_CLOSED;
        c->state_ms = now_ms(c);
        return LK_MQTT_ERR_STATE;
    }
    c->state = LK_MQTT_ST_CLOSED;
    c->state_ms = now_ms(c);
    n = lk_mqtt_encode_disconnect(pkt, sizeof pkt);
    if (queue(c, pkt, n) != 0 && (flush(c) != 0 || queue(c, pkt, n) != 0)) {
        /* The transport takes nothing: closing it without DISCONNECT makes the broker
         * publish the will ("offline"), which says the same. */
        reset_link_state(c);
        return LK_MQTT_ERR_BUSY;
    }
    if (flush(c) != 0)
        reset_link_state(c);
    return 0;
}

size_t lk_mqtt_pending_tx(const struct lk_mqtt_client *c)
{
    return c->tx_len;
}

int lk_mqtt_connected(const struct lk_mqtt_client *c)
{
    return c->state == LK_MQTT_ST_CONNECTED;
}

int lk_mqtt_link_active(const struct lk_mqtt_client *c)
{
    return c->state == LK_MQTT_ST_CONNECTING || c->state == LK_MQTT_ST_CONNECTED;
}

uint16_t lk_mqtt_last_packet_id(const struct lk_mqtt_client *c)
{
    return c->last_packet_id;
}

unsigned lk_mqtt_inflight(const struct lk_mqtt_client *c)
{
    unsigned i, n = 0;
    for (i = 0; i < LK_MQTT_INFLIGHT; i++)
        if (c->slots[i].used)
            n++;
    return n;
}
