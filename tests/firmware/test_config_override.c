/* test_config_override.c - the core's compile-time settings (lk/config_defaults.h) are
 * taken from a board header named by LK_CONFIG_FILE (config_override.h) and from -D, and
 * every other setting keeps its default. Headers only: the core library itself is built
 * with the defaults, so nothing of it is called here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lk/device.h"

static void test_board_header_wins(void **state)
{
    struct lk_device dev;
    (void)state;
    assert_int_equal(LK_MQTT_RX_BUF, 333);
    assert_int_equal(sizeof dev.mqtt.rx, 333);
    assert_int_equal(LK_REPLAY_SLOTS, 7);
    assert_int_equal(sizeof dev.verifier.replay.ids / sizeof dev.verifier.replay.ids[0], 7);
    assert_int_equal(LK_RELAY_DEFAULT_PULSE_MS, 750);
}

static void test_command_line_wins(void **state)
{
    (void)state;
    assert_int_equal(LK_MQTT_INFLIGHT, 2); /* -DLK_MQTT_INFLIGHT=2u */
}

static void test_others_keep_defaults(void **state)
{
    (void)state;
    assert_int_equal(LK_MQTT_TX_BUF, 1024);
    assert_int_equal(LK_MQTT_SLOT_BUF, 320);
    assert_int_equal(LK_RELAY_PULSE_MIN_MS, 50);
    assert_int_equal(LK_RELAY_PULSE_MAX_MS, 10000);
    assert_int_equal(LK_DEVICE_SHUTDOWN_MS, 2000);
    assert_int_equal(LK_HA_PREFIX_MAX, 48);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_header_wins),
        cmocka_unit_test(test_command_line_wins),
        cmocka_unit_test(test_others_keep_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
