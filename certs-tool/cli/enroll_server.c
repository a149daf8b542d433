/* enroll_server.c - the enrollment endpoint's concurrent TLS / plain HTTP server (see
 * enroll_server.h): a fixed table of connections, each a small state machine (handshake,
 * request, answer) driven by poll() on non-blocking sockets, with a deadline of its own. */
#define _GNU_SOURCE /* accept4 */
#include "enroll_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "diag.h"
#include "enroll_http.h"
#include "hostport.h"

#define LISTEN_BACKLOG 32 /* connections waiting for a free slot */

enum conn_state { C_FREE = 0, C_HANDSHAKE, C_READ, C_WRITE };

struct conn {
    enum conn_state state;
    int fd;
    SSL *ssl;
    short want;                     /* POLLIN or POLLOUT: what OpenSSL waits for */
    double deadline;
    char host[NI_MAXHOST];          /* the peer's address, for the per-address bound */
    char peer[NI_MAXHOST + NI_MAXSERV + 8];
    char req[LK_ENROLL_REQ_MAX + LK_ENROLL_BODY_MAX];
    size_t req_len;
    char head[512 + LK_ENROLL_EXTRA_MAX];
    size_t head_len, head_off;
    const unsigned char *body;
    size_t body_len, body_off;
    void (*free_body)(void *body);      /* the reply's, called on close */
    const struct lk_enroll_listener *l; /* accepted on */
};

struct server {
    const struct lk_enroll_listener *ls;
    int nls;
    const struct lk_enroll_handler *h;
    struct conn c[LK_ENROLL_SLOTS];
    int accepted;
};

double lk_enroll_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lk_enroll_listen(const char *spec, char *host, size_t cap, long *port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char pstr[8];
    int fd = -1, one = 1, r;
    if (lk_hostport_parse(spec, "--listen", host, cap, port) != 0)
        return -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(pstr, sizeof pstr, "%ld", *port);
    if ((r = getaddrinfo(host, pstr, &hints, &res)) != 0) {
        lk_err("cannot resolve --listen %s: %s", spec, gai_strerror(r));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        lk_err("cannot listen on %s: %s", spec, strerror(errno));
    freeaddrinfo(res);
    return fd;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* Progress lines for the operator: the delivery does not depend on them. */
    (void)fputs("enroll: ", stdout);
    vprintf(fmt, ap);
    (void)fputc('\n', stdout);
    va_end(ap);
    (void)fflush(stdout);
}

static void conn_close(struct conn *c)
{
    ERR_clear_error();
    if (c->free_body != NULL)
        c->free_body((void *)c->body);
    SSL_free(c->ssl);
    if (c->fd >= 0)
        close(c->fd);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static int active(const struct server *s)
{
    int i, n = 0;
    for (i = 0; i < LK_ENROLL_SLOTS; i++)
        n += s->c[i].state != C_FREE;
    return n;
}

/* The answer to send: head now, body from the caller's buffer. */
static void conn_reply(struct conn *c, const struct lk_enroll_reply *r)
{
    int n = snprintf(c->head, sizeof c->head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n\r\n",
                     r->status, lk_enroll_status_text(r->status), r->type, r->len, r->extra);
    c->head_len = n > 0 && (size_t)n < sizeof c->head ? (size_t)n : 0;
    c->head_off = 0;
    c->body = r->body;
    c->free_body = r->free_body;
    c->body_len = c->head_len > 0 ? r->len : 0;
    c->body_off = 0;
    c->state = C_WRITE;
    c->want = POLLOUT;
}

static void conn_text(struct conn *c, int status, const char *text)
{
    struct lk_enroll_reply r = {status, "text/plain; charset=utf-8", "", text, strlen(text), NULL};
    conn_reply(c, &r);
}

/* OpenSSL wants to wait: 1 with c->want set, or 0 (the connection failed). */
static int conn_wait(struct conn *c, int rc)
{
    switch (SSL_get_error(c->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        c->want = POLLIN;
        return 1;
    case SSL_ERROR_WANT_WRITE:
        c->want = POLLOUT;
        return 1;
    default:
        return 0;
    }
}

/* One read or write on the connection, TLS or plain: bytes moved (> 0), 0 to wait (c->want
 * set) or -1 (failed, or the peer closed). */
static int conn_io(struct conn *c, int writing, void *buf, size_t len)
{
    ssize_t n;
    int cap = len > 65536 ? 65536 : (int)len;
    if (c->ssl != NULL) {
        int r = writing ? SSL_write(c->ssl, buf, cap) : SSL_read(c->ssl, buf, cap);
        return r > 0 ? r : conn_wait(c, r) ? 0 : -1;
    }
    n = writing ? send(c->fd, buf, (size_t)cap, MSG_NOSIGNAL) : recv(c->fd, buf, (size_t)cap, 0);
    if (n > 0)
        return (int)n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        c->want = writing ? POLLOUT : POLLIN;
        return 0;
    }
    return -1;
}

static void conn_write(struct conn *c)
{
    while (c->head_off < c->head_len || c->body_off < c->body_len) {
        int body = c->head_off == c->head_len;
        const char *p = body ? (const char *)c->body + c->body_off : c->head + c->head_off;
        size_t left = body ? c->body_len - c->body_off : c->head_len - c->head_off;
        int n = conn_io(c, 1, (void *)p, left);
        if (n <= 0) {
            if (n < 0)
                conn_close(c); /* a client that went away changes nothing */
            return;
        }
        if (body)
            c->body_off += (size_t)n;
        else
            c->head_off += (size_t)n;
    }
    if (c->ssl != NULL)
        (void)SSL_shutdown(c->ssl); /* close_notify, without waiting for the client's */
    conn_close(c);
}

static void conn_read(struct server *s, struct conn *c)
{
    for (;;) {
        struct lk_enroll_reply r;
        /* Until the head is complete, at most LK_ENROLL_REQ_MAX bytes; then room for a body. */
        int head = lk_enroll_head_end(c->req, c->req_len) != NULL;
        size_t cap = head ? sizeof c->req : LK_ENROLL_REQ_MAX;
        int n;
        if (c->req_len >= cap) {
            say("request from %s too large", c->peer);
            if (head)
                conn_text(c, 413, "request body too large\n");
            else
                conn_text(c, 431, "request too large\n");
            conn_write(c);
            return;
        }
        n = conn_io(c, 0, c->req + c->req_len, cap - c->req_len);
        if (n <= 0) {
            if (n < 0) {
                say("%s closed before a full request", c->peer);
                conn_close(c);
            }
            return;
        }
        c->req_len += (size_t)n;
        memset(&r, 0, sizeof r);
        if ((c->l->answer != NULL ? c->l->answer : s->h->answer)(s->h->arg, c->req, c->req_len,
                                                                 c->peer, &r)) {
            conn_reply(c, &r);
            conn_write(c);
            return;
        }
    }
}

static void conn_step(struct server *s, struct conn *c)
{
    int rc;
    ERR_clear_error(); /* SSL_get_error() reads this thread's queue: only this call's errors */
    switch (c->state) {
    case C_HANDSHAKE:
        if (c->ssl == NULL) { /* plain HTTP: nothing to shake hands about */
            c->state = C_READ;
            c->want = POLLIN;
            conn_read(s, c);
            return;
        }
        rc = SSL_accept(c->ssl);
        if (rc != 1) {
            if (!conn_wait(c, rc)) {
                say("TLS handshake with %s failed", c->peer);
                conn_close(c);
            }
            return;
        }
        c->state = C_READ;
        c->want = POLLIN;
        conn_read(s, c); /* the request may be in already */
        return;
    case C_READ:
        conn_read(s, c);
        return;
    case C_WRITE:
        conn_write(c);
        return;
    case C_FREE:
        return;
    }
}

/* A connection past its deadline: a request still incomplete gets 408 (what can be sent
 * at once). */
static void conn_expire(struct conn *c)
{
    switch (c->state) {
    case C_HANDSHAKE:
        say("TLS handshake with %s not finished within %d s: dropped", c->peer,
            LK_ENROLL_CONN_BUDGET_S);
        break;
    case C_READ:
        say("%s too slow (no full request within %d s), dropped", c->peer, LK_ENROLL_CONN_BUDGET_S);
        conn_text(c, 408, "too slow\n");
        conn_write(c); /* what goes out without waiting; it closes c if all went */
        break;
    case C_WRITE:
        say("the answer to %s was not taken within %d s: dropped", c->peer, LK_ENROLL_CONN_BUDGET_S);
        break;
    case C_FREE:
        return;
    }
    conn_close(c); /* a slot conn_write freed already closes as a no-op */
}

/* The peer's numeric address into host, "ADDR port N" into peer (each of struct conn's size). */
static void peer_of(const struct sockaddr_storage *ss, socklen_t len, char *host, char *peer)
{
    char p[NI_MAXSERV];
    if (getnameinfo((const struct sockaddr *)ss, len, host, NI_MAXHOST, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        snprintf(peer, NI_MAXHOST + NI_MAXSERV + 8, "%s port %s", host, p);
    } else {
        strcpy(host, "?");
        strcpy(peer, "?");
    }
}

/* Takes waiting connections on listener l while slots are free (and
 * LK_ENROLL_MAX_CONNECTIONS allows). */
static void accept_some(struct server *s, const struct lk_enroll_listener *l)
{
    while (s->accepted < LK_ENROLL_MAX_CONNECTIONS && active(s) < LK_ENROLL_SLOTS) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        struct conn *c = NULL;
        char host[NI_MAXHOST], peer[NI_MAXHOST + NI_MAXSERV + 8];
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        int i, same = 0;
        if (fd < 0)
            return; /* none waiting (EAGAIN), or it gave up already */
        s->accepted++;
        peer_of(&ss, sl, host, peer);
        for (i = 0; i < LK_ENROLL_SLOTS; i++) {
            if (s->c[i].state == C_FREE)
                c = c != NULL ? c : &s->c[i];
            else
                same += strcmp(s->c[i].host, host) == 0;
        }
        if (same >= LK_ENROLL_PER_PEER) {
            say("refused %s: %d connections from that address are open already", peer, same);
            close(fd);
            continue;
        }
        memset(c, 0, sizeof *c);
        memcpy(c->host, host, sizeof c->host);
        memcpy(c->peer, peer, sizeof c->peer);
        c->fd = fd;
        c->l = l;
        c->deadline = lk_enroll_now() + LK_ENROLL_CONN_BUDGET_S;
        c->state = C_HANDSHAKE;
        if (l->ctx == NULL) {
            c->want = POLLIN;
            continue;
        }
        c->ssl = SSL_new(l->ctx);
        if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1) {
            lk_err_ssl("cannot set up a connection");
            conn_close(c);
            continue;
        }
        SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE);
        c->want = POLLIN;
    }
}

/* Every connection closed but those sending an answer (those too if all is 1). */
static void close_all(struct server *s, int all)
{
    int i;
    for (i = 0; i < LK_ENROLL_SLOTS; i++)
        if (s->c[i].state != C_FREE && (all || s->c[i].state != C_WRITE))
            conn_close(&s->c[i]);
}

static enum lk_enroll_end serve(struct server *s)
{
    for (;;) {
        struct pollfd pfd[LK_ENROLL_SLOTS + LK_ENROLL_LISTENERS];
        struct conn *of[LK_ENROLL_SLOTS + LK_ENROLL_LISTENERS];
        const struct lk_enroll_listener *lof[LK_ENROLL_SLOTS + LK_ENROLL_LISTENERS];
        double now = lk_enroll_now(), until = s->h->until(s->h->arg), next = until;
        int i, n = 0, r, limit = s->accepted >= LK_ENROLL_MAX_CONNECTIONS;
        int stopping = limit || s->h->stop(s->h->arg);

        if (now >= until) {
            close_all(s, 1);
            return LK_ENROLL_END_DEADLINE;
        }
        if (stopping)
            close_all(s, 0);
        for (i = 0; i < LK_ENROLL_SLOTS; i++)
            if (s->c[i].state != C_FREE && now >= s->c[i].deadline)
                conn_expire(&s->c[i]);
        if (stopping && active(s) == 0)
            return limit ? LK_ENROLL_END_CONN_LIMIT : LK_ENROLL_END_STOPPED;
        for (i = 0; !stopping && active(s) < LK_ENROLL_SLOTS && i < s->nls; i++) {
            pfd[n].fd = s->ls[i].fd;
            pfd[n].events = POLLIN;
            lof[n] = &s->ls[i];
            of[n++] = NULL;
        }
        for (i = 0; i < LK_ENROLL_SLOTS; i++) {
            struct conn *c = &s->c[i];
            if (c->state == C_FREE)
                continue;
            pfd[n].fd = c->fd;
            pfd[n].events = c->want;
            lof[n] = NULL;
            of[n++] = c;
            if (c->deadline < next)
                next = c->deadline;
        }
        r = poll(pfd, (nfds_t)n, (int)((next - now) * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            lk_err("poll: %s", strerror(errno));
            close_all(s, 1);
            return LK_ENROLL_END_ERROR;
        }
        for (i = 0; i < n && r > 0; i++) {
            if (pfd[i].revents == 0)
                continue;
            if (of[i] == NULL)
                accept_some(s, lof[i]);
            else if (of[i]->state != C_FREE)
                conn_step(s, of[i]);
        }
    }
}

enum lk_enroll_end lk_enroll_serve(SSL_CTX *ctx, int lfd, const struct lk_enroll_handler *h)
{
    struct lk_enroll_listener l = {lfd, ctx, NULL};
    return lk_enroll_serve_on(&l, 1, h);
}

enum lk_enroll_end lk_enroll_serve_on(const struct lk_enroll_listener *ls, int nls,
                                      const struct lk_enroll_handler *h)
{
    struct server *s;
    enum lk_enroll_end end;
    int i;
    if (nls < 1 || nls > LK_ENROLL_LISTENERS) {
        lk_err("the endpoint takes 1 to %d listening sockets", LK_ENROLL_LISTENERS);
        return LK_ENROLL_END_ERROR;
    }
    for (i = 0; i < nls; i++) {
        int fl = fcntl(ls[i].fd, F_GETFL);
        if (fl < 0 || fcntl(ls[i].fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            lk_err("cannot make the listening socket non-blocking: %s", strerror(errno));
            return LK_ENROLL_END_ERROR;
        }
    }
    if ((s = calloc(1, sizeof *s)) == NULL) {
        lk_err("out of memory");
        return LK_ENROLL_END_ERROR;
    }
    s->ls = ls;
    s->nls = nls;
    s->h = h;
    for (i = 0; i < LK_ENROLL_SLOTS; i++)
        s->c[i].fd = -1;
    end = serve(s);
    free(s);
    return end;
}
