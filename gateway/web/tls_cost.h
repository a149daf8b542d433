/* tls_cost.h - what a phone's handshake costs the gateway beyond the two signature checks
 * it needs (docs/benchmarks.md, "Where handshake time goes"): how many TLS 1.3 session
 * tickets a handshake hands out and which key exchange is preferred. */
#ifndef GW_TLS_COST_H
#define GW_TLS_COST_H

#include <openssl/ssl.h>

/* One ticket per handshake (OpenSSL sends two by default: each costs a serialise-parse-
 * serialise of the session with the client certificate in it, ~1.7 M instructions), still
 * enough to resume: every resumption hands out a fresh one. Key exchange groups in the
 * server's order of preference: X25519 (what browsers offer first, and cheaper than
 * P-256), then P-256 and P-384. 0, or 1 if ctx refuses a setting. */
int tls_cost_setup(SSL_CTX *ctx);

#endif
