/* crl.c - reading a signed CRL and its number (crl.h), on OpenSSL 3. */
#include "lkhost/crl.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* 1 if the CRL is a plain complete CRL of one issuer that a serial lookup applies in full:
 * no delta or partitioned (issuingDistributionPoint) CRL, no indirect entries, and no
 * critical extension (of the CRL or an entry) beyond those OpenSSL itself handles. */
int lkh_crl_plain(X509_CRL *crl)
{
    const STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
    int i, j;

    if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0 ||
        X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1) >= 0)
        return 0;
    for (i = 0; i < X509_CRL_get_ext_count(crl); i++) {
        X509_EXTENSION *e = X509_CRL_get_ext(crl, i);
        if (X509_EXTENSION_get_critical(e) &&
            OBJ_obj2nid(X509_EXTENSION_get_object(e)) != NID_authority_key_identifier)
            return 0;
    }
    for (i = 0; i < sk_X509_REVOKED_num(revs); i++) {
        const X509_REVOKED *r = sk_X509_REVOKED_value(revs, i);
        if (X509_REVOKED_get_ext_by_NID(r, NID_certificate_issuer, -1) >= 0)
            return 0;
        for (j = 0; j < X509_REVOKED_get_ext_count(r); j++)
            if (X509_EXTENSION_get_critical(X509_REVOKED_get_ext(r, j)))
                return 0;
    }
    return 1;
}

enum lkh_crl_read lkh_crl_read(const char *path, STACK_OF(X509) * ca, X509_CRL **crl, int *signer)
{
    BIO *in = BIO_new_file(path, "r");
    X509_CRL *c;
    int i, by = -1;

    *crl = NULL;
    if (signer != NULL)
        *signer = -1;
    if (in == NULL) {
        ERR_clear_error();
        return LKH_CRL_MISSING;
    }
    c = PEM_read_bio_X509_CRL(in, NULL, NULL, NULL);
    BIO_free(in);
    ERR_clear_error();
    if (c == NULL)
        return LKH_CRL_UNPARSABLE;
    if (!lkh_crl_plain(c)) {
        X509_CRL_free(c);
        return LKH_CRL_UNPARSABLE;
    }
    for (i = 0; i < sk_X509_num(ca) && by < 0; i++) {
        X509 *x = sk_X509_value(ca, i);
        EVP_PKEY *k = X509_get0_pubkey(x);
        if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(x)) == 0 && k != NULL &&
            X509_CRL_verify(c, k) == 1)
            by = i;
    }
    ERR_clear_error();
    if (by < 0) {
        X509_CRL_free(c);
        return LKH_CRL_BAD_SIGNATURE;
    }
    *crl = c;
    if (signer != NULL)
        *signer = by;
    return LKH_CRL_OK;
}

BIGNUM *lkh_crl_number(X509_CRL *crl)
{
    int crit = 0;
    ASN1_INTEGER *ai = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
    BIGNUM *bn = ai != NULL ? ASN1_INTEGER_to_BN(ai, NULL) : NULL;
    ASN1_INTEGER_free(ai);
    ERR_clear_error();
    if (bn != NULL && BN_is_negative(bn)) {
        BN_free(bn);
        bn = NULL;
    }
    return bn;
}
