/* test_certs_core.c - unit tests of latchkey-certs' pure logic: accepted names and file
 * stems, inventory lines and lookups, password alphabet mapping, and the all-or-nothing
 * multi-file write (including its rollback). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inv_foreach.h"
#include "inventory.h"
#include "names.h"
#include "password.h"
#include "txn.h"

static void test_user_names(void **state)
{
    (void)state;
    assert_true(lk_user_name_valid("alice"));
    assert_true(lk_user_name_valid("Bob.Smith@example.org"));
    assert_false(lk_user_name_valid(""));
    assert_false(lk_user_name_valid(".hidden"));
    assert_false(lk_user_name_valid("gateway"));          /* the gateway's broker identity */
    assert_false(lk_user_name_valid("home/door1"));
    assert_false(lk_user_name_valid("a b"));
    assert_false(lk_user_name_valid("0123456789012345678901234567890123456789012345678901234567890123x"));
}

static void test_dns_names(void **state)
{
    (void)state;
    assert_true(lk_dns_name_valid("localhost"));
    assert_true(lk_dns_name_valid("door.example-1.org"));
    assert_false(lk_dns_name_valid(""));
    assert_false(lk_dns_name_valid(".example.org"));
    assert_false(lk_dns_name_valid("example..org"));
    assert_false(lk_dns_name_valid("example.org."));
    assert_false(lk_dns_name_valid("-bad.org"));
    assert_false(lk_dns_name_valid("bad-.org"));
    assert_false(lk_dns_name_valid("a,DNS:evil.org"));
    assert_false(lk_dns_name_valid("*.example.org"));
}

static void test_device_names(void **state)
{
    char site[33], door[33];
    (void)state;
    assert_true(lk_device_name_split("home/door1", site, sizeof site, door, sizeof door));
    assert_string_equal(site, "home");
    assert_string_equal(door, "door1");
    assert_false(lk_device_name_split("home", site, sizeof site, door, sizeof door));
    assert_false(lk_device_name_split("Home/door1", site, sizeof site, door, sizeof door));
    assert_false(lk_device_name_split("home/door1/x", site, sizeof site, door, sizeof door));
    assert_false(lk_device_name_split("/door1", site, sizeof site, door, sizeof door));
    assert_false(lk_device_name_split("home/", site, sizeof site, door, sizeof door));
    assert_false(lk_device_name_split("home/abcdefghijklmnopqrstuvwxyz0123456", site, sizeof site,
                                      door, sizeof door));
}

static void test_ca_names_and_stems(void **state)
{
    char stem[8];
    (void)state;
    assert_true(lk_ca_name_valid("My Home"));
    assert_false(lk_ca_name_valid(""));
    assert_false(lk_ca_name_valid("tab\there"));
    assert_int_equal(lk_cn_stem("home/door1", stem, sizeof stem), -1); /* does not fit */
    assert_int_equal(lk_cn_stem("a/b", stem, sizeof stem), 0);
    assert_string_equal(stem, "a.b");
}

static const char inventory[] =
    LK_INV_HEADER
    "0A\tca\tLatchkey Latchkey CA\t2025-01-01T00:00:00Z\t2035-01-01T00:00:00Z\tvalid\n"
    "0B\tclient\talice\t2025-01-01T00:00:00Z\t2026-01-01T00:00:00Z\tvalid\n"
    "0C\tdevice\thome/door1\t2025-01-01T00:00:00Z\t2027-01-01T00:00:00Z\tvalid\n"
    "0D\tclient\tbob\t2025-01-01T00:00:00Z\t2027-01-01T00:00:00Z\trevoked\n"
    "\n";

static void test_inventory_lines(void **state)
{
    struct lk_inv_entry e;
    char line[256];
    const char *l = "0B\tclient\talice\t2025-01-01T00:00:00Z\t2026-01-01T00:00:00Z\tvalid";
    (void)state;
    assert_int_equal(lk_inv_parse_line(l, strlen(l), &e), 1);
    assert_string_equal(e.serial, "0B");
    assert_string_equal(e.profile, "client");
    assert_string_equal(e.cn, "alice");
    assert_string_equal(e.not_after, "2026-01-01T00:00:00Z");
    assert_string_equal(e.status, "valid");
    /* A line of the first format is written back with the three newer columns. */
    assert_int_equal(lk_inv_format_line(&e, line, sizeof line), strlen(l) + strlen("\t-\t-\tgenerated") + 1);
    assert_memory_equal(line, l, strlen(l));
    assert_string_equal(line + strlen(l), "\t-\t-\tgenerated\n");
    assert_int_equal(lk_inv_parse_line("# comment", 9, &e), 0);
    assert_int_equal(lk_inv_parse_line("", 0, &e), 0);
    assert_int_equal(lk_inv_parse_line("a\tb\tc", 5, &e), -1);
    assert_int_equal(lk_inv_parse_line("a\tb\tc\td\te\tf\tg", 13, &e), -1);
    assert_int_equal(lk_inv_parse_line("a\t\tc\td\te\tf", 11, &e), -1);
    strcpy(e.cn, "tab\tin");
    assert_int_equal(lk_inv_format_line(&e, line, sizeof line), 0);
}

static void test_inventory_lookup(void **state)
{
    struct lk_inv_entry e;
    size_t len = strlen(inventory);
    (void)state;
    /* alice valid until 2026-01-01 */
    assert_int_equal(lk_inv_find_valid(inventory, len, "alice", NULL, "2025-06-01T00:00:00Z", &e), 1);
    assert_string_equal(e.serial, "0B");
    assert_int_equal(lk_inv_find_valid(inventory, len, "alice", NULL, "2026-01-01T00:00:00Z", &e), 0);
    assert_int_equal(lk_inv_find_valid(inventory, len, "alice", "device", "2025-06-01T00:00:00Z", &e), 0);
    /* stems: a client named "home.door1" collides with device home/door1 */
    assert_int_equal(lk_inv_find_valid(inventory, len, "home.door1", NULL, "2025-06-01T00:00:00Z", &e), 1);
    assert_string_equal(e.cn, "home/door1");
    /* revoked entries do not block */
    assert_int_equal(lk_inv_find_valid(inventory, len, "bob", NULL, "2025-06-01T00:00:00Z", &e), 0);
    assert_int_equal(lk_inv_find_valid("garbage line\n", 13, "bob", NULL, "2025-06-01T00:00:00Z", &e), -1);
}

static void test_time_iso(void **state)
{
    char out[LK_ISO_LEN + 1];
    (void)state;
    assert_int_equal(lk_time_iso(0, out), 0);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    assert_int_equal(lk_time_iso(2524607999, out), 0);
    assert_string_equal(out, "2049-12-31T23:59:59Z");
}

static void test_password_mapping(void **state)
{
    unsigned char rnd[300];
    char out[300];
    size_t i, n;
    (void)state;
    for (i = 0; i < 256; i++)
        rnd[i] = (unsigned char)i;
    n = lk_password_from_bytes(rnd, 256, out, sizeof out);
    assert_int_equal(n, 224); /* 56 characters x 4; bytes 224..255 are rejected */
    for (i = 0; i < n; i++) {
        assert_null(strchr("0O1lI", out[i]));
        assert_int_equal(out[i], out[i % 56]); /* each character exactly 4 times */
    }
    n = lk_password_from_bytes(rnd, 256, out, 5);
    assert_int_equal(n, 5);
    rnd[0] = 255;
    rnd[1] = 224;
    assert_int_equal(lk_password_from_bytes(rnd, 2, out, 5), 0);
}

static void test_password_generate(void **state)
{
    char a[LK_PASSWORD_LEN + 1], b[LK_PASSWORD_LEN + 1];
    (void)state;
    assert_int_equal(lk_password_generate(a), 0);
    assert_int_equal(lk_password_generate(b), 0);
    assert_int_equal(strlen(a), LK_PASSWORD_LEN);
    assert_string_not_equal(a, b);
}

/* ---- txn ---- */

static char tmpdir[256];

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void expect_file(const char *path, const char *text)
{
    char buf[64] = {0};
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_true(fread(buf, 1, sizeof buf - 1, f) == strlen(text));
    (void)fclose(f); /* read-only */
    assert_string_equal(buf, text);
}

/* Number of directory entries in tmpdir besides . and .. */
static int count_entries(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    int n = 0;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/lk-txn-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown_dir(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char path[512];
    (void)state;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        path_in(path, sizeof path, de->d_name);
        if (unlink(path) != 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return rmdir(tmpdir);
}

static void test_txn_commit(void **state)
{
    struct lk_txn t;
    char a[512], b[512];
    struct stat st;
    (void)state;
    path_in(a, sizeof a, "a.key");
    path_in(b, sizeof b, "b.crt");
    write_file(b, "old b");
    lk_txn_init(&t);
    assert_int_equal(lk_txn_add(&t, a, "new a", 5, 0600), 0);
    assert_int_equal(lk_txn_add(&t, b, "new b", 5, 0644), 0);
    expect_file(b, "old b"); /* nothing visible before commit */
    assert_int_equal(lk_txn_commit(&t), 0);
    lk_txn_abort(&t); /* harmless after commit */
    expect_file(a, "new a");
    expect_file(b, "new b");
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(count_entries(), 2); /* no temp files or backups left */
}

static void test_txn_rollback(void **state)
{
    struct lk_txn t;
    char a[512], b[512], c[512];
    (void)state;
    path_in(a, sizeof a, "a.key"); /* does not exist: must not exist after the rollback */
    path_in(b, sizeof b, "b.crt"); /* exists: must get its old contents back */
    path_in(c, sizeof c, "index.tsv");
    write_file(b, "old b");
    lk_txn_init(&t);
    assert_int_equal(lk_txn_add(&t, a, "new a", 5, 0600), 0);
    assert_int_equal(lk_txn_add(&t, b, "new b", 5, 0644), 0);
    assert_int_equal(lk_txn_add(&t, c, "new c", 5, 0644), 0);
    /* Make the last rename fail: its temp file disappears. */
    assert_int_equal(unlink(t.f[2].tmp), 0);
    assert_int_equal(lk_txn_commit(&t), -1);
    assert_int_equal(access(a, F_OK), -1);
    expect_file(b, "old b");
    assert_int_equal(access(c, F_OK), -1);
    assert_int_equal(count_entries(), 1);
}

static void test_txn_abort(void **state)
{
    struct lk_txn t;
    char a[512];
    (void)state;
    path_in(a, sizeof a, "a.key");
    lk_txn_init(&t);
    assert_int_equal(lk_txn_add(&t, a, "new a", 5, 0600), 0);
    lk_txn_abort(&t);
    assert_int_equal(count_entries(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_names),
        cmocka_unit_test(test_dns_names),
        cmocka_unit_test(test_device_names),
        cmocka_unit_test(test_ca_names_and_stems),
        cmocka_unit_test(test_inventory_lines),
        cmocka_unit_test(test_inventory_lookup),
        cmocka_unit_test(test_time_iso),
        cmocka_unit_test(test_password_mapping),
        cmocka_unit_test(test_password_generate),
        cmocka_unit_test_setup_teardown(test_txn_commit, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_txn_rollback, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_txn_abort, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
