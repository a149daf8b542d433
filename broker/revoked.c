/* revoked.c - loading and checking the CRL for the broker plugin (revoked.h). */
#include "revoked.h"

#include <stdio.h>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static X509 *read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *c;
    if (f == NULL)
        return NULL;
    c = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return c;
}

static X509_CRL *read_crl(const char *path)
{
    FILE *f = fopen(path, "r");
    X509_CRL *c;
    if (f == NULL)
        return NULL;
    c = PEM_read_X509_CRL(f, NULL, NULL, NULL);
    fclose(f);
    return c;
}

static long crl_number(X509_CRL *crl)
{
    ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
    long v = n != NULL ? ASN1_INTEGER_get(n) : -1;
    ASN1_INTEGER_free(n);
    return v;
}

int revoked_load(struct revoked *r, const char *crl_path, const char *ca_path, char *err, size_t errcap)
{
    X509 *ca = read_cert(ca_path);
    X509_CRL *crl = read_crl(crl_path);
    EVP_PKEY *key = ca != NULL ? X509_get0_pubkey(ca) : NULL;
    long number;
    int rc = -1;

    if (ca == NULL || key == NULL)
        snprintf(err, errcap, "cannot read the CA certificate %s", ca_path);
    else if (crl == NULL)
        snprintf(err, errcap, "cannot read the CRL %s", crl_path);
    else if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0 ||
             X509_CRL_verify(crl, key) != 1)
        snprintf(err, errcap, "the CRL %s is not signed by the CA %s", crl_path, ca_path);
    else if ((number = crl_number(crl)) < r->number)
        snprintf(err, errcap, "the CRL %s has number %ld, lower than %ld in use: refused", crl_path, number,
                 r->number);
    else {
        X509_CRL_free(r->crl);
        r->crl = crl;
        r->number = number;
        crl = NULL;
        rc = 0;
    }
    X509_CRL_free(crl);
    X509_free(ca);
    return rc;
}

int revoked_has(const unsigned char *serial, size_t len, void *arg)
{
    struct revoked *r = arg;
    X509_REVOKED *entry = NULL;
    ASN1_INTEGER *ai;
    int found;
    if (r->crl == NULL)
        return -1;
    if ((ai = ASN1_INTEGER_new()) == NULL || ASN1_STRING_set(ai, serial, (int)len) != 1) {
        ASN1_INTEGER_free(ai);
        return -1;
    }
    found = X509_CRL_get0_by_serial(r->crl, &entry, ai);
    ASN1_INTEGER_free(ai);
    return found == 1 ? 1 : 0;
}

void revoked_free(struct revoked *r)
{
    X509_CRL_free(r->crl);
    r->crl = NULL;
}
