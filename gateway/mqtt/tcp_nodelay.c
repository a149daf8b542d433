/* tcp_nodelay.c - TCP_NODELAY on the broker connection Paho opened (see tcp_nodelay.h):
 * the process's descriptors are listed from /proc/self/fd; a TCP socket whose peer has the
 * broker's port gets the option. Setting it on another socket of ours would be harmless
 * (libwebsockets sets it on its connections anyway), and a descriptor closed meanwhile
 * just fails the calls. */
#include "tcp_nodelay.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int peer_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int type = 0;
    socklen_t tlen = sizeof type;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM ||
        getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

int tcp_nodelay_to_port(int port)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0, one = 1;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end != '\0' || end == e->d_name || fd < 0 || fd == dirfd(d))
            continue;
        if (peer_port((int)fd) == port &&
            setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0)
            n++;
    }
    closedir(d);
    return n;
}

int tcp_nodelay_uri_port(const char *uri)
{
    const char *colon = strrchr(uri, ':'), *bracket = strrchr(uri, ']');
    char *end;
    long p;

    if (colon == NULL || (bracket != NULL && colon < bracket) || colon[1] == '\0')
        return -1;
    p = strtol(colon + 1, &end, 10);
    return *end == '\0' && p > 0 && p <= 65535 ? (int)p : -1;
}
