/* json_writer.c - bounded JSON object writer for the device's messages (json_writer.h). */
#include "lk/json_writer.h"

#include <string.h>

#include "latchkey/cmd_format.h"

static void put(struct lk_jw *w, const char *s, size_t n)
{
    /* Always keep one byte for the final NUL. */
    if (w->err || n > w->cap - 1 - w->len) {
        w->err = 1;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void put_escaped(struct lk_jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            char e[2] = {'\\', (char)ch};
            put(w, e, 2);
        } else if (ch < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            put(w, e, 6);
        } else {
            put(w, (const char *)&ch, 1);
        }
    }
    put(w, "\"", 1);
}

static void member(struct lk_jw *w, const char *key)
{
    if (w->count++ > 0)
        put(w, ",", 1);
    put_escaped(w, key);
    put(w, ":", 1);
}

void lk_jw_begin(struct lk_jw *w, char *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->count = 0;
    w->outer = -1;
    w->err = buf == NULL || cap == 0;
    put(w, "{", 1);
}

void lk_jw_str(struct lk_jw *w, const char *key, const char *value)
{
    member(w, key);
    put_escaped(w, value != NULL ? value : "");
}

void lk_jw_int(struct lk_jw *w, const char *key, int64_t value)
{
    char num[20];
    size_t n = lk_i64_to_dec(value, num, sizeof num);
    member(w, key);
    if (n == 0)
        w->err = 1;
    else
        put(w, num, n);
}

void lk_jw_obj_begin(struct lk_jw *w, const char *key)
{
    member(w, key);
    put(w, "{", 1);
    if (w->outer >= 0) {
        w->err = 1; /* only one level of nesting */
        return;
    }
    w->outer = w->count;
    w->count = 0;
}

void lk_jw_obj_end(struct lk_jw *w)
{
    put(w, "}", 1);
    if (w->outer < 0) {
        w->err = 1;
        return;
    }
    w->count = w->outer;
    w->outer = -1;
}

size_t lk_jw_end(struct lk_jw *w)
{
    put(w, "}", 1);
    if (w->outer >= 0)
        w->err = 1; /* a nested object was left open */
    if (w->err)
        return 0;
    w->buf[w->len] = '\0';
    return w->len;
}
