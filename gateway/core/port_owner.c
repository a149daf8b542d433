/* port_owner.c - whether the socket listening on a TCP port belongs to a running
 * latchkey-gateway (see config_check.h): the listening sockets' inodes from
 * /proc/net/tcp and tcp6, then the process holding one of them (/proc/PID/fd). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_check.h"

#define MAX_INODES 16
#define TCP_LISTEN 0x0A

/* Inodes of the sockets listening on port (at most MAX_INODES). */
static int listening_inodes(int port, unsigned long *inodes)
{
    static const char *const tables[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512];
    size_t t;
    int n = 0;

    for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        FILE *f = fopen(tables[t], "r");
        while (f != NULL && n < MAX_INODES && fgets(line, sizeof line, f) != NULL) {
            unsigned lport, st;
            unsigned long inode;
            /* "sl: local_hex_addr:PORT remote:PORT st tx:rx tr:when retrnsmt uid timeout inode" */
            if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%X %*[0-9A-Fa-f]:%*X %X %*s %*s %*s %*u %*u %lu",
                       &lport, &st, &inode) == 3 &&
                (int)lport == port && st == TCP_LISTEN && inode != 0)
                inodes[n++] = inode;
        }
        if (f != NULL)
            (void)fclose(f); /* read-only */
    }
    return n;
}

/* 1 if process pid holds socket:[inode] for one of inodes. */
static int holds(long pid, const unsigned long *inodes, int n)
{
    char dir[64], link[64 + 256], target[64];
    struct dirent *e;
    DIR *d;
    int found = 0, i;

    snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
    d = opendir(dir);
    while (d != NULL && !found && (e = readdir(d)) != NULL) {
        ssize_t len;
        unsigned long ino;
        snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
        len = readlink(link, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (sscanf(target, "socket:[%lu]", &ino) != 1)
            continue;
        for (i = 0; i < n; i++)
            found = found || ino == inodes[i];
    }
    if (d != NULL)
        closedir(d);
    return found;
}

static int is_gateway(long pid)
{
    char path[64], comm[32] = "";
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fgets(comm, sizeof comm, f) == NULL)
        comm[0] = '\0';
    (void)fclose(f);                                  /* read-only */
    return strncmp(comm, "latchkey-gatewa", 15) == 0; /* comm: 15 characters at most */
}

int config_port_held_by_gateway(int port)
{
    unsigned long inodes[MAX_INODES];
    int n = listening_inodes(port, inodes), found = 0;
    struct dirent *e;
    DIR *proc;

    if (n == 0 || (proc = opendir("/proc")) == NULL)
        return 0;
    while (!found && (e = readdir(proc)) != NULL) {
        long pid = strtol(e->d_name, NULL, 10);
        if (pid > 0 && pid != (long)getpid())
            found = is_gateway(pid) && holds(pid, inodes, n);
    }
    closedir(proc);
    return found;
}
