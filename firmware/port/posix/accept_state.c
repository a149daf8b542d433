/* accept_state.c - the persisted ids of accepted commands (accept_state.h). */
#include "accept_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LINE_MAX_LEN (LK_ID_HEX_LEN + 1 + 20 + 1) /* "<id> <exp>\n" */
#define FILE_MAX (LK_REPLAY_SLOTS * LINE_MAX_LEN)

/* One "<id> <exp>" line (without its newline) into e; 0 or -1. */
static int parse_line(const char *line, size_t n, struct lkp_accept_entry *e)
{
    char num[21], *end;
    long long x;
    size_t nl = n - (LK_ID_HEX_LEN + 1);
    if (n < LK_ID_HEX_LEN + 2 || line[LK_ID_HEX_LEN] != ' ' || !lk_id_valid(line, LK_ID_HEX_LEN) ||
        nl >= sizeof num)
        return -1;
    memcpy(e->id, line, LK_ID_HEX_LEN);
    e->id[LK_ID_HEX_LEN] = '\0';
    memcpy(num, line + LK_ID_HEX_LEN + 1, nl);
    num[nl] = '\0';
    if (!((num[0] >= '0' && num[0] <= '9') || num[0] == '-'))
        return -1;
    errno = 0;
    x = strtoll(num, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    e->exp = (int64_t)x;
    return 0;
}

/* The whole file into s->e (entries with exp < now dropped); 0, or -1 if it is not valid. */
static int parse_file(struct lkp_accept_state *s, const char *buf, size_t n, int64_t now)
{
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(buf + pos, '\n', n - pos);
        struct lkp_accept_entry e;
        if (nl == NULL || parse_line(buf + pos, (size_t)(nl - (buf + pos)), &e) != 0 ||
            s->n == LK_REPLAY_SLOTS)
            return -1;
        if (e.exp >= now)
            s->e[s->n++] = e;
        pos = (size_t)(nl - buf) + 1;
    }
    return 0;
}

static int write_file(struct lkp_accept_state *s);

int lkp_accept_state_open(struct lkp_accept_state *s, const char *path, int64_t now, char *err,
                          size_t errlen)
{
    static char buf[FILE_MAX + 1];
    size_t n;
    FILE *f;

    memset(s, 0, sizeof *s);
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
        n = fread(buf, 1, sizeof buf, f);
        if (ferror(f) || !feof(f) || n > FILE_MAX || parse_file(s, buf, n, now) != 0) {
            (void)fclose(f); /* read-only: nothing is lost if it fails */
            s->n = 0;
            snprintf(err, errlen,
                     "state_file '%s' is not lines of '<id> <exp>'; the device cannot "
                     "tell which commands it already acted on",
                     path);
            return -1;
        }
        (void)fclose(f); /* read-only */
    }
    if (write_file(s) != 0) {
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

static int write_file(struct lkp_accept_state *s)
{
    char buf[FILE_MAX];
    size_t len = 0, i;
    int fd;
    ssize_t w;
    for (i = 0; i < s->n; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %lld\n", s->e[i].id,
                                (long long)s->e[i].exp);
    fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        lkp_log_error("state_file: cannot create %s: %s", s->tmp, strerror(errno));
        return -1;
    }
    w = len > 0 ? write(fd, buf, len) : 0;
    if (w < 0 || (size_t)w != len || fsync(fd) != 0) {
        lkp_log_error("state_file: cannot write %s: %s", s->tmp,
                      w >= 0 && (size_t)w != len ? "short write" : strerror(errno));
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

int lkp_accept_state_add(struct lkp_accept_state *s, const char *id, int64_t exp, int64_t now)
{
    size_t i, k = 0;
    if (!lk_id_valid(id, lk_field_len(id, LK_ID_HEX_LEN + 1)))
        return -1;
    for (i = 0; i < s->n; i++) /* drop what expired: it can never be accepted again */
        if (s->e[i].exp >= now)
            s->e[k++] = s->e[i];
    s->n = k;
    if (s->n == LK_REPLAY_SLOTS) { /* as the RAM cache: the oldest is forgotten */
        memmove(&s->e[0], &s->e[1], (s->n - 1) * sizeof s->e[0]);
        s->n--;
    }
    memcpy(s->e[s->n].id, id, LK_ID_HEX_LEN + 1);
    s->e[s->n].exp = exp;
    s->n++;
    return write_file(s);
}

int lkp_accept_record(void *ctx, const char *id, int64_t exp, int64_t now)
{
    return lkp_accept_state_add(ctx, id, exp, now);
}
