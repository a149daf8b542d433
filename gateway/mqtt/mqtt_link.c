/* mqtt_link.c - Paho MQTT C async client of the gateway: mTLS with server host name
 * verification, no persistence, never sends while disconnected, subscribes to the acks,
 * to the doors' retained availability and state, to the bridge link and to the requests
 * on every (re)connect, and hands each message to mqtt_request.c or mqtt_inbound.c. On
 * every connect it (re)publishes its Home Assistant discovery configs (core/ha_config.h);
 * events and the retained last results go out through mqtt_link_publish_note. */
#include "mqtt_link.h"

#include <MQTTAsync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_log.h"
#include "mqtt_diag.h"
#include "mqtt_inbound.h"
#include "mqtt_probe.h"
#include "ha_config.h"
#include "mqtt_inbound.h"
#include "mqtt_request.h"
#include "mqtt_retry.h"
#include "mqtt_time.h"
#include "tcp_nodelay.h"

#define TOPIC_ACK 0
#define TOPIC_AVAIL 1
#define TOPIC_STATE 2
#define TOPIC_BRIDGE 3
#define TOPIC_REQUEST 4
#define TOPIC_TIME_REQ 5
#define N_TOPICS 6

struct ha_msg {
    char topic[GW_HA_TOPIC_MAX];
    char payload[GW_HA_PAYLOAD_MAX];
};

struct mqtt_link {
    MQTTAsync client;
    struct attempts *attempts;
    char site[LK_NAME_MAX + 1];
    char sub_topics[N_TOPICS][LK_TOPIC_MAX + 1];
    atomic_int ready;
    MQTTAsync_SSLOptions ssl;
    MQTTAsync_connectOptions conn;
    struct mqtt_retry *retry; /* reconnects (Paho's automatic reconnect is off) */
    int broker_port;          /* for TCP_NODELAY on Paho's socket (tcp_nodelay.h) */
    const struct conf *conf;  /* for the failure messages (uri, files, client id) */
    pthread_mutex_t diag_lock; /* Paho's threads call back: diag under it */
    struct mqtt_diag diag;     /* sessions taken over by another client (mqtt_diag.h) */
    struct ha_msg *ha;         /* discovery configs, built at start; NULL: none */
    int n_ha;
};

struct publish_ctx {
    struct mqtt_link *link;
    struct attempt_handle h;
};

/* OpenSSL's own error lines (file names and line numbers, twice a second while it fails)
 * are not logged: connect_failure_reason says what is wrong in one line. */
static int on_ssl_error(const char *str, size_t len, void *u)
{
    (void)str, (void)len, (void)u;
    return 0;
}

static void on_subscribed(void *context, MQTTAsync_successData *resp)
{
    struct mqtt_link *m = context;
    /* SUBACK 0x80 is a refusal (e.g. broker ACL). Without the acks nothing can be confirmed. */
    if (resp != NULL && resp->alt.qosList != NULL && resp->alt.qosList[TOPIC_ACK] == 0x80) {
        gw_log("mqtt: broker refused the subscription to %s", m->sub_topics[TOPIC_ACK]);
        return;
    }
    atomic_store(&m->ready, 1);
    gw_log("mqtt: connected and subscribed to %s", m->sub_topics[TOPIC_ACK]);
}

static void on_subscribe_failed(void *context, MQTTAsync_failureData *resp)
{
    struct mqtt_link *m = context;
    gw_log("mqtt: subscribe failed (code %d)", resp != NULL ? resp->code : 0);
    atomic_store(&m->ready, 0);
}

static void on_connected(void *context, char *cause)
{
    struct mqtt_link *m = context;
    MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
    char *topics[N_TOPICS] = {m->sub_topics[TOPIC_ACK],     m->sub_topics[TOPIC_AVAIL],
                              m->sub_topics[TOPIC_STATE],   m->sub_topics[TOPIC_BRIDGE],
                              m->sub_topics[TOPIC_REQUEST], m->sub_topics[TOPIC_TIME_REQ]};
    int qos[N_TOPICS] = {1, 1, 1, 1, 1, 1};
    int rc, i;

    gw_log("mqtt: connected (%s)", cause != NULL ? cause : "-");
    pthread_mutex_lock(&m->diag_lock);
    mqtt_diag_connected(&m->diag, gw_now_ms());
    pthread_mutex_unlock(&m->diag_lock);
    if (tcp_nodelay_to_port(m->broker_port) <= 0)
        gw_log("mqtt: could not set TCP_NODELAY on the broker connection (port %d): answers "
               "may wait for delayed ACKs", m->broker_port);
    ro.onSuccess = on_subscribed;
    ro.onFailure = on_subscribe_failed;
    ro.context = m;
    rc = MQTTAsync_subscribeMany(m->client, N_TOPICS, topics, qos, &ro);
    if (rc != MQTTASYNC_SUCCESS)
        gw_log("mqtt: subscribe not sent (code %d)", rc);
    for (i = 0; i < m->n_ha; i++)
        if (mqtt_link_publish_note(m, m->ha[i].topic, m->ha[i].payload, strlen(m->ha[i].payload),
                                   1) != 0)
            gw_log("mqtt: discovery config %s not sent", m->ha[i].topic);
}

static void on_connect_ok(void *context, MQTTAsync_successData *resp)
{
    struct mqtt_link *m = context;
    (void)resp; /* on_connected() does the work, on every (re)connect */
    mqtt_retry_connected(m->retry);
}

/* The broker's CONNACK refusal (MQTT 3.1.1 return codes 1..5), else a probe of our own
 * (mqtt_probe.h): Paho's "TCP/TLS connect failure" says neither which nor why. */
static void connect_failure_reason(struct mqtt_link *m, const MQTTAsync_failureData *resp,
                                   char *out, size_t cap)
{
    static const char *const connack[] = {NULL,
                                          "unacceptable protocol version",
                                          "client id rejected",
                                          "server unavailable",
                                          "bad user name or password",
                                          "not authorized"};
    int code = resp != NULL ? resp->code : 0;

    if (code >= 1 && code <= 5)
        snprintf(out, cap, "the broker refused the session: %s (client id %s, [mqtt] cert %s)",
                 connack[code], m->conf->mqtt.client_id, m->conf->mqtt.cert);
    else
        mqtt_probe_explain(m->conf, out, cap);
}

static void on_connect_failed(void *context, MQTTAsync_failureData *resp)
{
    struct mqtt_link *m = context;
    unsigned n = mqtt_retry_failures(m->retry) + 1;
    /* Retries come twice a second: log the first failure, then one in 120 (a minute). */
    if (n == 1 || n % 120 == 0) {
        char why[700];
        connect_failure_reason(m, resp, why, sizeof why);
        gw_log("mqtt: cannot connect to %s: %s; retrying every %d ms (failure %u)",
               m->conf->mqtt.uri, why, MQTT_RETRY_MAX_MS, n);
    }
    mqtt_retry_request(m->retry);
}

static void on_connection_lost(void *context, char *cause)
{
    struct mqtt_link *m = context;
    int taken_over;

    atomic_store(&m->ready, 0);
    gw_log("mqtt: connection to %s lost (%s); reconnecting", m->conf->mqtt.uri,
           cause != NULL ? cause : "-");
    pthread_mutex_lock(&m->diag_lock);
    taken_over = mqtt_diag_lost(&m->diag, gw_now_ms());
    pthread_mutex_unlock(&m->diag_lock);
    if (taken_over)
        gw_log(
            "mqtt: WARNING: %s ended the session right after it began %d times in a row: "
            "another client uses the same client id (%s, or with a broker made by "
            "broker-config the CN of %s): two gateways with one configuration or "
            "certificate?",
            m->conf->mqtt.uri, MQTT_TAKEOVER_LOSSES, m->conf->mqtt.client_id, m->conf->mqtt.cert);
    mqtt_retry_request(m->retry);
}

/* The retry thread's attempt: a fresh connect with the same options (not MQTTAsync_reconnect:
 * Paho clears the stored onSuccess/onFailure after the first connect, and a failed attempt
 * must come back to on_connect_failed to be retried). */
static int reconnect(void *arg)
{
    struct mqtt_link *m = arg;
    int rc = MQTTAsync_connect(m->client, &m->conn);
    if (rc != MQTTASYNC_SUCCESS) {
        gw_log("mqtt: cannot start a reconnect (code %d)", rc);
        return -1;
    }
    return 0;
}

static int on_message(void *context, char *topic, int topic_len, MQTTAsync_message *msg)
{
    struct mqtt_link *m = context;
    size_t tl = topic_len > 0 ? (size_t)topic_len : strlen(topic);

    size_t pl = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;

    if (!mqtt_time_inbound(m->site, m->attempts, topic, tl, msg->payload, pl, msg->retained) &&
        !mqtt_request_inbound(m->site, m->attempts, topic, tl, msg->payload, pl, msg->retained))
        mqtt_inbound(m->site, m->attempts, topic, tl, msg->payload, pl);
    MQTTAsync_freeMessage(&msg);
    MQTTAsync_free(topic);
    return 1;
}

/* The discovery configs of every door ([homeassistant] discovery_prefix; none without). */
static int build_discovery(struct mqtt_link *m, const struct conf *c)
{
    int d, e, r;
    if (c->ha.prefix[0] == '\0')
        return 0;
    m->ha = calloc((size_t)c->n_doors * GW_HA_COUNT, sizeof *m->ha); /* n_doors >= 1 */
    if (m->ha == NULL)
        return -1;
    for (d = 0; d < c->n_doors; d++)
        for (e = 0; e < GW_HA_COUNT; e++) {
            struct ha_msg *h = &m->ha[m->n_ha];
            r = gw_ha_config(c->ha.prefix, c->command.site, c->doors[d].name, c->ha.identity,
                             (enum gw_ha_entity)e, h->topic, sizeof h->topic, h->payload,
                             sizeof h->payload);
            if (r < 0)
                return -1;
            m->n_ha += r;
        }
    return 0;
}

struct mqtt_link *mqtt_link_start(const struct conf *c, struct attempts *attempts,
                                  char *err, size_t errlen)
{
    MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer;
    MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
    MQTTAsync_connectOptions conn = MQTTAsync_connectOptions_initializer;
    struct mqtt_link *m = calloc(1, sizeof *m);
    int rc;

    if (m == NULL) {
        snprintf(err, errlen, "mqtt: out of memory");
        return NULL;
    }
    m->attempts = attempts;
    m->conf = c;
    if (pthread_mutex_init(&m->diag_lock, NULL) != 0) {
        snprintf(err, errlen, "mqtt: cannot make a lock");
        free(m);
        return NULL;
    }
    strcpy(m->site, c->command.site);
    m->broker_port = tcp_nodelay_uri_port(c->mqtt.uri); /* conf.c checked host:port */
    atomic_init(&m->ready, 0);
    if (snprintf(m->sub_topics[TOPIC_ACK], sizeof m->sub_topics[0], "latchkey/%s/+/ack",
                 c->command.site) <= 0 ||
        snprintf(m->sub_topics[TOPIC_AVAIL], sizeof m->sub_topics[0], "latchkey/%s/+/availability",
                 c->command.site) <= 0 ||
        snprintf(m->sub_topics[TOPIC_STATE], sizeof m->sub_topics[0], "latchkey/%s/+/state",
                 c->command.site) <= 0 ||
        snprintf(m->sub_topics[TOPIC_BRIDGE], sizeof m->sub_topics[0], "latchkey/%s/bridge",
                 c->command.site) <= 0 ||
        snprintf(m->sub_topics[TOPIC_REQUEST], sizeof m->sub_topics[0], "latchkey/%s/+/request/+",
                 c->command.site) <= 0 ||
        snprintf(m->sub_topics[TOPIC_TIME_REQ], sizeof m->sub_topics[0], "latchkey/%s/+/time/req",
                 c->command.site) <= 0 ||
        build_discovery(m, c) != 0) {
        snprintf(err, errlen, "mqtt: topic or discovery config too long");
        free(m->ha);
        free(m);
        return NULL;
    }

    co.sendWhileDisconnected = 0; /* a door command must never be queued for later */
    /* Paho refuses a publish while this many wait to be written (100 by default): every
     * door's discovery configs go out at once on each connect, beside the usual traffic. */
    co.maxBufferedMessages = m->n_ha + 100;
    co.MQTTVersion = MQTTVERSION_3_1_1;
    rc = MQTTAsync_createWithOptions(&m->client, c->mqtt.uri, c->mqtt.client_id,
                                     MQTTCLIENT_PERSISTENCE_NONE, NULL, &co);
    if (rc != MQTTASYNC_SUCCESS) {
        snprintf(err, errlen, "mqtt: cannot create client for %s (code %d)", c->mqtt.uri, rc);
        free(m);
        return NULL;
    }
    rc = MQTTAsync_setCallbacks(m->client, m, on_connection_lost, on_message, NULL);
    if (rc == MQTTASYNC_SUCCESS)
        rc = MQTTAsync_setConnected(m->client, m, on_connected);
    if (rc != MQTTASYNC_SUCCESS) {
        snprintf(err, errlen, "mqtt: cannot set callbacks (code %d)", rc);
        MQTTAsync_destroy(&m->client);
        free(m->ha);
        free(m);
        return NULL;
    }

    /* Paho keeps pointers to these: they live in *m. Strings point into *c (static). */
    ssl.trustStore = c->mqtt.ca;
    ssl.keyStore = c->mqtt.cert;
    ssl.privateKey = c->mqtt.key;
    ssl.enableServerCertAuth = 1;
    ssl.verify = 1; /* host name check: off by default in Paho */
    ssl.sslVersion = MQTT_SSL_VERSION_TLS_1_2;
    ssl.ssl_error_cb = on_ssl_error;
    ssl.ssl_error_context = m;
    ssl.disableDefaultTrustStore = 1;
    m->ssl = ssl;

    conn.keepAliveInterval = 20;
    conn.cleansession = 1;
    conn.MQTTVersion = MQTTVERSION_3_1_1;
    conn.connectTimeout = 5;
    /* While disconnected every action is refused (broker-unavailable), so reconnecting is
     * ours (mqtt_retry.c): after 250 ms, then every 500 ms, never backing off further (one
     * client per site costs the broker nothing); back within ~1 s of the broker's return
     * (tests/faults/broker_kill.sh). Paho's automaticReconnect checks only every 3 s. */
    conn.automaticReconnect = 0;
    conn.ssl = &m->ssl;
    conn.onSuccess = on_connect_ok;
    conn.onFailure = on_connect_failed;
    conn.context = m;
    m->conn = conn;

    m->retry = mqtt_retry_start(reconnect, m);
    if (m->retry == NULL) {
        snprintf(err, errlen, "mqtt: cannot start the reconnect thread");
        MQTTAsync_destroy(&m->client);
        free(m->ha);
        free(m);
        return NULL;
    }
    rc = MQTTAsync_connect(m->client, &m->conn);
    if (rc != MQTTASYNC_SUCCESS) {
        snprintf(err, errlen, "mqtt: cannot start connecting to %s (code %d)", c->mqtt.uri, rc);
        mqtt_retry_stop(m->retry);
        MQTTAsync_destroy(&m->client);
        mqtt_retry_free(m->retry);
        free(m->ha);
        free(m);
        return NULL;
    }
    return m;
}

int mqtt_link_ready(struct mqtt_link *m)
{
    return m != NULL && atomic_load(&m->ready) && MQTTAsync_isConnected(m->client);
}

static void on_published(void *context, MQTTAsync_successData *resp)
{
    (void)resp;
    free(context); /* the ack, not the PUBACK, ends the action */
}

static void on_publish_failed(void *context, MQTTAsync_failureData *resp)
{
    struct publish_ctx *pc = context;
    gw_log("mqtt: publish failed (code %d)", resp != NULL ? resp->code : 0);
    /* It may or may not have reached the broker: an honest "not confirmed". */
    attempts_fail(pc->link->attempts, pc->h, GW_NOT_CONFIRMED, "publish-failed");
    free(pc);
}

int mqtt_link_publish(struct mqtt_link *m, const char *topic, const char *payload, size_t len,
                      struct attempt_handle h)
{
    MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
    MQTTAsync_message msg = MQTTAsync_message_initializer;
    struct publish_ctx *pc;
    int rc;

    if (!mqtt_link_ready(m) || len > 65535)
        return -1;
    pc = malloc(sizeof *pc);
    if (pc == NULL)
        return -1;
    pc->link = m;
    pc->h = h;
    msg.payload = (void *)payload;
    msg.payloadlen = (int)len;
    msg.qos = 1;
    msg.retained = 0;
    ro.onSuccess = on_published;
    ro.onFailure = on_publish_failed;
    ro.context = pc;
    rc = MQTTAsync_sendMessage(m->client, topic, &msg, &ro);
    if (rc != MQTTASYNC_SUCCESS) {
        gw_log("mqtt: publish refused (code %d)", rc);
        free(pc);
        return -1;
    }
    return 0;
}

void mqtt_link_stop(struct mqtt_link *m)
{
    MQTTAsync_disconnectOptions dc = MQTTAsync_disconnectOptions_initializer;
    if (m == NULL)
        return;
    atomic_store(&m->ready, 0);
    mqtt_retry_stop(m->retry); /* first: no reconnect may start while disconnecting */
    dc.timeout = 1000;
    if (MQTTAsync_isConnected(m->client) &&
        MQTTAsync_disconnect(m->client, &dc) == MQTTASYNC_SUCCESS) {
        int i;
        for (i = 0; i < 20 && MQTTAsync_isConnected(m->client); i++) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    MQTTAsync_destroy(&m->client);
    mqtt_retry_free(m->retry); /* no Paho callback can come any more */
    pthread_mutex_destroy(&m->diag_lock);
    free(m->ha);
    free(m);
}

static void on_note_failed(void *context, MQTTAsync_failureData *resp)
{
    (void)context;
    gw_log("mqtt: event or discovery publish failed (code %d)", resp != NULL ? resp->code : 0);
}

int mqtt_link_publish_note(struct mqtt_link *m, const char *topic, const char *payload, size_t len,
                           int retained)
{
    MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
    MQTTAsync_message msg = MQTTAsync_message_initializer;
    int rc;

    if (m == NULL || !MQTTAsync_isConnected(m->client) || len > 65535)
        return -1;
    msg.payload = (void *)payload; /* Paho copies it before returning */
    msg.payloadlen = (int)len;
    msg.qos = 1;
    msg.retained = retained != 0;
    ro.onFailure = on_note_failed;
    ro.context = m;
    rc = MQTTAsync_sendMessage(m->client, topic, &msg, &ro);
    return rc == MQTTASYNC_SUCCESS ? 0 : -1;
}
