/* test_door_sensor.c - the door contact (firmware/core/src/door_sensor.c, issue 19.1):
 * debounce (bounces shorter than debounce_ms never change the state, a held change does,
 * the first reading counts at once, no reading keeps the state), and the window after a
 * command: "opened" as soon as the door is open (or already was), "not-opened" once the
 * window passed closed; a second command decides the first; millis wrapping. Then the
 * device with a contact: the state topic's door and entry fields and the door entity of
 * Home Assistant discovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "device_harness.h"
#include "lk/door_sensor.h"

#define CMD "latchkey/home/door1/cmd"

static void test_debounce(void **state)
{
    struct lk_door_sensor s;
    (void)state;
    lk_door_init(&s, 50, 0);
    assert_int_equal(s.window_ms, LK_DOOR_WINDOW_DEFAULT_MS);
    assert_int_equal(lk_door_sample(&s, -1, 0), 0); /* no reading: still unknown */
    assert_int_equal(s.state, LK_DOOR_UNKNOWN);
    assert_int_equal(lk_door_sample(&s, 0, 10), 1); /* the first reading counts at once */
    assert_int_equal(s.state, LK_DOOR_CLOSED);
    /* a bounce: open for 30 ms, then closed again */
    assert_int_equal(lk_door_sample(&s, 1, 100), 0);
    assert_int_equal(lk_door_sample(&s, 1, 129), 0);
    assert_int_equal(lk_door_sample(&s, 0, 130), 0);
    assert_int_equal(lk_door_sample(&s, 1, 160), 0); /* a new candidate, timed afresh */
    assert_int_equal(lk_door_sample(&s, 1, 209), 0);
    assert_int_equal(s.state, LK_DOOR_CLOSED);
    assert_int_equal(lk_door_sample(&s, 1, 210), 1); /* held 50 ms */
    assert_int_equal(s.state, LK_DOOR_OPEN);
    assert_int_equal(lk_door_sample(&s, -1, 900), 0); /* a failed read changes nothing */
    assert_int_equal(s.state, LK_DOOR_OPEN);
    /* across the wrap of millis() */
    assert_int_equal(lk_door_sample(&s, 0, 0xFFFFFFF0u), 0);
    assert_int_equal(lk_door_sample(&s, 0, 0x00000030u), 1);
    assert_int_equal(s.state, LK_DOOR_CLOSED);
    /* clamps */
    lk_door_init(&s, 999999, 999999);
    assert_int_equal(s.debounce_ms, LK_DOOR_DEBOUNCE_MAX_MS);
    assert_int_equal(s.window_ms, LK_DOOR_WINDOW_MAX_MS);
}

static void test_window(void **state)
{
    struct lk_door_sensor s;
    (void)state;
    lk_door_init(&s, 50, 5000);
    assert_int_equal(lk_door_tick(&s, 0), LK_ENTRY_NONE); /* nothing watched */
    (void)lk_door_sample(&s, 0, 0);
    lk_door_watch(&s, "aaaa", 1000);
    assert_int_equal(lk_door_tick(&s, 5999), LK_ENTRY_NONE);
    assert_int_equal(lk_door_tick(&s, 6000), LK_ENTRY_NOT_OPENED); /* unlocked, not opened */
    assert_string_equal(s.entry_id, "aaaa");
    assert_int_equal(lk_door_tick(&s, 7000), LK_ENTRY_NONE); /* told once */
    assert_int_equal(s.entry, LK_ENTRY_NOT_OPENED);          /* kept */
    /* opened within the window: decided as soon as the debounced state is open */
    lk_door_watch(&s, "bbbb", 10000);
    (void)lk_door_sample(&s, 1, 11000);
    assert_int_equal(lk_door_tick(&s, 11020), LK_ENTRY_NONE); /* still bouncing */
    assert_int_equal(lk_door_sample(&s, 1, 11050), 1);
    assert_int_equal(lk_door_tick(&s, 11050), LK_ENTRY_OPENED);
    assert_string_equal(s.entry_id, "bbbb");
    /* the door already open: opened at once */
    lk_door_watch(&s, "cccc", 20000);
    assert_int_equal(lk_door_tick(&s, 20000), LK_ENTRY_OPENED);
    /* a second command while the first is undecided decides the first */
    (void)lk_door_sample(&s, 0, 30000);
    (void)lk_door_sample(&s, 0, 30100);
    assert_int_equal(s.state, LK_DOOR_CLOSED);
    lk_door_watch(&s, "dddd", 31000);
    lk_door_watch(&s, "eeee", 32000);
    assert_int_equal(s.entry, LK_ENTRY_NOT_OPENED);
    assert_string_equal(s.entry_id, "dddd");
    assert_string_equal(s.watch_id, "eeee");
    assert_string_equal(lk_entry_name(LK_ENTRY_NOT_OPENED), "not-opened");
    assert_string_equal(lk_door_name(LK_DOOR_UNKNOWN), "unknown");
}

static int contact = 0; /* what the fake contact reads */
static int read_contact(void *ctx)
{
    (void)ctx;
    return contact;
}

/* Polls the device for ms of fake time in 10 ms steps. */
static void run_ms(uint32_t ms)
{
    uint32_t t;
    for (t = 0; t < ms; t += 10) {
        f.now_ms += 10;
        (void)lk_device_poll(&dev);
    }
}

static void test_device_contact(void **state)
{
    struct sent s;
    int i, door_cfg = 0;
    (void)state;
    cfg_door_read = read_contact;
    cfg_ha_prefix = "homeassistant";
    contact = 0;
    device_up(); /* its first state already has the contact (device_harness.c) */
    assert_non_null(strstr(up_sent.state, "\"door\":\"closed\""));
    for (i = 0; i < up_sent.ha; i++)
        if (strcmp(up_sent.ha_topic[i],
                   "homeassistant/binary_sensor/latchkey_home_door1/door/config") == 0) {
            door_cfg = 1;
            assert_non_null(strstr(up_sent.ha_payload[i], "\"dev_cla\":\"door\""));
            assert_non_null(strstr(up_sent.ha_payload[i], "\"val_tpl\":\"{{ value_json.door }}\""));
        }
    assert_true(door_cfg);
    /* a command, the door opens 2 s later: opened */
    deliver(CMD, ok_payload);
    run_ms(2000);
    contact = 1;
    run_ms(200);
    collect(&s);
    assert_non_null(strstr(s.state, "\"door\":\"open\""));
    assert_non_null(strstr(s.state, "\"entry\":\"opened\",\"entry_id\":\"" ID "\""));
    assert_non_null(ev_find(LK_EVENT_DOOR, 0));
    assert_true(strlen(s.state) < LK_DEVICE_MSG_MAX);
}

static void test_device_no_contact(void **state)
{
    struct sent s;
    int i;
    (void)state;
    cfg_ha_prefix = "homeassistant";
    device_up();
    deliver(CMD, ok_payload);
    run_ms(12000);
    collect(&s);
    assert_null(strstr(s.state, "\"door\""));
    assert_null(strstr(s.state, "\"entry\""));
    for (i = 0; i < up_sent.ha; i++)
        assert_null(strstr(up_sent.ha_topic[i], "/door/config"));
}

static void test_device_not_opened(void **state)
{
    struct sent s;
    (void)state;
    cfg_door_read = read_contact;
    contact = 0;
    device_up();
    deliver(CMD, ok_payload);
    run_ms(LK_DOOR_WINDOW_DEFAULT_MS - 100);
    collect(&s);
    assert_null(strstr(s.state, "\"entry\""));
    run_ms(200);
    collect(&s);
    assert_non_null(strstr(s.state, "\"door\":\"closed\""));
    assert_non_null(strstr(s.state, "\"entry\":\"not-opened\""));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debounce),
        cmocka_unit_test(test_window),
        cmocka_unit_test_setup(test_device_contact, reset_opts),
        cmocka_unit_test_setup(test_device_no_contact, reset_opts),
        cmocka_unit_test_setup(test_device_not_opened, reset_opts),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
