/* ca.c - the CA: "init" creates its key (P-256 by default, or P-384 / RSA-3072; PKCS#8,
 * AES-256-CBC under the passphrase) and self-signed certificate; lk_ca_load opens them
 * for signing and refuses a CA certificate outside its validity. */
#include "certs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#define CA_DEFAULT_NAME "Latchkey"
#define CA_DEFAULT_DAYS 3650L

static X509 *build_ca_cert(EVP_PKEY *key, const char *cn, long days)
{
    X509 *cert = X509_new();
    if (cert == NULL) {
        lk_err_ssl("out of memory");
        return NULL;
    }
    if (X509_set_version(cert, X509_VERSION_3) != 1 || lk_set_random_serial(cert) != 0 ||
        lk_set_subject_cn(cert, cn) != 0 ||
        X509_set_issuer_name(cert, X509_get_subject_name(cert)) != 1 ||
        lk_set_validity(cert, days) != 0 || X509_set_pubkey(cert, key) != 1 ||
        lk_add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") != 0 ||
        lk_add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
        lk_add_ext(cert, cert, NID_subject_key_identifier, "hash") != 0 ||
        lk_add_ext(cert, cert, NID_authority_key_identifier, "keyid:always") != 0)
        goto fail;
    if (X509_sign(cert, key, lk_sign_md(key)) <= 0) {
        lk_err_ssl("cannot sign the CA certificate");
        goto fail;
    }
    return cert;
fail:
    if (ERR_peek_error() != 0)
        lk_err_ssl("cannot build the CA certificate");
    X509_free(cert);
    return NULL;
}

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

int lk_cmd_init(const struct lk_cli *cli)
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

    if ((key = lk_keygen_type(key_type)) == NULL || (cert = build_ca_cert(key, cn, days)) == NULL)
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

int lk_ca_load(const struct lk_pki *pki, const char *pass, X509 **cert, EVP_PKEY **key)
{
    char crt_path[LK_PATH_MAX], key_path[LK_PATH_MAX];
    *cert = NULL;
    *key = NULL;
    if (lk_pki_path(pki, "ca/ca.crt", crt_path, sizeof crt_path) != 0 ||
        lk_pki_path(pki, "ca/ca.key", key_path, sizeof key_path) != 0)
        return -1;
    if ((*cert = lk_load_cert(crt_path)) == NULL)
        return -1;
    if (X509_cmp_current_time(X509_get0_notAfter(*cert)) <= 0) {
        char end[LK_ISO_LEN + 1] = "?";
        struct tm tm;
        if (ASN1_TIME_to_tm(X509_get0_notAfter(*cert), &tm) != 1 ||
            strftime(end, sizeof end, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            strcpy(end, "?");
        lk_err("the CA certificate %s expired on %s; it can sign nothing more (create a new CA)",
               crt_path, end);
        goto fail;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(*cert)) >= 0) {
        lk_err("the CA certificate %s is not valid yet (check the clock)", crt_path);
        goto fail;
    }
    *key = lk_load_key(key_path, pass);
    if (*key == NULL) {
        ERR_clear_error();
        lk_err("cannot decrypt the CA key %s: wrong passphrase or damaged file", key_path);
        goto fail;
    }
    if (X509_check_private_key(*cert, *key) != 1) {
        ERR_clear_error();
        lk_err("the CA key %s does not match the CA certificate %s", key_path, crt_path);
        goto fail;
    }
    return 0;
fail:
    X509_free(*cert);
    EVP_PKEY_free(*key);
    *cert = NULL;
    *key = NULL;
    return -1;
}
