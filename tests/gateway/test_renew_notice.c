/* test_renew_notice.c - the phone page's certificate-ends-soon decision
 * (gateway/core/renew_notice.c): inside the window, at its edges, off, already ended. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "renew_notice.h"

#define DAY 86400L

static void test_renew_notice(void **state)
{
    (void)state;
    assert_int_equal(renew_notice_days(31 * DAY, 30), -1);
    assert_int_equal(renew_notice_days(30 * DAY + 1, 30), -1);
    assert_int_equal(renew_notice_days(30 * DAY, 30), 30);
    assert_int_equal(renew_notice_days(12 * DAY + 5, 30), 12);
    assert_int_equal(renew_notice_days(DAY, 30), 1);
    assert_int_equal(renew_notice_days(DAY - 1, 30), 0);
    assert_int_equal(renew_notice_days(1, 30), 0);
    assert_int_equal(renew_notice_days(0, 30), -1); /* ended (or no certificate) */
    assert_int_equal(renew_notice_days(-5, 30), -1);
    assert_int_equal(renew_notice_days(DAY, 0), -1); /* notices off */
    assert_int_equal(renew_notice_days(364 * DAY, 365), 364);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_renew_notice)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
