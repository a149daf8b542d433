/* vectors.h - loads tests/vectors/commands.json for unit tests (test code only). */
#ifndef LK_TEST_VECTORS_H
#define LK_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Parses the file at path; aborts the test run with a message if it cannot. */
cJSON *lk_vectors_load(const char *path);

/* Decodes exactly 2*n hex characters into out; 0 on success, -1 otherwise. */
int lk_vectors_hex(const char *hex, uint8_t *out, size_t n);

#endif
