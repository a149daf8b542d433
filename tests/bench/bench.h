/* bench.h - shared types of latchkey-bench, the concurrent mTLS load generator of the
 * benchmarks (docs/benchmarks.md): options, one connection's state, latency samples, and
 * the HTTP helpers. Loopback only; bounded in time and in request count. */
#ifndef LATCHKEY_BENCH_H
#define LATCHKEY_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/ssl.h>

enum bench_mode {
    MODE_HANDSHAKE, /* a new TCP + full TLS handshake per request, no resumption */
    MODE_KEEPALIVE, /* one handshake per connection, then requests back to back */
    MODE_ACTION,    /* keep-alive: GET / for the CSRF token, then POST /action repeatedly */
    MODE_WS         /* open websockets (subprotocol latchkey.v1) and hold them open */
};

#define BENCH_MAX_DOORS 16
#define BENCH_RX_MAX (256 * 1024)
#define BENCH_TX_MAX 2048

struct bench_opts {
    enum bench_mode mode;
    const char *host;      /* loopback literal: 127.0.0.0/8 or ::1 */
    int port;
    const char *sni;       /* server name sent and used in Host/Origin (default localhost) */
    const char *ca;        /* verify the server against it; NULL: do not verify (load) */
    const char *cert;      /* client certificate (PEM) */
    const char *key;       /* its key */
    const char *path;      /* request path (handshake / keepalive) */
    const char *pin;       /* action mode */
    const char *doors[BENCH_MAX_DOORS];
    int n_doors;
    int conns;
    double duration_s;     /* stop starting requests after this */
    long max_requests;     /* stop starting requests after this many */
    int think_ms;          /* pause between two requests of one connection */
    int timeout_ms;        /* one request (connect to last byte) */
    double hold_s;         /* ws mode: keep the websockets open this long */
    int tls12;             /* offer TLS 1.2 only (default: TLS 1.3 only) */
    const char *groups;    /* key exchange groups (OpenSSL list; default "P-256") */
    const char *samples;   /* file for one line per request */
};

/* Latency samples (ns) and the start time of each (unix us), for percentiles and the file. */
struct bench_stats {
    int64_t *lat_ns;
    int64_t *start_us;
    int *status;
    size_t n, cap;
    long errors;
    long by_status[6];     /* 1xx..5xx of non-OK answers, [0] other */
    char first_error[256];
};

int stats_init(struct bench_stats *st, size_t cap);
void stats_free(struct bench_stats *st);
void stats_add(struct bench_stats *st, int64_t lat_ns, int64_t start_us, int status);
void stats_error(struct bench_stats *st, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sorts a copy; q in [0,1]. Returns 0 when there are no samples. */
int64_t stats_quantile(const struct bench_stats *st, int64_t *sorted, double q);
int stats_write_samples(const struct bench_stats *st, const char *path);

/* HTTP response parsing over a growing buffer. */
struct http_resp {
    int status;            /* 0 until the status line is read */
    size_t header_len;     /* bytes up to and including the blank line; 0 until seen */
    long content_length;   /* -1: none */
    int chunked;
    int conn_close;
};

/* Returns 1 when buf[0..len) holds a whole response (eof: the peer closed), 0 when more is
 * needed, -1 when it is malformed. Fills *r. */
int http_resp_parse(const char *buf, size_t len, int eof, struct http_resp *r);
/* Copies the value of the page's hidden csrf field into out. Returns 0, -1 if absent. */
int http_find_csrf(const char *buf, size_t len, char *out, size_t outlen);

/* Request builders; return the length written or -1 if it does not fit. */
int http_build_get(char *out, size_t cap, const struct bench_opts *o, const char *path, int close);
int http_build_post_action(char *out, size_t cap, const struct bench_opts *o, const char *csrf,
                           const char *door);
int http_build_ws_upgrade(char *out, size_t cap, const struct bench_opts *o);

int64_t bench_now_ns(void);
int64_t bench_unix_us(void);

#endif
