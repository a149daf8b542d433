/* tls_verify.h - the mTLS listener's two TLS callbacks: the client certificate check of
 * every handshake (OpenSSL's chain verdict, then revocation against the CRL held by
 * tls_store.h) and the set-up of the vhost's SSL_CTX (TLS 1.2+, our CA store, no session
 * cache, no chain rebuilt per handshake, session tickets that neither resume for a
 * certificate refused now nor outlive its notAfter). */
#ifndef GW_TLS_VERIFY_H
#define GW_TLS_VERIFY_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "web.h"

/* OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION, for each certificate of the chain (leaf last):
 * 0 accepts (lws' inverted sense), 1 refuses (logged, counted; the error set on xs). */
int tls_verify_client(struct web *w, X509_STORE_CTX *xs, int preverify_ok);

/* OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS: 0, or 1 if ctx cannot be set up. w must outlive
 * ctx (the ticket hooks use its CRL store). */
int tls_verify_setup(struct web *w, SSL_CTX *ctx);

#endif
