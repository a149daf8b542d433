/* test_conf.c - the gateway config: a good file loads with the right values; each kind of
 * bad file is refused with a one-line error naming the file and, where there is one, the
 * line. Runs in a temporary directory with generated certificate and key files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "pin_hash.h"

static char dir[] = "/tmp/lk-conf-XXXXXX";
static char hash[PIN_HASH_MAX];
static struct conf conf;

static const char base[] =
    "[server]\n"                       /* 1 */
    "listen = 127.0.0.1\n"
    "port = 8443\n"
    "cert = cert.pem\n"
    "key = key.pem\n"                  /* 5 */
    "client_ca = cert.pem\n"
    "crl = none\n"
    "[mqtt]\n"
    "uri = ssl://localhost:8883\n"
    "ca = cert.pem\n"                  /* 10 */
    "cert = cert.pem\n"
    "key = key.pem\n"
    "client_id = latchkey-gateway\n"
    "ack_timeout_ms = 1500\n"
    "\n"                               /* 15 */
    "[command]\n"
    "key = cmd.key\n"
    "site = home\n"
    "ttl = 20\n"
    "\n"                               /* 20 */
    "[door door1]\n"
    "label = Front door\n"
    "\n"
    "[door door2]\n"
    "label = Back <door>\n"            /* 25 */
    "\n"
    "[store]\n"
    "database = gw.db\n"
    "pepper_file = pepper\n"
    "busy_timeout_ms = 250\n";         /* 30 */

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void write_key(const char *name, EVP_PKEY *k)
{
    FILE *f = fopen(name, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    X509 *x = X509_new();
    FILE *f;
    (void)state;

    if (mkdtemp(dir) == NULL || chdir(dir) != 0 || ec == NULL || ed == NULL || x == NULL)
        return -1;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"test", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, ec);
    if (X509_sign(x, ec, EVP_sha256()) == 0)
        return -1;
    f = fopen("cert.pem", "w");
    if (f == NULL || PEM_write_X509(f, x) != 1 || fclose(f) != 0)
        return -1;
    write_key("key.pem", ec);
    write_key("cmd.key", ed);
    write_file("empty.pem", "");
    X509_free(x);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ed);
    strcpy(hash, "unused"); /* users are no longer in the config */
    return 0;
}

static int teardown(void **state)
{
    static const char *files[] = {"cert.pem", "key.pem", "cmd.key", "empty.pem", "gw.conf"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(files[i]);
    return rmdir(dir);
}

/* base with `find` (first occurrence) replaced by `repl`, then every HASH by the hash. */
static void make_conf(const char *find, const char *repl)
{
    char text[8192], tmp[8192];
    char *p;
    strcpy(text, base);
    if (find != NULL) {
        p = strstr(text, find);
        assert_non_null(p);
        snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - text), text, repl, p + strlen(find));
        strcpy(text, tmp);
    }
    while ((p = strstr(text, "HASH")) != NULL) {
        snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - text), text, hash, p + 4);
        strcpy(text, tmp);
    }
    write_file("gw.conf", text);
}

static void test_good(void **state)
{
    char err[512] = "";
    (void)state;
    make_conf(NULL, NULL);
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_string_equal(conf.server.listen, "127.0.0.1");
    assert_int_equal(conf.server.port, 8443);
    assert_string_equal(conf.server.client_ca, "cert.pem");
    assert_string_equal(conf.mqtt.uri, "ssl://localhost:8883");
    assert_int_equal(conf.mqtt.ack_timeout_ms, 1500);
    assert_string_equal(conf.command.site, "home");
    assert_int_equal(conf.command.ttl, 20);
    assert_int_equal(conf.n_doors, 2);
    assert_string_equal(conf.doors[1].label, "Back <door>");
    assert_string_equal(conf.store.database, "gw.db");
    assert_string_equal(conf.store.pepper_file, "pepper");
    assert_int_equal(conf.store.busy_timeout_ms, 250);
    assert_int_equal(conf_find_door(&conf, "door3"), -1);
}

static void test_defaults(void **state)
{
    char err[512] = "";
    (void)state;
    make_conf("listen = 127.0.0.1\n", "");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_string_equal(conf.server.listen, "127.0.0.1");
    make_conf("ttl = 20\n", "");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.command.ttl, 30);
    make_conf("ack_timeout_ms = 1500\n", "");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.mqtt.ack_timeout_ms, 5000);
    assert_int_equal(conf.mqtt.max_waiting_per_user, 4);
    assert_int_equal(conf.mqtt.max_waiting_per_door, 4);
    make_conf("ack_timeout_ms = 1500\n",
              "ack_timeout_ms = 1500\nmax_waiting_per_user = 1\nmax_waiting_per_door = 64\n");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.mqtt.max_waiting_per_user, 1);
    assert_int_equal(conf.mqtt.max_waiting_per_door, 64);
    assert_string_equal(conf.server.public_origin, ""); /* from the server certificate */
    assert_int_equal(conf.server.max_connections, 4096);
    assert_int_equal(conf.server.max_per_address, 64);
    make_conf("crl = none\n", "crl = none\npublic_origin = https://door.example.org:8443\n"
              "max_connections = 100\nmax_connections_per_address = 4\n");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_string_equal(conf.server.public_origin, "https://door.example.org:8443");
    assert_int_equal(conf.server.max_connections, 100);
    assert_int_equal(conf.server.max_per_address, 4);
    make_conf("crl = none\n", "crl = none\npublic_origin = https://[::1]\n");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.server.cert_renew_warn_days, 30);
    make_conf("crl = none\n", "crl = none\ncert_renew_warn_days = 0\n");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.server.cert_renew_warn_days, 0);
}

/* A door's ack key (RFC 8032 test 3) and the all-zero placeholder. */
#define ACK_KEY "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
#define ZERO_KEY "0000000000000000000000000000000000000000000000000000000000000000"

static const struct {
    const char *find, *repl, *expect;
} bad[] = {
    {"[server]", "[sever]", "gw.conf:1: unknown section [sever]"},
    {"listen =", "listn =", "gw.conf:2: unknown key 'listn' in [server]"},
    {"port = 8443", "port = 8443\nport = 8444", "gw.conf:4: 'port' given twice"},
    {"port = 8443", "port = 70000", "gw.conf:3: 70000 is out of range 1..65535"},
    {"port = 8443", "port = 84x3", "gw.conf:3: '84x3' is not a number"},
    {"port = 8443", "port = -1", "gw.conf:3: '-1' is not a number"},
    {"client_ca = cert.pem\n", "", "gw.conf:1: [server] needs 'client_ca'"},
    {"crl = none\n", "", "gw.conf:1: [server] needs 'crl'"},
    {"crl = none", "crl = nothere.crl", "gw.conf:7: [server] crl: nothere.crl: cannot open"},
    {"crl = none", "crl = cert.pem", "gw.conf:7: [server] crl: cert.pem: not a PEM CRL"},
    {"crl = none\n", "crl = none\n[metrics]\nport = 0\n", "gw.conf:9: 0 is out of range 1..65535"},
    {"crl = none", "crl = none\npublic_origin = http://door.example.org",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\npublic_origin = https://door.example.org/",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\npublic_origin = https://Door.example.org",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\npublic_origin = https://door.example.org:0443",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\npublic_origin = https://door.example.org:70000",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\npublic_origin = https://a@door.example.org",
     "gw.conf:8: public_origin must be"},
    {"crl = none", "crl = none\nmax_connections = 8", "gw.conf:8: 8 is out of range 16..65536"},
    {"crl = none", "crl = none\nmax_connections_per_address = 0",
     "gw.conf:8: 0 is out of range 1..65536"},
    {"crl = none", "crl = none\ncert_renew_warn_days = 366",
     "gw.conf:8: 366 is out of range 0..365"},
    {"crl = none\n", "crl = none\n[metrics]\nallow_non_loopback = 1\n",
     "gw.conf:9: allow_non_loopback must be yes or no"},
    {"[mqtt]\nuri = ssl://localhost:8883\nca = cert.pem\ncert = cert.pem\nkey = key.pem\n"
     "client_id = latchkey-gateway\nack_timeout_ms = 1500\n",
     "", "gw.conf: missing [mqtt] section"},
    {"uri = ssl://localhost:8883", "uri = tcp://localhost:1883",
     "gw.conf:9: uri must start with ssl://"},
    {"uri = ssl://localhost:8883", "uri = ssl://localhost", "gw.conf:9: uri needs host:port"},
    {"ack_timeout_ms = 1500", "ack_timeout_ms = 50", "gw.conf:14: 50 is out of range 100..60000"},
    {"ack_timeout_ms = 1500", "ack_timeout_ms = 600000", "gw.conf:14: 600000 is out of range"},
    {"ack_timeout_ms = 1500", "ack_timeout_ms = 1500\nmax_waiting_per_user = 0",
     "gw.conf:15: 0 is out of range 1..64"},
    {"ack_timeout_ms = 1500", "ack_timeout_ms = 1500\nmax_waiting_per_door = 65",
     "gw.conf:15: 65 is out of range 1..64"},
    {"client_id = latchkey-gateway", "client_id = a b", "gw.conf:13: client_id must be"},
    {"ttl = 20", "ttl = 61", "gw.conf:19: 61 is out of range 1..60"},
    {"ttl = 20", "ttl = 0", "gw.conf:19: 0 is out of range 1..60"},
    {"site = home", "site = Home", "gw.conf:18: site must be 1..32 of [a-z0-9_-]"},
    {"[door door1]", "[door Front]", "gw.conf:21: door name 'Front' must be"},
    {"[door door1]", "[door]", "gw.conf:21: unknown section [door]"},
    {"[door door2]", "[door door1]", "gw.conf:24: [door door1] appears twice (first at line 21)"},
    {"[store]\n", "[user alice]\npin_hash = x\n[store]\n",
     "gw.conf:27: [user alice]: users are no longer configured here"},
    {"database = gw.db\n", "", "gw.conf:27: [store] needs 'database'"},
    {"pepper_file = pepper\n", "", "gw.conf:27: [store] needs 'pepper_file'"},
    {"busy_timeout_ms = 250", "busy_timeout_ms = 5", "gw.conf:30: 5 is out of range 10..60000"},
    {"[store]\ndatabase = gw.db\npepper_file = pepper\nbusy_timeout_ms = 250\n", "",
     "gw.conf: missing [store] section"},
    {"label = Front door", "colour = red", "gw.conf:22: unknown key 'colour' in [door door1]"},
    {"[door door2]\nlabel = Back <door>\n", "[door door2]\n", "gw.conf:24: section has no keys"},
    {"[server]\n", "port = 1\n[server]\n", "gw.conf:1: 'port' is outside any [section]"},
    {"[command]\n", "[command]\nthis line is garbage\n", "gw.conf:17: syntax error"},
    {"[command]\n", "[mqtt]\n", "gw.conf:16: [mqtt] appears twice (first at line 8)"},
    {"cert = cert.pem\nkey = key.pem\nclient_ca", "cert = nothere.pem\nkey = key.pem\nclient_ca",
     "gw.conf:4: [server] cert: cannot open nothere.pem"},
    {"client_ca = cert.pem", "client_ca = empty.pem",
     "gw.conf:6: [server] client_ca: empty.pem: no PEM certificate"},
    {"key = key.pem", "key = cert.pem",
     "gw.conf:5: [server] key: cert.pem: no unencrypted PEM private key"},
    {"key = cmd.key", "key = key.pem", "gw.conf:17: [command] key: key.pem: wrong key type"},
    {"label = Front door",
     "label = Front door that is far far far far far far far too long to be a label",
     "gw.conf:22: label longer than 64 characters"},
    {"label = Front door",
     "label = "
     "x23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
     "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"
     "4567890123456789012",
     "gw.conf:22: line longer than"},
};

/* The door's ack_pubkey: refused when short, zero or given twice. */
static const struct {
    const char *repl, *expect;
} bad_ack[] = {
    {"label = Front door\nack_pubkey = fc51cd8e", "gw.conf:23: ack_pubkey must be exactly 64 hex"},
    {"label = Front door\nack_pubkey = " ZERO_KEY, "gw.conf:23: ack_pubkey is all zeros"},
    {"label = Front door\nack_pubkey = " ACK_KEY "\nack_pubkey = " ACK_KEY,
     "gw.conf:24: 'ack_pubkey' given twice"},
};

/* door1's label line replaced by repl must be refused with an error starting expect. */
static void door_refused(const char *repl, const char *expect)
{
    char err[512] = "";
    make_conf("label = Front door", repl);
    if (conf_load("gw.conf", &conf, err, sizeof err) != -1 || strstr(err, expect) != err)
        fail_msg("'%s': expected '%s...', got '%s'", repl, expect, err);
}

/* Part of test_bad (a door's ack key: taken for door1 only, refused when wrong). */
static void ack_pubkey_cases(void)
{
    char err[512] = "";
    size_t i;
    for (i = 0; i < sizeof bad_ack / sizeof bad_ack[0]; i++)
        door_refused(bad_ack[i].repl, bad_ack[i].expect);
    make_conf("label = Front door", "label = Front door\nack_pubkey = " ACK_KEY);
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf.doors[0].has_ack_key, 1);
    assert_int_equal(conf.doors[0].ack_key[0], 0xfc);
    assert_int_equal(conf.doors[0].ack_key[31], 0x25);
    assert_int_equal(conf.doors[1].has_ack_key, 0); /* door2: none, so it fails closed */
}

/* A door's sensor keys: sensor = yes waits the default (the device's default window + the
 * margin) or entry_wait_ms; no sensor, or sensor = no, none; bad values refused. */
static void sensor_cases(void)
{
    static const struct {
        const char *repl, *expect;
    } cases[] = {
        {"label = Front door\nsensor = maybe", "gw.conf:23: sensor must be yes or no"},
        {"label = Front door\nsensor = yes\nsensor = yes", "gw.conf:24: 'sensor' given twice"},
        {"label = Front door\nentry_wait_ms = 999",
         "gw.conf:23: entry_wait_ms must be 1000..122000"},
        {"label = Front door\nentry_wait_ms = 122001", "gw.conf:23: entry_wait_ms must be"},
        {"label = Front door\nentry_wait_ms = 4s", "gw.conf:23: entry_wait_ms must be"},
    };
    char err[512] = "";
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        door_refused(cases[i].repl, cases[i].expect);
    make_conf("label = Front door", "label = Front door\nsensor = yes");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf_entry_wait_ms(&conf.doors[0].sensor), 12000);
    assert_int_equal(conf_entry_wait_ms(&conf.doors[1].sensor), 0);
    make_conf("label = Front door", "label = Front door\nsensor = yes\nentry_wait_ms = 4000");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf_entry_wait_ms(&conf.doors[0].sensor), 4000);
    make_conf("label = Front door", "label = Front door\nsensor = no\nentry_wait_ms = 4000");
    assert_int_equal(conf_load("gw.conf", &conf, err, sizeof err), 0);
    assert_int_equal(conf_entry_wait_ms(&conf.doors[0].sensor), 0);
}

static void test_bad(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[512] = "";
        int rc;
        make_conf(bad[i].find, bad[i].repl);
        rc = conf_load("gw.conf", &conf, err, sizeof err);
        if (bad[i].expect == NULL) {
            if (rc != 0)
                fail_msg("case %zu should load, got: %s", i, err);
            continue;
        }
        if (rc != -1 || strstr(err, bad[i].expect) != err || strchr(err, '\n') != NULL)
            fail_msg("case %zu: expected '%s...', got rc %d '%s'", i, bad[i].expect, rc, err);
    }
    ack_pubkey_cases();
    sensor_cases();
}

static void test_missing_file(void **state)
{
    char err[512] = "";
    (void)state;
    assert_int_equal(conf_load("does-not-exist.conf", &conf, err, sizeof err), -1);
    assert_non_null(strstr(err, "does-not-exist.conf: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
