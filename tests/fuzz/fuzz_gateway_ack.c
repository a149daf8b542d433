/* fuzz_gateway_ack.c - libFuzzer harness for what the gateway parses from MQTT: the
 * topic (latchkey/<site>/<door>/ack|availability|state) and the payload of device acks
 * (cJSON, then the checks of mqtt_link.c feeding the pending table) and door status.
 * The entry point is mqtt_link.c's Paho message callback, which is static: this harness
 * includes that file as it is (no split needed) and calls on_message() the way Paho does,
 * with topic and message allocated by Paho's allocator.
 * Input: the topic, a newline, then the payload. A pending entry for one id on door1
 * waits; invariants: only a well-formed ack with that id on latchkey/home/door1/ack
 * completes it, with a result of opened/rejected and a reason that is a short name. */
#include "mqtt_link.c"

#include <stdint.h>
#include <stdlib.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const char waiting_id[] = "0123456789abcdef0123456789abcdef";
static struct pending_table table;
static struct mqtt_link link_;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    MQTTAsync client;
    (void)argc, (void)argv;
    /* Creating (never connecting) a client initialises Paho's allocator, which frees
     * what MQTTAsync_malloc gave out. */
    CHECK(MQTTAsync_create(&client, "ssl://127.0.0.1:1", "latchkey-fuzz",
                           MQTTCLIENT_PERSISTENCE_NONE, NULL) == MQTTASYNC_SUCCESS);
    CHECK(pending_init(&table, NULL, NULL) == 0);
    link_.pending = &table;
    strcpy(link_.site, "home");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
    size_t plen = nl != NULL ? size - tlen - 1 : 0;
    MQTTAsync_message *msg;
    char *topic;
    struct pending_handle h;
    struct pending_info info;
    int rc, for_us;

    if (tlen == 0 || tlen > 4096)
        return 0;
    /* As Paho delivers them: a NUL-terminated topic with its length, a payload of exactly
     * payloadlen bytes (not terminated); on_message frees both. */
    topic = MQTTAsync_malloc(tlen + 1);
    msg = MQTTAsync_malloc(sizeof *msg);
    CHECK(topic != NULL && msg != NULL);
    memcpy(topic, data, tlen);
    topic[tlen] = '\0';
    memset(msg, 0, sizeof *msg);
    memcpy(msg->struct_id, "MQTM", 4);
    msg->payloadlen = (int)plen;
    msg->payload = MQTTAsync_malloc(plen ? plen : 1);
    CHECK(msg->payload != NULL);
    if (plen > 0)
        memcpy(msg->payload, nl + 1, plen);
    msg->qos = 1;
    for_us = tlen == strlen("latchkey/home/door1/ack") &&
             memcmp(data, "latchkey/home/door1/ack", tlen) == 0;

    CHECK(pending_add(&table, waiting_id, "alice", "door1", 0, 1000000, &table, &h) == 0);
    CHECK(on_message(&link_, topic, (int)tlen, msg) == 1);
    rc = pending_take(&table, h, &info);
    if (rc == 1) {
        CHECK(for_us);
        CHECK(info.result == GW_OPENED || info.result == GW_REJECTED);
        CHECK(info.reason[0] == '\0' || lk_name_valid(info.reason, strlen(info.reason)));
    } else {
        CHECK(rc == 0);
        pending_fail(&table, h, GW_NOT_CONFIRMED, "fuzz");
        CHECK(pending_take(&table, h, &info) == 1);
    }
    return 0;
}
