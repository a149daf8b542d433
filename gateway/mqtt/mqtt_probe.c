/* mqtt_probe.c - one TLS connection to the broker to say why Paho's failed (see
 * mqtt_probe.h). */
#include "mqtt_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* host and port of "ssl://host:port" (or mqtts://); 0 on success. */
static int split_uri(const char *uri, char *host, size_t cap, char *port, size_t pcap)
{
    const char *p = strstr(uri, "://"), *colon;
    size_t n;
    if (p == NULL)
        return -1;
    p += 3;
    colon = strrchr(p, ':');
    if (colon == NULL || colon == p || (n = (size_t)(colon - p)) >= cap ||
        strlen(colon + 1) >= pcap)
        return -1;
    memcpy(host, p, n);
    host[n] = '\0';
    strcpy(port, colon + 1);
    return 0;
}

/* Waits for fd to be ready for events; 1 ready, 0 timed out. */
static int wait_fd(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    int n;
    while ((n = poll(&p, 1, MQTT_PROBE_WAIT_MS)) < 0 && errno == EINTR)
        ;
    return n > 0;
}

/* A connected TCP socket (blocking from here on), or -1 with the reason in out. */
static int dial(const char *host, const char *port, char *out, size_t cap)
{
    struct addrinfo hints, *ai = NULL;
    int fd, e = 0;
    socklen_t len = sizeof e;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL) {
        snprintf(out, cap, "cannot resolve the broker's host name %s", host);
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        e = errno == EINPROGRESS ? (wait_fd(fd, POLLOUT) ? 0 : ETIMEDOUT) : errno;
        if (e == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
            e = errno;
    } else if (fd < 0)
        e = errno;
    freeaddrinfo(ai);
    if (e != 0) {
        snprintf(out, cap, "cannot connect to %s port %s: %s", host, port, strerror(e));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The reason of the last OpenSSL error, e.g. "tlsv1 alert unknown ca". */
static const char *ssl_reason(void)
{
    const char *r = ERR_reason_error_string(ERR_peek_last_error());
    return r != NULL ? r : "TLS failure";
}

/* The handshake and, for TLS 1.3 (where the broker checks our certificate after the
 * client has finished), a short read for the alert that refuses it. */
static void probe_tls(SSL *ssl, int fd, const struct conf *c, char *out, size_t cap)
{
    char byte;
    int rc, tries;

    while ((rc = SSL_connect(ssl)) != 1) {
        int want = SSL_get_error(ssl, rc);
        if ((want != SSL_ERROR_WANT_READ && want != SSL_ERROR_WANT_WRITE) ||
            !wait_fd(fd, want == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT))
            break;
    }
    if (rc != 1 && SSL_get_verify_result(ssl) != X509_V_OK) {
        snprintf(out, cap,
                 "the broker's certificate is not accepted: %s ([mqtt] ca = %s, and "
                 "it must name the host of [mqtt] uri)",
                 X509_verify_cert_error_string(SSL_get_verify_result(ssl)), c->mqtt.ca);
        return;
    }
    /* Session tickets may come first (a few records): the read ends at data, at an error
     * or when nothing more comes within the wait, which means the broker kept us. */
    for (tries = 0; rc == 1 && tries < 4; tries++) {
        int r = SSL_read(ssl, &byte, 1);
        if (r > 0 || (SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ && !wait_fd(fd, POLLIN))) {
            snprintf(out, cap,
                     "TLS works with [mqtt] cert %s: the broker refused the MQTT "
                     "session itself (its ACL, or the client id)",
                     c->mqtt.cert);
            return;
        }
        if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ)
            break;
    }
    if (strstr(ssl_reason(), "alert") != NULL)
        snprintf(out, cap,
                 "the broker refused the gateway's MQTT client certificate [mqtt] cert "
                 "= %s (TLS alert: %s): not issued by the broker's CA, revoked or expired?",
                 c->mqtt.cert, ssl_reason());
    else
        snprintf(out, cap, "TLS failed: %s", ssl_reason());
}

void mqtt_probe_explain(const struct conf *c, char *out, size_t cap)
{
    char host[CONF_STR_MAX], port[16];
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    int fd;

    if (split_uri(c->mqtt.uri, host, sizeof host, port, sizeof port) != 0) {
        snprintf(out, cap, "[mqtt] uri = %s is not ssl://HOST:PORT", c->mqtt.uri);
        return;
    }
    if ((fd = dial(host, port, out, cap)) < 0)
        return;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, c->mqtt.ca, NULL) != 1 ||
        SSL_CTX_use_certificate_chain_file(ctx, c->mqtt.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, c->mqtt.key, SSL_FILETYPE_PEM) != 1 ||
        (ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
        snprintf(out, cap, "cannot load [mqtt] ca, cert or key: %s", ssl_reason());
    } else {
        SSL_set_verify(ssl, SSL_VERIFY_PEER, NULL);
        (void)SSL_set_tlsext_host_name(ssl, host);
        (void)SSL_set1_host(ssl, host);
        probe_tls(ssl, fd, c, out, cap);
    }
    ERR_clear_error();
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
}
