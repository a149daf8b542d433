/* test_identity.c - who the broker plugin lets connect (broker/identity.c, acl_users.c): the
 * ACL file's user names read as Mosquitto reads them, the client id of a CN, the one-CN
 * rule, and each verdict (no certificate, a CN outside the ACL, a wrong client id). */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "acl_users.h"
#include "identity.h"

static struct acl_users users;

/* A certificate (unsigned: the check never looks at the signature) with these CNs. */
static X509 *cert_with(const char *cn1, const char *cn2)
{
    X509 *c = X509_new();
    X509_NAME *n = X509_get_subject_name(c);
    assert_non_null(c);
    if (cn1 != NULL)
        assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)cn1, -1, -1, 0),
                         1);
    if (cn2 != NULL)
        assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)cn2, -1, -1, 0),
                         1);
    assert_int_equal(
        X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)"x", -1, -1, 0),
        1);
    return c;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void test_acl_users(void **state)
{
    char path[] = "/tmp/lk-acl-XXXXXX", err[256];
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    write_file(path,
               "# user commented\n\nuser gateway\ntopic write latchkey/home/+/cmd\n"
               "  user home/door1  \n\tuser\thomeassistant\r\nusername x\npattern read a/%u\nuser "
               "gateway\n");
    assert_int_equal(acl_users_load(&users, path, err, sizeof err), 0);
    assert_int_equal(users.n, 3);
    assert_true(acl_users_has(&users, "gateway"));
    assert_true(acl_users_has(&users, "home/door1"));
    assert_true(acl_users_has(&users, "homeassistant"));
    assert_false(acl_users_has(&users, "commented"));
    assert_false(acl_users_has(&users, "name"));
    /* A broken file leaves the list as it was. */
    write_file(path,
               "user aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    assert_int_equal(acl_users_load(&users, path, err, sizeof err), -1);
    assert_int_equal(users.n, 3);
    unlink(path);
    assert_int_equal(acl_users_load(&users, path, err, sizeof err), -1);
    assert_int_equal(users.n, 3);
}

static void test_client_id(void **state)
{
    char id[IDENTITY_ID_MAX + 1], cn[ACL_USER_MAX + 2];
    (void)state;
    assert_int_equal(identity_client_id("gateway", id), 0);
    assert_string_equal(id, "latchkey-gateway");
    assert_int_equal(identity_client_id("home/door1", id), 0);
    assert_string_equal(id, "latchkey-home-door1");
    assert_int_equal(identity_client_id("", id), -1);
    memset(cn, 'a', ACL_USER_MAX);
    cn[ACL_USER_MAX] = '\0';
    assert_int_equal(identity_client_id(cn, id), 0);
    assert_int_equal(strlen(id), IDENTITY_ID_MAX);
    cn[ACL_USER_MAX] = 'a';
    cn[ACL_USER_MAX + 1] = '\0';
    assert_int_equal(identity_client_id(cn, id), -1);
}

static void test_verdicts(void **state)
{
    char cn[ACL_USER_MAX + 1];
    X509 *gw = cert_with("gateway", NULL), *door = cert_with("home/door1", NULL);
    X509 *phone = cert_with("alice", NULL), *two = cert_with("gateway", "alice");
    X509 *none = cert_with(NULL, NULL), *blank = cert_with("home door1", NULL);
    (void)state;
    memset(&users, 0, sizeof users);
    strcpy(users.name[users.n++], "gateway");
    strcpy(users.name[users.n++], "home/door1");
    strcpy(users.name[users.n++], "home door1");

    assert_int_equal(identity_check(&users, gw, "latchkey-gateway", cn), IDENTITY_OK);
    assert_string_equal(cn, "gateway");
    assert_int_equal(identity_check(&users, door, "latchkey-home-door1", cn), IDENTITY_OK);
    /* Takeover attempts: another identity's id, the bare CN, an old id, no id. */
    assert_int_equal(identity_check(&users, door, "latchkey-gateway", cn), IDENTITY_WRONG_ID);
    assert_int_equal(identity_check(&users, gw, "latchkey-home-door1", cn), IDENTITY_WRONG_ID);
    assert_int_equal(identity_check(&users, door, "home/door1", cn), IDENTITY_WRONG_ID);
    assert_int_equal(identity_check(&users, gw, "latchkey-gateway-home", cn), IDENTITY_WRONG_ID);
    assert_int_equal(identity_check(&users, gw, NULL, cn), IDENTITY_WRONG_ID);
    /* A phone is refused whatever it asks for, its own id included. */
    assert_int_equal(identity_check(&users, phone, "latchkey-alice", cn), IDENTITY_UNKNOWN);
    assert_string_equal(cn, "alice");
    assert_int_equal(identity_check(&users, phone, "latchkey-gateway", cn), IDENTITY_UNKNOWN);
    /* No certificate, two CNs, none, a blank in it (no ACL line can name it). */
    assert_int_equal(identity_check(&users, NULL, "latchkey-gateway", cn), IDENTITY_NO_CERT);
    assert_int_equal(identity_check(&users, two, "latchkey-gateway", cn), IDENTITY_BAD_CN);
    assert_int_equal(identity_check(&users, none, "latchkey-", cn), IDENTITY_BAD_CN);
    assert_int_equal(identity_check(&users, blank, "latchkey-home door1", cn), IDENTITY_BAD_CN);
    assert_non_null(identity_verdict_text(IDENTITY_WRONG_ID));
    X509_free(gw);
    X509_free(door);
    X509_free(phone);
    X509_free(two);
    X509_free(none);
    X509_free(blank);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acl_users),
        cmocka_unit_test(test_client_id),
        cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
