/* test_mqtt_diag.c - a session taken over by another client: three losses in a row, each
 * within MQTT_TAKEOVER_QUICK_MS of connecting, are said once; a session that lasted, or
 * a loss without a session, starts the count again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mqtt_diag.h"

static int lose_after(struct mqtt_diag *d, int64_t *t, int64_t lasted_ms)
{
    mqtt_diag_connected(d, *t);
    *t += lasted_ms;
    return mqtt_diag_lost(d, *t);
}

static void test_takeover_said_once(void **state)
{
    struct mqtt_diag d = {0, 0, 0};
    int64_t t = 1000;
    (void)state;
    assert_false(lose_after(&d, &t, 1300));
    assert_false(lose_after(&d, &t, 1300));
    assert_true(lose_after(&d, &t, 1300));
    assert_false(lose_after(&d, &t, 1300));                   /* once per run */
    assert_false(lose_after(&d, &t, MQTT_TAKEOVER_QUICK_MS)); /* lasted: the run ends */
    assert_false(lose_after(&d, &t, 10));
    assert_false(lose_after(&d, &t, 10));
    assert_true(lose_after(&d, &t, 10)); /* a new run is said again */
}

static void test_loss_without_session(void **state)
{
    struct mqtt_diag d = {0, 0, 0};
    int64_t t = 1000;
    (void)state;
    assert_false(lose_after(&d, &t, 100));
    assert_false(lose_after(&d, &t, 100));
    assert_false(mqtt_diag_lost(&d, t + 1)); /* no session since the last loss */
    assert_false(lose_after(&d, &t, 100));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_takeover_said_once),
        cmocka_unit_test(test_loss_without_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
