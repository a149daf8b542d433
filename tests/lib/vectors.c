/* vectors.c - reads the shared command test vectors into a cJSON tree. */
#include "vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *lk_vectors_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;
    cJSON *doc;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        (void)fprintf(stderr, "cannot read vectors file %s\n", path);
        exit(1);
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        (void)fprintf(stderr, "cannot read vectors file %s\n", path);
        exit(1);
    }
    buf[n] = '\0';
    (void)fclose(f); /* read-only */
    doc = cJSON_Parse(buf);
    free(buf);
    if (doc == NULL) {
        (void)fprintf(stderr, "vectors file %s is not valid JSON\n", path);
        exit(1);
    }
    return doc;
}

int lk_vectors_hex(const char *hex, uint8_t *out, size_t n)
{
    size_t i;
    if (hex == NULL || strlen(hex) != 2 * n)
        return -1;
    for (i = 0; i < n; i++) {
        char byte[3] = {hex[2 * i], hex[2 * i + 1], '\0'};
        /* two hex digits exactly: no sign or blank, which sscanf's %x would take */
        if (!isxdigit((unsigned char)byte[0]) || !isxdigit((unsigned char)byte[1]))
            return -1;
        out[i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    return 0;
}
