/* list_crl.c - the CRL line of `latchkey-certs list` (see list_crl.h). */
#include "list_crl.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>

/* *left = seconds from now until t (negative once passed); 0 if unreadable. */
static int seconds_until(const ASN1_TIME *t, time_t now, long *left)
{
    ASN1_TIME *from = ASN1_TIME_set(NULL, now);
    int days = 0, secs = 0;
    int ok = from != NULL && t != NULL && ASN1_TIME_diff(&days, &secs, from, t) == 1;
    ASN1_TIME_free(from);
    *left = (long)days * 86400L + secs;
    return ok;
}

static void print_crl(X509_CRL *crl, const char *path, time_t now)
{
    ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
    BIGNUM *bn = num != NULL ? ASN1_INTEGER_to_BN(num, NULL) : NULL;
    char *dec = bn != NULL ? BN_bn2dec(bn) : NULL;
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
    long left = 0;

    if (next == NULL || !seconds_until(next, now, &left))
        printf("CRL %s: number %s, no nextUpdate\n", path, dec != NULL ? dec : "-");
    else if (left <= 0)
        printf(
            "CRL %s: number %s, EXPIRED %ld days ago: every phone and device is refused; "
            "run 'latchkey-certs crl' and bring the CRL to the VPS\n",
            path, dec != NULL ? dec : "-", -left / 86400);
    else
        printf("CRL %s: number %s, next update in %ld days %ld hours%s\n", path,
               dec != NULL ? dec : "-", left / 86400, left % 86400 / 3600,
               left < LIST_CRL_WARN_DAYS * 86400L ? "  EXPIRING: run 'latchkey-certs crl' and "
                                                    "bring the CRL to the VPS"
                                                  : "");
    OPENSSL_free(dec);
    BN_free(bn);
    ASN1_INTEGER_free(num);
}

void list_crl_print(const struct lk_pki *pki, time_t now)
{
    char path[LK_PATH_MAX];
    X509_CRL *crl = NULL;
    FILE *f;

    if (lk_pki_path(pki, "crl.pem", path, sizeof path) != 0)
        return;
    f = fopen(path, "r");
    if (f == NULL) {
        printf("CRL %s: none signed yet (run 'latchkey-certs crl')\n", path);
        return;
    }
    crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    if (crl == NULL) {
        printf("CRL %s: not a PEM CRL\n", path);
        return;
    }
    print_crl(crl, path, now);
    X509_CRL_free(crl);
}
