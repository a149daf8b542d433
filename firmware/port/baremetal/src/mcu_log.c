/* mcu_log.c - the bounded log formatter of mcu_log.h. */
#include "mcu_log.h"

#include <stdint.h>

#include "board.h"

struct sink {
    char *out;
    size_t cap, len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->cap)
        s->out[s->len++] = c;
}

static void put_u(struct sink *s, unsigned long long v, unsigned base)
{
    char tmp[20];
    size_t n = 0;

    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0 && n < sizeof tmp);
    while (n > 0)
        put(s, tmp[--n]);
}

static void put_i(struct sink *s, long long v)
{
    if (v < 0) {
        put(s, '-');
        put_u(s, (unsigned long long)(-(v + 1)) + 1u, 10);
    } else {
        put_u(s, (unsigned long long)v, 10);
    }
}

size_t lkm_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
    struct sink s = {out, cap, 0};
    const char *p;

    if (cap == 0)
        return 0;
    for (p = fmt; *p != '\0'; p++) {
        int longs = 0;
        if (*p != '%') {
            put(&s, *p);
            continue;
        }
        p++;
        while (*p == 'l' && longs < 2) {
            longs++;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *str = va_arg(ap, const char *);
            for (str = str != NULL ? str : "(null)"; *str != '\0'; str++)
                put(&s, *str);
            break;
        }
        case 'c': put(&s, (char)va_arg(ap, int)); break;
        case 'd':
            put_i(&s, longs == 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int));
            break;
        case 'u':
        case 'x':
            put_u(&s, longs == 2 ? va_arg(ap, unsigned long long)
                      : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                  *p == 'x' ? 16u : 10u);
            break;
        case '%': put(&s, '%'); break;
        default:
            put(&s, '?');
            if (*p == '\0')
                p--;
            break;
        }
    }
    s.out[s.len] = '\0';
    return s.len;
}

static size_t format(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = lkm_vformat(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

void lkm_log(const char *fmt, ...)
{
    char line[LK_MCU_LOG_LINE];
    size_t n;
    va_list ap;

    n = format(line, sizeof line - 1, "[%lu] ", (unsigned long)board_millis());
    va_start(ap, fmt);
    n += lkm_vformat(line + n, sizeof line - 1 - n, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    board_console_write(line, n);
}
