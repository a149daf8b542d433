/* ca.c - the CA: its self-signed certificate (for init), and lk_ca_load, which opens
 * certificate and key for signing and refuses a CA certificate outside its validity. */
#include "ca.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <lkhost/iso_time.h>

#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "pki_dir.h"

X509 *lk_ca_cert_build(EVP_PKEY *key, const char *cn, long days)
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

/* Refuses a CA certificate outside its validity: it can sign nothing. */
static int ca_valid_now(X509 *cert, const char *crt_path, const void *arg)
{
    (void)arg;
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
        char end[LK_ISO_LEN + 1] = "?";
        struct tm tm;
        if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1 || lkh_iso_from_tm(&tm, end) != 0)
            strcpy(end, "?");
        lk_err("the CA certificate %s expired on %s; it can sign nothing more (create a new CA)",
               crt_path, end);
        return -1;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
        lk_err("the CA certificate %s is not valid yet (check the clock)", crt_path);
        return -1;
    }
    return 0;
}

int lk_ca_load(const struct lk_pki *pki, const char *pass, X509 **cert, EVP_PKEY **key)
{
    char crt_path[LK_PATH_MAX], key_path[LK_PATH_MAX], bad_key[LK_PATH_MAX + 80],
        mismatch[2 * LK_PATH_MAX + 80];
    struct lk_pair_check chk = {ca_valid_now, NULL, bad_key, 0, mismatch};
    *cert = NULL;
    *key = NULL;
    if (lk_pki_path(pki, "ca/ca.crt", crt_path, sizeof crt_path) != 0 ||
        lk_pki_path(pki, "ca/ca.key", key_path, sizeof key_path) != 0)
        return -1;
    snprintf(bad_key, sizeof bad_key, "cannot decrypt the CA key %s: wrong passphrase or damaged file",
             key_path);
    snprintf(mismatch, sizeof mismatch, "the CA key %s does not match the CA certificate %s", key_path,
             crt_path);
    return lk_load_pair(crt_path, key_path, pass, &chk, cert, key);
}
