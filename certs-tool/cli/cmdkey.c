/* cmdkey.c - "cmdkey": the gateway's Ed25519 command signing key in DIR/cmd/: command.key
 * (PKCS#8 PEM, 0600), command.pub (SubjectPublicKeyInfo PEM) and command.pub.hex (the raw
 * 32-byte public key as 64 lowercase hex digits + newline, for the device config). */
#include "verbs.h"

#include <stdio.h>

#include <openssl/pem.h>

#include "args.h"
#include "diag.h"
#include "ed25519_key.h"
#include "pki_dir.h"
#include "txn.h"

static const char *const files[] = {"cmd/command.key", "cmd/command.pub", "cmd/command.pub.hex"};
#define NFILES (sizeof files / sizeof files[0])

int certs_verb_cmdkey(const struct lk_cli *cli)
{
    const char *dir;
    char path[NFILES][LK_PATH_MAX], hex[LK_ED25519_HEX_LEN + 1];
    size_t i;
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
    if ((key = lk_ed25519_generate(&priv, hex)) == NULL)
        goto out;
    if ((pub = BIO_new(BIO_s_mem())) == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (PEM_write_bio_PUBKEY(pub, key) != 1) {
        lk_err_ssl("cannot encode the public key");
        goto out;
    }
    if (lk_txn_add_bio(&txn, path[0], priv, 0600) != 0 ||
        lk_txn_add_bio(&txn, path[1], pub, 0644) != 0 ||
        lk_txn_add(&txn, path[2], hex, LK_ED25519_HEX_LEN, 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote %s, %s, %s\ncommand_pubkey = %.64s\n", path[0], path[1], path[2], hex);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
