/* semihost.h - Arm semihosting calls (bkpt 0xAB) the QEMU board uses: exit with a status,
 * the host's clock (test images only) and host files standing in for the parts QEMU's
 * mps2-an386 does not model (a TRNG, flash that survives a power cycle). */
#ifndef LK_SEMIHOST_H
#define LK_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

#define SH_MODE_RB 1   /* "rb" */
#define SH_MODE_RPB 3  /* "r+b" */
#define SH_MODE_WPB 7  /* "w+b" */

/* A host file handle (>= 0) or -1. */
int sh_open(const char *path, int mode);
int sh_close(int fd);
/* 0 if all len bytes moved, else -1. */
int sh_read(int fd, void *buf, size_t len);
int sh_write(int fd, const void *buf, size_t len);
/* Seconds since 1970 on the host, or -1. */
int64_t sh_time(void);
/* QEMU exits with status (SYS_EXIT_EXTENDED). */
void sh_exit(int status) __attribute__((noreturn));

#endif
