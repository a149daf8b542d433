/* test_hex.c - lkhost/hex.h: encoding, and decoding that refuses an odd or wrong length,
 * bad digits and (LKH_HEX_LOWER) upper case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <lkhost/hex.h>

static void test_encode(void **state)
{
    const unsigned char in[] = {0x00, 0x7f, 0x80, 0xff, 0x1a};
    char out[11];
    (void)state;
    assert_int_equal(lkh_hex_encode(in, sizeof in, out, sizeof out), 10);
    assert_string_equal(out, "007f80ff1a");
    assert_int_equal(lkh_hex_encode(in, 0, out, 1), 0);
    assert_string_equal(out, "");
    /* one byte short of room for the NUL: nothing written */
    memcpy(out, "untouched", 10);
    assert_int_equal(lkh_hex_encode(in, sizeof in, out, 10), 0);
    assert_string_equal(out, "untouched");
    assert_int_equal(lkh_hex_encode(in, 1, out, 0), 0);
}

static void test_decode(void **state)
{
    unsigned char out[4];
    (void)state;
    assert_int_equal(lkh_hex_decode("00Ff7A10", 8, out, 4, LKH_HEX_ANY_CASE), 0);
    assert_memory_equal(out, "\x00\xff\x7a\x10", 4);
    assert_int_equal(lkh_hex_decode("00ff7a10", 8, out, 4, LKH_HEX_LOWER), 0);
    assert_memory_equal(out, "\x00\xff\x7a\x10", 4);
    assert_int_equal(lkh_hex_decode("", 0, out, 0, LKH_HEX_LOWER), 0);
}

static void test_decode_refuses(void **state)
{
    unsigned char out[4];
    (void)state;
    assert_int_equal(lkh_hex_decode("00ff7a1", 7, out, 4, LKH_HEX_ANY_CASE), -1);   /* odd */
    assert_int_equal(lkh_hex_decode("00ff7a", 6, out, 4, LKH_HEX_ANY_CASE), -1);    /* short */
    assert_int_equal(lkh_hex_decode("00ff7a1000", 10, out, 4, LKH_HEX_ANY_CASE), -1); /* long */
    assert_int_equal(lkh_hex_decode("00ff7g10", 8, out, 4, LKH_HEX_ANY_CASE), -1);  /* g */
    assert_int_equal(lkh_hex_decode("00ff7 10", 8, out, 4, LKH_HEX_ANY_CASE), -1);  /* space */
    assert_int_equal(lkh_hex_decode("+0ff7a10", 8, out, 4, LKH_HEX_ANY_CASE), -1);  /* sign */
    assert_int_equal(lkh_hex_decode("00FF7a10", 8, out, 4, LKH_HEX_LOWER), -1);     /* case */
    assert_int_equal(lkh_hex_decode("00ff\0a10", 8, out, 4, LKH_HEX_ANY_CASE), -1); /* NUL */
}

static void test_round_trip(void **state)
{
    unsigned char in[32], back[32];
    char text[65];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof in; i++)
        in[i] = (unsigned char)(i * 37 + 11);
    assert_int_equal(lkh_hex_encode(in, sizeof in, text, sizeof text), 64);
    assert_int_equal(lkh_hex_decode(text, 64, back, sizeof back, LKH_HEX_LOWER), 0);
    assert_memory_equal(in, back, sizeof in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
