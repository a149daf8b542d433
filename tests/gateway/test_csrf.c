/* test_csrf.c - CSRF tokens (round trip, expiry, binding to the certificate serial and user,
 * tampering, malformed input, another server key) and the Origin / Sec-Fetch-Site rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csrf.h"

static void test_round_trip(void **state)
{
    struct csrf c;
    char tok[CSRF_TOKEN_MAX];
    (void)state;
    assert_int_equal(csrf_init(&c), 0);
    assert_int_equal(csrf_token(&c, "1A2B/alice", 1700000000, tok, sizeof tok), 0);
    assert_true(strncmp(tok, "1700000000.", 11) == 0);
    assert_int_equal(strlen(tok), 11 + 43);
    assert_int_equal(csrf_check(&c, "1A2B/alice", tok, 1700000000), CSRF_OK);
    assert_int_equal(csrf_check(&c, "1A2B/alice", tok, 1700000000 + CSRF_TOKEN_TTL), CSRF_OK);
    assert_int_equal(csrf_check(&c, "1A2B/alice", tok, 1700000000 + CSRF_TOKEN_TTL + 1), CSRF_EXPIRED);
    assert_int_equal(csrf_check(&c, "1A2B/alice", tok, 1700000000 - 60), CSRF_EXPIRED);
    /* bound to the certificate: another serial or another user does not pass */
    assert_int_equal(csrf_check(&c, "1A2C/alice", tok, 1700000000), CSRF_BAD_MAC);
    assert_int_equal(csrf_check(&c, "1A2B/bob", tok, 1700000000), CSRF_BAD_MAC);
    assert_int_equal(csrf_token(&c, "x", 1, tok, 20), -1); /* too small */
}

static void test_tampering(void **state)
{
    struct csrf c, other;
    char tok[CSRF_TOKEN_MAX], bad[CSRF_TOKEN_MAX];
    (void)state;
    assert_int_equal(csrf_init(&c), 0);
    assert_int_equal(csrf_init(&other), 0);
    assert_int_equal(csrf_token(&c, "01/alice", 1000, tok, sizeof tok), 0);
    /* a later time with the old MAC (extending its life) */
    strcpy(bad, tok);
    bad[3] = bad[3] == '9' ? '8' : '9';
    assert_int_equal(csrf_check(&c, "01/alice", bad, 1000), CSRF_BAD_MAC);
    /* one MAC character changed */
    strcpy(bad, tok);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(csrf_check(&c, "01/alice", bad, 1000), CSRF_BAD_MAC);
    /* a token of a restarted gateway (new key) */
    assert_int_equal(csrf_check(&other, "01/alice", tok, 1000), CSRF_BAD_MAC);
    assert_int_equal(csrf_check(&c, "01/alice", NULL, 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", "", 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", "1000", 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", ".abc", 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", "-5.abc", 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", "1000.!!!", 1000), CSRF_MALFORMED);
    assert_int_equal(csrf_check(&c, "01/alice", "10x0.AAAA", 1000), CSRF_MALFORMED);
    strcpy(bad, tok);
    strcat(bad, "A"); /* MAC one character too long */
    assert_int_equal(csrf_check(&c, "01/alice", bad, 1000), CSRF_MALFORMED);
    assert_string_equal(csrf_verdict_name(CSRF_EXPIRED), "expired-token");
}

static void test_origin(void **state)
{
    const char *own = "https://door.example:8443", *why = NULL;
    (void)state;
    assert_int_equal(csrf_origin_ok(own, own, NULL, &why), 1);
    assert_int_equal(csrf_origin_ok(own, own, "same-origin", &why), 1);
    assert_int_equal(csrf_origin_ok(own, NULL, "same-origin", &why), 1);
    assert_int_equal(csrf_origin_ok(own, NULL, NULL, &why), 0);
    assert_string_equal(why, "no Origin or Sec-Fetch-Site header");
    assert_int_equal(csrf_origin_ok(own, "https://evil.example", NULL, &why), 0);
    assert_string_equal(why, "cross-origin request (Origin)");
    assert_int_equal(csrf_origin_ok(own, "null", NULL, &why), 0);
    assert_string_equal(why, "no Origin or Sec-Fetch-Site header");
    /* what a browser sends for a same-origin form POST under Referrer-Policy: no-referrer */
    assert_int_equal(csrf_origin_ok(own, "null", "same-origin", &why), 1);
    assert_int_equal(csrf_origin_ok(own, "null", "cross-site", &why), 0);
    assert_int_equal(csrf_origin_ok(own, "http://door.example:8443", NULL, &why), 0);
    assert_int_equal(csrf_origin_ok(own, "https://door.example", NULL, &why), 0);
    assert_int_equal(csrf_origin_ok(own, own, "cross-site", &why), 0);
    assert_string_equal(why, "cross-site request (Sec-Fetch-Site)");
    assert_int_equal(csrf_origin_ok(own, NULL, "same-site", &why), 0);
    assert_int_equal(csrf_origin_ok(own, NULL, "none", &why), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tampering),
        cmocka_unit_test(test_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
