/* fd_limit.h - the gateway's own descriptor bound, set once at start (fd_limit.c). */
#ifndef GW_FD_LIMIT_H
#define GW_FD_LIMIT_H

#define MAX_FDS 8192 /* descriptors, so connections, the gateway can hold at once */

void fd_limit_set(void);

#endif
