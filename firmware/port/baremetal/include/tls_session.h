/* tls_session.h - the broker connection of the bare-metal device: wolfSSL TLS 1.3 over
 * the network module's transparent link (at_modem.h). The site CA, the device's
 * certificate and key come from the provisioning area as DER; the broker's chain and its
 * DNS name (SNI + name check) are verified on every handshake. Maps to the core's
 * lk_transport contract. */
#ifndef LK_MCU_TLS_SESSION_H
#define LK_MCU_TLS_SESSION_H

#include <stdint.h>

#include "at_modem.h"
#include "lk/port.h"
#include "provision.h"

#define LKM_TLS_HANDSHAKE_MS 30000u

struct WOLFSSL_CTX;
struct WOLFSSL;

struct lkm_tls {
    struct WOLFSSL_CTX *ctx;
    struct WOLFSSL *ssl;
    struct lkm_at *at;
    const struct lkm_provision *prov;
    uint32_t handshakes;     /* successful, for the log */
};

/* Creates the TLS 1.3 client context from the provisioning (CA, certificate, key).
 * 0 on success, -1 (logged) if wolfSSL refused any of them. */
int lkm_tls_init(struct lkm_tls *t, const struct lkm_provision *prov, struct lkm_at *at);

/* Module connect + TLS handshake, bounded. 0 on success, -1 (logged, link closed). */
int lkm_tls_open(struct lkm_tls *t);

/* close_notify (one attempt), free the session, close the module's connection. */
void lkm_tls_close(struct lkm_tls *t);

void lkm_tls_transport(struct lkm_tls *t, struct lk_transport *tr);

#endif
