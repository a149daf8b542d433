/* init.c - "init": creates the CA in DIR: its key (P-256 by default, or P-384 / RSA-3072;
 * PKCS#8, AES-256-CBC under the passphrase), its self-signed certificate and the inventory
 * with the CA's line, in one all-or-nothing step. Refuses a DIR that already holds a CA. */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "args.h"
#include "ca.h"
#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "names.h"
#include "password.h"
#include "pki_dir.h"
#include "secrets.h"
#include "txn.h"

#define CA_DEFAULT_NAME "Latchkey"
#define CA_DEFAULT_DAYS 3650L

/* Refuses to go on if any file of an existing CA is present. */
static int refuse_existing(const struct lk_pki *pki)
{
    static const char *const files[] = {"ca/ca.key", "ca/ca.crt", "index.tsv"};
    char path[LK_PATH_MAX];
    size_t i;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        int r;
        if (lk_pki_path(pki, files[i], path, sizeof path) != 0)
            return -1;
        r = lk_path_exists(path);
        if (r < 0)
            return -1;
        if (r == 1) {
            lk_err("%s already exists: %s holds a CA; refusing to overwrite it", path, pki->dir);
            return -1;
        }
    }
    return 0;
}

int certs_verb_init(const struct lk_cli *cli)
{
    const char *dir, *name = cli->name != NULL ? cli->name : CA_DEFAULT_NAME;
    const char *key_type = cli->key_type != NULL ? cli->key_type : "p256";
    long days = cli->days > 0 ? cli->days : CA_DEFAULT_DAYS;
    char pass[LK_SECRET_MAX], cn[LK_CN_MAX + 1], path[3][LK_PATH_MAX], line[512];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_inv_entry entry;
    struct lk_txn txn;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    BIO *key_pem = NULL, *crt_pem = NULL;
    size_t llen;
    int rc = -1;

    lk_txn_init(&txn);
    pass[0] = '\0';
    if (cli->npos != 1) {
        lk_err("init takes no arguments; usage: %s", lk_cli_usage("init"));
        return -1;
    }
    if (!lk_ca_name_valid(name)) {
        lk_err("invalid --name '%s': 1 to 52 printable ASCII characters", name);
        return -1;
    }
    if (strcmp(key_type, "p256") != 0 && strcmp(key_type, "p384") != 0 &&
        strcmp(key_type, "rsa3072") != 0) {
        lk_err("unknown --key-type '%s' (expected p256, p384 or rsa3072)", key_type);
        return -1;
    }
    snprintf(cn, sizeof cn, "%s Latchkey CA", name);
    if ((dir = lk_cli_dir(cli)) == NULL || lk_cli_ca_passphrase_new(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_pki_create(&pki, dir) != 0 || refuse_existing(&pki) != 0 ||
        lk_pki_path(&pki, "ca/ca.key", path[0], sizeof path[0]) != 0 ||
        lk_pki_path(&pki, "ca/ca.crt", path[1], sizeof path[1]) != 0 ||
        lk_pki_path(&pki, "index.tsv", path[2], sizeof path[2]) != 0)
        goto out;

    if ((key = lk_keygen_type(key_type)) == NULL || (cert = lk_ca_cert_build(key, cn, days)) == NULL)
        goto out;
    key_pem = BIO_new(BIO_s_mem());
    crt_pem = BIO_new(BIO_s_mem());
    if (key_pem == NULL || crt_pem == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_pem_pkcs8(key_pem, key, pass) != 0 || lk_pem_cert(crt_pem, cert) != 0 ||
        lk_inv_entry_of(cert, "ca", &entry) != 0)
        goto out;
    memcpy(line, LK_INV_HEADER, sizeof LK_INV_HEADER);
    llen = lk_inv_format_line(&entry, line + strlen(line), sizeof line - strlen(line));
    if (llen == 0) {
        lk_err("internal: cannot format the inventory line of the CA");
        goto out;
    }
    if (lk_txn_add_bio(&txn, path[0], key_pem, 0600) != 0 ||
        lk_txn_add_bio(&txn, path[1], crt_pem, 0644) != 0 ||
        lk_txn_add(&txn, path[2], line, strlen(line), 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("created CA \"%s\" in %s (%s, serial %s, valid until %s)\n", cn, pki.dir, key_type,
           entry.serial, entry.not_after);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pass, sizeof pass);
    BIO_free(key_pem); /* memory BIOs: contents freed (the key PEM is encrypted) */
    BIO_free(crt_pem);
    X509_free(cert);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
