/* peer_identity.c - verified client certificate -> user name; its serial and the peer's
 * address for the audit log.
 * lws_tls_peer_cert_info(LWS_TLS_CERT_INFO_COMMON_NAME) is built on X509_NAME_oneline():
 * it returns everything after "/CN=" (later RDNs included) and, without a CN, the whole
 * subject. So the CN is read from the X509_NAME here: exactly one, UTF-8, then validated.
 * peer_check() adds the revocation check against the current CRL (lws gives no serial:
 * the certificate comes from lws_get_ssl()).
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

#include "latchkey/cmd_format.h"
#include "tls_store.h"

/* The connection's SSL, also for an HTTP/2 stream or a websocket carried in one. */
static SSL *peer_ssl(struct lws *wsi)
{
    return lws_get_ssl(lws_get_network_wsi(wsi));
}

int peer_identity(struct lws *wsi, char *user, size_t cap)
{
    union lws_tls_cert_info_results ir;
    SSL *ssl;
    X509 *cert;
    const X509_NAME *name;
    const X509_NAME_ENTRY *entry;
    unsigned char *utf8 = NULL;
    int idx, len, rc = -1;

    /* Verified at the TLS layer (lws: SSL_get_verify_result() == X509_V_OK). */
    if (lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_VERIFIED, &ir, 0) != 0 || !ir.verified)
        return -1;
    ssl = peer_ssl(wsi);
    if (ssl == NULL || (cert = SSL_get0_peer_certificate(ssl)) == NULL)
        return -1;
    name = X509_get_subject_name(cert);
    idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0)
        return -1;
    entry = X509_NAME_get_entry(name, idx);
    len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len > 0 && (size_t)len < cap && memchr(utf8, '\0', (size_t)len) == NULL &&
        lk_by_valid((const char *)utf8, (size_t)len)) {
        memcpy(user, utf8, (size_t)len);
        user[len] = '\0';
        rc = 0;
    }
    OPENSSL_free(utf8);
    return rc;
}

int peer_check(struct lws *wsi, const struct tls_store *store, char *user, size_t cap,
               char *binding, size_t bcap, const char **why)
{
    SSL *ssl;
    X509 *cert;
    BIGNUM *bn;
    char *hex;
    int n;

    *why = "no-identity";
    if (peer_identity(wsi, user, cap) != 0)
        return -1;
    ssl = peer_ssl(wsi);
    cert = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
    if (cert == NULL)
        return -1;
    if (!tls_store_cert_ok(store, cert, time(NULL), why))
        return -2;
    bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    BN_free(bn);
    if (hex == NULL)
        return -1;
    n = snprintf(binding, bcap, "%s/%s", hex, user);
    OPENSSL_free(hex);
    return n > 0 && (size_t)n < bcap ? 0 : -1;
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

int peer_address(struct lws *wsi, char *out, size_t cap)
{
    const char *a = lws_get_peer_simple(wsi, out, cap);
    if (a == NULL || out[0] == '\0') {
        snprintf(out, cap, "?");
        return -1;
    }
    return 0;
}
