/* cmdkey.c - "cmdkey": the gateway's Ed25519 command signing key in DIR/cmd/: command.key
 * (PKCS#8 PEM, 0600), command.pub (SubjectPublicKeyInfo PEM) and command.pub.hex (the raw
 * 32-byte public key as 64 lowercase hex digits + newline, for the device config). */
#include "verbs.h"

#include <stdio.h>

#include <openssl/pem.h>

#include "args.h"
#include "certgen.h"
#include "diag.h"
#include "pki_dir.h"
#include "txn.h"

#include "latchkey/cmd_format.h"
#include <lkhost/hex.h>

static const char *const files[] = {"cmd/command.key", "cmd/command.pub", "cmd/command.pub.hex"};
#define NFILES (sizeof files / sizeof files[0])

int certs_verb_cmdkey(const struct lk_cli *cli)
{
    const char *dir;
    char path[NFILES][LK_PATH_MAX], hex[2 * LK_PUBKEY_LEN + 2];
    unsigned char raw[LK_PUBKEY_LEN];
    size_t rawlen = sizeof raw, i;
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    EVP_PKEY *key = NULL;
    BIO *priv = NULL, *pub = NULL;
    int rc = -1;

    lk_txn_init(&txn);
    if (cli->npos != 1) {
        lk_err("cmdkey takes no arguments; usage: %s", lk_cli_usage("cmdkey"));
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL || lk_pki_open(&pki, dir) != 0 ||
        lk_pki_path(&pki, "cmd", path[0], sizeof path[0]) != 0 || lk_mkdir(path[0], 0700) != 0)
        goto out;
    for (i = 0; i < NFILES; i++) {
        int r;
        if (lk_pki_path(&pki, files[i], path[i], sizeof path[i]) != 0 || (r = lk_path_exists(path[i])) < 0)
            goto out;
        if (r == 1 && !cli->force) {
            lk_err("%s already exists; use --force to replace the command key (devices must then "
                   "be given the new public key)", path[i]);
            goto out;
        }
    }
    key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (key == NULL) {
        lk_err_ssl("cannot generate an Ed25519 key");
        goto out;
    }
    if (EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1 || rawlen != sizeof raw) {
        lk_err_ssl("cannot read the Ed25519 public key");
        goto out;
    }
    lkh_hex_encode(raw, rawlen, hex, sizeof hex);
    hex[2 * rawlen] = '\n';
    priv = BIO_new(BIO_s_secmem());
    pub = BIO_new(BIO_s_mem());
    if (priv == NULL || pub == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_pem_pkcs8(priv, key, NULL) != 0)
        goto out;
    if (PEM_write_bio_PUBKEY(pub, key) != 1) {
        lk_err_ssl("cannot encode the public key");
        goto out;
    }
    if (lk_txn_add_bio(&txn, path[0], priv, 0600) != 0 || lk_txn_add_bio(&txn, path[1], pub, 0644) != 0 ||
        lk_txn_add(&txn, path[2], hex, 2 * rawlen + 1, 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote %s, %s, %s\ncommand_pubkey = %.*s\n", path[0], path[1], path[2], (int)(2 * rawlen), hex);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
