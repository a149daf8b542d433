/* conn_limit.c - connections per source and the descriptor reserve (see conn_limit.h).
 * Each accepted descriptor below fd_cap records a hash of its source and its source port.
 * Nothing is told when lws closes a connection, so a record is checked when it is counted:
 * getpeername() of that descriptor must still give the same source and port, else the
 * connection is gone (the descriptor closed, or reused by something else) and the record
 * is dropped. A count is a scan of the records (fd_cap of 8 bytes) and one getpeername()
 * per record of the same hash: bounded, and no state to leak if a close is missed. */
#include "conn_limit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "metrics.h"

struct conn_rec {
    uint32_t hash;
    uint16_t port;
    uint8_t used;
};

/* A source: the IPv4 address (also when IPv4-mapped), or the /64 of an IPv6 address. */
struct source {
    uint8_t family, len, bytes[8];
    uint16_t port;
};

static int source_of(const struct sockaddr *sa, socklen_t len, struct source *s)
{
    memset(s, 0, sizeof *s);
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const void *)sa;
        s->family = AF_INET;
        s->len = 4;
        memcpy(s->bytes, &in->sin_addr, 4);
        s->port = in->sin_port;
        return 0;
    }
    if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        const uint8_t *a = in6->sin6_addr.s6_addr;
        s->port = in6->sin6_port;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            s->family = AF_INET;
            s->len = 4;
            memcpy(s->bytes, a + 12, 4);
        } else {
            s->family = AF_INET6;
            s->len = 8;
            memcpy(s->bytes, a, 8);
        }
        return 0;
    }
    return -1;
}

static uint32_t source_hash(const struct source *s)
{
    uint32_t h = 2166136261u ^ s->family; /* FNV-1a */
    int i;
    for (i = 0; i < s->len; i++)
        h = (h ^ s->bytes[i]) * 16777619u;
    return h;
}

static int same_source(const struct source *a, const struct source *b)
{
    return a->family == b->family && a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* 1 if descriptor fd is still the connection rec recorded (its peer has rec's source hash
 * and port); *now = that source. */
static int still_open(int fd, const struct conn_rec *rec, struct source *now)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    return getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
           source_of((struct sockaddr *)&ss, len, now) == 0 && now->port == rec->port &&
           source_hash(now) == rec->hash;
}

int conn_limit_max(int fd_limit)
{
    return fd_limit > 2 * FD_RESERVE ? fd_limit - FD_RESERVE : fd_limit / 2;
}

int conn_limit_init(struct conn_limit *cl, int fd_limit, int per_address)
{
    memset(cl, 0, sizeof *cl);
    cl->fd_cap = fd_limit - (fd_limit - conn_limit_max(fd_limit)) / 2;
    cl->per_address = per_address;
    cl->recs = calloc((size_t)cl->fd_cap, sizeof *cl->recs);
    return cl->recs != NULL ? 0 : -1;
}

void conn_limit_free(struct conn_limit *cl)
{
    free(cl->recs);
    cl->recs = NULL;
}

static void refused(struct conn_limit *cl, const struct source *s, const char *why)
{
    char text[INET6_ADDRSTRLEN] = "?";
    uint8_t addr[16] = {0};
    time_t now = time(NULL);

    metrics_conn_refused();
    if (now - cl->logged < 10) {
        cl->quiet++;
        return;
    }
    memcpy(addr, s->bytes, s->len); /* a /64 prints as its first half, then "::" */
    inet_ntop(s->family, addr, text, sizeof text);
    if (cl->quiet > 0)
        gw_log("connection refused: %s from %s%s (and %u more refused in the last 10 s)", why,
               text, s->family == AF_INET6 ? "/64" : "", cl->quiet);
    else
        gw_log("connection refused: %s from %s%s", why, text, s->family == AF_INET6 ? "/64" : "");
    cl->logged = now;
    cl->quiet = 0;
}

int conn_limit_admit(struct conn_limit *cl, int fd, const struct sockaddr *peer, socklen_t len)
{
    struct source s, other;
    uint32_t h;
    int i, n = 0;

    if (source_of(peer, len, &s) != 0)
        return -1; /* not an IP connection: nothing the listener serves */
    if (fd < 0 || fd >= cl->fd_cap || cl->recs == NULL) {
        refused(cl, &s, "descriptor reserve reached");
        return -1;
    }
    h = source_hash(&s);
    cl->recs[fd].used = 0; /* a new connection on fd: whatever it held before is gone */
    for (i = 0; i < cl->hi; i++) {
        struct conn_rec *r = &cl->recs[i];
        if (!r->used || r->hash != h)
            continue;
        if (!still_open(i, r, &other))
            r->used = 0;
        else if (same_source(&other, &s))
            n++;
    }
    if (n >= cl->per_address) {
        refused(cl, &s, "max_connections_per_address reached");
        return -1;
    }
    cl->recs[fd].hash = h;
    cl->recs[fd].port = s.port;
    cl->recs[fd].used = 1;
    if (fd >= cl->hi)
        cl->hi = fd + 1;
    return 0;
}
