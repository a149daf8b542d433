/* crl_sources.h - the [server] crl setting as the list of CRL files it names: "none", or
 * one or more paths separated by spaces or commas, each a CRL file or a directory whose
 * *.pem and *.crl files are CRLs (read in name order, hidden files skipped). A directory
 * is listed again at every poll, so a CRL added to it or removed from it takes effect
 * like a changed file. Bounded: at most CRL_SOURCES_MAX paths and CRL_FILES_MAX files. */
#ifndef GW_CRL_SOURCES_H
#define GW_CRL_SOURCES_H

#include <stddef.h>

#define CRL_SOURCES_MAX 8
#define CRL_FILES_MAX 32
#define CRL_PATH_MAX 256

struct crl_sources {
    int n; /* 0: crl = none */
    char path[CRL_SOURCES_MAX][CRL_PATH_MAX];
    int single_file; /* exactly one path, and not a directory */
};

/* Splits spec into s. Returns 0, or -1 and err (too many paths, a path too long, empty). */
int crl_sources_parse(const char *spec, struct crl_sources *s, char *err, size_t errlen);

/* The CRL files s names now, in order: files as given (even if absent: their absence is a
 * state of the CRL), then each directory's CRL files. Returns how many were written to
 * files (at most cap), or -1 if there are more than cap (or a directory cannot be read:
 * *bad = that path). */
int crl_sources_list(const struct crl_sources *s, char (*files)[CRL_PATH_MAX], int cap,
                     const char **bad);

#endif
