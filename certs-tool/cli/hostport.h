/* hostport.h - HOST:PORT arguments of enroll, bundle and broker-config. */
#ifndef LK_CERTS_HOSTPORT_H
#define LK_CERTS_HOSTPORT_H

#include <stddef.h>

/* Splits "host:port", "[v6]:port" (port 1..65535). host is a DNS name or IP literal
 * (brackets removed). Returns 0, or -1 after reporting what (the option name) is wrong. */
int lk_hostport_parse(const char *arg, const char *what, char *host, size_t cap, long *port);
int lk_host_valid(const char *host); /* DNS name, IPv4 or IPv6 literal */

#endif
