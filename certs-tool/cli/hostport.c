/* hostport.c - HOST:PORT arguments (bundle --broker, enroll --listen, broker-config
 * --remote): a DNS name or an IP literal ("[v6]:port" for IPv6) and a port 1..65535. */
#include "hostport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "names.h"

int lk_host_valid(const char *host)
{
    unsigned char buf[16];
    return lk_dns_name_valid(host) || inet_pton(AF_INET, host, buf) == 1 ||
           inet_pton(AF_INET6, host, buf) == 1;
}

int lk_hostport_parse(const char *arg, const char *what, char *host, size_t cap, long *port)
{
    const char *colon, *hstart = arg;
    size_t hlen;
    char *end = NULL;
    long v;

    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (close == NULL || close[1] != ':')
            goto bad;
        hstart = arg + 1;
        hlen = (size_t)(close - hstart);
        colon = close + 1;
    } else {
        colon = strrchr(arg, ':');
        if (colon == NULL || memchr(arg, ':', (size_t)(colon - arg)) != NULL)
            goto bad; /* no port, or an IPv6 literal without brackets */
        hlen = (size_t)(colon - arg);
    }
    if (hlen == 0 || hlen >= cap)
        goto bad;
    memcpy(host, hstart, hlen);
    host[hlen] = '\0';
    if (!lk_host_valid(host))
        goto bad;
    errno = 0;
    v = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || v < 1 || v > 65535)
        goto bad;
    *port = v;
    return 0;
bad:
    lk_err("%s must be HOST:PORT (a DNS name, IPv4 address or [IPv6] address, port 1-65535), got '%s'",
           what, arg);
    return -1;
}
