/* bundle.c - "bundle SITE/DOOR": everything one device needs, in one directory (the
 * "Device bundle contract" of docs/certs.md): device.conf with paths relative to the
 * bundle, the CA, the device certificate and key, the command public key, the device's
 * own ack key (made in the PKI on the first bundle, ack/<stem>.key) and its public half,
 * and latchkey_device_bundle.h with the same material as C data (pki/bundle.c writes both). */
#include "verbs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "args.h"
#include "bundle.h"
#include "bundle_mcu.h"
#include "cert_files.h"
#include "diag.h"
#include "ed25519_key.h"
#include "file_read.h"
#include "hostport.h"
#include "leaf_load.h"
#include "names.h"
#include "pki_dir.h"
#include "txn.h"

#define PEM_MAX (64 * 1024)

static int read_rel(const struct lk_pki *pki, const char *rel, char **data, size_t *len)
{
    char path[LK_PATH_MAX];
    return lk_pki_path(pki, rel, path, sizeof path) == 0 ? lk_file_read_all(path, PEM_MAX, data, len) : -1;
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

/* The device's ack key, kept in the PKI (ack/<stem>.key, ack/<stem>.pub.hex) so that every
 * bundle of the device carries the same one: read if it exists, else generated and added
 * to txn. *made says which. 0 or -1 (reported). */
static int ack_key(struct lk_pki *pki, const char *stem, struct lk_txn *txn,
                   struct lk_bundle_src *s, int *made)
{
    char rel[LK_PATH_MAX], key_path[LK_PATH_MAX], hex_path[LK_PATH_MAX],
        hex[LK_ED25519_HEX_LEN + 1];
    unsigned char pub[32];
    EVP_PKEY *key;
    BIO *priv = NULL;
    char *data = NULL;
    long len;
    int r, rc = -1;

    *made = 0;
    if (snprintf(rel, sizeof rel, "ack/%s.key", stem) >= (int)sizeof rel ||
        lk_pki_path(pki, rel, key_path, sizeof key_path) != 0 ||
        snprintf(rel, sizeof rel, "ack/%s.pub.hex", stem) >= (int)sizeof rel ||
        lk_pki_path(pki, rel, hex_path, sizeof hex_path) != 0 || (r = lk_path_exists(key_path)) < 0)
        return -1;
    if (r > 0) {
        if (lk_file_read_all(key_path, PEM_MAX, &s->ack_key, &s->ack_key_len) != 0 ||
            lk_file_read_all(hex_path, PEM_MAX, &s->ack_hex, &s->ack_hex_len) != 0)
            return -1;
        if (lk_bundle_pubkey_parse(s->ack_hex, s->ack_hex_len, pub) != 0) {
            lk_err("%s is not 64 lowercase hex digits and a newline", hex_path);
            return -1;
        }
        return 0;
    }
    if (lk_pki_path(pki, "ack", rel, sizeof rel) != 0 || lk_mkdir(rel, 0700) != 0 ||
        (key = lk_ed25519_generate(&priv, hex)) == NULL)
        return -1;
    len = BIO_get_mem_data(priv, &data);
    if (len > 0 && (s->ack_key = malloc((size_t)len)) != NULL &&
        (s->ack_hex = strdup(hex)) != NULL) {
        memcpy(s->ack_key, data, (size_t)len); /* cleansed with the other key at the end */
        s->ack_key_len = (size_t)len;
        s->ack_hex_len = LK_ED25519_HEX_LEN;
        rc = lk_txn_add_bio(txn, key_path, priv, 0600) == 0 &&
                     lk_txn_add(txn, hex_path, hex, LK_ED25519_HEX_LEN, 0644) == 0
                 ? 0
                 : -1;
        *made = rc == 0;
    } else {
        lk_err("out of memory");
    }
    BIO_free(priv);
    EVP_PKEY_free(key);
    return rc;
}

/* What the gateway's config needs from the bundle: the door's ack key. */
static void print_ack_note(const char *cn, const struct lk_bundle_src *s, int made_ack)
{
    printf("%s ack key of %s; in the gateway's config:\n[door %s]\nack_pubkey = %.64s\n",
           made_ack ? "made the" : "reused the", cn, s->door, s->ack_hex);
}

int certs_verb_bundle(const struct lk_cli *cli)
{
    struct lk_bundle_src s;
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    char stem[LK_CN_MAX + 1], crt_path[LK_PATH_MAX], key_path[LK_PATH_MAX], probe[LK_PATH_MAX];
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    BIO *conf = NULL, *hdr = NULL;
    const char *dir, *cn;
    int rc = -1, r, made_ack = 0;

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
    if (lk_hostport_parse(cli->broker, "--broker", s.host, sizeof s.host, &s.port) != 0 ||
        certs_bundle_mcu_args(cli) != 0)
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
    if (lk_bundle_pubkey_parse(s.hex, s.hex_len, s.pub) != 0) {
        lk_err("%s is not 64 lowercase hex digits and a newline", probe);
        goto out;
    }
    if (ack_key(&pki, stem, &txn, &s, &made_ack) != 0)
        goto out;
    if (cli->format != NULL) { /* --format mcu: one blob file instead of a directory */
        rc = certs_bundle_mcu_write(cli, &s, &txn);
        if (rc == 0)
            print_ack_note(cn, &s, made_ack);
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
    if (conf == NULL || hdr == NULL || lk_bundle_conf_write(conf, &s) != 0 || lk_bundle_header_write(hdr, &s) != 0) {
        lk_err_ssl("cannot build the bundle");
        goto out;
    }
    if (add_file(&txn, cli->out, "ca.crt", s.ca, s.ca_len, 0644) != 0 ||
        add_file(&txn, cli->out, "device.crt", s.cert, s.cert_len, 0644) != 0 ||
        add_file(&txn, cli->out, "device.key", s.key, s.key_len, 0600) != 0 ||
        add_file(&txn, cli->out, "command.pub.hex", s.hex, s.hex_len, 0644) != 0 ||
        add_file(&txn, cli->out, "ack.key", s.ack_key, s.ack_key_len, 0600) != 0 ||
        add_file(&txn, cli->out, "ack.pub.hex", s.ack_hex, s.ack_hex_len, 0644) != 0 ||
        add_bio(&txn, cli->out, "device.conf", conf, 0644) != 0 ||
        add_bio(&txn, cli->out, "latchkey_device_bundle.h", hdr, 0600) != 0 ||
        lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote the bundle of %s to %s (broker %s:%ld)\n", cn, cli->out, s.host, s.port);
    print_ack_note(cn, &s, made_ack);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(conf);
    BIO_free(hdr);
    if (s.key != NULL)
        OPENSSL_cleanse(s.key, s.key_len);
    if (s.ack_key != NULL)
        OPENSSL_cleanse(s.ack_key, s.ack_key_len);
    free(s.ack_key);
    free(s.ack_hex);
    free(s.ca);
    free(s.cert);
    free(s.key);
    free(s.hex);
    X509_free(cert);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
