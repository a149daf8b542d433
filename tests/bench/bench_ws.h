/* bench_ws.h - the held websockets of latchkey-bench's ws mode (bench_ws.c): frames read
 * with wslay, every message checked as latchkey.v1 JSON, counted per socket. */
#ifndef LATCHKEY_BENCH_WS_H
#define LATCHKEY_BENCH_WS_H

#include "bench_run.h"

/* The upgrade was answered 101: c->rx[off, rx_len) is already websocket data. Returns 0,
 * or -1 out of memory. */
int ws_peer_open(struct bench_run *run, struct conn *c, size_t off);
/* Reads every frame that is there (answering pings); 0: still open, -1: the socket ended
 * (closed by the server, broken, or a message that is not latchkey.v1; *why says which). */
int ws_peer_io(struct conn *c, const char **why);
/* The epoll interest the socket needs now. */
unsigned ws_peer_events(const struct conn *c);
void ws_peer_free(struct conn *c);
void ws_peer_tally(const struct bench_run *run, struct ws_tally *t);

#endif
