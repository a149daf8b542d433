/* test_b64url.c - strict base64url (no padding) of common/ against RFC 4648 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "latchkey/b64url.h"

static void rfc4648_vectors(void **state)
{
    (void)state;
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    size_t i;
    for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        char out[16];
        uint8_t back[16];
        size_t n = lk_b64url_encode((const uint8_t *)plain[i], strlen(plain[i]), out, sizeof out);
        assert_int_equal(n, strlen(enc[i]));
        assert_string_equal(out, enc[i]);
        n = lk_b64url_decode(enc[i], strlen(enc[i]), back, sizeof back);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(back, plain[i], n);
    }
}

static void url_alphabet(void **state)
{
    (void)state;
    const uint8_t in[3] = {0xfb, 0xff, 0xbf};
    char out[8];
    uint8_t back[3];
    assert_int_equal(lk_b64url_encode(in, 3, out, sizeof out), 4);
    assert_string_equal(out, "-_-_");
    assert_int_equal(lk_b64url_decode("-_-_", 4, back, sizeof back), 3);
    assert_memory_equal(back, in, 3);
}

static void strict_decoding(void **state)
{
    (void)state;
    uint8_t out[16];
    const size_t err = (size_t)-1;
    assert_int_equal(lk_b64url_decode("Zg==", 4, out, sizeof out), err);  /* padding */
    assert_int_equal(lk_b64url_decode("Zm+v", 4, out, sizeof out), err);  /* std alphabet */
    assert_int_equal(lk_b64url_decode("Zm/v", 4, out, sizeof out), err);
    assert_int_equal(lk_b64url_decode("Z", 1, out, sizeof out), err);     /* impossible length */
    assert_int_equal(lk_b64url_decode("Zh", 2, out, sizeof out), err);    /* non-zero trailing bits */
    assert_int_equal(lk_b64url_decode("Zm9", 3, out, sizeof out), err);
    assert_int_equal(lk_b64url_decode("Zm 9", 4, out, sizeof out), err);
    assert_int_equal(lk_b64url_decode("Zm9vYmFy", 8, out, 5), err);       /* no room */
}

static void encode_needs_room(void **state)
{
    (void)state;
    uint8_t sig[64] = {0};
    char out[87];
    assert_int_equal(LK_B64URL_ENCODED_LEN(64), 86);
    assert_int_equal(lk_b64url_encode(sig, 64, out, 86), 0);
    assert_int_equal(lk_b64url_encode(sig, 64, out, 87), 86);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc4648_vectors),
        cmocka_unit_test(url_alphabet),
        cmocka_unit_test(strict_decoding),
        cmocka_unit_test(encode_needs_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
