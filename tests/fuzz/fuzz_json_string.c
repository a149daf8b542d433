/* fuzz_json_string.c - libFuzzer harness for the firmware's JSON string decoder
 * (lk_json_unescape) at several output sizes, checked against cJSON as a reference:
 * what we accept, cJSON must decode to the same bytes (we are stricter: no raw control
 * characters, no lone surrogates). */
#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "lk/json_string.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* 1 if s has a '"' that is not escaped (jsmn never hands us one; cJSON would stop there). */
static int has_raw_quote(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return 1;
    }
    return 0;
}

static void compare_with_cjson(const char *in, size_t size, const char *out, size_t n)
{
    char *quoted;
    cJSON *j;
    if (memchr(out, '\0', n) != NULL || has_raw_quote(in, size))
        return;
    quoted = malloc(size + 3);
    CHECK(quoted != NULL);
    quoted[0] = '"';
    memcpy(quoted + 1, in, size);
    quoted[size + 1] = '"';
    quoted[size + 2] = '\0';
    j = cJSON_ParseWithLength(quoted, size + 2);
    CHECK(cJSON_IsString(j) && strcmp(j->valuestring, out) == 0);
    cJSON_Delete(j);
    free(quoted);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = {1, 2, 8, 33, 4096};
    char *in = malloc(size ? size : 1), *out;
    size_t i, n, first_ok = (size_t)-1;

    CHECK(in != NULL);
    if (size > 0)
        memcpy(in, data, size);
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        out = malloc(caps[i]);
        CHECK(out != NULL);
        n = lk_json_unescape(in, size, out, caps[i]);
        if (n != (size_t)-1) {
            CHECK(n < caps[i] && out[n] == '\0' && n <= size); /* escapes only shrink */
            if (first_ok == (size_t)-1)
                first_ok = n;
            CHECK(n == first_ok);
            if (caps[i] == 4096)
                compare_with_cjson(in, size, out, n);
        } else {
            CHECK(first_ok == (size_t)-1); /* a bigger buffer never fails where a smaller worked */
        }
        free(out);
    }
    free(in);
    return 0;
}
