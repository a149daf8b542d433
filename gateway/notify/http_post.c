/* http_post.c - the webhook's bounded HTTP/1.1 POST (see http_post.h). */
#include "http_post.h"

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
#include <time.h>
#include <unistd.h>

int http_url_parse(const char *url, struct http_url *u)
{
    const char *h, *end, *colon, *slash;
    size_t hl;
    memset(u, 0, sizeof *u);
    if (strncmp(url, "http://", 7) == 0) {
        h = url + 7;
        strcpy(u->port, "80");
    } else if (strncmp(url, "https://", 8) == 0) {
        h = url + 8;
        u->tls = 1;
        strcpy(u->port, "443");
    } else {
        return -1;
    }
    slash = strchr(h, '/');
    end = slash != NULL ? slash : h + strlen(h);
    colon = memchr(h, ':', (size_t)(end - h));
    hl = (size_t)((colon != NULL ? colon : end) - h);
    if (hl == 0 || hl > HTTP_POST_HOST_MAX || strcspn(h, "@[]#?") < (size_t)(end - h))
        return -1;
    memcpy(u->host, h, hl);
    if (colon != NULL) {
        size_t pl = (size_t)(end - colon - 1);
        if (pl == 0 || pl > 5 || strspn(colon + 1, "0123456789") < pl)
            return -1;
        memcpy(u->port, colon + 1, pl);
        u->port[pl] = '\0';
    }
    if (slash == NULL)
        strcpy(u->path, "/");
    else if (strlen(slash) > HTTP_POST_PATH_MAX || strpbrk(slash, " \r\n#") != NULL)
        return -1;
    else
        strcpy(u->path, slash);
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or the deadline passed. 1 ready, 0 not. */
static int wait_fd(int fd, short events, long long deadline)
{
    struct pollfd p = {fd, events, 0};
    long long left = deadline - now_ms();
    int r;
    if (left <= 0)
        return 0;
    do
        r = poll(&p, 1, (int)left);
    while (r < 0 && errno == EINTR);
    return r > 0;
}

static int connect_to(const struct http_url *u, long long deadline)
{
    struct addrinfo hints, *res = NULL, *ai;
    int fd = -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(u->host, u->port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        int err = 0;
        socklen_t el = sizeof err;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
            (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* One side of the exchange: plain or TLS, non-blocking, bounded by the deadline. */
struct conn {
    int fd;
    SSL *ssl;
    long long deadline;
};

/* Runs one SSL call until it is done or the deadline passes. Its result, or -1. */
static int ssl_step(struct conn *c, int r)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ)
        return wait_fd(c->fd, POLLIN, c->deadline) ? 0 : -1;
    if (e == SSL_ERROR_WANT_WRITE)
        return wait_fd(c->fd, POLLOUT, c->deadline) ? 0 : -1;
    return -1;
}

static int conn_write(struct conn *c, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n;
        if (c->ssl != NULL) {
            int r = SSL_write(c->ssl, buf, len > 65536 ? 65536 : (int)len);
            if (r <= 0) {
                if (ssl_step(c, r) < 0)
                    return -1;
                continue;
            }
            n = r;
        } else {
            n = send(c->fd, buf, len, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_fd(c->fd, POLLOUT, c->deadline))
                    return -1;
                continue;
            }
            if (n <= 0)
                return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads until the status line is in (or the buffer is full). Bytes read, or -1. */
static int read_status(struct conn *c, char *buf, size_t cap)
{
    size_t got = 0;
    buf[0] = '\0';
    while (got + 1 < cap && strchr(buf, '\n') == NULL) {
        ssize_t n;
        if (c->ssl != NULL) {
            int r = SSL_read(c->ssl, buf + got, (int)(cap - 1 - got));
            if (r <= 0) {
                if (ssl_step(c, r) < 0)
                    break;
                continue;
            }
            n = r;
        } else {
            n = recv(c->fd, buf + got, cap - 1 - got, 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_fd(c->fd, POLLIN, c->deadline))
                    break;
                continue;
            }
            if (n <= 0)
                break;
        }
        got += (size_t)n;
        buf[got] = '\0';
    }
    return got > 0 ? (int)got : -1;
}

static int tls_start(struct conn *c, SSL_CTX **ctx, const char *host)
{
    int r;
    *ctx = SSL_CTX_new(TLS_client_method());
    if (*ctx == NULL || SSL_CTX_set_default_verify_paths(*ctx) != 1 ||
        SSL_CTX_set_min_proto_version(*ctx, TLS1_2_VERSION) != 1)
        return -1;
    SSL_CTX_set_verify(*ctx, SSL_VERIFY_PEER, NULL);
    c->ssl = SSL_new(*ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
        SSL_set_tlsext_host_name(c->ssl, host) != 1 || SSL_set1_host(c->ssl, host) != 1)
        return -1;
    while ((r = SSL_connect(c->ssl)) != 1)
        if (ssl_step(c, r) < 0)
            return -1;
    return 0;
}

int http_post(const struct http_url *u, const char *body, size_t len, int timeout_ms)
{
    char head[HTTP_POST_PATH_MAX + HTTP_POST_HOST_MAX + 256], status[256];
    struct conn c = {-1, NULL, now_ms() + timeout_ms};
    SSL_CTX *ctx = NULL;
    int n, code = -1;

    c.fd = connect_to(u, c.deadline);
    if (c.fd < 0)
        return -1;
    n = snprintf(
        head, sizeof head,
        "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: latchkey-gateway\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
        u->path, u->host, len);
    if (n > 0 && (size_t)n < sizeof head && (!u->tls || tls_start(&c, &ctx, u->host) == 0) &&
        conn_write(&c, head, (size_t)n) == 0 && conn_write(&c, body, len) == 0 &&
        read_status(&c, status, sizeof status) > 0 && strncmp(status, "HTTP/1.", 7) == 0 &&
        sscanf(status + 8, " %3d", &code) != 1)
        code = -1;
    if (c.ssl != NULL) {
        (void)SSL_shutdown(c.ssl);
        SSL_free(c.ssl);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    close(c.fd);
    return code;
}
