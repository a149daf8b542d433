/* bench_conn.c - the connections of latchkey-bench: a non-blocking state machine per
 * connection (TCP connect, TLS handshake with a client certificate, write the request,
 * read the answer, or hold the websocket: bench_ws.c) driven by one epoll loop, with
 * per-request timeouts and think time; SIGUSR1 ends a websocket hold after a drain. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <openssl/err.h>

#include "bench_ws.h"

static volatile sig_atomic_t drain_requested;

void bench_drain_signal(int sig)
{
    (void)sig;
    drain_requested = 1;
}

static void conn_close(struct bench_run *run, struct conn *c)
{
    ws_peer_free(c);
    if (c->ssl != NULL) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        if (c->events != 0)
            epoll_ctl(run->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    c->events = 0;
}

static int want(struct bench_run *run, struct conn *c, unsigned ev)
{
    struct epoll_event e;
    if (c->events == ev)
        return 0;
    memset(&e, 0, sizeof e);
    e.events = ev;
    e.data.ptr = c;
    if (epoll_ctl(run->ep, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &e) != 0)
        return -1;
    c->events = ev;
    return 0;
}

static int stopping(const struct bench_run *run, int64_t now)
{
    return now >= run->t_stop || run->started >= run->o->max_requests;
}

/* The connection rests until now + think time (then starts its next request). */
static void rest(struct bench_run *run, struct conn *c, int extra_ms)
{
    c->state = ST_IDLE;
    c->wake_ns = bench_now_ns() + (int64_t)(run->o->think_ms + extra_ms) * 1000000;
}

static void fail(struct bench_run *run, struct conn *c, int status, const char *what)
{
    unsigned long e = ERR_get_error();
    char ebuf[160] = "";
    if (e != 0)
        ERR_error_string_n(e, ebuf, sizeof ebuf);
    ERR_clear_error();
    stats_error(&run->st, status, "%s%s%s", what, ebuf[0] ? ": " : "", ebuf);
    conn_close(run, c);
    if (run->o->mode == MODE_WS) {
        run->ws_failed++;
        c->state = ST_DONE;
        return;
    }
    c->phase = 0;
    rest(run, c, 1); /* 1 ms back-off: a refusing server cannot make us spin */
}

static void prepare(struct conn *c, int len)
{
    c->tx_len = (size_t)len;
    c->tx_off = 0;
    c->rx_len = 0;
    memset(&c->resp, 0, sizeof c->resp);
    c->state = ST_WRITE;
}

/* Puts the next request of this connection into tx. Returns 0 or -1 (does not fit). */
static int next_request(struct bench_run *run, struct conn *c)
{
    const struct bench_opts *o = run->o;
    int n;
    switch (o->mode) {
    case MODE_HANDSHAKE:
        n = http_build_get(c->tx, sizeof c->tx, o, o->path, 1);
        break;
    case MODE_KEEPALIVE:
        n = http_build_get(c->tx, sizeof c->tx, o, o->path, 0);
        break;
    case MODE_ACTION:
        n = c->phase == 0 ? http_build_get(c->tx, sizeof c->tx, o, "/", 0)
                          : http_build_post_action(c->tx, sizeof c->tx, o, c->csrf, c->door);
        break;
    default:
        n = http_build_ws_upgrade(c->tx, sizeof c->tx, o);
        break;
    }
    if (n < 0)
        return -1;
    prepare(c, n);
    return 0;
}

static int open_socket(struct bench_run *run, struct conn *c)
{
    int one = 1;
    c->fd = socket(run->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (const struct sockaddr *)&run->addr, run->alen) != 0 && errno != EINPROGRESS)
        return -1;
    c->state = ST_CONNECT;
    return want(run, c, EPOLLOUT);
}

/* Starts the next request (or finishes the connection when the run is over). */
static void begin(struct bench_run *run, struct conn *c)
{
    int64_t now = bench_now_ns();
    int counted = !(run->o->mode == MODE_ACTION && c->phase == 0);
    if (counted && stopping(run, now)) {
        conn_close(run, c);
        c->state = ST_DONE;
        return;
    }
    if (counted)
        run->started++;
    c->t_start_ns = now;
    c->t_start_us = bench_unix_us();
    c->deadline_ns = now + (int64_t)run->o->timeout_ms * 1000000;
    if (c->ssl == NULL) {
        if (open_socket(run, c) != 0) {
            fail(run, c, 0, "connect failed");
            return;
        }
        return;
    }
    if (next_request(run, c) != 0)
        fail(run, c, 0, "request too large");
}

static int ssl_wait(struct bench_run *run, struct conn *c, int r)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ)
        return want(run, c, EPOLLIN) == 0 ? 1 : -1;
    if (e == SSL_ERROR_WANT_WRITE)
        return want(run, c, EPOLLOUT) == 0 ? 1 : -1;
    return e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL ? 0 : -1;
}

static int start_tls(struct bench_run *run, struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
        return -1;
    c->ssl = SSL_new(run->ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
        SSL_set_tlsext_host_name(c->ssl, run->o->sni) != 1)
        return -1;
    if (run->o->ca != NULL && SSL_set1_host(c->ssl, run->o->sni) != 1)
        return -1;
    SSL_set_connect_state(c->ssl);
    c->state = ST_TLS;
    return 0;
}

/* A whole answer is in rx: account for it and move on. */
static void on_response(struct bench_run *run, struct conn *c)
{
    const struct bench_opts *o = run->o;
    int64_t now = bench_now_ns();
    int st = c->resp.status;

    run->t_last = now;
    if (o->mode == MODE_WS) {
        if (st != 101) {
            fail(run, c, st, "websocket upgrade refused");
            return;
        }
        if (ws_peer_open(run, c, c->resp.header_len) != 0) {
            fail(run, c, 0, "out of memory for a websocket");
            return;
        }
        stats_add(&run->st, now - c->t_start_ns, c->t_start_us, st);
        run->ws_open++;
        c->state = ST_HOLD; /* step() reads what came with the 101 */
        return;
    }
    if (o->mode == MODE_ACTION && c->phase == 0) {
        if (st != 200 || http_find_csrf(c->rx, c->rx_len, c->csrf, sizeof c->csrf) != 0) {
            fail(run, c, st, "GET / gave no CSRF token");
            return;
        }
        c->phase = 1;
        begin(run, c);
        return;
    }
    if (st != 200) {
        char what[64];
        snprintf(what, sizeof what, "HTTP status %d", st);
        fail(run, c, st, what);
        return;
    }
    stats_add(&run->st, now - c->t_start_ns, c->t_start_us, st);
    if (o->mode == MODE_HANDSHAKE || c->resp.conn_close)
        conn_close(run, c);
    if (o->think_ms > 0) {
        rest(run, c, 0);
        return;
    }
    begin(run, c);
}

static void do_read(struct bench_run *run, struct conn *c)
{
    for (;;) {
        int r, rc, eof = 0;
        if (c->rx_len >= BENCH_RX_MAX - 1) {
            fail(run, c, 0, "answer larger than the receive buffer");
            return;
        }
        r = SSL_read(c->ssl, c->rx + c->rx_len, (int)(BENCH_RX_MAX - 1 - c->rx_len));
        if (r > 0) {
            c->rx_len += (size_t)r;
        } else {
            rc = ssl_wait(run, c, r);
            if (rc < 0) {
                fail(run, c, 0, "TLS read failed");
                return;
            }
            if (rc > 0)
                return;
            eof = 1;
        }
        rc = http_resp_parse(c->rx, c->rx_len, eof, &c->resp);
        if (rc < 0) {
            fail(run, c, 0, eof ? "connection closed before a whole answer" : "malformed answer");
            return;
        }
        if (rc > 0) {
            on_response(run, c);
            return;
        }
    }
}

/* A held websocket is readable (or writable for a pong): reads and checks its messages. */
static void hold_io(struct bench_run *run, struct conn *c)
{
    const char *why = "epoll failed";
    if (ws_peer_io(c, &why) == 0 && want(run, c, ws_peer_events(c)) == 0)
        return;
    run->ws_open--;
    fail(run, c, 0, why);
}

/* Drives one connection as far as it goes without blocking; from_event: its socket is
 * ready (a pending connect is only checked then). */
static void step(struct bench_run *run, struct conn *c, int from_event)
{
    int r, rc;
    for (;;) {
        switch (c->state) {
        case ST_CONNECT:
            if (!from_event)
                return;
            if (start_tls(run, c) != 0) {
                fail(run, c, 0, "TCP connect failed");
                return;
            }
            break;
        case ST_TLS:
            r = SSL_do_handshake(c->ssl);
            if (r == 1) {
                if (next_request(run, c) != 0) {
                    fail(run, c, 0, "request too large");
                    return;
                }
                break;
            }
            rc = ssl_wait(run, c, r);
            if (rc <= 0)
                fail(run, c, 0, "TLS handshake failed");
            return;
        case ST_WRITE:
            r = SSL_write(c->ssl, c->tx + c->tx_off, (int)(c->tx_len - c->tx_off));
            if (r > 0) {
                c->tx_off += (size_t)r;
                if (c->tx_off == c->tx_len) {
                    c->state = ST_READ;
                    if (want(run, c, EPOLLIN) != 0) {
                        fail(run, c, 0, "epoll failed");
                        return;
                    }
                }
                break;
            }
            rc = ssl_wait(run, c, r);
            if (rc <= 0)
                fail(run, c, 0, "TLS write failed");
            return;
        case ST_READ:
            do_read(run, c);
            if (c->state == ST_WRITE || c->state == ST_HOLD)
                break; /* on_response started the next request, or the websocket opened */
            return;
        case ST_HOLD:
            hold_io(run, c);
            return;
        default:
            return;
        }
    }
}

static void on_timers(struct bench_run *run, int64_t now)
{
    int i;
    for (i = 0; i < run->o->conns; i++) {
        struct conn *c = &run->c[i];
        if (c->state == ST_IDLE && c->wake_ns <= now) {
            begin(run, c);
            step(run, c, 0);
        } else if (c->state != ST_IDLE && c->state != ST_HOLD && c->state != ST_DONE &&
                   c->deadline_ns <= now) {
            fail(run, c, 0, "request timed out");
        }
    }
}

/* Milliseconds until the next timer, and whether any connection is still working. */
static int next_timeout(struct bench_run *run, int64_t now, int *busy)
{
    int64_t next = now + 100 * 1000000LL;
    int i;
    *busy = 0;
    for (i = 0; i < run->o->conns; i++) {
        const struct conn *c = &run->c[i];
        int64_t t;
        if (c->state == ST_DONE)
            continue;
        if (c->state == ST_HOLD) {
            *busy = 1;
            continue;
        }
        if (c->state == ST_IDLE && stopping(run, c->wake_ns) && !(run->o->mode == MODE_ACTION && c->phase == 0))
            t = now; /* will finish at once */
        else
            t = c->state == ST_IDLE ? c->wake_ns : c->deadline_ns;
        *busy = 1;
        if (t < next)
            next = t;
    }
    if (run->o->mode == MODE_WS && run->hold_until > 0 && run->hold_until < next)
        next = run->hold_until;
    return next <= now ? 0 : (int)((next - now + 999999) / 1000000);
}

static void ws_check(struct bench_run *run, int64_t now)
{
    if (run->o->mode != MODE_WS)
        return;
    if (run->ws_reported) {
        int64_t end = now + (int64_t)WS_DRAIN_S * 1000000000;
        if (drain_requested && !run->drain_started) {
            run->drain_started = 1;
            if (end < run->hold_until)
                run->hold_until = end;
        }
        return;
    }
    if (run->ws_open + run->ws_failed >= run->o->conns || now >= run->t_stop) {
        printf("ws-open %d\n", run->ws_open);
        (void)fflush(stdout); /* a progress line: nothing to do if stdout is gone */
        run->ws_reported = 1;
        run->hold_until = now + (int64_t)(run->o->hold_s * 1e9);
    }
}

int bench_run(struct bench_run *run)
{
    const struct bench_opts *o = run->o;
    struct epoll_event ev[64];
    int i;

    run->ep = epoll_create1(EPOLL_CLOEXEC);
    if (run->ep < 0)
        return -1;
    run->c = calloc((size_t)o->conns, sizeof *run->c);
    if (run->c == NULL)
        return -1;
    run->t0 = bench_now_ns();
    run->t_stop = run->t0 + (int64_t)(o->duration_s * 1e9);
    for (i = 0; i < o->conns; i++) {
        struct conn *c = &run->c[i];
        c->fd = -1;
        c->door = o->n_doors > 0 ? o->doors[i % o->n_doors] : "";
        c->rx = malloc(BENCH_RX_MAX);
        if (c->rx == NULL)
            return -1;
        c->state = ST_IDLE;
        c->wake_ns = run->t0;
    }
    for (;;) {
        int64_t now = bench_now_ns();
        int busy, n, timeout;
        on_timers(run, now);
        ws_check(run, now);
        if (run->hold_until > 0 && now >= run->hold_until)
            break;
        timeout = next_timeout(run, now, &busy);
        if (!busy)
            break;
        n = epoll_wait(run->ep, ev, 64, timeout);
        if (n < 0 && errno != EINTR)
            return -1;
        for (i = 0; i < n; i++)
            step(run, ev[i].data.ptr, 1);
    }
    run->t_last = run->t_last > 0 ? run->t_last : bench_now_ns();
    ws_peer_tally(run, &run->tally);
    for (i = 0; i < o->conns; i++) {
        conn_close(run, &run->c[i]);
        free(run->c[i].rx);
    }
    free(run->c);
    run->c = NULL;
    close(run->ep);
    return 0;
}
