/* revoked.c - loading and checking the CRL for the broker plugin (revoked.h). */
#include "revoked.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>

#include <lkhost/crl.h>
#include <lkhost/pem_load.h>

int revoked_open(struct revoked *r, const char *floor_path, char *err, size_t errcap)
{
    r->crl = NULL;
    return crl_floor_open(&r->floor, floor_path, err, errcap);
}

static const char *read_failure(enum lkh_crl_read s)
{
    switch (s) {
    case LKH_CRL_OK: break;
    case LKH_CRL_MISSING: return "cannot be read";
    case LKH_CRL_UNPARSABLE: return "is not one plain PEM CRL";
    case LKH_CRL_BAD_SIGNATURE: return "is not signed by the CA";
    }
    return "cannot be used";
}

/* 1 if crl may replace the one in force (else why in err). */
static int in_order(const struct revoked *r, X509_CRL *crl, const char *crl_path, char *err,
                    size_t errcap)
{
    char num[128], floor[128];
    enum crl_order o = crl_floor_order(&r->floor, crl, num, sizeof num);
    crl_floor_number(&r->floor, floor, sizeof floor);
    switch (o) {
    case CRL_ORDER_NEWER:
    case CRL_ORDER_SAME: return 1;
    case CRL_ORDER_NO_NUMBER:
        snprintf(err, errcap, "the CRL %s has no CRL number: refused (it cannot be ordered)",
                 crl_path);
        return 0;
    case CRL_ORDER_OLDER:
    case CRL_ORDER_CONFLICT:
        snprintf(
            err, errcap,
            "the CRL %s has number %s, %s %s accepted before (an older CRL put back?): refused",
            crl_path, num,
            o == CRL_ORDER_OLDER ? "lower than" : "other content than the CRL numbered", floor);
        return 0;
    }
    return 0;
}

int revoked_load(struct revoked *r, const char *crl_path, const char *ca_path, char *err, size_t errcap)
{
    X509 *ca = lkh_cert_load(ca_path);
    STACK_OF(X509) *cas = sk_X509_new_null();
    X509_CRL *crl = NULL;
    enum lkh_crl_read s;
    int rc = -1;

    if (ca == NULL || cas == NULL || sk_X509_push(cas, ca) == 0)
        snprintf(err, errcap, "cannot read the CA certificate %s", ca_path);
    else if ((s = lkh_crl_read(crl_path, cas, &crl, NULL)) != LKH_CRL_OK)
        snprintf(err, errcap, "the CRL %s %s (CA %s)", crl_path, read_failure(s), ca_path);
    else if (in_order(r, crl, crl_path, err, errcap)) {
        rc = crl_floor_raise(&r->floor, crl, err, errcap) == 0 ? 0 : 1;
        X509_CRL_free(r->crl);
        r->crl = crl;
        crl = NULL;
    }
    X509_CRL_free(crl);
    sk_X509_free(cas);
    X509_free(ca);
    return rc;
}

void revoked_number(const struct revoked *r, char *out, size_t cap)
{
    crl_floor_number(&r->floor, out, cap);
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
    crl_floor_free(&r->floor);
}
