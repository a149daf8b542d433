/* test_house.c - what the gateway tells and takes from the house (issues 18.4, 19.2, 19.3):
 * the event JSON (core/door_event.c), the discovery configs (core/ha_config.c), the strict
 * request parser and its bounded queue (core/request_queue.c), the request topics
 * (mqtt/mqtt_request.c: retained, bad topics, full queue, the loop woken) and the bridge
 * link in door_status (mqtt_inbound.c: "0" makes every door offline, "1" gives back the
 * device's own availability). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "attempts.h"
#include "door_event.h"
#include "door_status.h"
#include "ha_config.h"
#include "mqtt_inbound.h"
#include "mqtt_request.h"
#include "request_queue.h"

static int wakes;
static void on_wake(void *arg)
{
    (void)arg;
    wakes++;
}

static void drain(void)
{
    struct mqtt_request r;
    while (request_queue_pop(&r))
        ;
}

static void test_event_json(void **state)
{
    char out[DOOR_EVENT_MAX];
    cJSON *j;
    size_t n;
    (void)state;
    n = door_event_json("door1", "al\"ice", GW_WRONG_PIN, "", 1790000000, out, sizeof out);
    assert_true(n > 0 && n == strlen(out));
    j = cJSON_Parse(out);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "event_type")->valuestring, "wrong-pin");
    assert_string_equal(cJSON_GetObjectItem(j, "by")->valuestring, "al\"ice"); /* escaped */
    assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "-");
    assert_true(cJSON_GetObjectItem(j, "at")->valuedouble == 1790000000.0);
    assert_non_null(strstr(out, "\"at\":1790000000")); /* an integer, not 1.79e9 */
    cJSON_Delete(j);
    /* too small a buffer: 0, nothing half-written is used */
    assert_int_equal(door_event_json("door1", "alice", GW_OPENED, "-", 1, out, 20), 0);
    /* the longest names fit */
    assert_true(door_event_json("abcdefghijklmnopqrstuvwxyz012345",
                                "a234567890123456789012345678901234567890123456789012345678901234",
                                GW_AUDIT_UNAVAILABLE, "abcdefghijklmnopqrstuvwxyz012345",
                                9007199254, out, sizeof out) > 0);
}

static void test_event_types(void **state)
{
    char out[512];
    cJSON *a;
    int r;
    (void)state;
    assert_true(door_event_types_json(out, sizeof out) > 0);
    a = cJSON_Parse(out);
    assert_true(cJSON_IsArray(a));
    assert_int_equal(cJSON_GetArraySize(a), (int)GW_RESULT_LAST + 1);
    for (r = 0; r <= (int)GW_RESULT_LAST; r++)
        assert_string_equal(cJSON_GetArrayItem(a, r)->valuestring,
                            gw_result_name((enum gw_result)r));
    cJSON_Delete(a);
}

static void test_ha_configs(void **state)
{
    char topic[GW_HA_TOPIC_MAX], payload[GW_HA_PAYLOAD_MAX];
    cJSON *j;
    (void)state;
    assert_int_equal(gw_ha_config("homeassistant", "home", "door1", "homeassistant", GW_HA_EVENT,
                                  topic, sizeof topic, payload, sizeof payload),
                     1);
    assert_string_equal(topic, "homeassistant/event/latchkey_home_door1/attempt/config");
    j = cJSON_Parse(payload);
    assert_string_equal(cJSON_GetObjectItem(j, "state_topic")->valuestring,
                        "latchkey/home/door1/event");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "event_types")));
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "device"), "identifiers"), 0)
            ->valuestring,
        "latchkey_home_door1"); /* the device's own identifier: one device in Home Assistant */
    cJSON_Delete(j);
    assert_int_equal(gw_ha_config("homeassistant", "home", "door1", "homeassistant", GW_HA_REQUEST,
                                  topic, sizeof topic, payload, sizeof payload),
                     1);
    j = cJSON_Parse(payload);
    assert_string_equal(cJSON_GetObjectItem(j, "command_topic")->valuestring,
                        "latchkey/home/door1/request/homeassistant");
    assert_string_equal(cJSON_GetObjectItem(j, "command_template")->valuestring,
                        GW_HA_REQUEST_TEMPLATE);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "retain")));
    cJSON_Delete(j);
    assert_int_equal(gw_ha_config("homeassistant", "home", "door1", "homeassistant",
                                  GW_HA_LAST_OPENER, topic, sizeof topic, payload, sizeof payload),
                     1);
    assert_non_null(strstr(payload, "\"state_topic\":\"latchkey/home/door1/last_opened\""));
    /* no request identity: no button; a small buffer: -1 */
    assert_int_equal(gw_ha_config("homeassistant", "home", "door1", "", GW_HA_REQUEST, topic,
                                  sizeof topic, payload, sizeof payload),
                     0);
    assert_int_equal(gw_ha_config("homeassistant", "home", "door1", "", GW_HA_EVENT, topic,
                                  sizeof topic, payload, 64),
                     -1);
}

static void test_request_parse(void **state)
{
    int64_t at = 0;
    (void)state;
    assert_int_equal(request_parse("{\"v\":1,\"action\":\"open\",\"at\":1790000000}", 40, &at), 0);
    assert_true(at == 1790000000);
    assert_int_equal(request_parse("{\"at\":5,\"action\":\"open\",\"v\":1}", 31, &at), 0);
    assert_true(at == 5);
#define BAD(s) assert_int_equal(request_parse(s, strlen(s), &at), -1)
    BAD("");
    BAD("[]");
    BAD("{\"v\":1,\"action\":\"open\"}");
    BAD("{\"v\":2,\"action\":\"open\",\"at\":5}");
    BAD("{\"v\":1,\"action\":\"close\",\"at\":5}");
    BAD("{\"v\":1,\"action\":\"open\",\"at\":5.5}");
    BAD("{\"v\":1,\"action\":\"open\",\"at\":-5}");
    BAD("{\"v\":1,\"action\":\"open\",\"at\":\"5\"}");
    BAD("{\"v\":1,\"action\":\"open\",\"at\":5,\"by\":\"alice\"}"); /* no identity in the payload */
    BAD("{\"v\":1,\"action\":\"open\",\"at\":5,\"at\":6}");
#undef BAD
}

static const char good[] = "{\"v\":1,\"action\":\"open\",\"at\":1790000000}";

static void test_request_topics(void **state)
{
    struct attempts t;
    struct mqtt_request r;
    int i;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    drain();
    wakes = 0;
#define IN(topic, retained)                                                                        \
    mqtt_request_inbound("home", &t, topic, strlen(topic), good, sizeof good - 1, retained)
    assert_int_equal(IN("latchkey/home/door1/request/homeassistant", 0), 1);
    assert_int_equal(wakes, 1);
    assert_int_equal(request_queue_pop(&r), 1);
    assert_string_equal(r.identity, "homeassistant");
    assert_string_equal(r.door, "door1");
    assert_true(r.at == 1790000000);
    /* handled (logged, dropped), never queued */
    assert_int_equal(IN("latchkey/home/door1/request/homeassistant", 1), 1); /* retained */
    assert_int_equal(IN("latchkey/home/door1/request/", 0), 1);
    assert_int_equal(IN("latchkey/home/door1/request", 0), 1);
    assert_int_equal(IN("latchkey/home/Door1/request/homeassistant", 0), 1);
    assert_int_equal(IN("latchkey/home/door1/request/home assistant", 0), 1);
    assert_int_equal(IN("latchkey/home/door1/request/a/b", 0), 1);
    assert_int_equal(request_queue_pop(&r), 0);
    assert_int_equal(wakes, 1);
    /* not request topics: left to mqtt_inbound */
    assert_int_equal(IN("latchkey/other/door1/request/homeassistant", 0), 0);
    assert_int_equal(IN("latchkey/home/door1/ack", 0), 0);
    assert_int_equal(IN("latchkey/home/door1/requests/x", 0), 0);
    /* the queue is bounded */
    for (i = 0; i < REQUEST_QUEUE_MAX + 3; i++)
        assert_int_equal(IN("latchkey/home/door1/request/homeassistant", 0), 1);
    assert_int_equal(wakes, 1 + REQUEST_QUEUE_MAX);
    for (i = 0; i < REQUEST_QUEUE_MAX; i++)
        assert_int_equal(request_queue_pop(&r), 1);
    assert_int_equal(request_queue_pop(&r), 0);
#undef IN
    attempts_destroy(&t);
}

static void test_bridge_link(void **state)
{
    struct attempts t;
    struct door_status st;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    mqtt_inbound("home", &t, "latchkey/home/door1/availability", 32, "online", 6);
    door_status_get("door1", &st);
    assert_int_equal(st.avail, DOOR_ONLINE);
    assert_int_equal(st.link, LINK_NONE);
    mqtt_inbound("home", &t, "latchkey/home/bridge", 20, "0", 1);
    door_status_get("door1", &st);
    assert_int_equal(st.avail, DOOR_OFFLINE); /* the stale "online" no longer counts */
    assert_int_equal(st.reported, DOOR_ONLINE);
    assert_int_equal(st.link, LINK_DOWN);
    door_status_get("door9", &st); /* a door never heard of is offline too */
    assert_int_equal(st.avail, DOOR_OFFLINE);
    mqtt_inbound("home", &t, "latchkey/other/bridge", 21, "1", 1); /* another site's */
    mqtt_inbound("home", &t, "latchkey/home/bridge", 20, "up", 2); /* not a notification */
    door_status_get("door1", &st);
    assert_int_equal(st.link, LINK_DOWN);
    mqtt_inbound("home", &t, "latchkey/home/bridge", 20, "1", 1);
    door_status_get("door1", &st);
    assert_int_equal(st.avail, DOOR_ONLINE);
    assert_int_equal(st.link, LINK_UP);
    attempts_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_json),     cmocka_unit_test(test_event_types),
        cmocka_unit_test(test_ha_configs),     cmocka_unit_test(test_request_parse),
        cmocka_unit_test(test_request_topics), cmocka_unit_test(test_bridge_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
