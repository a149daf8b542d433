/* test_pin_hash.c - peppered scrypt PIN hashes: round trip, wrong PIN, wrong pepper,
 * tampering and malformed strings (including the unversioned first-cut format), PIN format;
 * the pepper file: creation (0600, never overwritten), loading, refusal of short, long,
 * missing and group-readable files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pepper.h"
#include "pin_hash.h"

static char good[PIN_HASH_MAX];
static struct pepper pep;

static int setup(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < PEPPER_LEN; i++)
        pep.key[i] = (unsigned char)(i * 7 + 1);
    return pin_hash_create(&pep, "123456", good, sizeof good);
}

static void test_pepper_matters(void **state)
{
    struct pepper other = pep;
    (void)state;
    other.key[PEPPER_LEN - 1] ^= 1;
    assert_int_equal(pin_hash_verify(&other, "123456", good), PIN_MISMATCH);
    assert_int_equal(pin_hash_verify(NULL, "123456", good), PIN_HASH_INVALID);
    /* the first cut's unpeppered, unversioned format is not accepted */
    assert_int_equal(pin_hash_check_format(
                         "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), -1);
}

static void write_bytes(const char *path, size_t n, mode_t mode)
{
    FILE *f = fopen(path, "w");
    size_t i;
    assert_non_null(f);
    for (i = 0; i < n; i++)
        assert_true(fputc((int)i, f) != EOF);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_pepper_file(void **state)
{
    char dir[] = "/tmp/lk-pepper-XXXXXX", path[64], err[512];
    struct pepper a, b;
    struct stat st;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/pepper", dir);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "create it with"));
    assert_int_equal(pepper_create(path, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, PEPPER_LEN);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), 0);
    assert_int_equal(pepper_create(path, err, sizeof err), 1); /* never overwritten */
    assert_int_equal(pepper_load(path, &b, err, sizeof err), 0);
    assert_memory_equal(a.key, b.key, PEPPER_LEN);

    write_bytes(path, PEPPER_LEN - 1, 0600);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "exactly 32 bytes"));
    write_bytes(path, PEPPER_LEN + 1, 0600);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), -1);
    write_bytes(path, 0, 0600);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), -1);
    write_bytes(path, PEPPER_LEN, 0640);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "chmod 600"));
    write_bytes(path, PEPPER_LEN, 0600);
    assert_int_equal(pepper_load(path, &a, err, sizeof err), 0);
    /* It exists but cannot be read (another user's): the hint is its owner, not creating it.
     * Root reads a 0000 file anyway: as root, a child that became "nobody" tries. */
    assert_int_equal(chmod(path, 0), 0);
    pid_t child = geteuid() == 0 ? fork() : 0;
    assert_true(child >= 0);
    if (child == 0) {
        int ok = (geteuid() != 0 || (setgid(65534) == 0 && setuid(65534) == 0)) &&
                 pepper_load(path, &a, err, sizeof err) == -1 &&
                 strstr(err, "must belong to the user the gateway runs as") != NULL &&
                 strstr(err, "create it with") == NULL;
        if (geteuid() == 65534)
            _exit(ok ? 0 : 1);
        assert_true(ok);
    } else {
        int st_child = 0;
        assert_int_equal(waitpid(child, &st_child, 0), child);
        assert_true(WIFEXITED(st_child) && WEXITSTATUS(st_child) == 0);
    }
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    assert_int_equal(strncmp(good, "$scrypt$v=1$ln=15,r=8,p=1$", 26), 0);
    assert_int_equal(strlen(good), 26 + 22 + 1 + 43);
    assert_int_equal(pin_hash_check_format(good), 0);
    assert_int_equal(pin_hash_verify(&pep, "123456", good), PIN_MATCH);
}

static void test_wrong_pin(void **state)
{
    (void)state;
    assert_int_equal(pin_hash_verify(&pep, "123457", good), PIN_MISMATCH);
    assert_int_equal(pin_hash_verify(&pep, "1234567", good), PIN_MISMATCH);
    assert_int_equal(pin_hash_verify(&pep, "12345", good), PIN_MISMATCH);
    assert_int_equal(pin_hash_verify(&pep, "abcdef", good), PIN_MISMATCH);
    assert_int_equal(pin_hash_verify(&pep, "", good), PIN_MISMATCH);
}

static void test_salted(void **state)
{
    char other[PIN_HASH_MAX];
    (void)state;
    assert_int_equal(pin_hash_create(&pep, "123456", other, sizeof other), 0);
    assert_string_not_equal(other, good);
    assert_int_equal(pin_hash_verify(&pep, "123456", other), PIN_MATCH);
}

/* Flip one character in the hash, in the salt and in the parameters. */
static void test_tampered(void **state)
{
    char t[PIN_HASH_MAX];
    size_t len = strlen(good);
    (void)state;

    strcpy(t, good);
    t[len - 5] = t[len - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(pin_hash_verify(&pep, "123456", t), PIN_MISMATCH);

    strcpy(t, good);
    t[29] = t[29] == 'A' ? 'B' : 'A';
    assert_int_equal(pin_hash_verify(&pep, "123456", t), PIN_MISMATCH);

    strcpy(t, good);
    t[strlen("$scrypt$v=1$ln=1")] = '4'; /* ln=14: valid, different hash */
    assert_int_equal(pin_hash_verify(&pep, "123456", t), PIN_MISMATCH);

    strcpy(t, good);
    t[len - 1] = '\0'; /* truncated hash */
    assert_int_equal(pin_hash_verify(&pep, "123456", t), PIN_HASH_INVALID);
}

static void test_bad_formats(void **state)
{
    static const char salt[] = "c2FsdHNhbHRzYWx0c2FsdA";                       /* 16 bytes */
    static const char hash[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";  /* 32 bytes */
    char s[PIN_HASH_MAX * 2];
    const char *bad[] = {
        "", "$scrypt$", "scrypt", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        "$scrypt$v=1$ln=15,r=8,p=1$", "$scrypt$v=1$ln=15,r=8,p=1$$",
    };
    size_t i;
    (void)state;

    snprintf(s, sizeof s, "$scrypt$v=1$ln=15,r=8,p=1$%s$%s", salt, hash);
    assert_int_equal(pin_hash_check_format(s), 0); /* the building blocks are fine */

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pin_hash_check_format(bad[i]), -1);
    assert_int_equal(pin_hash_check_format(NULL), -1);

#define BAD(...) do { snprintf(s, sizeof s, __VA_ARGS__); assert_int_equal(pin_hash_check_format(s), -1); \
                      assert_int_equal(pin_hash_verify(&pep, "123456", s), PIN_HASH_INVALID); } while (0)
    BAD("$scrypt$v=1$ln=10,r=8,p=1$%s$%s", salt, hash);      /* too cheap */
    BAD("$scrypt$v=1$ln=30,r=8,p=1$%s$%s", salt, hash);      /* too much memory */
    BAD("$scrypt$v=1$ln=15,r=0,p=1$%s$%s", salt, hash);
    BAD("$scrypt$v=1$ln=15,r=8,p=0$%s$%s", salt, hash);
    BAD("$scrypt$v=1$ln=015,r=8,p=1$%s$%s", salt, hash);     /* leading zero */
    BAD("$scrypt$v=1$ln=15,p=1,r=8$%s$%s", salt, hash);      /* order */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s==$%s", salt, hash);    /* padding */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s=", salt, hash);
    BAD("$scrypt$v=1$ln=15,r=8,p=1$c2FsdA$%s", hash);        /* salt too short */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%sAAAA", salt, hash);  /* hash too long */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s", salt, "AAAA");    /* hash too short */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s", salt, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"); /* stray bits */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s", "c2FsdHNhbHRz!WFsdHNhbHQ", hash); /* bad char */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s", "c2FsdHNh bHRzYWx0c2FsdA", hash); /* space */
    BAD("$scrypt$v=1$ln=15,r=8,p=1$%s$%s$", salt, hash);     /* trailing field */
    BAD(" $scrypt$v=1$ln=15,r=8,p=1$%s$%s", salt, hash);
#undef BAD
}

static void test_pin_valid(void **state)
{
    char out[PIN_HASH_MAX];
    (void)state;
    assert_true(pin_valid("1234"));
    assert_true(pin_valid("123456789012"));
    assert_false(pin_valid("123"));
    assert_false(pin_valid("1234567890123"));
    assert_false(pin_valid("12a4"));
    assert_false(pin_valid(" 1234"));
    assert_false(pin_valid("1234\n"));
    assert_false(pin_valid(""));
    assert_false(pin_valid(NULL));
    assert_int_equal(pin_hash_create(&pep, "12", out, sizeof out), -1);
    assert_int_equal(pin_hash_create(&pep, "123456", out, 20), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_pin),
        cmocka_unit_test(test_salted),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_bad_formats),
        cmocka_unit_test(test_pin_valid),
        cmocka_unit_test(test_pepper_matters),
        cmocka_unit_test(test_pepper_file),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
