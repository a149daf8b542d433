/* listen_addr.c - a listen address from the config, resolved to the numeric form lws
 * takes (see listen_addr.h). */
#include "listen_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Listen address -> numeric form for lws (which takes an interface name or a literal). */
int listen_addr_resolve(const char *host, char *out, size_t cap, int *family, int *loopback)
{
    struct addrinfo hints, *res = NULL;
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
        return -1;
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST);
    *family = res->ai_family;
    *loopback = 0;
    if (res->ai_family == AF_INET)
        *loopback = (ntohl(((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr) >> 24) == 127;
    else if (res->ai_family == AF_INET6)
        *loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr);
    freeaddrinfo(res);
    return rc == 0 ? 0 : -1;
}
