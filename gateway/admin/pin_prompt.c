/* pin_prompt.c - PIN input without echo (termios on /dev/tty) or from a pipe. */
#include "pin_prompt.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pin_hash.h"

/* One line from f into buf without its end of line. 0, or -1 (EOF, too long). */
static int read_line(FILE *f, char *buf, size_t cap)
{
    size_t n;
    if (fgets(buf, (int)cap, f) == NULL)
        return -1;
    n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n == cap - 1)
        return -1; /* longer than any PIN */
    buf[n] = '\0';
    return 0;
}

static int ask(FILE *tty, const char *prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    int fd = fileno(tty), rc, restore;

    if (fputs(prompt, tty) == EOF || fflush(tty) != 0)
        return -1; /* nobody would know what to type */
    restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
            restore = 0;
    }
    rc = read_line(tty, buf, cap);
    if (restore)
        (void)tcsetattr(fd, TCSAFLUSH, &old);
    return rc;
}

int pin_prompt(const char *user, char *pin, size_t cap, char *err, size_t errlen)
{
    char again[64], prompt[128];
    FILE *tty;
    int rc;

    if (!isatty(STDIN_FILENO)) {
        if (read_line(stdin, pin, cap) != 0) {
            snprintf(err, errlen, "no PIN on stdin (one line of 4 to 12 digits)");
            return -1;
        }
    } else {
        tty = fopen("/dev/tty", "r+");
        if (tty == NULL) {
            snprintf(err, errlen, "cannot open /dev/tty to ask for the PIN");
            return -1;
        }
        snprintf(prompt, sizeof prompt, "PIN for %s (4 to 12 digits): ", user);
        rc = ask(tty, prompt, pin, cap);
        if (rc == 0)
            rc = ask(tty, "The same PIN again: ", again, sizeof again);
        (void)fclose(tty); /* the prompts were flushed by ask() */
        if (rc != 0) {
            snprintf(err, errlen, "no PIN entered");
            OPENSSL_cleanse(pin, cap);
            OPENSSL_cleanse(again, sizeof again);
            return -1;
        }
        rc = strcmp(pin, again);
        OPENSSL_cleanse(again, sizeof again);
        if (rc != 0) {
            snprintf(err, errlen, "the two PINs differ");
            OPENSSL_cleanse(pin, cap);
            return -1;
        }
    }
    if (!pin_valid(pin)) {
        snprintf(err, errlen, "a PIN is 4 to 12 digits");
        OPENSSL_cleanse(pin, cap);
        return -1;
    }
    return 0;
}
