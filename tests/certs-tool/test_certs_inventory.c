/* test_certs_inventory.c - unit tests of the inventory (index.tsv) with the revocation
 * columns: parsing lines of both formats, refusing malformed revoked entries, the table
 * API (load, find by serial / name, write back), statuses as of a given time, reason
 * codes and ISO time parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"

#define T0 "2025-01-01T00:00:00Z"

static void test_parse_new_columns(void **state)
{
    struct lk_inv_entry e;
    const char *rev = "0D\tclient\tbob\t" T0 "\t2027-01-01T00:00:00Z\trevoked\t2025-06-01T12:00:00Z\tkeyCompromise\tgenerated";
    const char *csr = "0E\tdevice\thome/door2\t" T0 "\t2027-01-01T00:00:00Z\tvalid\t-\t-\tcsr";
    char line[256];
    (void)state;
    assert_int_equal(lk_inv_parse_line(rev, strlen(rev), &e), 1);
    assert_string_equal(e.status, "revoked");
    assert_string_equal(e.revoked_at, "2025-06-01T12:00:00Z");
    assert_string_equal(e.reason, "keyCompromise");
    assert_string_equal(e.key_source, LK_KEY_GENERATED);
    /* round trip is exact */
    assert_int_equal(lk_inv_format_line(&e, line, sizeof line), strlen(rev) + 1);
    assert_memory_equal(line, rev, strlen(rev));
    assert_int_equal(lk_inv_parse_line(csr, strlen(csr), &e), 1);
    assert_string_equal(e.key_source, LK_KEY_CSR);
    assert_string_equal(e.revoked_at, "-");
    /* CRLF tolerated */
    snprintf(line, sizeof line, "%s\r", csr);
    assert_int_equal(lk_inv_parse_line(line, strlen(line), &e), 1);
    assert_string_equal(e.key_source, "csr");
}

static void test_parse_old_format(void **state)
{
    struct lk_inv_entry e;
    const char *old = "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid";
    (void)state;
    assert_int_equal(lk_inv_parse_line(old, strlen(old), &e), 1);
    assert_string_equal(e.revoked_at, "-");
    assert_string_equal(e.reason, "-");
    assert_string_equal(e.key_source, LK_KEY_GENERATED);
    /* marked revoked by hand: notBefore stands in for the unknown date */
    old = "0D\tclient\tbob\t" T0 "\t2026-01-01T00:00:00Z\trevoked";
    assert_int_equal(lk_inv_parse_line(old, strlen(old), &e), 1);
    assert_string_equal(e.revoked_at, T0);
    assert_string_equal(e.reason, "unspecified");
}

static void test_parse_malformed(void **state)
{
    struct lk_inv_entry e;
    static const char *const bad[] = {
        /* 7 and 8 columns */
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\t-",
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\t-\t-",
        /* 10 columns */
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\t-\t-\tcsr\tx",
        /* empty optional field (must be "-") */
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\t\t-\tcsr",
        /* revoked without a date, with a bad date, with an unknown reason */
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\trevoked\t-\tkeyCompromise\tgenerated",
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\trevoked\t2025-13-01T00:00:00Z\tkeyCompromise\tgenerated",
        "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\trevoked\t2025-06-01T00:00:00Z\tlost\tgenerated",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lk_inv_parse_line(bad[i], strlen(bad[i]), &e), -1);
}

static const char table_text[] =
    "# serial\tprofile\tsubject_cn\tnot_before\tnot_after\tstatus\n" /* header of the first format */
    "0A\tca\tLatchkey Latchkey CA\t" T0 "\t2035-01-01T00:00:00Z\tvalid\n"
    "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\n"
    "\n"
    "0C\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tsuperseded\t-\t-\tgenerated\n"
    "00FF\tdevice\thome/door1\t" T0 "\t2027-01-01T00:00:00Z\trevoked\t2025-02-01T00:00:00Z\tsuperseded\tcsr\n"
    "1D\tclient\tbob\t" T0 "\t2025-03-01T00:00:00Z\tvalid\t-\t-\tgenerated";

static void test_table(void **state)
{
    struct lk_inv inv;
    BIO *out;
    char *data = NULL;
    long len;
    (void)state;
    assert_int_equal(lk_inv_parse(table_text, strlen(table_text), &inv), 0);
    assert_int_equal(inv.n, 5);
    /* serials: any case, leading zeros and 0x ignored */
    assert_int_equal(lk_inv_find_serial(&inv, "0b"), 1);
    assert_int_equal(lk_inv_find_serial(&inv, "ff"), 3);
    assert_int_equal(lk_inv_find_serial(&inv, "0x00ff"), 3);
    assert_int_equal(lk_inv_find_serial(&inv, "0F"), -1);
    /* names: the valid entry wins over a superseded one; stems work; else the last entry */
    assert_int_equal(lk_inv_find_name(&inv, "alice"), 1);
    assert_int_equal(lk_inv_find_name(&inv, "home/door1"), 3);
    assert_int_equal(lk_inv_find_name(&inv, "home.door1"), 3);
    assert_int_equal(lk_inv_find_name(&inv, "carol"), -1);
    assert_int_equal(lk_inv_find_arg(&inv, "bob"), 4);
    assert_int_equal(lk_inv_find_arg(&inv, "1d"), 4);
    assert_int_equal(lk_inv_find_arg(&inv, "not-a-serial"), -1);
    /* written back: new header, nine columns each, old lines completed */
    out = BIO_new(BIO_s_mem());
    assert_non_null(out);
    assert_int_equal(lk_inv_write_bio(&inv, out), 0);
    assert_int_equal(BIO_write(out, "", 1), 1); /* NUL-terminate the memory BIO for strstr */
    len = BIO_get_mem_data(out, &data);
    assert_true(len > 0);
    assert_memory_equal(data, LK_INV_HEADER, strlen(LK_INV_HEADER));
    assert_non_null(strstr(data, "0B\tclient\talice\t" T0 "\t2026-01-01T00:00:00Z\tvalid\t-\t-\tgenerated\n"));
    assert_non_null(strstr(data, "00FF\tdevice\thome/door1\t" T0 "\t2027-01-01T00:00:00Z\trevoked\t2025-02-01T00:00:00Z\tsuperseded\tcsr\n"));
    BIO_free(out);
    lk_inv_free(&inv);
    assert_int_equal(lk_inv_parse("bad\n", 4, &inv), -1);
    assert_int_equal(inv.n, 0);
}

static void test_status_now(void **state)
{
    struct lk_inv inv;
    time_t now;
    long days;
    (void)state;
    assert_int_equal(lkh_iso_parse("2025-02-15T00:00:00Z", LKH_ISO_EXACT, &now), 0);
    assert_int_equal(lk_inv_parse(table_text, strlen(table_text), &inv), 0);
    assert_string_equal(lk_inv_status_now(&inv.e[1], now, &days), "valid");
    assert_int_equal(days, 320); /* to 2026-01-01 */
    assert_string_equal(lk_inv_status_now(&inv.e[2], now, NULL), "superseded");
    assert_string_equal(lk_inv_status_now(&inv.e[3], now, NULL), "revoked");
    assert_string_equal(lk_inv_status_now(&inv.e[4], now, &days), "valid");
    assert_int_equal(days, 14);
    assert_int_equal(lkh_iso_parse("2025-03-01T00:00:00Z", LKH_ISO_EXACT, &now), 0);
    assert_string_equal(lk_inv_status_now(&inv.e[4], now, &days), "expired"); /* at notAfter */
    assert_int_equal(days, 0);
    lk_inv_free(&inv);
}

static void test_reasons_and_times(void **state)
{
    time_t t;
    char iso[LK_ISO_LEN + 1];
    (void)state;
    assert_int_equal(lk_reason_code("unspecified"), 0);
    assert_int_equal(lk_reason_code("keyCompromise"), 1);
    assert_int_equal(lk_reason_code("affiliationChanged"), 3);
    assert_int_equal(lk_reason_code("superseded"), 4);
    assert_int_equal(lk_reason_code("cessationOfOperation"), 5);
    assert_int_equal(lk_reason_code("caCompromise"), -1);
    assert_int_equal(lk_reason_code("-"), -1);
    assert_int_equal(lkh_iso_parse("2049-12-31T23:59:59Z", LKH_ISO_EXACT, &t), 0);
    assert_int_equal(t, 2524607999);
    assert_int_equal(lk_time_iso(t, iso), 0);
    assert_string_equal(iso, "2049-12-31T23:59:59Z");
    assert_int_equal(lkh_iso_parse("2025-01-01 00:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-01-01T00:00:00", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-01-01T00:00:00Zx", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-00-01T00:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("-", LKH_ISO_EXACT, &t), -1);
    /* digits only: no sign or blank where sscanf's %d would take one */
    assert_int_equal(lkh_iso_parse("2025-+1-01T00:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-01- 1T00:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-01-01T 1:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_int_equal(lkh_iso_parse("2025-01-01T-1:00:00Z", LKH_ISO_EXACT, &t), -1);
    assert_true(lk_serial_syntax_ok("0A1b"));
    assert_true(lk_serial_syntax_ok("0x0A"));
    assert_false(lk_serial_syntax_ok("alice"));
    assert_false(lk_serial_syntax_ok(""));
    assert_false(lk_serial_syntax_ok("0123456789ABCDEF0123456789ABCDEF0123"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_new_columns),
        cmocka_unit_test(test_parse_old_format),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_status_now),
        cmocka_unit_test(test_reasons_and_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
