/* scep_ra.c - the per-run RA certificate of scep (scep_ra.h). */
#include "scep_ra.h"

#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "diag.h"

#define RA_BITS 2048
#define RA_DAYS 1

int lk_scep_ra_make(X509 *ca, EVP_PKEY *ca_key, X509 **cert, EVP_PKEY **key)
{
    EVP_PKEY *k = EVP_RSA_gen(RA_BITS);
    X509 *c = X509_new();
    *cert = NULL;
    *key = NULL;
    if (k == NULL || c == NULL) {
        lk_err_ssl("cannot make the SCEP RA key");
        goto fail;
    }
    if (X509_set_version(c, X509_VERSION_3) != 1 || lk_set_random_serial(c) != 0 ||
        lk_set_subject_cn(c, LK_SCEP_RA_CN) != 0 ||
        X509_set_issuer_name(c, X509_get_subject_name(ca)) != 1 ||
        lk_set_validity(c, RA_DAYS) != 0 || X509_set_pubkey(c, k) != 1 ||
        lk_add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        lk_add_ext(c, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment") != 0 ||
        lk_add_ext(c, ca, NID_ext_key_usage, "1.3.6.1.5.5.7.3.28") != 0 || /* id-kp-cmcRA */
        lk_add_ext(c, ca, NID_subject_key_identifier, "hash") != 0 ||
        lk_add_ext(c, ca, NID_authority_key_identifier, "keyid:always") != 0)
        goto fail;
    if (X509_sign(c, ca_key, lk_sign_md(ca_key)) <= 0) {
        lk_err_ssl("cannot sign the SCEP RA certificate");
        goto fail;
    }
    *cert = c;
    *key = k;
    return 0;
fail:
    X509_free(c);
    EVP_PKEY_free(k);
    return -1;
}
