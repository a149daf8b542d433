/* accept_state.c - the persisted time of the last accepted command (accept_state.h). */
#include "accept_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define STATE_MAX 32 /* "-9223372036854775808\n" fits */

/* 0 and *v for exactly one decimal integer and a newline; -1 otherwise. */
static int parse_line(const char *buf, size_t n, int64_t *v)
{
    char *end;
    long long x;
    if (n < 2 || buf[n - 1] != '\n' || memchr(buf, '\n', n - 1) != NULL)
        return -1;
    if (!((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '-'))
        return -1;
    errno = 0;
    x = strtoll(buf, &end, 10);
    if (errno != 0 || end != buf + n - 1)
        return -1;
    *v = (int64_t)x;
    return 0;
}

int lkp_accept_state_open(struct lkp_accept_state *s, const char *path, int64_t *last,
                          char *err, size_t errlen)
{
    char buf[STATE_MAX + 1];
    size_t n;
    FILE *f;

    *last = 0;
    if (snprintf(s->path, sizeof s->path, "%s", path) >= (int)sizeof s->path ||
        snprintf(s->tmp, sizeof s->tmp, "%s.tmp", path) >= (int)sizeof s->tmp) {
        snprintf(err, errlen, "state_file '%s' is too long", path);
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL && errno != ENOENT) {
        snprintf(err, errlen, "cannot read state_file '%s': %s", path, strerror(errno));
        return -1;
    }
    if (f != NULL) {
        n = fread(buf, 1, STATE_MAX, f);
        if (ferror(f) || !feof(f) || parse_line(buf, n, last) != 0) {
            fclose(f);
            snprintf(err, errlen, "state_file '%s' is not one line with a UNIX time; the device "
                     "cannot tell which commands it already acted on", path);
            return -1;
        }
        fclose(f);
    }
    if (lkp_accept_state_write(s, *last) != 0) {
        snprintf(err, errlen, "cannot write state_file '%s' (see the line above)", path);
        return -1;
    }
    return 0;
}

/* The directory of the file, so that the rename itself is made durable. */
static int sync_dir(const char *path)
{
    char dir[LKP_PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, rc;
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int lkp_accept_state_write(struct lkp_accept_state *s, int64_t now)
{
    char line[STATE_MAX];
    int n = snprintf(line, sizeof line, "%lld\n", (long long)now);
    int fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ssize_t w;
    if (fd < 0) {
        lkp_log_error("state_file: cannot create %s: %s", s->tmp, strerror(errno));
        return -1;
    }
    w = write(fd, line, (size_t)n);
    if (w != n || fsync(fd) != 0) {
        lkp_log_error("state_file: cannot write %s: %s", s->tmp, w < 0 || w == n ? strerror(errno) : "short write");
        close(fd);
        unlink(s->tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(s->tmp, s->path) != 0 || sync_dir(s->path) != 0) {
        lkp_log_error("state_file: cannot replace %s: %s", s->path, strerror(errno));
        unlink(s->tmp);
        return -1;
    }
    return 0;
}

int lkp_accept_record(void *ctx, int64_t now)
{
    return lkp_accept_state_write(ctx, now);
}
