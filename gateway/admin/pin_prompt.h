/* pin_prompt.h - reading a new PIN for the `user` command line: never from argv. */
#ifndef GW_PIN_PROMPT_H
#define GW_PIN_PROMPT_H

#include <stddef.h>

/* When stdin is a terminal: asks on /dev/tty without echo, twice, for user's PIN.
 * Otherwise reads one line from stdin (scripts, tests). The PIN must be 4..12 digits.
 * 0, or -1 with a one-line err. */
int pin_prompt(const char *user, char *pin, size_t cap, char *err, size_t errlen);

#endif
