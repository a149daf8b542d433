/* bench_run.h - one run of latchkey-bench: the connections, their state machine and the
 * epoll loop that drives them (bench_conn.c). */
#ifndef LATCHKEY_BENCH_RUN_H
#define LATCHKEY_BENCH_RUN_H

#include <sys/socket.h>

#include "bench.h"

/* Per-socket figures over the websockets that opened. */
struct ws_tally {
    int sockets;                 /* websockets that opened */
    long doors_min, doors_max;   /* "doors" messages (sent on open and on every change) */
    long results_min, results_max; /* "result" messages (every action of the user) */
    int without_doors;           /* sockets that never received a "doors" message */
    int results_short;           /* sockets with fewer results than results_max */
};

struct ws_peer;

enum conn_state { ST_IDLE, ST_CONNECT, ST_TLS, ST_WRITE, ST_READ, ST_HOLD, ST_DONE };

struct conn {
    int fd;
    SSL *ssl;
    enum conn_state state;
    unsigned events;       /* current epoll interest; 0 = not registered */
    int phase;             /* action mode: 0 fetching the token, 1 posting */
    const char *door;
    int64_t t_start_ns, t_start_us, wake_ns, deadline_ns;
    char *rx;
    size_t rx_len;
    char tx[BENCH_TX_MAX];
    size_t tx_len, tx_off;
    struct http_resp resp;
    char csrf[160];
    struct ws_peer *ws;    /* ws mode: the open websocket (bench_ws.c) */
    long ws_doors, ws_results; /* ws mode: latchkey.v1 messages received on it */
    int ws_opened;
};

struct bench_run {
    const struct bench_opts *o;
    SSL_CTX *ctx;
    int ep;
    struct conn *c;
    struct bench_stats st;
    struct sockaddr_storage addr;
    socklen_t alen;
    long started;
    int64_t t0, t_stop, t_last;
    int ws_open, ws_failed, ws_reported;
    long ws_rx_bytes;      /* ws mode: bytes read on the open websockets (pushed frames) */
    int64_t hold_until;
    int drain_started;     /* ws mode: SIGUSR1 seen, the hold ends WS_DRAIN_S later */
    struct ws_tally tally; /* ws mode: per-socket figures, filled at the end of the run */
};

/* ws mode: SIGUSR1 ends the hold this long after it arrives (messages still on the way). */
#define WS_DRAIN_S 2
/* The SIGUSR1 handler (async-signal-safe: only sets a flag). */
void bench_drain_signal(int sig);

/* Runs the whole benchmark; returns 0, or -1 on a setup failure (message on stderr). */
int bench_run(struct bench_run *run);

#endif
