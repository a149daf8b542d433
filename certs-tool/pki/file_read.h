/* file_read.h - a whole small file in memory (PEM files, the command key's hex). */
#ifndef LK_CERTS_FILE_READ_H
#define LK_CERTS_FILE_READ_H

#include <stddef.h>

/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. Returns 0,
 * or -1 (reported). */
int lk_file_read_all(const char *path, size_t max, char **data, size_t *len);

#endif
