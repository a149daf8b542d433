/* json_writer.h - a tiny bounded JSON object writer for the device's ack, state and Home
 * Assistant discovery messages: no allocation, no printf; any overflow is sticky and
 * reported at the end. One level of nested object is supported (lk_jw_obj_begin). */
#ifndef LK_JSON_WRITER_H
#define LK_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct lk_jw {
    char *buf;
    size_t cap;
    size_t len;
    int err;      /* set once something did not fit */
    int count;    /* members written so far (of the innermost object) */
    int outer;    /* count of the enclosing object while a nested one is open; -1: none */
};

/* Starts "{" in buf[0..cap). */
void lk_jw_begin(struct lk_jw *w, char *buf, size_t cap);
/* "key":"value" (value escaped: quote, backslash, control characters). */
void lk_jw_str(struct lk_jw *w, const char *key, const char *value);
/* "key":<decimal> */
void lk_jw_int(struct lk_jw *w, const char *key, int64_t value);
/* "key":{ ... opens a nested object (one level deep); close it with lk_jw_obj_end. */
void lk_jw_obj_begin(struct lk_jw *w, const char *key);
void lk_jw_obj_end(struct lk_jw *w);
/* Closes "}" and NUL-terminates. Returns the length without NUL, or 0 if anything did
 * not fit. */
size_t lk_jw_end(struct lk_jw *w);

#endif
