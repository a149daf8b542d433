/* config_check.c - --check-config's PKI checks: certificates against their keys, their
 * dates and their CAs, and the CRL's dates (see config_check.h). */
#include "config_check.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include <lkhost/pem_load.h>

#include "tls_store.h"

/* The certificates of a PEM file (conf_load has read it once already). */
static STACK_OF(X509) * read_certs(const char *path)
{
    FILE *f = fopen(path, "r");
    STACK_OF(X509) *sk = f != NULL ? sk_X509_new_null() : NULL;
    X509 *x;

    while (sk != NULL && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
        if (sk_X509_push(sk, x) == 0) {
            X509_free(x);
            break;
        }
    if (f != NULL)
        (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    return sk;
}

/* notBefore / notAfter of x against now; what names the certificate in messages. */
static void check_dates(X509 *x, const char *what, const char *path, time_t now,
                        struct check_report *r)
{
    int days = 0, secs = 0;
    ASN1_TIME *t = ASN1_TIME_set(NULL, now);

    if (t == NULL)
        return;
    if (X509_cmp_time(X509_get0_notBefore(x), &now) > 0)
        check_error(r, "%s %s is not valid yet (the clock, or a certificate from the future?)",
                    what, path);
    else if (X509_cmp_time(X509_get0_notAfter(x), &now) <= 0)
        check_error(r, "%s %s has expired: renew it", what, path);
    else if (ASN1_TIME_diff(&days, &secs, t, X509_get0_notAfter(x)) == 1 &&
             days < CHECK_CERT_WARN_DAYS)
        check_warn(r, "%s %s expires in %d days: renew it", what, path, days);
    ASN1_TIME_free(t);
}

/* A leaf certificate and its key file: they belong together, dates, TLS purpose. */
static X509 *check_pair(const char *what, const char *cert, const char *key, int purpose,
                        time_t now, struct check_report *r)
{
    X509 *x = lkh_cert_load(cert);
    EVP_PKEY *k = NULL;

    ERR_clear_error();
    if (x == NULL)
        return NULL; /* conf_load said so */
    if (lkh_key_load_for(x, key, NULL, &k) == LKH_LOAD_MISMATCH)
        check_error(r, "%s key %s does not belong to the certificate %s", what, key, cert);
    EVP_PKEY_free(k);
    ERR_clear_error();
    check_dates(x, what, cert, now, r);
    if (X509_check_purpose(x, purpose, 0) != 1)
        check_error(r,
                    "%s certificate %s is not for a TLS %s (its key usage or extended key "
                    "usage)",
                    what, cert, purpose == X509_PURPOSE_SSL_SERVER ? "server" : "client");
    ERR_clear_error();
    return x;
}

/* Every certificate of path is a CA certificate (basicConstraints CA:TRUE). */
static void check_cas(const char *key, const char *path, struct check_report *r)
{
    STACK_OF(X509) *sk = read_certs(path);
    int i;
    for (i = 0; sk != NULL && i < sk_X509_num(sk); i++)
        if (X509_check_ca(sk_X509_value(sk, i)) < 1) {
            char cn[128] = "?";
            X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(sk, i)), NID_commonName,
                                      cn, (int)sizeof cn);
            check_error(r,
                        "%s %s: certificate %d (CN %s) is not a CA certificate (it cannot "
                        "sign others: a leaf given as the CA?)",
                        key, path, i + 1, cn);
        }
    sk_X509_pop_free(sk, X509_free);
}

/* leaf verifies against the certificates of ca_path, as the peer will check it. */
static void check_issued_by(X509 *leaf, const char *what, const char *cert, const char *ca_path,
                            time_t now, struct check_report *r)
{
    STACK_OF(X509) *cas = read_certs(ca_path);
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int i, ok = 0, err = X509_V_OK;

    for (i = 0; cas != NULL && st != NULL && i < sk_X509_num(cas); i++)
        (void)X509_STORE_add_cert(st, sk_X509_value(cas, i));
    if (st != NULL && ctx != NULL && X509_STORE_CTX_init(ctx, st, leaf, NULL) == 1) {
        X509_STORE_CTX_set_time(ctx, 0, now);
        ok = X509_verify_cert(ctx) == 1;
        err = X509_STORE_CTX_get_error(ctx);
    }
    if (!ok) /* a warning: a broker may check clients against another CA than its own */
        check_warn(r,
                   "%s certificate %s does not verify against %s (%s): a broker made by "
                   "broker-config checks it against that same CA and will refuse it",
                   what, cert, ca_path, X509_verify_cert_error_string(err));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    sk_X509_pop_free(cas, X509_free);
    ERR_clear_error();
}

static void check_crl_dates(const struct conf *c, time_t now, struct check_report *r)
{
    enum crl_state st;
    char err[400];

    if (strcmp(c->server.crl, "none") == 0) {
        check_warn(r, "[server] crl = none: revoked phones are still let in (unsafe)");
        return;
    }
    if (tls_store_check_crl(c->server.crl, c->server.client_ca, &st, err, sizeof err) != 0) {
        check_error(r, "[server] crl: %s", err);
        return;
    }
    (void)now; /* tls_store_check_crl judges it against the clock itself */
    if (st == CRL_EXPIRED)
        check_error(r,
                    "[server] crl %s has expired (its nextUpdate has passed): every phone "
                    "is refused until a new one is signed (latchkey-certs crl) and copied here",
                    c->server.crl);
    else if (st == CRL_NOT_YET_VALID)
        check_error(r, "[server] crl %s is not valid yet (its lastUpdate is in the future)",
                    c->server.crl);
}

void config_check_pki(const struct conf *c, time_t now, struct check_report *r)
{
    X509 *x;

    x = check_pair("[server]", c->server.cert, c->server.key, X509_PURPOSE_SSL_SERVER, now, r);
    X509_free(x);
    check_cas("[server] client_ca", c->server.client_ca, r);
    check_crl_dates(c, now, r);
    check_cas("[mqtt] ca", c->mqtt.ca, r);
    x = check_pair("[mqtt]", c->mqtt.cert, c->mqtt.key, X509_PURPOSE_SSL_CLIENT, now, r);
    if (x != NULL)
        check_issued_by(x, "[mqtt]", c->mqtt.cert, c->mqtt.ca, now, r);
    X509_free(x);
}
