/* fuzz_gateway_ack.c - libFuzzer harness for what the gateway parses from MQTT: the
 * topic (latchkey/<site>/<door>/ack|availability|state) and the payload of device acks
 * and door status, through mqtt_inbound() (gateway/mqtt/mqtt_inbound.c), the function Paho's
 * message callback hands every message to.
 * Input: the topic, a newline, then the payload. An attempt for one id on door1 waits
 * for its ack with door1's ack key; invariants: only a well-formed ack with that id on
 * latchkey/home/door1/ack, signed with that key, completes it, with a result of
 * opened/rejected and a reason that is a short name (an unsigned or forged one never does). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "latchkey/cmd_format.h"
#include "mqtt_inbound.h"
#include "attempts.h"
#include "result.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const char waiting_id[] = "0123456789abcdef0123456789abcdef";
/* tests/vectors/acks.json: RFC 8032 test 3 (its signer vectors are in the corpus). */
static const uint8_t ack_key[32] = {
    0xfc, 0x51, 0xcd, 0x8e, 0x62, 0x18, 0xa1, 0xa3, 0x8d, 0xa4, 0x7e, 0xd0, 0x02, 0x30, 0xf0, 0x58,
    0x08, 0x16, 0xed, 0x13, 0xba, 0x33, 0x03, 0xac, 0x5d, 0xeb, 0x91, 0x15, 0x48, 0x90, 0x80, 0x25};
static struct attempts table;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    CHECK(attempts_init(&table, NULL, NULL) == 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
    size_t plen = nl != NULL ? size - tlen - 1 : 0;
    char *topic, *payload;
    struct attempt_handle done;
    struct attempt *a;
    int for_us;

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

    a = attempts_new(&table);
    CHECK(a != NULL);
    strcpy(a->rec.user, "alice");
    strcpy(a->rec.door, "door1");
    strcpy(a->rec.cmd_id, waiting_id);
    a->has_ack_key = 1;
    memcpy(a->ack_key, ack_key, sizeof ack_key);
    CHECK(attempts_await_ack(&table, a->self, 1000000, NULL) == 0);
    mqtt_inbound("home", &table, topic, tlen, payload, plen);
    free(topic);
    free(payload);
    if (attempts_state(&table, a->self) == ATTEMPT_DONE) {
        CHECK(for_us);
        CHECK(a->out.result == GW_OPENED || a->out.result == GW_REJECTED);
        CHECK(a->out.reason[0] == '\0' || lk_name_valid(a->out.reason, strlen(a->out.reason)));
    } else {
        CHECK(attempts_state(&table, a->self) == ATTEMPT_AWAITING_ACK);
        attempts_fail(&table, a->self, GW_NOT_CONFIRMED, "fuzz");
    }
    CHECK(attempts_collect(&table, &done, 1) == 1 && done.slot == a->self.slot);
    attempts_free(&table, done);
    return 0;
}
