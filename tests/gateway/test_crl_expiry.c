/* test_crl_expiry.c - the CRL expiry arithmetic behind every warning: seconds left (0 once
 * passed or without a nextUpdate), the threshold, the log schedule (at once under the
 * threshold, then once a day, again at once after a CRL above it), and the words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "crl_expiry.h"

#define DAY 86400L

static void test_seconds_left(void **state)
{
    (void)state;
    assert_int_equal(crl_expiry_seconds_left(1000 + 2 * DAY, 1, 1000), 2 * DAY);
    assert_int_equal(crl_expiry_seconds_left(1000, 1, 1000), 0);
    assert_int_equal(crl_expiry_seconds_left(999, 1, 1000), 0);
    assert_int_equal(crl_expiry_seconds_left(1000 + DAY, 0, 1000), 0);
}

static void test_threshold(void **state)
{
    (void)state;
    assert_true(crl_expiry_warn(7 * DAY - 1, 7));
    assert_false(crl_expiry_warn(7 * DAY, 7));
    assert_false(crl_expiry_warn(0, 0)); /* crl_warn_days = 0: never */
}

static void test_log_daily(void **state)
{
    time_t last = 0, now = 1000000;
    (void)state;
    assert_false(crl_expiry_log_due(8 * DAY, 7, now, &last));
    assert_true(crl_expiry_log_due(6 * DAY, 7, now, &last));
    assert_int_equal(last, now);
    assert_false(crl_expiry_log_due(6 * DAY - 1, 7, now + 1, &last));
    assert_false(crl_expiry_log_due(5 * DAY + 1, 7, now + DAY - 1, &last));
    assert_true(crl_expiry_log_due(5 * DAY, 7, now + DAY, &last));
    /* a fresh CRL above the threshold resets: the next fall below warns at once */
    assert_false(crl_expiry_log_due(30 * DAY, 7, now + DAY + 5, &last));
    assert_int_equal(last, 0);
    assert_true(crl_expiry_log_due(DAY, 7, now + DAY + 6, &last));
}

static void test_text(void **state)
{
    char t[64];
    (void)state;
    crl_expiry_text(3 * DAY + 4 * 3600 + 59, t, sizeof t);
    assert_string_equal(t, "3 days 4 hours");
    crl_expiry_text(DAY + 3600, t, sizeof t);
    assert_string_equal(t, "1 day 1 hour");
    crl_expiry_text(5 * 3600 + 120, t, sizeof t);
    assert_string_equal(t, "5 hours 2 minutes");
    crl_expiry_text(0, t, sizeof t);
    assert_string_equal(t, "expired");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seconds_left),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_log_daily),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
