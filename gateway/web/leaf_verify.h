/* leaf_verify.h - the chain check of a phone's full handshake through the verified-leaf
 * cache (core/leaf_cache.h): OpenSSL's X509_verify_cert for a certificate not seen before,
 * the per-request check alone for one already verified. */
#ifndef GW_LEAF_VERIFY_H
#define GW_LEAF_VERIFY_H

#include <openssl/ssl.h>

#include "web.h"

/* Empties w's cache ([server] cert_cache_seconds; 0: off) and makes it ctx's certificate
 * verification (SSL_CTX_set_cert_verify_callback). w must outlive ctx. */
void leaf_verify_setup(struct web *w, SSL_CTX *ctx);

#endif
