/* test_relay.c - relay controller of the firmware core: off at init, pulse ends on time,
 * minimum interval between pulses, fault latch, millis() wrap-around, clamping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_net.h"
#include "lk/relay.h"

static struct fake_net f;

static void test_off_at_init(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    f.relay_on = 1; /* pretend the output was left on */
    lk_relay_init(&r, &f.plat, 500, 0);
    assert_int_equal(f.relay_on, 0);
    assert_int_equal(f.relay_calls, 1);
    assert_false(lk_relay_active(&r));
    assert_int_equal(lk_relay_tick(&r, 123456), 0);
    assert_int_equal(f.relay_on, 0);
}

static void test_pulse_ends_on_time(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    lk_relay_init(&r, &f.plat, 500, 0);
    assert_int_equal(lk_relay_pulse(&r, 1000), LK_RELAY_OK);
    assert_int_equal(f.relay_on, 1);
    assert_int_equal(lk_relay_tick(&r, 1000), 0);
    assert_int_equal(lk_relay_tick(&r, 1499), 0);
    assert_int_equal(f.relay_on, 1);
    assert_int_equal(lk_relay_tick(&r, 1500), 1);
    assert_int_equal(f.relay_on, 0);
    assert_int_equal(lk_relay_tick(&r, 1600), 0);
    assert_int_equal(f.relay_on_count, 1);
    assert_int_equal(f.relay_off_count, 1);
}

static void test_busy_and_min_interval(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    lk_relay_init(&r, &f.plat, 500, 2000);
    assert_int_equal(lk_relay_pulse(&r, 0), LK_RELAY_OK);
    assert_int_equal(lk_relay_pulse(&r, 100), LK_RELAY_BUSY); /* still on */
    assert_int_equal(lk_relay_tick(&r, 500), 1);
    assert_int_equal(lk_relay_pulse(&r, 600), LK_RELAY_BUSY);  /* 100 ms after the end */
    assert_int_equal(lk_relay_pulse(&r, 2499), LK_RELAY_BUSY); /* 1999 ms after */
    assert_int_equal(f.relay_on, 0);
    assert_int_equal(lk_relay_pulse(&r, 2500), LK_RELAY_OK);
    assert_int_equal(f.relay_on_count, 2);
}

static void test_wraparound(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    lk_relay_init(&r, &f.plat, 500, 1000);
    assert_int_equal(lk_relay_pulse(&r, 0xffffff00u), LK_RELAY_OK);
    assert_int_equal(lk_relay_tick(&r, 0xffffffffu), 0);
    assert_int_equal(lk_relay_tick(&r, 0x000000f3u), 0); /* 499 ms later */
    assert_int_equal(lk_relay_tick(&r, 0x000000f4u), 1); /* 500 ms later */
    assert_int_equal(lk_relay_pulse(&r, 0x000004dbu), LK_RELAY_BUSY);
    assert_int_equal(lk_relay_pulse(&r, 0x000004dcu), LK_RELAY_OK);
}

static void test_fault_latches_off(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    lk_relay_init(&r, &f.plat, 500, 0);
    assert_int_equal(lk_relay_pulse(&r, 10), LK_RELAY_OK);
    lk_relay_fault(&r);
    assert_int_equal(f.relay_on, 0);
    assert_false(lk_relay_active(&r));
    assert_int_equal(lk_relay_pulse(&r, 5000), LK_RELAY_FAULT);
    assert_int_equal(f.relay_on_count, 1);
}

static void test_clamping(void **state)
{
    struct lk_relay r;
    (void)state;
    fake_init(&f);
    lk_relay_init(&r, &f.plat, 0, 0);
    assert_int_equal(r.pulse_ms, LK_RELAY_DEFAULT_PULSE_MS);
    lk_relay_init(&r, &f.plat, 1, 0);
    assert_int_equal(r.pulse_ms, LK_RELAY_PULSE_MIN_MS);
    lk_relay_init(&r, &f.plat, 0xffffffffu, 0xffffffffu);
    assert_int_equal(r.pulse_ms, LK_RELAY_PULSE_MAX_MS);
    assert_int_equal(r.min_interval_ms, LK_RELAY_INTERVAL_MAX_MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_at_init),
        cmocka_unit_test(test_pulse_ends_on_time),
        cmocka_unit_test(test_busy_and_min_interval),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_fault_latches_off),
        cmocka_unit_test(test_clamping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
