/* conn_limit.h - bounds on the connections of the mTLS listener before anyone is
 * authenticated (pre-authentication descriptor exhaustion): at most per_address at once
 * from one source (an IPv4 address, or an IPv6 /64), and at most conn_limit_max() in all,
 * FD_RESERVE below the descriptor limit, so descriptors stay free for the gateway itself
 * (the database, the broker, the log) and accept() never fails with EMFILE because of
 * connections. The total is lws' own accept gate (server.c sets it to the smaller of
 * max_connections and conn_limit_max: lws stops polling the listening socket at the limit,
 * so the rest wait in the kernel's backlog instead of spinning); a connection that still
 * lands on a descriptor within FD_RESERVE / 2 of the limit is closed here. Checked at lws' FILTER_NETWORK_CONNECTION, right after accept(),
 * before TLS. Loop thread only. */
#ifndef GW_CONN_LIMIT_H
#define GW_CONN_LIMIT_H

#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#define FD_RESERVE 64 /* descriptors never given to connections */

struct conn_rec;

struct conn_limit {
    struct conn_rec *recs; /* one per descriptor below fd_cap: who it was accepted from */
                           /* fd_cap = fd_limit - FD_RESERVE / 2 */
    int fd_cap, per_address, hi;
    time_t logged;         /* rate limit of the refusal log line */
    unsigned quiet;        /* refusals not logged since */
};

/* fd_limit = the descriptor limit (fd_limit.h). 0, or -1 if out of memory. */
int conn_limit_init(struct conn_limit *cl, int fd_limit, int per_address);
void conn_limit_free(struct conn_limit *cl);

/* The largest number of connections the descriptors allow (fd_limit - FD_RESERVE). */
int conn_limit_max(int fd_limit);

/* A connection accepted on fd from peer: 0 to serve it (recorded), -1 to close it now
 * (logged at most every 10 s with the number refused meanwhile; counted). */
int conn_limit_admit(struct conn_limit *cl, int fd, const struct sockaddr *peer, socklen_t len);

#endif
