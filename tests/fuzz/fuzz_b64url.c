/* fuzz_b64url.c - libFuzzer harness for common/'s strict base64url (lk_b64url_decode,
 * lk_b64url_encode): decoding at several output sizes never overruns, a decoded string
 * re-encodes to exactly the input (canonical), and any bytes round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "latchkey/b64url.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size ? size : 1), *enc;
    uint8_t *out, *back;
    size_t caps[3], i, n, need = size / 4 * 3 + 2, enc_cap;

    CHECK(in != NULL);
    if (size > 0)
        memcpy(in, data, size);
    caps[0] = 0;
    caps[1] = size / 4 * 3; /* often one or two short */
    caps[2] = need;
    for (i = 0; i < 3; i++) {
        out = malloc(caps[i] ? caps[i] : 1);
        CHECK(out != NULL);
        n = lk_b64url_decode(in, size, caps[i] ? out : NULL, caps[i]);
        if (n != (size_t)-1) {
            CHECK(n <= caps[i] && n == (size * 3) / 4);
            enc_cap = LK_B64URL_ENCODED_LEN(n) + 1;
            enc = malloc(enc_cap);
            CHECK(enc != NULL);
            CHECK(lk_b64url_encode(out, n, enc, enc_cap) == size && memcmp(enc, in, size) == 0);
            CHECK(lk_b64url_encode(out, n, enc, enc_cap - 1) == 0);
            free(enc);
        }
        free(out);
    }

    /* The input as raw bytes: encode, then decode back. */
    enc_cap = LK_B64URL_ENCODED_LEN(size) + 1;
    enc = malloc(enc_cap);
    back = malloc(size ? size : 1);
    CHECK(enc != NULL && back != NULL);
    n = lk_b64url_encode((const uint8_t *)in, size, enc, enc_cap);
    CHECK(n == LK_B64URL_ENCODED_LEN(size) && enc[n] == '\0');
    CHECK(lk_b64url_decode(enc, n, back, size) == size && memcmp(back, in, size) == 0);
    free(enc);
    free(back);
    free(in);
    return 0;
}
