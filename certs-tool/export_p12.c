/* export_p12.c - "export": a password-protected PKCS#12 of a user's client certificate,
 * key and the CA certificate, for a phone. Modern form: OpenSSL 3 defaults (AES-256-CBC,
 * PBKDF2, SHA-256 MAC); --legacy: pbeWithSHA1And3-KeyTripleDES-CBC bags and a SHA-1 MAC,
 * which every phone imports (DEPENDENCY-NOTES "PKCS#12 for phones"). */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

/* The user's client certificate from the inventory and files, checked against each other. */
static int load_client(const struct lk_pki *pki, const char *user, X509 **cert, EVP_PKEY **key)
{
    char rel[LK_PATH_MAX], path[LK_PATH_MAX], now[LK_ISO_LEN + 1], cn[LK_CN_MAX + 1];
    struct lk_inv_entry found;
    char *text = NULL;
    size_t len = 0;
    int r;

    if (lk_pki_path(pki, "index.tsv", path, sizeof path) != 0 || lk_inv_read(path, &text, &len) != 0)
        return -1;
    r = lk_time_iso(time(NULL), now) == 0 ? lk_inv_find_valid(text, len, user, "client", now, &found) : -1;
    free(text);
    if (r < 0)
        return -1;
    if (r == 0 || strcmp(found.cn, user) != 0) {
        lk_err("no valid client certificate for '%s' in %s; issue one with 'issue client %s'", user,
               path, user);
        return -1;
    }
    snprintf(rel, sizeof rel, "issued/%s.crt", user);
    if (lk_pki_path(pki, rel, path, sizeof path) != 0 || (*cert = lk_load_cert(path)) == NULL)
        return -1;
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(*cert), NID_commonName, cn, (int)sizeof cn) <= 0 ||
        strcmp(cn, user) != 0) {
        lk_err("%s is not the certificate of '%s'", path, user);
        return -1;
    }
    snprintf(rel, sizeof rel, "private/%s.key", user);
    if (lk_pki_path(pki, rel, path, sizeof path) != 0)
        return -1;
    if ((*key = lk_load_key(path, NULL)) == NULL) {
        lk_err_ssl("cannot read private key %s", path);
        return -1;
    }
    if (X509_check_private_key(*cert, *key) != 1) {
        ERR_clear_error();
        lk_err("%s does not match the certificate of '%s'", path, user);
        return -1;
    }
    return 0;
}

static PKCS12 *build_p12(const char *pw, const char *user, EVP_PKEY *key, X509 *cert, X509 *ca, int legacy)
{
    STACK_OF(X509) *cas = sk_X509_new_null();
    PKCS12 *p12 = NULL;
    int pbe = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : 0; /* 0 = default (AES-256-CBC) */

    if (cas == NULL || sk_X509_push(cas, ca) <= 0) {
        lk_err_ssl("out of memory");
        sk_X509_free(cas);
        return NULL;
    }
    /* Legacy: no MAC at creation (-1), then a SHA-1 MAC below; modern: the default SHA-256 MAC. */
    p12 = PKCS12_create_ex(pw, user, key, cert, cas, pbe, pbe, PKCS12_DEFAULT_ITER,
                           legacy ? -1 : PKCS12_DEFAULT_ITER, 0, NULL, NULL);
    sk_X509_free(cas); /* the stack only; ca stays owned by the caller */
    if (p12 == NULL) {
        lk_err_ssl("cannot build the PKCS#12");
        return NULL;
    }
    if (legacy && PKCS12_set_mac(p12, pw, -1, NULL, 0, PKCS12_DEFAULT_ITER, EVP_sha1()) != 1) {
        lk_err_ssl("cannot add the SHA-1 MAC to the PKCS#12");
        PKCS12_free(p12);
        return NULL;
    }
    return p12;
}

int lk_cmd_export(const struct lk_cli *cli)
{
    const char *user, *dir;
    char pw[LK_SECRET_MAX], ca_path[LK_PATH_MAX];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    X509 *cert = NULL, *ca = NULL;
    EVP_PKEY *key = NULL;
    PKCS12 *p12 = NULL;
    BIO *der = NULL;
    int generated = cli->password_file == NULL, rc = -1;

    lk_txn_init(&txn);
    pw[0] = '\0';
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "export needs a user name" : "too many arguments",
               lk_cli_usage("export"));
        return -1;
    }
    user = cli->pos[1];
    if (!lk_user_name_valid(user)) {
        lk_err("invalid user name '%s'", user);
        return -1;
    }
    if (cli->out == NULL || *cli->out == '\0') {
        lk_err("export needs --out FILE.p12");
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL)
        return -1;
    if (generated ? lk_password_generate(pw) != 0
                  : lk_read_secret_file(cli->password_file, "export password", pw, sizeof pw) != 0)
        goto out;
    if (lk_pki_open(&pki, dir) != 0 || load_client(&pki, user, &cert, &key) != 0 ||
        lk_pki_path(&pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 ||
        (ca = lk_load_cert(ca_path)) == NULL)
        goto out;
    if ((p12 = build_p12(pw, user, key, cert, ca, cli->legacy)) == NULL)
        goto out;
    der = BIO_new(BIO_s_secmem());
    if (der == NULL || i2d_PKCS12_bio(der, p12) != 1) {
        lk_err_ssl("cannot encode the PKCS#12");
        goto out;
    }
    if (lk_txn_add_bio(&txn, cli->out, der, 0600) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote %s (%s) for %s\n", cli->out,
           cli->legacy ? "legacy: 3DES, SHA-1 MAC" : "AES-256-CBC, SHA-256 MAC", user);
    if (generated)
        printf("password: %s\n", pw);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pw, sizeof pw);
    BIO_free(der);
    PKCS12_free(p12);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    lk_pki_close(&pki);
    return rc;
}
