/* fuzz_gateway_ack.c - libFuzzer harness for what the gateway parses from MQTT: the
 * topic (latchkey/<site>/<door>/ack|availability|state) and the payload of device acks
 * and door status, through mqtt_inbound() (gateway/mqtt_inbound.c), the function Paho's
 * message callback hands every message to.
 * Input: the topic, a newline, then the payload. A pending entry for one id on door1
 * waits; invariants: only a well-formed ack with that id on latchkey/home/door1/ack
 * completes it, with a result of opened/rejected and a reason that is a short name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "latchkey/cmd_format.h"
#include "mqtt_inbound.h"
#include "pending.h"
#include "result.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const char waiting_id[] = "0123456789abcdef0123456789abcdef";
static struct pending_table table;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    CHECK(pending_init(&table, NULL, NULL) == 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
    size_t plen = nl != NULL ? size - tlen - 1 : 0;
    char *topic, *payload;
    struct pending_handle h;
    struct pending_info info;
    int rc, for_us;

    if (tlen == 0 || tlen > 4096)
        return 0;
    /* Exact-size heap copies, so ASan sees any read past either end. */
    topic = malloc(tlen);
    payload = malloc(plen ? plen : 1);
    CHECK(topic != NULL && payload != NULL);
    memcpy(topic, data, tlen);
    if (plen > 0)
        memcpy(payload, nl + 1, plen);
    for_us = tlen == strlen("latchkey/home/door1/ack") &&
             memcmp(data, "latchkey/home/door1/ack", tlen) == 0;

    CHECK(pending_add(&table, waiting_id, "alice", "door1", 0, 1000000, &table, &h) == 0);
    mqtt_inbound("home", &table, topic, tlen, payload, plen);
    free(topic);
    free(payload);
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
