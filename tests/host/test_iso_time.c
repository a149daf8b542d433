/* test_iso_time.c - lkhost/iso_time.h: formatting (seconds, milliseconds, before 1970) and
 * parsing of both forms, with offsets, out-of-range fields and trailing junk refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <lkhost/iso_time.h>

#define T_2026_11_01_083005 1793521805 /* 2026-11-01T08:30:05Z */

static void test_format(void **state)
{
    char s[LKH_ISO_LEN + 1], ms[LKH_ISO_MS_LEN + 1];
    struct tm tm;
    (void)state;
    assert_int_equal(lkh_iso_from_time(0, s), 0);
    assert_string_equal(s, "1970-01-01T00:00:00Z");
    assert_int_equal(lkh_iso_from_time(T_2026_11_01_083005, s), 0);
    assert_string_equal(s, "2026-11-01T08:30:05Z");
    assert_int_equal(lkh_iso_from_ms((int64_t)T_2026_11_01_083005 * 1000 + 7, ms), 0);
    assert_string_equal(ms, "2026-11-01T08:30:05.007Z");
    assert_int_equal(lkh_iso_from_ms(-1, ms), 0); /* the millisecond before the epoch */
    assert_string_equal(ms, "1969-12-31T23:59:59.999Z");
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 10000 - 1900; /* a five-digit year does not fit the form */
    assert_int_equal(lkh_iso_from_tm(&tm, s), -1);
}

static void test_parse_exact(void **state)
{
    time_t t;
    (void)state;
    assert_int_equal(lkh_iso_parse("2026-11-01T08:30:05Z", LKH_ISO_EXACT, &t), 0);
    assert_int_equal((long long)t, T_2026_11_01_083005);
    assert_int_equal(lkh_iso_parse("1970-01-01T00:00:00Z", LKH_ISO_EXACT, &t), 0);
    assert_int_equal((long long)t, 0);
    assert_int_equal(lkh_iso_parse("2016-12-31T23:59:60Z", LKH_ISO_EXACT, &t), 0); /* leap second */
    /* only that form */
    assert_int_equal(lkh_iso_parse("2026-11-01T08:30:05", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2026-11-01 08:30:05Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2026-11-01", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("1969-12-31T23:59:59Z", LKH_ISO_EXACT, &t), -1);
}

static void test_parse_date_or_time(void **state)
{
    time_t t;
    (void)state;
    assert_int_equal(lkh_iso_parse("2026-11-01", LKH_ISO_DATE_OR_TIME, &t), 0);
    assert_int_equal((long long)t, T_2026_11_01_083005 - (8 * 3600 + 30 * 60 + 5));
    assert_int_equal(lkh_iso_parse("2026-11-01T08:30", LKH_ISO_DATE_OR_TIME, &t), 0);
    assert_int_equal((long long)t, T_2026_11_01_083005 - 5);
    assert_int_equal(lkh_iso_parse("2026-11-01 08:30:05", LKH_ISO_DATE_OR_TIME, &t), 0);
    assert_int_equal((long long)t, T_2026_11_01_083005);
    assert_int_equal(lkh_iso_parse("2026-11-01T08:30:05Z", LKH_ISO_DATE_OR_TIME, &t), 0);
    assert_int_equal((long long)t, T_2026_11_01_083005);
    assert_int_equal(lkh_iso_parse("2026-11-01T08:30Z", LKH_ISO_DATE_OR_TIME, &t), 0);
}

static void test_parse_refuses(void **state)
{
    static const char *const bad[] = {
        /* offsets: UTC only */
        "2026-11-01T08:30:05+02:00", "2026-11-01T08:30:05-0100", "2026-11-01T08:30+01",
        /* out-of-range fields */
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-32T00:00:00Z",
        "2026-11-00T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T23:60:00Z",
        "2026-11-01T23:59:61Z",
        /* trailing junk */
        "2026-11-01T08:30:05Zx", "2026-11-01x", "2026-11-01T08:30:05 ", "2026-11-01T08:30:5",
        /* not digits where digits belong */
        "2026-1-01", "2026-+1-01", "2026- 1-01", "-026-11-01", "2026/11/01", "20261101",
        "2026-11-01T8:30", "2026-11-01T08", "2026-11-01T", "", "-",
    };
    size_t i;
    time_t t;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (lkh_iso_parse(bad[i], LKH_ISO_DATE_OR_TIME, &t) != -1 ||
            lkh_iso_parse(bad[i], LKH_ISO_EXACT, &t) != -1)
            fail_msg("accepted '%s'", bad[i]);
    }
}

static void test_round_trip(void **state)
{
    char s[LKH_ISO_LEN + 1];
    time_t t, back;
    (void)state;
    for (t = 0; t < (time_t)4102444800; t += 86400 * 97 + 3607) {
        assert_int_equal(lkh_iso_from_time(t, s), 0);
        assert_int_equal(lkh_iso_parse(s, LKH_ISO_EXACT, &back), 0);
        assert_int_equal((long long)back, (long long)t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_exact),
        cmocka_unit_test(test_parse_date_or_time),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
