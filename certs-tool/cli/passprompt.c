/* passprompt.c - the CA passphrase typed on the terminal: prompt and read on /dev/tty
 * with echo off (restored afterwards, also on error), twice for a new passphrase. Only
 * used when stdin is a terminal and neither a file nor the environment gives one. */
#include "passprompt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "diag.h"
#include "password.h"

int lk_tty_available(void)
{
    int fd;
    if (!isatty(STDIN_FILENO))
        return 0;
    fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One line from fd (echo already off), without its newline. */
static int read_line(int fd, char *out, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return n > 0 ? 0 : -1; /* end of input without a line */
        if (c == '\n' || c == '\r')
            break;
        if (n + 1 >= cap) {
            /* Swallow the rest of the line so it does not reach the shell. */
            while (read(fd, &c, 1) == 1 && c != '\n')
                ;
            return -2;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

static int prompt_once(int fd, const char *prompt, char *out, size_t cap)
{
    struct termios old, quiet;
    int r, have_term = tcgetattr(fd, &old) == 0;
    /* Echo off before the prompt appears, so nothing typed after it is shown or dropped. */
    if (have_term) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
            return -1;
    }
    if (write(fd, prompt, strlen(prompt)) < 0)
        r = -1;
    else
        r = read_line(fd, out, cap);
    if (have_term)
        (void)tcsetattr(fd, TCSAFLUSH, &old); /* best effort: nothing else can be done */
    if (write(fd, "\n", 1) < 0)
        r = r == 0 ? -1 : r;
    return r;
}

int lk_tty_read_secret(const char *prompt, int confirm, char *out, size_t cap)
{
    char again[LK_SECRET_MAX] = "";
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), r;
    if (fd < 0) {
        lk_err("cannot open the terminal to ask for the passphrase: %s", strerror(errno));
        return -1;
    }
    r = prompt_once(fd, prompt, out, cap);
    if (r == 0 && out[0] == '\0')
        r = -3;
    if (r == 0 && confirm) {
        r = prompt_once(fd, "Repeat it: ", again, sizeof again);
        if (r == 0 && strcmp(out, again) != 0)
            r = -4;
    }
    close(fd);
    OPENSSL_cleanse(again, sizeof again);
    if (r == 0)
        return 0;
    OPENSSL_cleanse(out, cap);
    if (r == -2)
        lk_err("passphrase too long (at most %zu characters)", cap - 1);
    else if (r == -3)
        lk_err("empty passphrase: an empty CA passphrase is not allowed");
    else if (r == -4)
        lk_err("the two passphrases differ; nothing was changed");
    else
        lk_err("no passphrase read from the terminal");
    return -1;
}
