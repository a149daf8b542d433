/* txn.c - all-or-nothing writes of a few files: each is written to a temp file in its own
 * directory and fsync'd; commit renames them over their targets in order and fsyncs the
 * directories. A failed rename restores the files already replaced (from hard-link
 * backups), so a verb never leaves a key without its certificate or inventory line. */
#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "pki_dir.h"

void lk_txn_init(struct lk_txn *t)
{
    memset(t, 0, sizeof *t);
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int lk_txn_add(struct lk_txn *t, const char *dst, const void *data, size_t len, mode_t mode)
{
    char *tmp;
    int fd, n;
    if (t->n >= LK_TXN_MAX) {
        lk_err("internal: too many files in one write");
        return -1;
    }
    tmp = t->f[t->n].tmp;
    n = snprintf(tmp, LK_PATH_MAX, "%s.tmp.XXXXXX", dst);
    if (n < 0 || n + 8 >= LK_PATH_MAX) { /* + ".old" later */
        lk_err("path %s is too long", dst);
        return -1;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        lk_err("cannot create a temporary file next to %s: %s", dst, strerror(errno));
        return -1;
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        lk_err("cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        lk_err("cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    snprintf(t->f[t->n].dst, LK_PATH_MAX, "%s", dst);
    t->f[t->n].old[0] = '\0';
    t->n++;
    return 0;
}

int lk_txn_add_bio(struct lk_txn *t, const char *dst, BIO *mem, mode_t mode)
{
    char *data = NULL;
    long len = BIO_get_mem_data(mem, &data);
    if (len < 0 || (len > 0 && data == NULL)) {
        lk_err("internal: no data to write to %s", dst);
        return -1;
    }
    return lk_txn_add(t, dst, data, (size_t)len, mode);
}

static void fsync_parent(const char *path)
{
    char dir[LK_PATH_MAX];
    char *slash;
    int fd;
    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
        lk_warn("cannot fsync directory %s: %s", dir, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* Undoes the rename of file i: the backup goes back, or the new file goes away. */
static void restore(struct lk_txn *t, int i)
{
    const char *dst = t->f[i].dst;
    if (t->f[i].old[0] != '\0') {
        if (rename(t->f[i].old, dst) != 0)
            lk_err("cannot restore %s (previous version kept as %s): %s", dst, t->f[i].old,
                   strerror(errno));
        t->f[i].old[0] = '\0'; /* restored, or left on disk for the operator */
    } else if (unlink(dst) != 0) {
        lk_err("cannot remove %s: %s", dst, strerror(errno));
    }
}

/* The name the previous version of a target is kept under while it is replaced: its temp
 * file's name + ".old" (lk_txn_add left room for it). 0, or -1 if it does not fit. */
static int backup_name(char out[LK_PATH_MAX], const char *tmp)
{
    int n = snprintf(out, LK_PATH_MAX, "%s.old", tmp);
    return n < 0 || n >= LK_PATH_MAX ? -1 : 0;
}

int lk_txn_commit(struct lk_txn *t)
{
    int i, k, r;
    /* Phase 1: keep the previous version of every target reachable. */
    for (i = 0; i < t->n; i++) {
        r = lk_path_exists(t->f[i].dst);
        if (r < 0)
            goto undo_backups;
        if (r == 1) {
            if (backup_name(t->f[i].old, t->f[i].tmp) != 0) {
                lk_err("path %s is too long", t->f[i].dst);
                t->f[i].old[0] = '\0';
                goto undo_backups;
            }
            if (link(t->f[i].dst, t->f[i].old) != 0) {
                lk_err("cannot keep a backup of %s: %s", t->f[i].dst, strerror(errno));
                t->f[i].old[0] = '\0';
                goto undo_backups;
            }
        }
    }
    /* Phase 2: replace the targets. */
    for (k = 0; k < t->n; k++) {
        if (rename(t->f[k].tmp, t->f[k].dst) != 0) {
            lk_err("cannot replace %s: %s", t->f[k].dst, strerror(errno));
            for (i = 0; i < k; i++) /* put the previous state back */
                restore(t, i);
            goto undo_backups;
        }
        t->f[k].tmp[0] = '\0';
    }
    /* Phase 3: make the renames durable, drop the backups. */
    for (i = 0; i < t->n; i++) {
        fsync_parent(t->f[i].dst);
        if (t->f[i].old[0] != '\0' && unlink(t->f[i].old) != 0)
            lk_warn("cannot remove %s: %s", t->f[i].old, strerror(errno));
        t->f[i].old[0] = '\0';
    }
    t->committed = 1;
    return 0;

undo_backups:
    for (i = 0; i < t->n; i++) {
        if (t->f[i].old[0] != '\0' && unlink(t->f[i].old) != 0)
            lk_err("cannot remove %s: %s", t->f[i].old, strerror(errno));
        t->f[i].old[0] = '\0';
    }
    lk_txn_abort(t);
    return -1;
}

void lk_txn_abort(struct lk_txn *t)
{
    int i;
    for (i = 0; i < t->n; i++) {
        if (t->f[i].tmp[0] != '\0')
            unlink(t->f[i].tmp);
        t->f[i].tmp[0] = '\0';
    }
}
