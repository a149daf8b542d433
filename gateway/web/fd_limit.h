/* fd_limit.h - the gateway's own descriptor bound, set once at start (fd_limit.c). */
#ifndef GW_FD_LIMIT_H
#define GW_FD_LIMIT_H

#define MAX_FDS 8192 /* descriptors, so connections, the gateway can hold at once */

/* Sets the soft RLIMIT_NOFILE; returns the limit in force (at most MAX_FDS). */
int fd_limit_set(void);

#endif
