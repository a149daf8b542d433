/* tls_transport.h - the device's connection to the broker: TCP with a bounded connect,
 * wolfSSL TLS 1.3 with mutual authentication and broker host name verification, exposed
 * to the core as a non-blocking struct lk_transport (lk/port.h). */
#ifndef LKP_TLS_TRANSPORT_H
#define LKP_TLS_TRANSPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <lk/port.h>

#define LKP_TCP_CONNECT_TIMEOUT_MS 3000
#define LKP_TLS_HANDSHAKE_TIMEOUT_MS 5000

struct lkp_tls_config {
    const char *host;   /* name or IP literal; verified against the broker's certificate */
    uint16_t port;
    const char *ca;     /* PEM file: the CA the broker's certificate must chain to */
    const char *cert;   /* PEM file: device certificate (chain) */
    const char *key;    /* PEM file: its private key */
};

struct lkp_tls; /* opaque */

/* Creates the TLS context and loads CA, certificate and key. NULL with a one-line message
 * in err if a file cannot be loaded or the key does not match the certificate. */
struct lkp_tls *lkp_tls_create(const struct lkp_tls_config *cfg, char *err, size_t errlen);

/* Connects (TCP within LKP_TCP_CONNECT_TIMEOUT_MS over all addresses of host, then the
 * handshake within LKP_TLS_HANDSHAKE_TIMEOUT_MS). 0 when connected; -1 after logging why. */
int lkp_tls_open(struct lkp_tls *t);

/* Sends close_notify (without waiting for the broker's) and closes the socket. Safe to
 * call when not connected. */
void lkp_tls_close(struct lkp_tls *t);

/* Closes the connection and frees everything. */
void lkp_tls_destroy(struct lkp_tls *t);

/* While *flag is non-zero (set by a signal handler), a blocking connect or handshake gives
 * up at the next interruption instead of running to its time limit. */
void lkp_tls_set_abort_flag(struct lkp_tls *t, const volatile sig_atomic_t *flag);

/* The socket to wait on (-1 when not connected). */
int lkp_tls_fd(const struct lkp_tls *t);

/* 1 if decrypted bytes are waiting inside wolfSSL (poll() on the socket will not see them). */
int lkp_tls_has_pending(struct lkp_tls *t);

/* 1 if the last send could not finish (wait for POLLOUT), else 0. */
int lkp_tls_wants_write(const struct lkp_tls *t);

/* Fills tr so the core's send/recv go to this connection (lk/port.h contract:
 * > 0 bytes moved, 0 would block, < 0 closed or failed). */
void lkp_tls_transport(struct lkp_tls *t, struct lk_transport *tr);

#endif
