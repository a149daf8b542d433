/* vectors.h - loads tests/vectors/commands.json for unit tests (test code only). */
#ifndef LK_TEST_VECTORS_H
#define LK_TEST_VECTORS_H

#include <cjson/cJSON.h>

/* Parses the file at path; aborts the test run with a message if it cannot. */
cJSON *lk_vectors_load(const char *path);

#endif
