/* tls_transport.c - wolfSSL TLS 1.3 client for the broker connection: non-blocking TCP
 * connect bounded in time over every address of the host (IPv4/IPv6), a handshake bounded
 * in time that verifies the broker's chain and host name (SNI + name check, or the IP SAN
 * for an IP literal) and presents the device certificate, then non-blocking I/O mapped to
 * the core's lk_transport contract. Every failure is logged with wolfSSL's reason. */
#include "tls_transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "log.h"

struct lkp_tls {
    WOLFSSL_CTX *ctx;
    WOLFSSL *ssl;
    int fd;
    int want_write;
    const volatile sig_atomic_t *abort_flag;
    char host[256];
    uint16_t port;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *wolf_reason(int err, char *buf, size_t len)
{
    wolfSSL_ERR_error_string_n((unsigned long)err, buf, len);
    return buf;
}

/* " (broker sent TLS alert: ...)" if the peer sent an alert, else "". */
static const char *peer_alert(WOLFSSL *ssl, char *buf, size_t len)
{
    WOLFSSL_ALERT_HISTORY h;

    buf[0] = '\0';
    if (ssl != NULL && wolfSSL_get_alert_history(ssl, &h) == WOLFSSL_SUCCESS &&
        h.last_rx.code > 0 && h.last_rx.level > 0)
        snprintf(buf, len, " (broker sent TLS alert: %s)",
                 wolfSSL_alert_desc_string_long(h.last_rx.code));
    return buf;
}

/* Reason for a failed load call: its negative error code, or the error queue, or a
 * generic hint when wolfSSL only said WOLFSSL_FAILURE. */
static const char *load_reason(int rc, char *buf, size_t len)
{
    unsigned long e;

    if (rc < 0)
        return wolf_reason(rc, buf, len);
    e = wolfSSL_ERR_get_error();
    if (e != 0) {
        wolfSSL_ERR_error_string_n(e, buf, len);
        return buf;
    }
    snprintf(buf, len, "not a readable PEM file of the expected kind");
    return buf;
}

static int is_ip_literal(const char *host)
{
    unsigned char a[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

struct lkp_tls *lkp_tls_create(const struct lkp_tls_config *cfg, char *err, size_t errlen)
{
    static int initialised;
    struct lkp_tls *t;
    int rc;
    char reason[WOLFSSL_MAX_ERROR_SZ];

    if (!initialised) {
        if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
            snprintf(err, errlen, "wolfSSL_Init failed");
            return NULL;
        }
        initialised = 1;
    }
    if (strlen(cfg->host) >= sizeof t->host) {
        snprintf(err, errlen, "broker host name too long");
        return NULL;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->fd = -1;
    snprintf(t->host, sizeof t->host, "%s", cfg->host);
    t->port = cfg->port;

    t->ctx = wolfSSL_CTX_new(wolfTLSv1_3_client_method());
    if (t->ctx == NULL) {
        snprintf(err, errlen, "cannot create the TLS 1.3 context");
        goto fail;
    }
    wolfSSL_CTX_set_verify(t->ctx, WOLFSSL_VERIFY_PEER, NULL);
    rc = wolfSSL_CTX_load_verify_locations(t->ctx, cfg->ca, NULL);
    if (rc != WOLFSSL_SUCCESS) {
        snprintf(err, errlen, "cannot load CA '%s': %s", cfg->ca, load_reason(rc, reason, sizeof reason));
        goto fail;
    }
    rc = wolfSSL_CTX_use_certificate_chain_file(t->ctx, cfg->cert);
    if (rc != WOLFSSL_SUCCESS) {
        snprintf(err, errlen, "cannot load device certificate '%s': %s", cfg->cert,
                 load_reason(rc, reason, sizeof reason));
        goto fail;
    }
    rc = wolfSSL_CTX_use_PrivateKey_file(t->ctx, cfg->key, WOLFSSL_FILETYPE_PEM);
    if (rc != WOLFSSL_SUCCESS) {
        snprintf(err, errlen, "cannot load device key '%s': %s", cfg->key,
                 load_reason(rc, reason, sizeof reason));
        goto fail;
    }
    rc = wolfSSL_CTX_check_private_key(t->ctx);
    if (rc != WOLFSSL_SUCCESS) {
        snprintf(err, errlen, "device key '%s' does not match certificate '%s'", cfg->key, cfg->cert);
        goto fail;
    }
    return t;
fail:
    lkp_tls_destroy(t);
    return NULL;
}

void lkp_tls_set_abort_flag(struct lkp_tls *t, const volatile sig_atomic_t *flag)
{
    t->abort_flag = flag;
}

/* Waits for events on fd until deadline; 1 ready, 0 timed out, -1 error or interrupted
 * by a stop request (errno set). */
static int wait_fd(int fd, short events, int64_t deadline,
                   const volatile sig_atomic_t *abort_flag)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
        int64_t left = deadline - now_ms();
        int rc;

        if (left <= 0)
            return 0;
        rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR && (abort_flag == NULL || *abort_flag == 0))
            continue;
        return rc < 0 ? -1 : rc;
    }
}

static void addr_text(const struct addrinfo *ai, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port;

    if (ai->ai_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)ai->ai_addr;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        port = ntohs(s->sin_port);
        snprintf(buf, len, "%s:%u", host, port);
    } else if (ai->ai_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        port = ntohs(s->sin6_port);
        snprintf(buf, len, "[%s]:%u", host, port);
    } else {
        snprintf(buf, len, "(unknown address family)");
    }
}

/* One non-blocking connect attempt; the socket (still non-blocking) or -1. */
static int connect_one(const struct addrinfo *ai, int64_t deadline,
                       const volatile sig_atomic_t *abort_flag)
{
    char where[INET6_ADDRSTRLEN + 16];
    int fd, rc, soerr = 0;
    socklen_t sl = sizeof soerr;

    addr_text(ai, where, sizeof where);
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        lkp_log_error("socket for %s: %s", where, strerror(errno));
        return -1;
    }
    rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
        lkp_log_error("connect to %s: %s", where, strerror(errno));
        close(fd);
        return -1;
    }
    if (rc != 0) {
        rc = wait_fd(fd, POLLOUT, deadline, abort_flag);
        if (rc <= 0) {
            lkp_log_error("connect to %s: %s", where, rc == 0 ? "timed out" : strerror(errno));
            close(fd);
            return -1;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr != 0) {
            lkp_log_error("connect to %s: %s", where, strerror(soerr));
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int tcp_connect(const char *host, uint16_t port, const volatile sig_atomic_t *abort_flag)
{
    struct addrinfo hints, *res = NULL, *ai;
    char service[8];
    int64_t deadline;
    int rc, fd = -1, one = 1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        lkp_log_error("cannot resolve broker host '%s': %s", host,
                      rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    deadline = now_ms() + LKP_TCP_CONNECT_TIMEOUT_MS;
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        if (now_ms() >= deadline) {
            lkp_log_error("connect to %s port %u: gave up after %d ms", host, (unsigned)port,
                          LKP_TCP_CONNECT_TIMEOUT_MS);
            break;
        }
        if (abort_flag != NULL && *abort_flag != 0)
            break;
        fd = connect_one(ai, deadline, abort_flag);
    }
    freeaddrinfo(res);
    if (fd >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        lkp_log_error("TCP_NODELAY: %s (continuing)", strerror(errno));
    return fd;
}

static int handshake(struct lkp_tls *t)
{
    int64_t deadline = now_ms() + LKP_TLS_HANDSHAKE_TIMEOUT_MS;
    char reason[WOLFSSL_MAX_ERROR_SZ], alert[96];

    for (;;) {
        int rc = wolfSSL_connect(t->ssl), err, w;

        if (rc == WOLFSSL_SUCCESS)
            return 0;
        err = wolfSSL_get_error(t->ssl, rc);
        if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) {
            w = wait_fd(t->fd, err == WOLFSSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline,
                        t->abort_flag);
            if (w == 0) {
                lkp_log_error("TLS handshake with %s:%u timed out after %d ms", t->host,
                              (unsigned)t->port, LKP_TLS_HANDSHAKE_TIMEOUT_MS);
                return -1;
            }
            if (w < 0) {
                lkp_log_error("TLS handshake with %s:%u: poll: %s", t->host, (unsigned)t->port,
                              strerror(errno));
                return -1;
            }
            continue;
        }
        lkp_log_error("TLS handshake with %s:%u failed: %s (wolfSSL error %d)%s", t->host,
                      (unsigned)t->port, wolf_reason(err, reason, sizeof reason), err,
                      peer_alert(t->ssl, alert, sizeof alert));
        return -1;
    }
}

int lkp_tls_open(struct lkp_tls *t)
{
    int rc;

    lkp_tls_close(t);
    t->fd = tcp_connect(t->host, t->port, t->abort_flag);
    if (t->fd < 0)
        return -1;
    t->ssl = wolfSSL_new(t->ctx);
    if (t->ssl == NULL) {
        lkp_log_error("cannot create a TLS session (out of memory)");
        goto fail;
    }
    if (wolfSSL_set_fd(t->ssl, t->fd) != WOLFSSL_SUCCESS) {
        lkp_log_error("cannot attach the socket to the TLS session");
        goto fail;
    }
    if (is_ip_literal(t->host)) {
        /* No SNI for IP literals (RFC 6066); the certificate must carry the IP as SAN. */
        rc = wolfSSL_X509_VERIFY_PARAM_set1_ip_asc(wolfSSL_get0_param(t->ssl), t->host);
    } else {
        rc = wolfSSL_UseSNI(t->ssl, WOLFSSL_SNI_HOST_NAME, t->host, (unsigned short)strlen(t->host));
        if (rc == WOLFSSL_SUCCESS)
            rc = wolfSSL_check_domain_name(t->ssl, t->host);
    }
    if (rc != WOLFSSL_SUCCESS) {
        lkp_log_error("cannot set the broker name '%s' to verify", t->host);
        goto fail;
    }
    if (handshake(t) != 0)
        goto fail;
    t->want_write = 0;
    lkp_log_info("TLS connected to %s:%u (%s, %s)", t->host, (unsigned)t->port,
                 wolfSSL_get_version(t->ssl), wolfSSL_get_cipher_name(t->ssl));
    return 0;
fail:
    lkp_tls_close(t);
    return -1;
}

void lkp_tls_close(struct lkp_tls *t)
{
    if (t->ssl != NULL) {
        /* One attempt at close_notify; the socket is closed right after either way. */
        (void)wolfSSL_shutdown(t->ssl);
        wolfSSL_free(t->ssl);
        t->ssl = NULL;
    }
    if (t->fd >= 0) {
        if (close(t->fd) != 0)
            lkp_log_error("closing the broker socket: %s", strerror(errno));
        t->fd = -1;
    }
    t->want_write = 0;
}

void lkp_tls_destroy(struct lkp_tls *t)
{
    if (t == NULL)
        return;
    lkp_tls_close(t);
    if (t->ctx != NULL)
        wolfSSL_CTX_free(t->ctx);
    free(t);
}

int lkp_tls_fd(const struct lkp_tls *t)
{
    return t->fd;
}

int lkp_tls_has_pending(struct lkp_tls *t)
{
    return t->ssl != NULL && wolfSSL_pending(t->ssl) > 0;
}

int lkp_tls_wants_write(const struct lkp_tls *t)
{
    return t->want_write;
}

static int32_t io_result(struct lkp_tls *t, int rc, const char *op)
{
    char reason[WOLFSSL_MAX_ERROR_SZ], alert[96];
    int err;

    if (rc > 0)
        return rc;
    err = wolfSSL_get_error(t->ssl, rc);
    if (err == WOLFSSL_ERROR_WANT_READ)
        return 0;
    if (err == WOLFSSL_ERROR_WANT_WRITE) {
        t->want_write = 1;
        return 0;
    }
    peer_alert(t->ssl, alert, sizeof alert);
    if (err == WOLFSSL_ERROR_ZERO_RETURN || (rc == 0 && err == SOCKET_PEER_CLOSED_E))
        lkp_log_error("broker closed the connection%s", alert);
    else
        lkp_log_error("TLS %s failed: %s (wolfSSL error %d)%s", op,
                      wolf_reason(err, reason, sizeof reason), err, alert);
    return -1;
}

static int32_t tls_send(void *ctx, const uint8_t *buf, size_t len)
{
    struct lkp_tls *t = ctx;
    int n = len > 16384 ? 16384 : (int)len;

    if (t->ssl == NULL)
        return -1;
    if (len == 0)
        return 0;
    t->want_write = 0;
    return io_result(t, wolfSSL_write(t->ssl, buf, n), "send");
}

static int32_t tls_recv(void *ctx, uint8_t *buf, size_t len)
{
    struct lkp_tls *t = ctx;
    int n = len > 16384 ? 16384 : (int)len;

    if (t->ssl == NULL)
        return -1;
    if (len == 0)
        return 0;
    return io_result(t, wolfSSL_read(t->ssl, buf, n), "receive");
}

void lkp_tls_transport(struct lkp_tls *t, struct lk_transport *tr)
{
    tr->ctx = t;
    tr->send = tls_send;
    tr->recv = tls_recv;
}
