/* cli_backup.c - `backup DIR` and `restore DIR`: everything a gateway needs to come back on
 * a new machine, in one directory and one command each. The backup holds the config file,
 * every file it names (certificates, keys, CA, CRL, command key), the pepper, the CRL
 * number state (the single floor, or one per CA when crl names several files) and a consistent copy of the database (SQLite's online backup, so the
 * gateway may keep running), each with its mode, owner and group, and those of its
 * directory, in DIR/manifest. Restore puts them back where they were (creating missing
 * directories as they were), with their modes and owners (by name: uids differ between
 * machines); it never overwrites a file that differs (stop the gateway and move the old
 * file away first) and skips one that is already the same. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include <lkhost/crl_floor.h>
#include "gw_log.h"

#define MANIFEST "manifest"
#define PATH_CAP 600
#define MAX_FILES 32 /* 10 the config names, the database, its CRL number floors (one per CA) */

struct entry {
    char path[PATH_CAP];  /* where it lives */
    char stored[64];      /* its name in the backup */
    unsigned mode, dmode; /* its and its directory's permission bits */
    char owner[64], group[64], downer[64], dgroup[64];
};

static void names_of(const struct stat *st, char *owner, char *group)
{
    struct passwd *pw = getpwuid(st->st_uid);
    struct group *gr = getgrgid(st->st_gid);
    if (pw != NULL)
        snprintf(owner, 64, "%s", pw->pw_name);
    else
        snprintf(owner, 64, "%u", (unsigned)st->st_uid);
    if (gr != NULL)
        snprintf(group, 64, "%s", gr->gr_name);
    else
        snprintf(group, 64, "%u", (unsigned)st->st_gid);
}

static void dir_of(const char *path, char *dir, size_t cap)
{
    char *slash;
    snprintf(dir, cap, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, cap, ".");
    else
        *(slash == dir ? slash + 1 : slash) = '\0';
}

/* Copies src to dst (created with mode 0600, then set); 0 or -1 (reported). */
static int copy_file(const char *src, const char *dst)
{
    char buf[8192];
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, ok = in >= 0;
    ssize_t n = 0;

    if (ok)
        out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ok = ok && out >= 0;
    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)n) == n;
    ok = ok && n == 0 && fsync(out) == 0;
    if (out >= 0 && close(out) != 0)
        ok = 0;
    if (!ok)
        gw_err("cannot copy %s to %s: %s", src, dst, strerror(errno));
    if (in >= 0)
        close(in);
    return ok ? 0 : -1;
}

/* The database through SQLite's online backup: consistent while the gateway writes. */
static int backup_database(const char *db, const char *dst)
{
    sqlite3 *from = NULL, *to = NULL;
    sqlite3_backup *b;
    int rc = sqlite3_open_v2(db, &from, SQLITE_OPEN_READONLY, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        b = sqlite3_backup_init(to, "main", from, "main");
        rc = b == NULL ? sqlite3_errcode(to) : sqlite3_backup_step(b, -1);
        if (b != NULL && sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
            rc = sqlite3_errcode(to);
    }
    if (rc != SQLITE_DONE)
        gw_err("%s: cannot back up the database: %s", db,
               to != NULL ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
    sqlite3_close(from);
    sqlite3_close(to);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* One manifest line: mode owner group dmode downer dgroup stored path */
static int add(struct entry *e, int *n, const char *path, FILE *manifest, const char *dir)
{
    struct stat st, dst;
    char d[PATH_CAP], stored[PATH_CAP + 64];
    struct entry *x = &e[*n];

    if (*n == MAX_FILES || strlen(path) >= sizeof x->path || stat(path, &st) != 0) {
        gw_err("%s: cannot back it up: %s", path,
               *n == MAX_FILES ? "too many files" : strerror(errno));
        return -1;
    }
    dir_of(path, d, sizeof d);
    if (stat(d, &dst) != 0)
        return gw_err("%s: %s", d, strerror(errno)), -1;
    snprintf(x->path, sizeof x->path, "%s", path);
    snprintf(x->stored, sizeof x->stored, "%02d-%.50s", *n,
             strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    names_of(&st, x->owner, x->group);
    names_of(&dst, x->downer, x->dgroup);
    snprintf(stored, sizeof stored, "%s/%s", dir, x->stored);
    if (fprintf(manifest, "%04o %s %s %04o %s %s %s %s\n", (unsigned)(st.st_mode & 07777), x->owner,
                x->group, (unsigned)(dst.st_mode & 07777), x->downer, x->dgroup, x->stored,
                path) < 0)
        return -1;
    (*n)++;
    return 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 if s is the hash part of a per-CA floor's name: 16 lower-case hex digits. */
static int is_floor_hash(const char *s)
{
    size_t i;
    for (i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[16] == '\0';
}

/* The per-CA CRL number floors beside the database (DB.crl-number.HASH: the gateway keeps one
 * per CA when crl names several files, gateway/core/tls_store.c), each added and copied. */
static int backup_ca_floors(const char *db, struct entry *e, int *n, FILE *m, const char *dir)
{
    char d[PATH_CAP], prefix[PATH_CAP], file[2 * PATH_CAP], path[PATH_CAP + 80];
    const char *base = strrchr(db, '/') != NULL ? strrchr(db, '/') + 1 : db;
    struct dirent *de;
    size_t len;
    DIR *dd;
    int rc = 0;

    dir_of(db, d, sizeof d);
    len = (size_t)snprintf(prefix, sizeof prefix, "%s%s.", base, CRL_FLOOR_SUFFIX);
    if ((dd = opendir(d)) == NULL)
        return gw_err("%s: cannot list it: %s", d, strerror(errno)), -1;
    while (rc == 0 && (de = readdir(dd)) != NULL) {
        if (strncmp(de->d_name, prefix, len) != 0 || !is_floor_hash(de->d_name + len))
            continue;
        snprintf(file, sizeof file, "%s/%s", d, de->d_name);
        rc = add(e, n, file, m, dir);
        if (rc == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e[*n - 1].stored);
            rc = copy_file(file, path);
        }
    }
    (void)closedir(dd); /* read-only */
    return rc;
}

static int do_backup(const struct conf *c, const char *dir)
{
    static struct entry e[MAX_FILES];
    const char *files[] = {c->path,        c->server.cert,      c->server.key, c->server.client_ca,
                           c->server.crl,  c->mqtt.ca,          c->mqtt.cert,  c->mqtt.key,
                           c->command.key, c->store.pepper_file};
    char path[PATH_CAP + 80], floor[PATH_CAP];
    FILE *m;
    size_t i;
    int n = 0, rc = 0;

    if (mkdir(dir, 0700) != 0)
        return gw_err("%s: cannot create the backup directory: %s", dir, strerror(errno)), CLI_FAIL;
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    if ((m = fopen(path, "wx")) == NULL)
        return gw_err("%s: %s", path, strerror(errno)), CLI_FAIL;
    for (i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        if (strcmp(files[i], "none") == 0)
            continue;
        if (files[i] == c->server.crl && (strchr(files[i], ',') != NULL || is_dir(files[i]))) {
            printf(
                "note: crl = %s names several files or directories: back them up "
                "yourself (the CAs re-sign them anyway)\n",
                files[i]);
            continue;
        }
        rc = add(e, &n, files[i], m, dir);
        snprintf(path, sizeof path, "%s/%s", dir, e[n - 1 < 0 ? 0 : n - 1].stored);
        if (rc == 0)
            rc = copy_file(files[i], path);
    }
    snprintf(floor, sizeof floor, "%s%s", c->store.database, CRL_FLOOR_SUFFIX);
    if (rc == 0 && access(floor, F_OK) == 0) {
        rc = add(e, &n, floor, m, dir);
        snprintf(path, sizeof path, "%s/%s", dir, e[n - 1].stored);
        rc = rc == 0 ? copy_file(floor, path) : rc;
    }
    if (rc == 0)
        rc = backup_ca_floors(c->store.database, e, &n, m, dir);
    if (rc == 0) {
        rc = add(e, &n, c->store.database, m, dir);
        snprintf(path, sizeof path, "%s/%s", dir, e[n - 1].stored);
        rc = rc == 0 ? backup_database(c->store.database, path) : rc;
    }
    if (fclose(m) != 0)
        rc = -1;
    if (rc != 0)
        return gw_err("backup in %s is incomplete: do not rely on it", dir), CLI_FAIL;
    printf(
        "backed up %d files to %s (keys and pepper inside: keep it encrypted, off this "
        "machine)\n",
        n, dir);
    return CLI_OK;
}

static int ids_of(const char *owner, const char *group, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam(owner);
    struct group *gr = getgrnam(group);
    if (pw == NULL || gr == NULL)
        return gw_err(
                   "no user %s or group %s on this machine (install the packages first: "
                   "they create the service's user)",
                   owner, group),
               -1;
    *uid = pw->pw_uid;
    *gid = gr->gr_gid;
    return 0;
}

/* 1 if a and b have the same bytes. */
static int same_content(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int ca = 0, cb = 0, same = fa != NULL && fb != NULL;
    while (same && (ca = getc(fa)) == (cb = getc(fb)) && ca != EOF)
        ;
    same = same && ca == cb;
    if (fa != NULL)
        (void)fclose(fa); /* read-only */
    if (fb != NULL)
        (void)fclose(fb);
    return same;
}

/* The missing directories above dir (not dir itself), mode 0755: the ones the backup
 * names get their own mode and owner. */
static int make_parents(const char *dir)
{
    char p[PATH_CAP];
    char *s;
    snprintf(p, sizeof p, "%s", dir);
    for (s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (access(p, F_OK) != 0 && mkdir(p, 0755) != 0)
            return -1;
        *s = '/';
    }
    return 0;
}

static int restore_one(const char *dir, const struct entry *x, int *restored)
{
    char from[PATH_CAP + 80], d[PATH_CAP];
    uid_t uid, duid;
    gid_t gid, dgid;

    snprintf(from, sizeof from, "%s/%s", dir, x->stored);
    if (access(x->path, F_OK) == 0) {
        if (same_content(from, x->path))
            return 0;
        return gw_err(
                   "%s exists and differs from the backup: stop the gateway and move it "
                   "away first (restore never overwrites)",
                   x->path),
               -1;
    }
    if (ids_of(x->owner, x->group, &uid, &gid) != 0 ||
        ids_of(x->downer, x->dgroup, &duid, &dgid) != 0)
        return -1;
    dir_of(x->path, d, sizeof d);
    if (access(d, F_OK) != 0 &&
        (make_parents(d) != 0 || mkdir(d, (mode_t)x->dmode) != 0 ||
         chmod(d, (mode_t)x->dmode) != 0 || (geteuid() == 0 && chown(d, duid, dgid) != 0)))
        return gw_err("%s: cannot create it: %s", d, strerror(errno)), -1;
    if (copy_file(from, x->path) != 0 || chmod(x->path, (mode_t)x->mode) != 0 ||
        (geteuid() == 0 && chown(x->path, uid, gid) != 0))
        return gw_err("%s: cannot restore it: %s", x->path, strerror(errno)), -1;
    (*restored)++;
    return 0;
}

static int do_restore(const char *dir)
{
    char path[PATH_CAP + 80];
    struct entry x;
    FILE *m;
    int rc = 0, restored = 0, seen = 0;

    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    if ((m = fopen(path, "r")) == NULL)
        return gw_err("%s: not a gateway backup: %s", path, strerror(errno)), CLI_FAIL;
    while (rc == 0 && fscanf(m, "%o %63s %63s %o %63s %63s %63s %599[^\n]\n", &x.mode, x.owner,
                             x.group, &x.dmode, x.downer, x.dgroup, x.stored, x.path) == 8) {
        seen++;
        rc = restore_one(dir, &x, &restored);
    }
    (void)fclose(m); /* read-only */
    if (rc != 0 || seen == 0)
        return gw_err("restore from %s stopped%s", dir, seen == 0 ? ": empty manifest" : ""),
               CLI_FAIL;
    printf("restored %d of %d files from %s (the others were already there)\n", restored, seen,
           dir);
    return CLI_OK;
}

int cli_backup(const struct conf *c, int argc, char **argv)
{
    if (argc != 2) {
        gw_err("usage: %s DIR", argv[0]);
        return CLI_USAGE;
    }
    return c != NULL ? do_backup(c, argv[1]) : do_restore(argv[1]);
}
