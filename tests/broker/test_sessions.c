/* test_sessions.c - the broker plugin's session table (broker/sessions.c): noting and
 * updating serials, the sweep against a revocation check, a takeover by a newer session of
 * the same id, an ended session kept until the tick (its will is checked then), the bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sessions.h"

static struct sessions t;
static const unsigned char S1[] = {0x01, 0x02}, S2[] = {0x03}, BAD[] = {0x66};

/* "revoked": serial BAD only. */
static int is_bad(const unsigned char *s, size_t len, void *arg)
{
    (void)arg;
    return len == 1 && s[0] == BAD[0];
}

static void test_sweep_marks_revoked(void **state)
{
    char id[SESSION_ID_MAX + 1];
    (void)state;
    sessions_init(&t);
    assert_int_equal(sessions_note(&t, "gateway", S1, sizeof S1), 0);
    assert_int_equal(sessions_note(&t, "home/door1", BAD, sizeof BAD), 0);
    assert_int_equal(sessions_next_kick(&t, id), 0);
    assert_int_equal(sessions_sweep(&t, is_bad, NULL), 1);
    assert_int_equal(sessions_sweep(&t, is_bad, NULL), 0); /* marked once */
    assert_int_equal(sessions_next_kick(&t, id), 1);
    assert_string_equal(id, "home/door1");
    assert_int_equal(sessions_next_kick(&t, id), 0);
}

static void test_takeover_and_will(void **state)
{
    unsigned char s[SESSION_SERIAL_MAX];
    (void)state;
    sessions_init(&t);
    assert_int_equal(sessions_note(&t, "home/door1", BAD, sizeof BAD), 0);
    /* a newer session of the same id with a renewed certificate replaces the entry */
    assert_int_equal(sessions_note(&t, "home/door1", S2, sizeof S2), 0);
    sessions_forget(&t, "home/door1", BAD, sizeof BAD); /* the old one ends: no effect */
    assert_int_equal(sessions_sweep(&t, is_bad, NULL), 0);
    /* the newer one ends: its serial stays readable until the tick purges it */
    sessions_forget(&t, "home/door1", S2, sizeof S2);
    assert_int_equal(sessions_serial(&t, "home/door1", s), sizeof S2);
    assert_memory_equal(s, S2, sizeof S2);
    sessions_purge(&t);
    assert_int_equal(sessions_serial(&t, "home/door1", s), 0);
}

static void test_mark_then_leave(void **state)
{
    char id[SESSION_ID_MAX + 1];
    (void)state;
    sessions_init(&t);
    assert_int_equal(sessions_mark(&t, "home/door1", BAD, sizeof BAD), 0);
    sessions_forget(&t, "home/door1", BAD, sizeof BAD); /* it left before the tick */
    assert_int_equal(sessions_next_kick(&t, id), 0);      /* nothing to kick: never a newer one */
}

static void test_bounds(void **state)
{
    char id[SESSION_ID_MAX + 2];
    unsigned char big[SESSION_SERIAL_MAX + 1] = {0};
    int i;
    (void)state;
    sessions_init(&t);
    memset(id, 'a', SESSION_ID_MAX + 1);
    id[SESSION_ID_MAX + 1] = '\0';
    assert_int_equal(sessions_note(&t, id, S1, sizeof S1), -1);        /* id too long */
    assert_int_equal(sessions_note(&t, "x", big, sizeof big), -1);      /* serial too long */
    assert_int_equal(sessions_note(&t, "x", S1, 0), -1);                /* no serial */
    for (i = 0; i < SESSIONS_MAX; i++) {
        snprintf(id, sizeof id, "u%d", i);
        assert_int_equal(sessions_note(&t, id, S1, sizeof S1), 0);
    }
    assert_int_equal(sessions_note(&t, "one-more", S1, sizeof S1), -1); /* full: caller refuses */
    assert_int_equal(sessions_note(&t, "u7", S2, sizeof S2), 0);        /* known ids still update */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_marks_revoked),
        cmocka_unit_test(test_takeover_and_will),
        cmocka_unit_test(test_mark_then_leave),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
