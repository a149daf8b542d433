/* relay_sim.c - simulated relay backend: appends "<unix_ms> on|off\n" per transition to
 * the sim_log file with one write() (O_APPEND), so a reader sees complete lines at once,
 * and a killed device loses none. No fsync: a real relay does not wait for a disk, and a
 * sync on the device's loop stalled it (ack and pulse end) by up to 100 ms on a busy disk. */
#include "relay_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int lkp_relay_sim_open(struct lkp_relay_sim *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (r->fd < 0) {
        snprintf(err, errlen, "cannot open relay sim_log '%s': %s", path, strerror(errno));
        return -1;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    return 0;
}

static int append_line(struct lkp_relay_sim *r, int on)
{
    struct timespec ts;
    char line[48];
    long long ms;
    int n;
    ssize_t w;

    if (r->fd < 0) {
        errno = EBADF;
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    n = snprintf(line, sizeof line, "%lld %s\n", ms, on ? "on" : "off");
    if (n < 0 || (size_t)n >= sizeof line) {
        errno = EOVERFLOW;
        return -1;
    }
    do {
        w = write(r->fd, line, (size_t)n);
    } while (w < 0 && errno == EINTR);
    if (w != n) {
        if (w >= 0)
            errno = EIO; /* short write on a regular file: disk full */
        return -1;
    }
    return 0;
}

void lkp_relay_sim_set(struct lkp_relay_sim *r, int on)
{
    on = on != 0;
    if (on == r->on)
        return;
    if (append_line(r, on) != 0) {
        lkp_log_error("relay sim: cannot write '%s': %s; output treated as off", r->path,
                      strerror(errno));
        r->on = 0;
        return;
    }
    r->on = on;
    lkp_log_info("relay %s", on ? "on" : "off");
}

void lkp_relay_sim_off_now(struct lkp_relay_sim *r)
{
    struct timespec ts;
    char line[32], digits[24];
    long long ms;
    size_t n = 0, d = 0;

    if (r->fd < 0 || !r->on)
        return;
    r->on = 0;
    clock_gettime(CLOCK_REALTIME, &ts); /* async-signal-safe, unlike snprintf */
    ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    do {
        digits[d++] = (char)('0' + ms % 10);
        ms /= 10;
    } while (ms > 0 && d < sizeof digits);
    while (d > 0)
        line[n++] = digits[--d];
    memcpy(line + n, " off\n", 5);
    n += 5;
    if (write(r->fd, line, n) < 0)
        return; /* nothing more can be done from a signal handler */
}

void lkp_relay_sim_close(struct lkp_relay_sim *r)
{
    if (r->fd < 0)
        return;
    lkp_relay_sim_set(r, 0);
    if (close(r->fd) != 0)
        lkp_log_error("relay sim: closing '%s': %s", r->path, strerror(errno));
    r->fd = -1;
}
