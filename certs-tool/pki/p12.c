/* p12.c - the phone's PKCS#12 (p12.h): the user's client certificate and key and the CA,
 * under the export password, in the modern form (OpenSSL 3 defaults: AES-256-CBC, PBKDF2,
 * SHA-256 MAC) or the legacy one (pbeWithSHA1And3-KeyTripleDES-CBC, SHA-1 MAC). */
#include "p12.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "certgen.h"
#include "diag.h"
#include "leaf_load.h"
#include "pki_dir.h"

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
