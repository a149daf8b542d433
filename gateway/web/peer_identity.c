/* peer_identity.c - verified client certificate -> user name; its serial and the peer's
 * address for the audit log.
 * The name comes from the certificate by the rule of [server] user_name_from (cert_user.h;
 * not lws_tls_peer_cert_info(COMMON_NAME), built on X509_NAME_oneline(), which returns
 * everything after "/CN=", later RDNs included).
 * peer_check() adds the certificate's own dates and the revocation check against the
 * current CRL (lws gives no serial: the certificate comes from lws_get_ssl()), and
 * peer_refusal_of() names each refusal for the log, the page and the metrics.
 * HTTP/2: every stream is a child wsi of the network connection's wsi, and lws 4.1 keeps the
 * SSL on the network wsi only (lws_get_ssl() of a stream is NULL; lws_tls_peer_cert_info()
 * looks it up itself), so the SSL is always taken from lws_get_network_wsi(). */
#include "peer_identity.h"

#include <libwebsockets.h>
#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cert_user.h"
#include "conf.h"
#include "metrics.h"
#include "tls_store.h"
#include "web.h"

/* The connection's SSL, also for an HTTP/2 stream or a websocket carried in one. */
static SSL *peer_ssl(struct lws *wsi)
{
    return lws_get_ssl(lws_get_network_wsi(wsi));
}

int peer_identity(struct lws *wsi, char *user, size_t cap)
{
    union lws_tls_cert_info_results ir;
    const struct web *sv = lws_context_user(lws_get_context(wsi));
    enum cert_user_from how;
    SSL *ssl;
    X509 *cert;

    /* Verified at the TLS layer (lws: SSL_get_verify_result() == X509_V_OK). */
    if (lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_VERIFIED, &ir, 0) != 0 || !ir.verified)
        return PEER_NO_IDENTITY;
    ssl = peer_ssl(wsi);
    if (ssl == NULL || (cert = SSL_get0_peer_certificate(ssl)) == NULL)
        return PEER_NO_IDENTITY;
    how = (enum cert_user_from)sv->app->conf->server.user_name_from;
    return cert_user_name(cert, how, user, cap) == 0 ? 0 : PEER_BAD_NAME;
}

void peer_name_text(struct lws *wsi, char *out, size_t cap)
{
    SSL *ssl = peer_ssl(wsi);
    X509 *cert = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
    unsigned char *utf8 = NULL;
    int len = 0, i;
    size_t n = 0;

    if (cap == 0)
        return;
    out[0] = '\0';
    if (cert == NULL || (utf8 = cert_user_single_cn(cert, &len)) == NULL) {
        snprintf(out, cap, "%s", cert == NULL ? "(none)" : "(not exactly one CN)");
        return;
    }
    /* Printable ASCII as it is, every other byte as '?': for a log line and a page. */
    for (i = 0; i < len && n + 1 < cap; i++)
        out[n++] = (char)(utf8[i] >= 0x20 && utf8[i] < 0x7f ? utf8[i] : '?');
    if (i < len && n >= 3)
        memcpy(out + n - 3, "...", 3);
    out[n] = '\0';
    OPENSSL_free(utf8);
}

int peer_check(struct lws *wsi, const struct tls_store *store, char *user, size_t cap,
               char *binding, size_t bcap, const char **why)
{
    SSL *ssl;
    X509 *cert;
    BIGNUM *bn;
    char *hex;
    int n, rc;

    *why = "no-identity";
    ssl = peer_ssl(wsi);
    cert = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
    /* The dates and the CRL first: an expired certificate is "expired" whatever its CN. */
    if (cert != NULL && !tls_store_cert_ok(store, cert, time(NULL), why))
        return PEER_REFUSED;
    if ((rc = peer_identity(wsi, user, cap)) != 0) {
        if (rc == PEER_BAD_NAME)
            *why = "bad-name";
        return rc;
    }
    if (cert == NULL)
        return PEER_NO_IDENTITY;
    bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    BN_free(bn);
    if (hex == NULL)
        return PEER_NO_IDENTITY;
    n = snprintf(binding, bcap, "%s/%s", hex, user);
    OPENSSL_free(hex);
    return n > 0 && (size_t)n < bcap ? 0 : PEER_NO_IDENTITY;
}

const struct peer_refusal *peer_refusal_of(int rc, const char *why)
{
    static const struct peer_refusal table[] = {
        {"revoked", REFUSED_REVOKED, "revoked", "This certificate is no longer accepted.",
         "serial on the CRL"},
        {CERT_EXPIRED, REFUSED_EXPIRED, CERT_EXPIRED,
         "This certificate has expired. Ask for a new one.", "past its notAfter"},
        {CERT_NOT_YET_VALID, REFUSED_EXPIRED, CERT_NOT_YET_VALID,
         "This certificate is not valid yet.", "before its notBefore"},
        {"bad-name", REFUSED_BAD_NAME, "bad-name", NULL, "CN is not a user name"},
    };
    static const struct peer_refusal crl = {"", REFUSED_CRL, "revoked",
                                            "This certificate is no longer accepted.",
                                            "CRL not usable"};
    static const struct peer_refusal none = {"", REFUSED_REVOKED, "forbidden",
                                             "no verified client certificate", "no identity"};
    size_t i;

    if (rc == PEER_NO_IDENTITY)
        return &none;
    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].why, why) == 0)
            return &table[i];
    return &crl;
}

int peer_cert_serial(struct lws *wsi, char *out, size_t cap)
{
    SSL *ssl = peer_ssl(wsi);
    X509 *cert;
    BIGNUM *bn;
    char *hex = NULL;
    int rc = -1;

    if (cap > 0)
        out[0] = '\0';
    if (ssl == NULL || (cert = SSL_get0_peer_certificate(ssl)) == NULL)
        return -1;
    bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    if (bn != NULL && (hex = BN_bn2hex(bn)) != NULL && strlen(hex) < cap) {
        strcpy(out, hex);
        rc = 0;
    }
    OPENSSL_free(hex);
    BN_free(bn);
    return rc;
}

long peer_cert_seconds_left(struct lws *wsi)
{
    SSL *ssl = peer_ssl(wsi);
    return tls_store_cert_seconds_left(ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL,
                                       time(NULL));
}

int peer_address(struct lws *wsi, char *out, size_t cap)
{
    const char *a = lws_get_peer_simple(wsi, out, cap);
    if (a == NULL || out[0] == '\0') {
        snprintf(out, cap, "?");
        return -1;
    }
    return 0;
}
