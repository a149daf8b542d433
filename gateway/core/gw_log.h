/* gw_log.h - one line per event on stderr, with a UTC timestamp; command-line errors. */
#ifndef GW_LOG_H
#define GW_LOG_H

#include <stdint.h>

void gw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line for the person at the command line, no timestamp: "latchkey-gateway: MESSAGE". */
void gw_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic milliseconds, for deadlines and latencies. */
int64_t gw_now_ms(void);
/* The same in microseconds, for short durations (a CRL swap). */
int64_t gw_now_us(void);

#endif
