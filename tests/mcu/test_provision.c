/* test_provision.c - the bare-metal device's provisioning blob parser
 * (firmware/port/baremetal/src/provision.c) on the host: a well-formed blob parses, and
 * erased flash, a bad header, a CRC mismatch, unknown / duplicate / short records, bad
 * values and missing required fields are each refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "provision.h"

static uint8_t blob[4096];
static size_t blob_len;
static struct lk_prov_writer w; /* the writer latchkey-certs uses (common/) */

static void put_le(uint8_t *p, uint32_t v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void start(void)
{
    memset(blob, 0xFF, sizeof blob); /* erased flash */
    lk_prov_begin(&w, blob, sizeof blob);
}

static void add(unsigned tag, const void *v, size_t len)
{
    assert_int_equal(lk_prov_add(&w, (enum lk_prov_tag)tag, v, len), 0);
    blob_len = w.len;
}

static void add_str(unsigned tag, const char *s) { add(tag, s, strlen(s)); }

static size_t finish(void)
{
    size_t n = lk_prov_finish(&w);

    assert_int_not_equal(n, 0);
    return n;
}

static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x00};

/* Every required field; skip: a tag to leave out (0: none). */
static void required(unsigned skip)
{
    uint8_t port[2] = {0xB3, 0x22}, pub[32], floor[8] = {0x00, 0x5E, 0xD0, 0xB2, 0, 0, 0, 0};

    memset(pub, 7, sizeof pub);
    if (skip != LK_PROV_TAG_SITE)
        add_str(LK_PROV_TAG_SITE, "home");
    if (skip != LK_PROV_TAG_DOOR)
        add_str(LK_PROV_TAG_DOOR, "door1");
    if (skip != LK_PROV_TAG_BROKER_HOST)
        add_str(LK_PROV_TAG_BROKER_HOST, "broker.example.org");
    if (skip != LK_PROV_TAG_BROKER_PORT)
        add(LK_PROV_TAG_BROKER_PORT, port, 2);
    if (skip != LK_PROV_TAG_CA_DER)
        add(LK_PROV_TAG_CA_DER, der, sizeof der);
    if (skip != LK_PROV_TAG_CERT_DER)
        add(LK_PROV_TAG_CERT_DER, der, sizeof der);
    if (skip != LK_PROV_TAG_KEY_DER)
        add(LK_PROV_TAG_KEY_DER, der, sizeof der);
    if (skip != LK_PROV_TAG_CMD_PUBKEY)
        add(LK_PROV_TAG_CMD_PUBKEY, pub, sizeof pub);
    if (skip != LK_PROV_TAG_TIME_FLOOR)
        add(LK_PROV_TAG_TIME_FLOOR, floor, sizeof floor);
}

static void test_valid(void **state)
{
    struct lkm_provision p;
    uint8_t pulse[4] = {0xF4, 0x01, 0, 0};
    size_t len;

    (void)state;
    start();
    required(0);
    add(LK_PROV_TAG_PULSE_MS, pulse, 4);
    add_str(LK_PROV_TAG_WIFI_SSID, "my \"net\", 2.4");
    len = finish();
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_OK);
    assert_string_equal(p.site, "home");
    assert_string_equal(p.door, "door1");
    assert_string_equal(p.broker_host, "broker.example.org");
    assert_int_equal(p.broker_port, 8883);
    assert_int_equal(p.ca.len, sizeof der);
    assert_ptr_equal(p.cert.p, blob + 12 + 4 + 4 + 4 + 5 + 4 + 18 + 4 + 2 + 4 + sizeof der + 4);
    assert_int_equal(p.pulse_ms, 500);
    assert_int_equal(p.time_floor, 3000000000LL);
    assert_string_equal(p.wifi_ssid, "my \"net\", 2.4");
    /* exactly the blob's length is enough; one byte less is not */
    assert_int_equal(lkm_provision_parse(blob, len, &p), LKM_PROV_OK);
    assert_int_equal(lkm_provision_parse(blob, len - 1, &p), LKM_PROV_BAD_HEADER);
}

static void test_crc32_check_value(void **state)
{
    (void)state;
    assert_int_equal(lk_prov_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

/* The writer refuses a blob that does not fit its buffer: no record, and no blob. */
static void test_writer_refuses_overflow(void **state)
{
    static uint8_t big[LK_PROV_BLOB_MAX + 1], value[LK_PROV_BLOB_MAX];
    uint8_t small[64];
    struct lk_prov_writer ww;

    (void)state;
    lk_prov_begin(&ww, small, sizeof small);
    assert_int_equal(lk_prov_add(&ww, LK_PROV_TAG_SITE, "home", 4), 0);
    assert_int_equal(lk_prov_add(&ww, LK_PROV_TAG_CA_DER, value, 48), -1);
    assert_int_equal(lk_prov_add(&ww, LK_PROV_TAG_DOOR, "d", 1), -1); /* stays refused */
    assert_int_equal(lk_prov_finish(&ww), 0);
    /* the cap is LK_PROV_BLOB_MAX, whatever the buffer */
    lk_prov_begin(&ww, big, sizeof big);
    assert_int_equal(lk_prov_add(&ww, LK_PROV_TAG_CA_DER, value, LK_PROV_BLOB_MAX - 19), -1);
    lk_prov_begin(&ww, big, sizeof big);
    assert_int_equal(lk_prov_add(&ww, LK_PROV_TAG_CA_DER, value, LK_PROV_BLOB_MAX - 20), 0);
    assert_int_equal(lk_prov_finish(&ww), LK_PROV_BLOB_MAX);
}

static void test_erased_and_header(void **state)
{
    struct lkm_provision p;

    (void)state;
    memset(blob, 0xFF, sizeof blob);
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_EMPTY);
    start();
    required(0);
    finish();
    put_le(blob + 4, 2, 2); /* version 2 */
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_HEADER);
    start();
    required(0);
    finish();
    put_le(blob + 8, sizeof blob + 1, 4); /* longer than the area */
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_HEADER);
}

static void test_crc_mismatch(void **state)
{
    struct lkm_provision p;

    (void)state;
    start();
    required(0);
    finish();
    blob[20] ^= 1u;
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_CRC);
}

static void expect_record_refused(unsigned tag, const void *v, size_t len)
{
    struct lkm_provision p;

    start();
    required(tag);
    add(tag, v, len);
    finish();
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_RECORD);
}

static void test_bad_records(void **state)
{
    struct lkm_provision p;
    const uint8_t zero_port[2] = {0, 0}, short_key[31] = {0}, not_der[3] = {1, 2, 3};

    (void)state;
    expect_record_refused(LK_PROV_TAG_SITE, "Home", 4); /* upper case */
    expect_record_refused(LK_PROV_TAG_DOOR, "", 0);
    expect_record_refused(LK_PROV_TAG_BROKER_HOST, "a..b", 4);
    expect_record_refused(LK_PROV_TAG_BROKER_HOST, "10.0.0.1:80", 11);
    expect_record_refused(LK_PROV_TAG_BROKER_PORT, zero_port, 2);
    expect_record_refused(LK_PROV_TAG_CMD_PUBKEY, short_key, sizeof short_key);
    expect_record_refused(LK_PROV_TAG_CA_DER, not_der, sizeof not_der);
    expect_record_refused(LK_PROV_TAG_TIME_FLOOR, zero_port, 2);
    expect_record_refused(15, "x", 1);                          /* unknown tag */
    /* duplicate */
    start();
    required(0);
    add_str(LK_PROV_TAG_SITE, "home");
    finish();
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_RECORD);
    /* a record running past the end */
    start();
    required(0);
    add_str(LK_PROV_TAG_WIFI_PASS, "secret");
    put_le(blob + blob_len - 6 - 2, 200, 2);
    finish();
    assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_BAD_RECORD);
}

static void test_missing(void **state)
{
    unsigned tags[] = {LK_PROV_TAG_SITE,        LK_PROV_TAG_DOOR,       LK_PROV_TAG_BROKER_HOST,
                       LK_PROV_TAG_BROKER_PORT, LK_PROV_TAG_CA_DER,     LK_PROV_TAG_CERT_DER,
                       LK_PROV_TAG_KEY_DER,     LK_PROV_TAG_CMD_PUBKEY, LK_PROV_TAG_TIME_FLOOR};
    struct lkm_provision p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        start();
        required(tags[i]);
        finish();
        assert_int_equal(lkm_provision_parse(blob, sizeof blob, &p), LKM_PROV_MISSING);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_crc32_check_value),
        cmocka_unit_test(test_writer_refuses_overflow),
        cmocka_unit_test(test_erased_and_header),
        cmocka_unit_test(test_crc_mismatch),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
