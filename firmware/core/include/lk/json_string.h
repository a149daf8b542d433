/* json_string.h - decoding of one JSON string literal body (RFC 8259 section 7) into
 * UTF-8, bounded by a caller buffer. Used by the command parser on jsmn's tokens. */
#ifndef LK_JSON_STRING_H
#define LK_JSON_STRING_H

#include <stddef.h>

/* Decodes s[0..len) (the text between the quotes) into out[0..cap), NUL-terminated.
 * Handles \" \\ \/ \b \f \n \r \t and \uXXXX (surrogate pairs combined, encoded as
 * UTF-8). Returns the decoded length (without NUL), or (size_t)-1 if the text has a raw
 * control character, a bad escape, a lone surrogate, or does not fit in cap - 1 bytes. */
size_t lk_json_unescape(const char *s, size_t len, char *out, size_t cap);

#endif
