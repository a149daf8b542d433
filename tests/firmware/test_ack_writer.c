/* test_ack_writer.c - the firmware core's signed ack (lk/ack_writer.h) against every signer
 * vector of tests/vectors/acks.json (path in argv[1]): byte for byte the payload the
 * openssl reference produced (Ed25519 is deterministic), through the port's sign hook;
 * without a signer the ack has no "sig"; a field out of its charset or too small a buffer
 * writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_net.h"
#include "fw_vectors.h"
#include "lk/ack_writer.h"
#include "lk/config_defaults.h"
#include "vectors.h"

static const char *vectors_path;
static cJSON *doc;
static struct fake_net f;

static int setup(void **state)
{
    uint8_t seed[32], pub[32];
    (void)state;
    doc = lk_vectors_load(vectors_path);
    if (lk_vectors_hex(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "private_seed_hex")), seed,
                       32) != 0 ||
        lk_vectors_hex(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "public_key_hex")), pub, 32) !=
            0 ||
        memcmp(seed, fw_ack_seed, 32) != 0 || memcmp(pub, fw_ack_pub, 32) != 0) {
        (void)fprintf(stderr, "%s: the ack key is not the one fw_vectors.c signs with\n",
                      vectors_path);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cJSON_Delete(doc);
    return 0;
}

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
}

static void test_every_signer_vector(void **state)
{
    cJSON *item;
    int count = 0;
    (void)state;
    fake_init(&f);
    f.sign = fw_ack_sign;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "signer"))
    {
        const cJSON *fl = cJSON_GetObjectItem(item, "fields");
        const char *want = str(item, "payload");
        char out[LK_DEVICE_MSG_MAX];
        int is_signed = -1;
        size_t n = lk_ack_write(
            &f.plat, str(fl, "site"), str(fl, "door"), str(fl, "id"), str(fl, "reason"),
            (int64_t)cJSON_GetObjectItem(fl, "at")->valuedouble, out, sizeof out, &is_signed);
        if (n != strlen(want) || strcmp(out, want) != 0)
            fail_msg("vector %s: got %s, want %s", str(item, "name"), out, want);
        assert_int_equal(is_signed, 1);
        count++;
    }
    assert_true(count >= 4);
}

static void test_unsigned_and_refusals(void **state)
{
    static const char id[] = "0123456789abcdef0123456789abcdef";
    char out[LK_DEVICE_MSG_MAX];
    int is_signed = -1;
    (void)state;
    fake_init(&f); /* no signer: f.sign is NULL */
    assert_true(lk_ack_write(&f.plat, "home", "door1", id, "busy", 5, out, sizeof out, &is_signed) >
                0);
    assert_int_equal(is_signed, 0);
    assert_string_equal(out,
                        "{\"v\":1,\"id\":\""
                        "0123456789abcdef0123456789abcdef"
                        "\",\"result\":\"rejected\",\"reason\":\"busy\",\"at\":5}");
    f.plat.ed25519_sign = NULL; /* a port without the hook */
    assert_true(lk_ack_write(&f.plat, "home", "door1", id, "", 5, out, sizeof out, &is_signed) > 0);
    assert_int_equal(is_signed, 0);
    fake_init(&f);
    f.sign = fw_ack_sign;
    assert_int_equal(lk_ack_write(&f.plat, "Home", "door1", id, "", 5, out, sizeof out, &is_signed),
                     0);
    assert_int_equal(
        lk_ack_write(&f.plat, "home", "door1", "xyz", "", 5, out, sizeof out, &is_signed), 0);
    assert_int_equal(
        lk_ack_write(&f.plat, "home", "door1", id, "not a reason", 5, out, sizeof out, &is_signed),
        0);
    assert_int_equal(lk_ack_write(&f.plat, "home", "door1", id, "", 5, out, 100, &is_signed), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_signer_vector),
        cmocka_unit_test(test_unsigned_and_refusals),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/acks.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, setup, teardown);
}
