/* bind_check.c - --check-config's listen check: each configured address and port is
 * bound once and let go (see config_check.h). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config_check.h"

int config_try_bind(const char *listen, int port)
{
    struct addrinfo hints, *ai = NULL;
    char service[8];
    int fd, rc = 0, one = 1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(listen, service, &hints, &ai) != 0 || ai == NULL)
        return -1;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        rc = errno;
    else {
        /* as the listener will: a port in TIME_WAIT alone is no obstacle */
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
            rc = errno;
        close(fd);
    }
    freeaddrinfo(ai);
    return rc;
}

static void check_one(const char *section, const char *listen, int port, struct check_report *r)
{
    int e = config_try_bind(listen, port);
    char why[200];
    if (e == EADDRINUSE && config_port_held_by_gateway(port))
        check_warn(r,
                   "%s port %d is held by a running latchkey-gateway (the service itself? a "
                   "restart frees it; anything else would not start)",
                   section, port);
    else if (e == EACCES && port < 1024)
        check_warn(r,
                   "%s port %d: this user may not bind it (%s); the service can with "
                   "CAP_NET_BIND_SERVICE, which the packaged unit grants",
                   section, port, strerror(e));
    else if (config_bind_error(listen, port, e, why, sizeof why))
        check_error(r, "%s %s", section, why);
}

int config_bind_error(const char *listen, int port, int e, char *out, size_t cap)
{
    if (e == 0)
        return 0;
    if (e == -1)
        snprintf(out, cap, "listen = %s: not an address of this host", listen);
    else
        snprintf(out, cap, "cannot listen on %s port %d: %s%s", listen, port, strerror(e),
                 e == EADDRINUSE ? " (another program, or a latchkey-gateway already running)"
                 : e == EACCES   ? " (a port below 1024 needs CAP_NET_BIND_SERVICE)"
                                 : "");
    return 1;
}

void config_check_bind(const struct conf *c, struct check_report *r)
{
    check_one("[server]", c->server.listen, c->server.port, r);
    if (c->metrics.port != 0)
        check_one("[metrics]", c->metrics.listen, c->metrics.port, r);
}
