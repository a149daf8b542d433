/* crl_sources.c - the CRL files named by [server] crl (see crl_sources.h). */
#include "crl_sources.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int crl_sources_parse(const char *spec, struct crl_sources *s, char *err, size_t errlen)
{
    const char *p = spec;

    memset(s, 0, sizeof *s);
    if (strcmp(spec, "none") == 0)
        return 0;
    while (*p != '\0') {
        size_t n = strcspn(p, " \t,");
        if (n > 0) {
            if (s->n == CRL_SOURCES_MAX || n >= CRL_PATH_MAX) {
                snprintf(err, errlen, "%s",
                         s->n == CRL_SOURCES_MAX ? "more than 8 CRL paths"
                                                 : "a CRL path is too long");
                return -1;
            }
            memcpy(s->path[s->n], p, n);
            s->path[s->n][n] = '\0';
            s->n++;
        }
        p += n;
        p += strspn(p, " \t,");
    }
    if (s->n == 0) {
        snprintf(err, errlen, "no CRL path (or none)");
        return -1;
    }
    s->single_file = s->n == 1 && !is_dir(s->path[0]);
    return 0;
}

/* A CRL file of a directory: *.pem or *.crl, not hidden. */
static int crl_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 &&
           (strcmp(name + n - 4, ".pem") == 0 || strcmp(name + n - 4, ".crl") == 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Appends dir's CRL files (sorted) to files[*n..cap). 0, or -1 (too many, unreadable). */
static int list_dir(const char *dir, char (*files)[CRL_PATH_MAX], int *n, int cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    int first = *n, rc = 0;

    if (d == NULL)
        return -1;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!crl_name(e->d_name))
            continue;
        if (*n == cap ||
            snprintf(files[*n], CRL_PATH_MAX, "%s/%s", dir, e->d_name) >= CRL_PATH_MAX) {
            rc = -1;
            break;
        }
        if (stat(files[*n], &st) == 0 && S_ISREG(st.st_mode))
            (*n)++;
    }
    (void)closedir(d); /* read-only */
    qsort(files[first], (size_t)(*n - first), sizeof files[0], by_name);
    return rc;
}

int crl_sources_list(const struct crl_sources *s, char (*files)[CRL_PATH_MAX], int cap,
                     const char **bad)
{
    int i, n = 0;

    *bad = NULL;
    for (i = 0; i < s->n; i++) {
        if (is_dir(s->path[i])) {
            if (list_dir(s->path[i], files, &n, cap) != 0) {
                *bad = s->path[i];
                return -1;
            }
        } else {
            if (n == cap) {
                *bad = s->path[i];
                return -1;
            }
            strcpy(files[n++], s->path[i]); /* shorter than CRL_PATH_MAX: parse checked */
        }
    }
    return n;
}
