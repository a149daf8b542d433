/* peer_identity.c - verified client certificate -> user name.
 * lws_tls_peer_cert_info(LWS_TLS_CERT_INFO_COMMON_NAME) is built on X509_NAME_oneline():
 * it returns everything after "/CN=" (later RDNs included) and, without a CN, the whole
 * subject. So the CN is read from the X509_NAME here: exactly one, UTF-8, then validated. */
#include "peer_identity.h"

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>

#include "latchkey/cmd_format.h"

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
    ssl = lws_get_ssl(wsi);
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
