/* crl.c - the CRL v2 of every revoked certificate in the inventory (serial, revocation
 * date, reason code) with a CRL number, the authority key identifier, thisUpdate = now and
 * nextUpdate = now + days; and the last CRL number, kept in DIR/crlnumber. */
#include "crl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "diag.h"
#include "inventory.h"

/* The last CRL number issued (0 if none yet): one decimal number and a newline. */
int lk_crl_number_read(const char *path, unsigned long long *out)
{
    char buf[64], *end = NULL;
    FILE *f = fopen(path, "r");
    size_t n;
    *out = 0;
    if (f == NULL && errno == ENOENT)
        return 0;
    if (f == NULL) {
        lk_err("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, sizeof buf - 1, f);
    if (ferror(f)) {
        lk_err("cannot read %s: %s", path, strerror(errno));
        (void)fclose(f);
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    buf[n] = '\0';
    errno = 0;
    *out = strtoull(buf, &end, 10);
    if (n == 0 || errno != 0 || end == buf || (*end != '\n' && *end != '\0') || buf[0] == '-' ||
        *out >= (1ULL << 62)) {
        lk_err("%s does not hold a CRL number; fix it (one decimal number)", path);
        return -1;
    }
    return 0;
}

static X509_REVOKED *revoked_entry(const struct lk_inv_entry *e)
{
    X509_REVOKED *rev = X509_REVOKED_new();
    BIGNUM *bn = NULL;
    ASN1_INTEGER *serial = NULL;
    ASN1_TIME *when = NULL;
    ASN1_ENUMERATED *reason = NULL;
    int code = lk_reason_code(e->reason), ok = 0;
    time_t t;

    if (rev == NULL || lkh_iso_parse(e->revoked_at, LKH_ISO_EXACT, &t) != 0 || code < 0 || BN_hex2bn(&bn, e->serial) == 0)
        goto out;
    serial = BN_to_ASN1_INTEGER(bn, NULL);
    when = ASN1_TIME_set(NULL, t);
    if (serial == NULL || when == NULL || X509_REVOKED_set_serialNumber(rev, serial) != 1 ||
        X509_REVOKED_set_revocationDate(rev, when) != 1)
        goto out;
    /* RFC 5280 5.3.1: the reason code is left out rather than given as unspecified (0). */
    if (code != 0) {
        reason = ASN1_ENUMERATED_new();
        if (reason == NULL || ASN1_ENUMERATED_set(reason, code) != 1 ||
            X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0) != 1)
            goto out;
    }
    ok = 1;
out:
    ASN1_ENUMERATED_free(reason);
    ASN1_TIME_free(when);
    ASN1_INTEGER_free(serial);
    BN_free(bn);
    if (!ok) {
        lk_err_ssl("cannot add revoked serial %s (revoked_at %s, reason %s) to the CRL", e->serial,
                   e->revoked_at, e->reason);
        X509_REVOKED_free(rev);
        return NULL;
    }
    return rev;
}

static int add_extensions(X509_CRL *crl, X509 *ca, unsigned long long number)
{
    X509V3_CTX ctx;
    X509_EXTENSION *aki;
    ASN1_INTEGER *num = ASN1_INTEGER_new();
    int ok;
    X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
    aki = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
    ok = aki != NULL && X509_CRL_add_ext(crl, aki, -1) == 1 && num != NULL &&
         ASN1_INTEGER_set_uint64(num, number) == 1 &&
         X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) == 1;
    X509_EXTENSION_free(aki);
    ASN1_INTEGER_free(num);
    if (!ok)
        lk_err_ssl("cannot add the CRL extensions");
    return ok ? 0 : -1;
}

X509_CRL *lk_crl_build(const struct lk_inv *inv, X509 *ca, EVP_PKEY *ca_key, long days,
                        unsigned long long number, int *nrevoked)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = NULL, *next = NULL;
    time_t now = time(NULL);
    size_t i;
    *nrevoked = 0;
    if (crl == NULL || (last = ASN1_TIME_set(NULL, now)) == NULL ||
        (next = ASN1_TIME_adj(NULL, now, (int)days, 0)) == NULL ||
        X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
        X509_CRL_set1_lastUpdate(crl, last) != 1 || X509_CRL_set1_nextUpdate(crl, next) != 1) {
        lk_err_ssl("cannot build the CRL");
        goto fail;
    }
    if (ASN1_TIME_compare(next, X509_get0_notAfter(ca)) > 0) {
        lk_err("a CRL valid %ld days would outlive the CA certificate; use a smaller --days", days);
        goto fail;
    }
    for (i = 0; i < inv->n; i++) {
        X509_REVOKED *rev;
        if (strcmp(inv->e[i].status, LK_STATUS_REVOKED) != 0)
            continue;
        if ((rev = revoked_entry(&inv->e[i])) == NULL)
            goto fail;
        if (X509_CRL_add0_revoked(crl, rev) != 1) {
            X509_REVOKED_free(rev);
            lk_err_ssl("cannot add a revoked certificate to the CRL");
            goto fail;
        }
        (*nrevoked)++;
    }
    if (X509_CRL_sort(crl) != 1 || add_extensions(crl, ca, number) != 0)
        goto fail;
    if (X509_CRL_sign(crl, ca_key, lk_sign_md(ca_key)) <= 0) {
        lk_err_ssl("cannot sign the CRL");
        goto fail;
    }
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    return crl;
fail:
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return NULL;
}
