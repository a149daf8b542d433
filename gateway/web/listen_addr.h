/* listen_addr.h - a configured listen address in the numeric form lws takes (it takes an
 * interface name or a literal), with its family and whether it is loopback. */
#ifndef GW_LISTEN_ADDR_H
#define GW_LISTEN_ADDR_H

#include <stddef.h>

/* 0, or -1 if host does not resolve. */
int listen_addr_resolve(const char *host, char *out, size_t cap, int *family, int *loopback);

#endif
