/* file_read.c - a whole small file in memory (file_read.h). */
#include "file_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int lk_file_read_all(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    *data = NULL;
    *len = 0;
    if (f == NULL) {
        lk_err("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    buf = malloc(max + 1);
    if (buf == NULL) {
        (void)fclose(f); /* read-only: nothing is lost if it fails */
        lk_err("out of memory");
        return -1;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        if (ferror(f))
            lk_err("cannot read %s: %s", path, strerror(errno));
        else
            lk_err("%s is larger than %zu bytes", path, max);
        (void)fclose(f); /* read-only: nothing is lost if it fails */
        free(buf);
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}
