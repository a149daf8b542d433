/* passprompt.h - secrets typed on the terminal (/dev/tty, no echo). */
#ifndef LK_CERTS_PASSPROMPT_H
#define LK_CERTS_PASSPROMPT_H

#include <stddef.h>

/* 1 if stdin is a terminal and /dev/tty can be opened. */
int lk_tty_available(void);
/* Prompts on /dev/tty and reads one line without echo; confirm = ask twice, must match. */
int lk_tty_read_secret(const char *prompt, int confirm, char *out, size_t cap);

#endif
