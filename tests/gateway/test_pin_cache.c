/* test_pin_cache.c - the verified-PIN cache: a stored PIN matches until its ttl, and only
 * for the same user, stored hash (a changed PIN) and PIN; forget and clear; off when the
 * ttl is 0; a full cache gives way by earliest expiry; two caches (two processes) never
 * share a value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pin_cache.h"

#define PHC "$scrypt$v=1$ln=15,r=8,p=1$c2FsdA$aGFzaA"
#define PHC2 "$scrypt$v=1$ln=15,r=8,p=1$c2FsdB$aGFzaB"

static int remember(struct pin_cache *c, const char *user, const char *phc, const char *pin,
                    int64_t now)
{
    unsigned char mac[PIN_CACHE_MAC_LEN];
    if (pin_cache_mac(c, user, phc, pin, mac) != 0)
        return -1;
    pin_cache_store(c, user, mac, now);
    return 0;
}

static int matches(const struct pin_cache *c, const char *user, const char *phc, const char *pin,
                   int64_t now)
{
    unsigned char mac[PIN_CACHE_MAC_LEN];
    return pin_cache_mac(c, user, phc, pin, mac) == 0 && pin_cache_match(c, user, mac, now);
}

static void test_match_and_ttl(void **state)
{
    struct pin_cache c;
    (void)state;
    assert_int_equal(pin_cache_init(&c, 60), 0);
    assert_false(matches(&c, "alice", PHC, "1234", 1000));
    assert_int_equal(remember(&c, "alice", PHC, "1234", 1000), 0);
    assert_true(matches(&c, "alice", PHC, "1234", 1000));
    assert_true(matches(&c, "alice", PHC, "1234", 60999));
    assert_false(matches(&c, "alice", PHC, "1234", 61000));   /* expired */
    assert_false(matches(&c, "alice", PHC, "1235", 2000));    /* another PIN */
    assert_false(matches(&c, "alice", PHC2, "1234", 2000));   /* PIN changed: new hash */
    assert_false(matches(&c, "bob", PHC, "1234", 2000));      /* another user */
    /* a tap does not extend the entry; a new scrypt verification does */
    assert_int_equal(remember(&c, "alice", PHC, "1234", 50000), 0);
    assert_true(matches(&c, "alice", PHC, "1234", 109999));
    pin_cache_forget(&c, "alice");
    assert_false(matches(&c, "alice", PHC, "1234", 50001));
    pin_cache_clear(&c);
}

static void test_off(void **state)
{
    struct pin_cache c;
    unsigned char mac[PIN_CACHE_MAC_LEN];
    (void)state;
    assert_int_equal(pin_cache_init(&c, 0), 0);
    assert_int_equal(pin_cache_mac(&c, "alice", PHC, "1234", mac), -1);
    memset(mac, 0, sizeof mac);
    pin_cache_store(&c, "alice", mac, 1);
    assert_false(pin_cache_match(&c, "alice", mac, 1));
}

static void test_no_ambiguity_and_per_process_key(void **state)
{
    struct pin_cache a, b;
    unsigned char m1[PIN_CACHE_MAC_LEN], m2[PIN_CACHE_MAC_LEN];
    (void)state;
    assert_int_equal(pin_cache_init(&a, 60), 0);
    assert_int_equal(pin_cache_init(&b, 60), 0);
    assert_int_equal(pin_cache_mac(&a, "al", "ice", "1234", m1), 0);
    assert_int_equal(pin_cache_mac(&a, "ali", "ce", "1234", m2), 0);
    assert_memory_not_equal(m1, m2, sizeof m1);
    assert_int_equal(pin_cache_mac(&b, "al", "ice", "1234", m2), 0);
    assert_memory_not_equal(m1, m2, sizeof m1);
}

static void test_full_gives_way(void **state)
{
    struct pin_cache c;
    char name[16];
    int i;
    (void)state;
    assert_int_equal(pin_cache_init(&c, 100), 0);
    for (i = 0; i < PIN_CACHE_SLOTS; i++) {
        snprintf(name, sizeof name, "u%d", i);
        assert_int_equal(remember(&c, name, PHC, "1234", 1000 + i), 0);
    }
    assert_int_equal(remember(&c, "new", PHC, "1234", 5000), 0);
    assert_true(matches(&c, "new", PHC, "1234", 5000));
    assert_false(matches(&c, "u0", PHC, "1234", 5000)); /* the earliest to expire went */
    assert_true(matches(&c, "u1", PHC, "1234", 5000));
    assert_true(matches(&c, "u63", PHC, "1234", 5000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_and_ttl),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_no_ambiguity_and_per_process_key),
        cmocka_unit_test(test_full_gives_way),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
