/* file_access.c - --check-config's access check: every file the service opens, opened as
 * the user the service runs as (see config_check.h). */
#define _DEFAULT_SOURCE /* initgroups */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config_check.h"
#include "crl_floor.h"

static void need_read(const char *key, const char *path, const char *who, struct check_report *r)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        check_error(r, "%s %s: %s cannot read it: %s", key, path, who, strerror(errno));
    else
        close(fd);
}

/* crl: one or more files or directories, separated by commas (crl_sources.h). */
static void need_crls(const char *spec, const char *who, struct check_report *r)
{
    char item[CONF_STR_MAX];
    const char *p = spec;

    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        struct stat st;
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
        if (stat(item, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (access(item, R_OK | X_OK) != 0)
                check_error(r, "[server] crl %s: %s cannot list it: %s", item, who,
                            strerror(errno));
        } else {
            need_read("[server] crl", item, who, r);
        }
        p += n;
        if (*p == ',')
            p++;
    }
}

/* The database's directory: the service writes the database, its journal and the CRL
 * number file there. */
static void need_db_dir(const char *db, const char *who, struct check_report *r)
{
    char dir[CONF_STR_MAX + sizeof CRL_FLOOR_SUFFIX], *slash;

    snprintf(dir, sizeof dir, "%s", db);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        *(slash == dir ? slash + 1 : slash) = '\0';
    if (access(dir, W_OK | X_OK) != 0)
        check_error(r, "[store] database %s: %s cannot write its directory %s: %s", db, who, dir,
                    strerror(errno));
    if (access(db, F_OK) == 0 && access(db, R_OK | W_OK) != 0)
        check_error(r, "[store] database %s: %s cannot read and write it: %s", db, who,
                    strerror(errno));
    snprintf(dir, sizeof dir, "%s%s", db, CRL_FLOOR_SUFFIX);
    if (access(dir, F_OK) == 0 && access(dir, R_OK | W_OK) != 0)
        check_error(r, "%s (the CRL number state): %s cannot read and write it: %s", dir, who,
                    strerror(errno));
}

static void check_all_files(const struct conf *c, const char *who, struct check_report *r)
{
    need_read("[server] cert", c->server.cert, who, r);
    need_read("[server] key", c->server.key, who, r);
    need_read("[server] client_ca", c->server.client_ca, who, r);
    if (strcmp(c->server.crl, "none") != 0)
        need_crls(c->server.crl, who, r);
    need_read("[mqtt] ca", c->mqtt.ca, who, r);
    need_read("[mqtt] cert", c->mqtt.cert, who, r);
    need_read("[mqtt] key", c->mqtt.key, who, r);
    need_read("[command] key", c->command.key, who, r);
    need_read("[store] pepper_file", c->store.pepper_file, who, r);
    need_read("the config file", c->path, who, r);
    need_db_dir(c->store.database, who, r);
}

/* Root: the checks in a child that has become the user (its findings on the same stderr,
 * their count as its exit status). */
static void check_as(const struct conf *c, const struct passwd *pw, struct check_report *r)
{
    char who[96];
    int status = 0;
    pid_t pid;

    snprintf(who, sizeof who, "user %s", pw->pw_name);
    pid = fork();
    if (pid < 0) {
        check_error(r, "cannot fork to check the files as %s: %s", who, strerror(errno));
        return;
    }
    if (pid == 0) {
        struct check_report mine = {r->config, 0, 0};
        if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
            setuid(pw->pw_uid) != 0) {
            check_error(&mine, "cannot become %s: %s", who, strerror(errno));
            _exit(1);
        }
        check_all_files(c, who, &mine);
        _exit(mine.errors > 100 ? 100 : mine.errors);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->errors += WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void config_check_access(const struct conf *c, struct check_report *r)
{
    const struct passwd *pw;

    if (geteuid() != 0) {
        struct passwd *me = getpwuid(geteuid());
        if (c->server.user[0] != '\0' && (me == NULL || strcmp(me->pw_name, c->server.user) != 0))
            check_warn(r,
                       "files checked as this user, not as [server] user = %s (run "
                       "--check-config as root or as %s for that)",
                       c->server.user, c->server.user);
        check_all_files(c, "this user", r);
        return;
    }
    if (c->server.user[0] == '\0') {
        check_warn(r,
                   "run as root without [server] user: files checked as root, who reads "
                   "everything; set user = latchkey (the service's user) to check as it");
        return;
    }
    pw = getpwnam(c->server.user);
    if (pw == NULL) {
        check_error(r, "[server] user = %s: no such user", c->server.user);
        return;
    }
    check_as(c, pw, r);
}
