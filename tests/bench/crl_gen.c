/* crl_gen.c - latchkey-crl-gen: writes a CRL of a latchkey-certs CA with N synthetic
 * revoked serials (16 random bytes each, as latchkey-certs draws them) and the serials given
 * on the command line, numbered NUMBER, valid for 30 days, for the CRL growth benchmarks
 * (scripts/bench.sh --only crl) and the large-CRL swap test. The CA key may be encrypted:
 * its passphrase is read from LATCHKEY_CA_PASSPHRASE. Written to OUT.tmp, then renamed.
 * usage: latchkey-crl-gen CA_CERT CA_KEY OUT N NUMBER [SERIAL_HEX...] */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Writes one message to stderr; stderr itself failing leaves nobody to tell. */
static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vfprintf(stderr, fmt, ap);
    va_end(ap);
    (void)n;
}

static int add_revoked(X509_CRL *crl, ASN1_INTEGER *sn, const ASN1_TIME *when)
{
    X509_REVOKED *r = X509_REVOKED_new();
    if (r == NULL || X509_REVOKED_set_serialNumber(r, sn) != 1 ||
        X509_REVOKED_set_revocationDate(r, (ASN1_TIME *)when) != 1 ||
        X509_CRL_add0_revoked(crl, r) != 1) {
        X509_REVOKED_free(r);
        return -1;
    }
    return 0;
}

/* n random serials, then the hex ones. */
static int add_serials(X509_CRL *crl, long n, char **hex, int n_hex, const ASN1_TIME *when)
{
    unsigned char raw[16];
    BIGNUM *bn = NULL;
    long i;
    int rc = 0;

    for (i = 0; i < n + n_hex && rc == 0; i++) {
        ASN1_INTEGER *sn;
        if (i < n) {
            if (RAND_bytes(raw, sizeof raw) != 1)
                return -1;
            raw[0] &= 0x7f; /* positive */
            bn = BN_bin2bn(raw, sizeof raw, bn);
        } else if (BN_hex2bn(&bn, hex[i - n]) == 0) {
            complain("latchkey-crl-gen: %s: not a hex serial\n", hex[i - n]);
            return -1;
        }
        sn = bn != NULL ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
        rc = sn != NULL ? add_revoked(crl, sn, when) : -1;
        ASN1_INTEGER_free(sn);
    }
    BN_free(bn);
    return rc;
}

static X509_CRL *make_crl(X509 *ca, long n, long number, char **hex, int n_hex)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();
    ASN1_INTEGER *num = ASN1_INTEGER_new();
    int ok = crl != NULL && t != NULL && num != NULL && X509_CRL_set_version(crl, 1) == 1 &&
             X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) == 1 &&
             X509_gmtime_adj(t, -60) != NULL && X509_CRL_set1_lastUpdate(crl, t) == 1 &&
             add_serials(crl, n, hex, n_hex, t) == 0 && X509_gmtime_adj(t, 30L * 86400) != NULL &&
             X509_CRL_set1_nextUpdate(crl, t) == 1 && ASN1_INTEGER_set(num, number) == 1 &&
             X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) == 1 && X509_CRL_sort(crl) == 1;
    ASN1_TIME_free(t);
    ASN1_INTEGER_free(num);
    if (!ok) {
        X509_CRL_free(crl);
        return NULL;
    }
    return crl;
}

int main(int argc, char **argv)
{
    const char *pass = getenv("LATCHKEY_CA_PASSPHRASE");
    char tmp[4096];
    X509 *ca = NULL;
    EVP_PKEY *key = NULL;
    X509_CRL *crl = NULL;
    FILE *f;
    int rc = 1;

    if (argc < 6) {
        complain("usage: latchkey-crl-gen CA_CERT CA_KEY OUT N NUMBER [SERIAL_HEX...]\n");
        return 2;
    }
    f = fopen(argv[1], "r");
    if (f != NULL) {
        ca = PEM_read_X509(f, NULL, NULL, NULL);
        (void)fclose(f); /* read-only */
    }
    f = fopen(argv[2], "r");
    if (f != NULL) {
        key = PEM_read_PrivateKey(f, NULL, NULL, (void *)(pass != NULL ? pass : ""));
        (void)fclose(f); /* read-only */
    }
    if (ca == NULL || key == NULL) {
        complain("latchkey-crl-gen: cannot read %s or %s (LATCHKEY_CA_PASSPHRASE?)\n", argv[1],
                 argv[2]);
        goto out;
    }
    crl = make_crl(ca, atol(argv[4]), atol(argv[5]), argv + 6, argc - 6);
    if (crl == NULL || X509_CRL_sign(crl, key, EVP_sha256()) <= 0) {
        complain("latchkey-crl-gen: cannot make the CRL\n");
        goto out;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[3]);
    f = fopen(tmp, "w");
    if (f == NULL || PEM_write_X509_CRL(f, crl) != 1 || fclose(f) != 0 ||
        rename(tmp, argv[3]) != 0) {
        complain("latchkey-crl-gen: cannot write %s\n", argv[3]);
        goto out;
    }
    rc = 0;
out:
    X509_CRL_free(crl);
    EVP_PKEY_free(key);
    X509_free(ca);
    return rc;
}
