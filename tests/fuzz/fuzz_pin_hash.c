/* fuzz_pin_hash.c - libFuzzer harness for what the gateway parses out of a user's form
 * and config besides libwebsockets' own urlencoded decoder (lws_spa): the PIN check
 * (pin_valid) and the $scrypt$ PHC string parser (pin_hash_check_format; the KDF itself
 * is not run: at ln >= 14 it is deliberately slow). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "pin_hash.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    size_t i, n;
    int ok;

    CHECK(s != NULL);
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    n = strlen(s);
    ok = pin_valid(s);
    if (ok) {
        CHECK(n >= PIN_MIN_LEN && n <= PIN_MAX_LEN);
        for (i = 0; i < n; i++)
            CHECK(s[i] >= '0' && s[i] <= '9');
    }
    if (pin_hash_check_format(s) == 0)
        CHECK(n < PIN_HASH_MAX && strncmp(s, "$scrypt$", 8) == 0 && strstr(s, "ln=") != NULL);
    free(s);
    return 0;
}
