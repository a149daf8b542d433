/* fd_limit.c - the gateway's own descriptor bound (see fd_limit.h). */
#include "fd_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include "gw_log.h"

/* The soft RLIMIT_NOFILE becomes MAX_FDS (or the hard limit if that is lower): lws sizes
 * its per-fd tables by it, so the number of connections and that memory are the same on
 * every machine rather than whatever the service manager gave (systemd: 1 024, too few
 * for 1 000 websockets; a shell here: 20 000, 2 x 160 KiB of tables). */
int fd_limit_set(void)
{
    struct rlimit rl;
    rlim_t want = MAX_FDS;
    long open_max;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        gw_log("fd limit: cannot read RLIMIT_NOFILE; keeping the inherited one");
        open_max = sysconf(_SC_OPEN_MAX);
        return open_max > 0 && open_max < MAX_FDS ? (int)open_max : MAX_FDS;
    }
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur != want) {
        rlim_t was = rl.rlim_cur;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            gw_log("fd limit: cannot set %llu (staying at %llu)", (unsigned long long)want,
                   (unsigned long long)was);
            return was < (rlim_t)MAX_FDS ? (int)was : MAX_FDS;
        }
    }
    if (want < MAX_FDS)
        gw_log("fd limit: %llu (the hard limit; %d wanted): fewer connections",
               (unsigned long long)want, MAX_FDS);
    return (int)want;
}
