/* pki_dir.c - the layout of the PKI directory (docs/certs.md, "The PKI directory": ca/,
 * issued/, private/, cmd/, index.tsv) and an exclusive lock (DIR/.lock) held while a verb changes it. */
#include "pki_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

int lk_path_exists(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    lk_err("cannot access %s: %s", path, strerror(errno));
    return -1;
}

int lk_mkdir(const char *path, mode_t mode)
{
    struct stat st;
    if (mkdir(path, mode) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (errno == EEXIST)
        lk_err("%s exists and is not a directory", path);
    else
        lk_err("cannot create directory %s: %s", path, strerror(errno));
    return -1;
}

int lk_pki_path(const struct lk_pki *pki, const char *rel, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", pki->dir, rel);
    if (n < 0 || (size_t)n >= cap) {
        lk_err("path %s/%s is too long", pki->dir, rel);
        return -1;
    }
    return 0;
}

static int set_dir(struct lk_pki *pki, const char *dir)
{
    size_t len = strlen(dir);
    pki->lock_fd = -1;
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len + 64 >= sizeof pki->dir) { /* room for the longest relative path */
        lk_err("PKI directory path is too long");
        return -1;
    }
    memcpy(pki->dir, dir, len);
    pki->dir[len] = '\0';
    return 0;
}

static int lock_dir(struct lk_pki *pki)
{
    char path[LK_PATH_MAX];
    if (lk_pki_path(pki, ".lock", path, sizeof path) != 0)
        return -1;
    pki->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (pki->lock_fd < 0) {
        lk_err("cannot open lock file %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(pki->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            lk_err("PKI directory %s is in use by another latchkey-certs; try again", pki->dir);
        else
            lk_err("cannot lock %s: %s", path, strerror(errno));
        close(pki->lock_fd);
        pki->lock_fd = -1;
        return -1;
    }
    return 0;
}

static const struct {
    const char *rel;
    mode_t mode;
} subdirs[] = {
    {"ca", 0700}, {"issued", 0755}, {"private", 0700}, {"cmd", 0700}, {"archive", 0755},
};

int lk_pki_create(struct lk_pki *pki, const char *dir)
{
    char path[LK_PATH_MAX];
    size_t i;
    if (set_dir(pki, dir) != 0 || lk_mkdir(pki->dir, 0700) != 0)
        return -1;
    for (i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        if (lk_pki_path(pki, subdirs[i].rel, path, sizeof path) != 0 ||
            lk_mkdir(path, subdirs[i].mode) != 0)
            return -1;
    }
    return lock_dir(pki);
}

int lk_pki_open(struct lk_pki *pki, const char *dir)
{
    char path[LK_PATH_MAX];
    struct stat st;
    int r;
    if (set_dir(pki, dir) != 0)
        return -1;
    if (stat(pki->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        lk_err("PKI directory %s does not exist; create it with 'latchkey-certs -d %s init'",
               pki->dir, pki->dir);
        return -1;
    }
    if (lk_pki_path(pki, "ca/ca.crt", path, sizeof path) != 0)
        return -1;
    r = lk_path_exists(path);
    if (r < 0)
        return -1;
    if (r == 0) {
        lk_err("%s has no CA (ca/ca.crt missing); run 'latchkey-certs -d %s init' first",
               pki->dir, pki->dir);
        return -1;
    }
    return lock_dir(pki);
}

void lk_pki_close(struct lk_pki *pki)
{
    if (pki->lock_fd >= 0)
        close(pki->lock_fd); /* releases the flock */
    pki->lock_fd = -1;
}
