/* c_literal.c - C source text for the device bundle header: a byte string as adjacent C
 * string literals, one per line of input, with everything but plain printable ASCII
 * escaped, so any PEM (or hostile text) compiles to exactly the same bytes. */
#include "c_literal.h"

int lk_c_string_literal(BIO *out, const char *s, size_t len, const char *indent)
{
    size_t i;
    int open = 0;
    if (len == 0)
        return BIO_printf(out, "%s\"\"", indent) > 0 ? 0 : -1;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int r;
        if (!open) {
            if (BIO_printf(out, "%s%s\"", i == 0 ? "" : "\n", indent) <= 0)
                return -1;
            open = 1;
        }
        if (c == '\n')
            r = BIO_puts(out, "\\n\"");
        else if (c == '"' || c == '\\')
            r = BIO_printf(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f && c != '?') /* '?' avoids trigraphs */
            r = BIO_printf(out, "%c", c);
        else
            r = BIO_printf(out, "\\%03o", c); /* octal: at most 3 digits, never runs on */
        if (r <= 0)
            return -1;
        if (c == '\n')
            open = 0;
    }
    if (open && BIO_puts(out, "\"") <= 0)
        return -1;
    return 0;
}
