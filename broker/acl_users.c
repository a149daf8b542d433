/* acl_users.c - the "user" lines of Mosquitto's ACL file (acl_users.h). */
#include "acl_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

static char *trim(char *s)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* The user name of one line (its "user" keyword followed by a blank), or NULL. */
static const char *user_of(char *line)
{
    char *s = trim(line);
    if (strncmp(s, "user", 4) != 0 || (s[4] != ' ' && s[4] != '\t'))
        return NULL;
    return trim(s + 5);
}

int acl_users_load(struct acl_users *u, const char *path, char *err, size_t errcap)
{
    struct acl_users *fresh = calloc(1, sizeof *fresh);
    char line[LINE_MAX_LEN];
    FILE *f;
    int rc = -1, lineno = 0;

    if (fresh == NULL) {
        snprintf(err, errcap, "out of memory reading %s", path);
        return -1;
    }
    if ((f = fopen(path, "r")) == NULL) {
        snprintf(err, errcap, "cannot read the ACL file %s", path);
        free(fresh);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        const char *name;
        size_t len = strlen(line);
        lineno++;
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            snprintf(err, errcap, "%s:%d: line longer than %d", path, lineno, LINE_MAX_LEN - 2);
            goto out;
        }
        name = user_of(line);
        if (name == NULL)
            continue;
        len = strlen(name);
        if (len == 0 || len > ACL_USER_MAX) {
            snprintf(err, errcap, "%s:%d: user name empty or longer than %d", path, lineno,
                     ACL_USER_MAX);
            goto out;
        }
        if (acl_users_has(fresh, name))
            continue;
        if (fresh->n >= ACL_USERS_MAX) {
            snprintf(err, errcap, "%s: more than %d users", path, ACL_USERS_MAX);
            goto out;
        }
        memcpy(fresh->name[fresh->n++], name, len + 1);
    }
    if (ferror(f)) {
        snprintf(err, errcap, "cannot read the ACL file %s", path);
        goto out;
    }
    memcpy(u, fresh, sizeof *u);
    rc = 0;
out:
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    free(fresh);
    return rc;
}

int acl_users_has(const struct acl_users *u, const char *name)
{
    int i;
    for (i = 0; i < u->n; i++)
        if (strcmp(u->name[i], name) == 0)
            return 1;
    return 0;
}
