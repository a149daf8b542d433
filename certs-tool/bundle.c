/* bundle.c - "bundle SITE/DOOR": everything one device needs, in one directory (the
 * "Device bundle contract"): device.conf with paths relative to the bundle, the CA, the
 * device certificate and key, the command public key, and latchkey_device_bundle.h with
 * the same material as C data for firmware builds without a file system. */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define PEM_MAX (64 * 1024)

struct bundle_src {
    char site[33], door[33], host[256];
    long port;
    char *ca, *cert, *key, *hex; /* file contents */
    size_t ca_len, cert_len, key_len, hex_len;
    unsigned char pub[32];
};

static int read_rel(const struct lk_pki *pki, const char *rel, char **data, size_t *len)
{
    char path[LK_PATH_MAX];
    return lk_pki_path(pki, rel, path, sizeof path) == 0 ? lk_file_read_all(path, PEM_MAX, data, len) : -1;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* command.pub.hex: exactly 64 lowercase hex digits and a newline. */
static int hex_pubkey(const char *hex, size_t len, unsigned char out[32])
{
    size_t i;
    if (len != 65 || hex[64] != '\n')
        return -1;
    for (i = 0; i < 32; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static int write_conf(BIO *b, const struct bundle_src *s)
{
    char hex[65];
    memcpy(hex, s->hex, 64);
    hex[64] = '\0';
    return BIO_printf(b,
                      "; Written by latchkey-certs bundle: the device %s/%s. Paths are relative to\n"
                      "; this file's directory.\n"
                      "[broker]\nhost = %s\nport = %ld\nca = ca.crt\ncert = device.crt\nkey = device.key\n\n"
                      "[device]\nsite = %s\ndoor = %s\ncommand_pubkey = %s\n\n"
                      "[relay]\nbackend = sim\nsim_log = relay.log\npulse_ms = 500\n",
                      s->site, s->door, s->host, s->port, s->site, s->door, hex) > 0 ? 0 : -1;
}

static int pem_var(BIO *b, const char *name, const char *pem, size_t len)
{
    if (BIO_printf(b, "static const char %s[] LATCHKEY_BUNDLE_UNUSED =\n", name) <= 0 ||
        lk_c_string_literal(b, pem, len, "    ") != 0 || BIO_puts(b, ";\n\n") <= 0)
        return -1;
    return 0;
}

static int write_header(BIO *b, const struct bundle_src *s)
{
    int i;
    if (BIO_printf(b,
"/* latchkey_device_bundle.h - written by latchkey-certs bundle for the device %s/%s.\n"
" *\n"
" * For firmware builds without a file system: the same material as device.conf, ca.crt,\n"
" * device.crt, device.key and command.pub.hex next to it, as C data. Include it in ONE\n"
" * source file of the firmware and hand the values to the port:\n"
" *   LATCHKEY_BUNDLE_BROKER_HOST / _PORT   where the broker is (host is checked against\n"
" *                                         the broker's certificate)\n"
" *   LATCHKEY_BUNDLE_SITE / _DOOR          this device's identity (its MQTT topics)\n"
" *   LATCHKEY_BUNDLE_CLIENT_ID             its MQTT client id\n"
" *   latchkey_bundle_command_pubkey        the gateway's Ed25519 public key (32 bytes)\n"
" *   latchkey_bundle_ca_pem                CA certificate that the broker's chains to\n"
" *   latchkey_bundle_cert_pem / _key_pem   the device's client certificate and key\n"
" * The PEM strings are NUL-terminated; sizeof - 1 is their length.\n"
" * It holds the device's PRIVATE KEY: keep it out of version control and build logs. */\n"
"#ifndef LATCHKEY_DEVICE_BUNDLE_H\n#define LATCHKEY_DEVICE_BUNDLE_H\n\n"
"#if defined(__GNUC__) || defined(__clang__)\n"
"#define LATCHKEY_BUNDLE_UNUSED __attribute__((unused))\n#else\n#define LATCHKEY_BUNDLE_UNUSED\n#endif\n\n"
"#define LATCHKEY_BUNDLE_BROKER_HOST \"%s\"\n"
"#define LATCHKEY_BUNDLE_BROKER_PORT %ld\n"
"#define LATCHKEY_BUNDLE_SITE \"%s\"\n"
"#define LATCHKEY_BUNDLE_DOOR \"%s\"\n"
"#define LATCHKEY_BUNDLE_CLIENT_ID \"latchkey-%s-%s\"\n\n"
"static const unsigned char latchkey_bundle_command_pubkey[32] LATCHKEY_BUNDLE_UNUSED = {",
                   s->site, s->door, s->host, s->port, s->site, s->door, s->site, s->door) <= 0)
        return -1;
    for (i = 0; i < 32; i++)
        if (BIO_printf(b, "%s0x%02x%s", i % 8 == 0 ? "\n    " : " ", s->pub[i], i < 31 ? "," : "\n") <= 0)
            return -1;
    if (BIO_puts(b, "};\n\n") <= 0 || pem_var(b, "latchkey_bundle_ca_pem", s->ca, s->ca_len) != 0 ||
        pem_var(b, "latchkey_bundle_cert_pem", s->cert, s->cert_len) != 0 ||
        pem_var(b, "latchkey_bundle_key_pem", s->key, s->key_len) != 0 ||
        BIO_puts(b, "#endif /* LATCHKEY_DEVICE_BUNDLE_H */\n") <= 0)
        return -1;
    return 0;
}

/* Adds DIR/name with the contents of a memory BIO or a buffer. */
static int add_file(struct lk_txn *txn, const char *dir, const char *name, const void *data,
                    size_t len, mode_t mode)
{
    char path[LK_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        lk_err("path %s/%s is too long", dir, name);
        return -1;
    }
    return lk_txn_add(txn, path, data, len, mode);
}

static int add_bio(struct lk_txn *txn, const char *dir, const char *name, BIO *b, mode_t mode)
{
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    return len > 0 ? add_file(txn, dir, name, data, (size_t)len, mode) : -1;
}

int lk_cmd_bundle(const struct lk_cli *cli)
{
    struct bundle_src s;
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    char stem[LK_CN_MAX + 1], crt_path[LK_PATH_MAX], key_path[LK_PATH_MAX], probe[LK_PATH_MAX];
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    BIO *conf = NULL, *hdr = NULL;
    const char *dir, *cn;
    int rc = -1, r;

    memset(&s, 0, sizeof s);
    lk_txn_init(&txn);
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "bundle needs SITE/DOOR" : "too many arguments",
               lk_cli_usage("bundle"));
        return -1;
    }
    cn = cli->pos[1];
    if (!lk_device_name_split(cn, s.site, sizeof s.site, s.door, sizeof s.door)) {
        lk_err("invalid device name '%s' (expected SITE/DOOR, each [a-z0-9_-]{1,32})", cn);
        return -1;
    }
    if (cli->out == NULL || *cli->out == '\0') {
        lk_err("bundle needs --out DIR");
        return -1;
    }
    if (cli->broker == NULL) {
        lk_err("bundle needs --broker HOST:PORT");
        return -1;
    }
    if (lk_hostport_parse(cli->broker, "--broker", s.host, sizeof s.host, &s.port) != 0)
        return -1;
    if ((dir = lk_cli_dir(cli)) == NULL || lk_pki_open(&pki, dir) != 0)
        goto out;
    if (lk_leaf_load(&pki, "device", cn, &cert, &key) != 0)
        goto out;
    if (lk_cn_stem(cn, stem, sizeof stem) != 0)
        goto out;
    if (read_rel(&pki, "ca/ca.crt", &s.ca, &s.ca_len) != 0)
        goto out;
    if (lk_leaf_paths(&pki, stem, crt_path, key_path, LK_PATH_MAX) != 0 ||
        lk_file_read_all(crt_path, PEM_MAX, &s.cert, &s.cert_len) != 0 ||
        lk_file_read_all(key_path, PEM_MAX, &s.key, &s.key_len) != 0)
        goto out;
    if (lk_pki_path(&pki, "cmd/command.pub.hex", probe, sizeof probe) != 0)
        goto out;
    if ((r = lk_path_exists(probe)) <= 0) {
        if (r == 0)
            lk_err("no command key in %s; run 'latchkey-certs -d %s cmdkey' first", pki.dir, pki.dir);
        goto out;
    }
    if (read_rel(&pki, "cmd/command.pub.hex", &s.hex, &s.hex_len) != 0)
        goto out;
    if (hex_pubkey(s.hex, s.hex_len, s.pub) != 0) {
        lk_err("%s is not 64 lowercase hex digits and a newline", probe);
        goto out;
    }
    if (lk_mkdir(cli->out, 0700) != 0)
        goto out;
    if (snprintf(probe, sizeof probe, "%s/device.key", cli->out) >= (int)sizeof probe)
        goto out;
    if ((r = lk_path_exists(probe)) < 0)
        goto out;
    if (r > 0 && !cli->force) {
        lk_err("%s already holds a bundle (device.key); use --force to replace it", cli->out);
        goto out;
    }
    conf = BIO_new(BIO_s_mem());
    hdr = BIO_new(BIO_s_secmem());
    if (conf == NULL || hdr == NULL || write_conf(conf, &s) != 0 || write_header(hdr, &s) != 0) {
        lk_err_ssl("cannot build the bundle");
        goto out;
    }
    if (add_file(&txn, cli->out, "ca.crt", s.ca, s.ca_len, 0644) != 0 ||
        add_file(&txn, cli->out, "device.crt", s.cert, s.cert_len, 0644) != 0 ||
        add_file(&txn, cli->out, "device.key", s.key, s.key_len, 0600) != 0 ||
        add_file(&txn, cli->out, "command.pub.hex", s.hex, s.hex_len, 0644) != 0 ||
        add_bio(&txn, cli->out, "device.conf", conf, 0644) != 0 ||
        add_bio(&txn, cli->out, "latchkey_device_bundle.h", hdr, 0600) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote the bundle of %s to %s (broker %s:%ld)\n", cn, cli->out, s.host, s.port);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(conf);
    BIO_free(hdr);
    if (s.key != NULL)
        OPENSSL_cleanse(s.key, s.key_len);
    free(s.ca);
    free(s.cert);
    free(s.key);
    free(s.hex);
    X509_free(cert);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
