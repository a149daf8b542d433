/* export_p12.c - "export": a password-protected PKCS#12 of a user's client certificate,
 * key and the CA certificate, for a phone. Modern form: OpenSSL 3 defaults (AES-256-CBC,
 * PBKDF2, SHA-256 MAC); --legacy: pbeWithSHA1And3-KeyTripleDES-CBC bags and a SHA-1 MAC,
 * which every phone imports (DEPENDENCY-NOTES "PKCS#12 for phones"). --mobileconfig also
 * wraps it into an iOS configuration profile (mobileconfig.c). */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

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

int lk_p12_for_user(const struct lk_pki *pki, const char *user, const char *pw, int legacy,
                    BIO **der)
{
    char ca_path[LK_PATH_MAX];
    X509 *cert = NULL, *ca = NULL;
    EVP_PKEY *key = NULL;
    PKCS12 *p12 = NULL;
    int rc = -1;

    *der = NULL;
    if (lk_leaf_load(pki, "client", user, &cert, &key) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 ||
        (ca = lk_load_cert(ca_path)) == NULL)
        goto out;
    if ((p12 = build_p12(pw, user, key, cert, ca, legacy)) == NULL)
        goto out;
    *der = BIO_new(BIO_s_secmem());
    if (*der == NULL || i2d_PKCS12_bio(*der, p12) != 1) {
        lk_err_ssl("cannot encode the PKCS#12");
        BIO_free(*der);
        *der = NULL;
        goto out;
    }
    rc = 0;
out:
    PKCS12_free(p12);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    return rc;
}

/* The iOS profile: the legacy p12 (iOS refuses the modern one) and the CA. */
static int add_mobileconfig(struct lk_txn *txn, const struct lk_pki *pki, const char *path,
                            const char *user, const char *pw, int embed)
{
    char ca_path[LK_PATH_MAX];
    BIO *der = NULL, *xml = NULL;
    X509 *ca = NULL;
    const unsigned char *p12 = NULL;
    long p12_len;
    int rc = -1;

    if (lk_p12_for_user(pki, user, pw, 1, &der) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 ||
        (ca = lk_load_cert(ca_path)) == NULL)
        goto out;
    p12_len = BIO_get_mem_data(der, (char **)&p12);
    xml = BIO_new(BIO_s_secmem());
    if (xml == NULL || p12_len <= 0) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_mobileconfig_build(xml, user, p12, (size_t)p12_len, ca, embed ? pw : NULL) != 0 ||
        lk_txn_add_bio(txn, path, xml, 0600) != 0)
        goto out;
    rc = 0;
out:
    BIO_free(xml);
    BIO_free(der);
    X509_free(ca);
    return rc;
}

int lk_cmd_export(const struct lk_cli *cli)
{
    const char *user, *dir;
    char pw[LK_SECRET_MAX];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    BIO *der = NULL;
    int generated = cli->password_file == NULL, rc = -1;
    int want_p12 = cli->out != NULL && *cli->out != '\0';
    int want_mc = cli->mobileconfig != NULL && *cli->mobileconfig != '\0';

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
    if (!want_p12 && !want_mc) {
        lk_err("export needs --out FILE.p12 and/or --mobileconfig FILE");
        return -1;
    }
    if (cli->embed_password && !want_mc) {
        lk_err("--embed-password only applies with --mobileconfig");
        return -1;
    }
    if (want_p12 && want_mc && strcmp(cli->out, cli->mobileconfig) == 0) {
        lk_err("--out and --mobileconfig name the same file");
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL)
        return -1;
    if (generated ? lk_password_generate(pw) != 0
                  : lk_read_secret_file(cli->password_file, "export password", pw, sizeof pw) != 0)
        goto out;
    if (lk_pki_open(&pki, dir) != 0)
        goto out;
    if (want_p12 && (lk_p12_for_user(&pki, user, pw, cli->legacy, &der) != 0 ||
                     lk_txn_add_bio(&txn, cli->out, der, 0600) != 0))
        goto out;
    if (want_mc && add_mobileconfig(&txn, &pki, cli->mobileconfig, user, pw, cli->embed_password) != 0)
        goto out;
    if (lk_txn_commit(&txn) != 0)
        goto out;
    if (want_p12)
        printf("wrote %s (%s) for %s\n", cli->out,
               cli->legacy ? "legacy: 3DES, SHA-1 MAC" : "AES-256-CBC, SHA-256 MAC", user);
    if (want_mc)
        printf("wrote %s (iOS profile, legacy p12 + CA; password %s) for %s\n", cli->mobileconfig,
               cli->embed_password ? "EMBEDDED: keep the file secret" : "not embedded", user);
    if (generated)
        printf("password: %s\n", pw);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pw, sizeof pw);
    BIO_free(der);
    lk_pki_close(&pki);
    return rc;
}
