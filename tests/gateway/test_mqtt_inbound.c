/* test_mqtt_inbound.c - the gateway's inbound MQTT handling (mqtt/mqtt_inbound.c) for the
 * attack case "oversized message" (issue 15, item 5): an ack longer than
 * LK_MQTT_PAYLOAD_MAX is dropped before parsing even when it is a valid ack of a waiting
 * attempt, and counted; one byte less is taken. The same bound for door state. Also: an
 * ack on another site's topic, and a door sensor's verdict in a state ending the attempt
 * that waits for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "attempts.h"
#include "door_status.h"
#include "latchkey/mqtt_limits.h"
#include "metrics.h"
#include "mqtt_inbound.h"
#include "signed_ack.h"

#define ID1 "0123456789abcdef0123456789abcdef"
#define ACK_TOPIC "latchkey/home/door1/ack"

static void on_wake(void *arg) { (void)arg; }

static struct attempt_handle waiting(struct attempts *t)
{
    struct attempt *a = attempts_new(t);
    assert_non_null(a);
    strcpy(a->rec.cmd_id, ID1);
    strcpy(a->rec.user, "alice");
    strcpy(a->rec.door, "door1");
    a->has_ack_key = 1; /* the key of tests/vectors/acks.json, which signed ack_of_len's ack */
    memcpy(a->ack_key, test_ack_pub, sizeof a->ack_key);
    assert_int_equal(attempts_await_ack(t, a->self, 5000, NULL), 0);
    return a->self;
}

/* A valid signed "ok" ack of ID1 (the signer vector "ok" of tests/vectors/acks.json),
 * padded with spaces (still valid JSON) to exactly len bytes. */
static size_t ack_of_len(char *buf, size_t len)
{
    int n = snprintf(buf, len + 1,
                     "{\"v\":1,\"id\":\"%s\",\"result\":\"ok\",\"reason\":\"\",\"at\":1790000001,"
                     "\"sig\":\"rRScW8mYsomeZ4CpbzkdjzJW_"
                     "1DJlOlQQ4oFtItNc57CBM4dmOmKdWbpDNJJHvw9TDj_gbIIhWrurOIr09nTCg\"}",
                     ID1);
    assert_true(n > 0 && (size_t)n < len);
    memmove(buf + (len - (size_t)n), buf, (size_t)n);
    memset(buf, ' ', len - (size_t)n);
    return len;
}

static unsigned long long oversize_count(void)
{
    struct metrics_snapshot m;
    metrics_read(&m);
    return m.mqtt_oversize;
}

static void test_oversized_ack_dropped(void **state)
{
    static char big[LK_MQTT_PAYLOAD_MAX + 2];
    struct attempts t;
    struct attempt_handle h;
    unsigned long long before = oversize_count();
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    h = waiting(&t);

    mqtt_inbound("home", &t, ACK_TOPIC, strlen(ACK_TOPIC), big, ack_of_len(big, LK_MQTT_PAYLOAD_MAX + 1));
    assert_int_equal(attempts_state(&t, h), ATTEMPT_AWAITING_ACK);
    assert_int_equal(oversize_count(), before + 1);

    mqtt_inbound("home", &t, ACK_TOPIC, strlen(ACK_TOPIC), big, ack_of_len(big, LK_MQTT_PAYLOAD_MAX));
    assert_int_equal(attempts_state(&t, h), ATTEMPT_DONE);
    assert_int_equal(attempts_get(&t, h)->out.result, GW_OPENED); /* the signature verified */
    assert_int_equal(oversize_count(), before + 1);
    attempts_destroy(&t);
}

/* A valid state message padded with spaces to len bytes: taken at the limit, not above. */
static void state_of_len(char *buf, size_t len, const char *relay)
{
    int n = snprintf(buf, len + 1, "{\"relay\":\"%s\"}", relay);
    assert_true(n > 0 && (size_t)n < len);
    memmove(buf + (len - (size_t)n), buf, (size_t)n);
    memset(buf, ' ', len - (size_t)n);
}

static void test_oversized_state_dropped(void **state)
{
    static char big[LK_MQTT_PAYLOAD_MAX + 2];
    static const char topic[] = "latchkey/home/door1/state";
    struct door_status st;
    (void)state;
    state_of_len(big, LK_MQTT_PAYLOAD_MAX, "idle");
    mqtt_inbound("home", NULL, topic, strlen(topic), big, LK_MQTT_PAYLOAD_MAX);
    door_status_get("door1", &st);
    assert_string_equal(st.relay, "idle");
    state_of_len(big, LK_MQTT_PAYLOAD_MAX + 1, "active");
    mqtt_inbound("home", NULL, topic, strlen(topic), big, LK_MQTT_PAYLOAD_MAX + 1);
    door_status_get("door1", &st);
    assert_string_equal(st.relay, "idle");
}

static void test_other_site_ignored(void **state)
{
    static const char topic[] = "latchkey/other/door1/ack";
    char buf[256];
    struct attempts t;
    struct attempt_handle h;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    h = waiting(&t);
    mqtt_inbound("home", &t, topic, strlen(topic), buf, ack_of_len(buf, 200));
    assert_int_equal(attempts_state(&t, h), ATTEMPT_AWAITING_ACK);
    attempts_destroy(&t);
}

/* A state with the door sensor's verdict on ID1 ends the attempt waiting for it; one on
 * another door does not. */
static void test_entry_verdict(void **state)
{
    static const char other[] = "latchkey/home/door2/state", topic[] = "latchkey/home/door1/state";
    char buf[256], st[256];
    struct attempts t;
    struct attempt_handle h, done[4];
    int n;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    h = waiting(&t);
    mqtt_inbound("home", &t, ACK_TOPIC, strlen(ACK_TOPIC), buf, ack_of_len(buf, 200));
    assert_int_equal(attempts_collect(&t, done, 4), 1);
    assert_int_equal(attempts_await_entry(&t, h, 10000), ENTRY_NONE);
    n = snprintf(st, sizeof st,
                 "{\"v\":1,\"relay\":\"idle\",\"fw\":\"1.0.0\",\"uptime\":3,"
                 "\"door\":\"closed\",\"entry\":\"not-opened\",\"entry_id\":\"%s\"}",
                 ID1);
    mqtt_inbound("home", &t, other, strlen(other), st, (size_t)n);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_AWAITING_ENTRY);
    mqtt_inbound("home", &t, topic, strlen(topic), st, (size_t)n);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_DONE);
    assert_int_equal(attempts_get(&t, h)->out.result, GW_UNLOCKED_NOT_OPENED);
    assert_string_equal(attempts_get(&t, h)->out.reason, "door-sensor");
    attempts_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversized_ack_dropped),
        cmocka_unit_test(test_oversized_state_dropped),
        cmocka_unit_test(test_other_site_ignored),
        cmocka_unit_test(test_entry_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
