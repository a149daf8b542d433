/* mcu_log.h - the device's diagnostic log on the board console: one line per call,
 * prefixed with the milliseconds since reset. A small printf subset (%s %c %d %u %x %ld
 * %lu %lld %llu %%), bounded to LK_MCU_LOG_LINE bytes, no heap. */
#ifndef LK_MCU_LOG_H
#define LK_MCU_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LK_MCU_LOG_LINE 160u

void lkm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats into out (always NUL-terminated, truncated to cap); returns the length. */
size_t lkm_vformat(char *out, size_t cap, const char *fmt, va_list ap);

#endif
