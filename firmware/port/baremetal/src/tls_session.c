/* tls_session.c - wolfSSL TLS 1.3 client over the ESP-AT link (tls_session.h). The I/O
 * callbacks never block: no byte yet is WANT_READ, and the handshake loop waits for the
 * link's RX interrupt between steps. */
#include "tls_session.h"

#include <string.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>

#include "board.h"
#include "mcu_log.h"

static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
    struct lkm_tls *t = ctx;
    int32_t n;

    (void)ssl;
    n = lkm_at_read(t->at, (uint8_t *)buf, (size_t)sz);
    if (n < 0)
        return WOLFSSL_CBIO_ERR_CONN_CLOSE;
    return n == 0 ? WOLFSSL_CBIO_ERR_WANT_READ : (int)n;
}

static int io_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
    struct lkm_tls *t = ctx;

    (void)ssl;
    if (lkm_at_write(t->at, (const uint8_t *)buf, (size_t)sz) != 0)
        return WOLFSSL_CBIO_ERR_CONN_CLOSE;
    return sz;
}

int lkm_tls_init(struct lkm_tls *t, const struct lkm_provision *prov, struct lkm_at *at)
{
    int rc;

    memset(t, 0, sizeof *t);
    t->at = at;
    t->prov = prov;
    t->ctx = wolfSSL_CTX_new(wolfTLSv1_3_client_method());
    if (t->ctx == NULL) {
        lkm_log("tls: cannot create the TLS 1.3 context (out of memory)");
        return -1;
    }
    wolfSSL_CTX_set_verify(t->ctx, WOLFSSL_VERIFY_PEER, NULL);
    wolfSSL_CTX_SetIORecv(t->ctx, io_recv);
    wolfSSL_CTX_SetIOSend(t->ctx, io_send);
    rc = wolfSSL_CTX_load_verify_buffer(t->ctx, prov->ca.p, (long)prov->ca.len, WOLFSSL_FILETYPE_ASN1);
    if (rc != WOLFSSL_SUCCESS) {
        lkm_log("tls: the provisioned CA certificate was refused (wolfSSL %d)", rc);
        return -1;
    }
    rc = wolfSSL_CTX_use_certificate_buffer(t->ctx, prov->cert.p, (long)prov->cert.len,
                                            WOLFSSL_FILETYPE_ASN1);
    if (rc != WOLFSSL_SUCCESS) {
        lkm_log("tls: the provisioned device certificate was refused (wolfSSL %d)", rc);
        return -1;
    }
    rc = wolfSSL_CTX_use_PrivateKey_buffer(t->ctx, prov->key.p, (long)prov->key.len,
                                           WOLFSSL_FILETYPE_ASN1);
    if (rc != WOLFSSL_SUCCESS) {
        lkm_log("tls: the provisioned device key was refused (wolfSSL %d)", rc);
        return -1;
    }
    if (wolfSSL_CTX_check_private_key(t->ctx) != WOLFSSL_SUCCESS) {
        lkm_log("tls: the provisioned key does not match the device certificate");
        return -1;
    }
    return 0;
}

static int handshake(struct lkm_tls *t)
{
    uint32_t start = board_millis();

    for (;;) {
        int rc = wolfSSL_connect(t->ssl), err;

        if (rc == WOLFSSL_SUCCESS)
            return 0;
        err = wolfSSL_get_error(t->ssl, rc);
        if (err != WOLFSSL_ERROR_WANT_READ && err != WOLFSSL_ERROR_WANT_WRITE) {
            lkm_log("tls: handshake with %s:%u failed (wolfSSL error %d)", t->prov->broker_host,
                    (unsigned)t->prov->broker_port, err);
            return -1;
        }
        if (board_millis() - start > LKM_TLS_HANDSHAKE_MS) {
            lkm_log("tls: handshake timed out after %u ms", (unsigned)LKM_TLS_HANDSHAKE_MS);
            return -1;
        }
        board_watchdog_kick();
        board_idle();
    }
}

int lkm_tls_open(struct lkm_tls *t)
{
    struct lkm_at_target target;
    const char *host = t->prov->broker_host;
    uint32_t start;
    uint64_t cpu;

    lkm_tls_close(t);
    target.wifi_ssid = t->prov->wifi_ssid;
    target.wifi_pass = t->prov->wifi_pass;
    target.host = host;
    target.port = t->prov->broker_port;
    if (lkm_at_connect(t->at, &target) != 0)
        return -1;
    start = board_millis();
    cpu = board_busy_us();
    t->ssl = wolfSSL_new(t->ctx);
    if (t->ssl == NULL) {
        lkm_log("tls: cannot create a session (out of memory)");
        goto fail;
    }
    wolfSSL_SetIOReadCtx(t->ssl, t);
    wolfSSL_SetIOWriteCtx(t->ssl, t);
    if (wolfSSL_UseSNI(t->ssl, WOLFSSL_SNI_HOST_NAME, host, (unsigned short)strlen(host)) != WOLFSSL_SUCCESS ||
        wolfSSL_check_domain_name(t->ssl, host) != WOLFSSL_SUCCESS) {
        lkm_log("tls: cannot set the broker name '%s' to verify", host);
        goto fail;
    }
    if (handshake(t) != 0)
        goto fail;
    t->handshakes++;
    lkm_log("tls: connected to %s:%u (%s, %s) in %lu ms, CPU %llu us", host,
            (unsigned)t->prov->broker_port, wolfSSL_get_version(t->ssl),
            wolfSSL_get_cipher_name(t->ssl), (unsigned long)(board_millis() - start),
            (unsigned long long)(board_busy_us() - cpu));
    return 0;
fail:
    lkm_tls_close(t);
    return -1;
}

void lkm_tls_close(struct lkm_tls *t)
{
    if (t->ssl != NULL) {
        if (!lkm_at_closed(t->at))
            (void)wolfSSL_shutdown(t->ssl);
        wolfSSL_free(t->ssl);
        t->ssl = NULL;
    }
    lkm_at_disconnect(t->at);
}

static int32_t io_result(struct lkm_tls *t, int rc)
{
    int err;

    if (rc > 0)
        return rc;
    err = wolfSSL_get_error(t->ssl, rc);
    if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE)
        return 0;
    if (lkm_at_closed(t->at))
        lkm_log("tls: the module reported the connection closed");
    else if (err == WOLFSSL_ERROR_ZERO_RETURN) /* wolfSSL error 6: the peer's close_notify */
        lkm_log("tls: the broker closed the session (TLS close_notify)");
    else
        lkm_log("tls: connection failed (wolfSSL error %d)", err);
    return -1;
}

/* One wolfSSL_write or wolfSSL_read of at most 4 KiB, mapped to the lk_transport contract. */
static int32_t tls_io(struct lkm_tls *t, uint8_t *buf, size_t len, int write)
{
    int n = len > 4096 ? 4096 : (int)len;

    if (t->ssl == NULL)
        return -1;
    if (len == 0)
        return 0;
    return io_result(t, write ? wolfSSL_write(t->ssl, buf, n) : wolfSSL_read(t->ssl, buf, n));
}

static int32_t tls_send(void *ctx, const uint8_t *buf, size_t len)
{
    return tls_io(ctx, (uint8_t *)(uintptr_t)buf, len, 1);
}

static int32_t tls_recv(void *ctx, uint8_t *buf, size_t len)
{
    return tls_io(ctx, buf, len, 0);
}

void lkm_tls_transport(struct lkm_tls *t, struct lk_transport *tr)
{
    tr->ctx = t;
    tr->send = tls_send;
    tr->recv = tls_recv;
}
