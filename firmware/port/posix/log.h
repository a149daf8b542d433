/* log.h - one-line event log of latchkey-device on stderr ("latchkey-device: LEVEL: ..."). */
#ifndef LKP_LOG_H
#define LKP_LOG_H

#if defined(__GNUC__)
#define LKP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LKP_PRINTF(a, b)
#endif

void lkp_log_info(const char *fmt, ...) LKP_PRINTF(1, 2);
void lkp_log_error(const char *fmt, ...) LKP_PRINTF(1, 2);

#endif
