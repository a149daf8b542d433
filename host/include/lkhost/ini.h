/* ini.h - strict reading of the programs' INI files on top of inih (libinih): lines are
 * counted by our own reader, so every message names the right line; an over-long line is
 * refused instead of being split; section headers are shown to the caller as they are read
 * (inih does not report a section that holds no key); the first problem wins and becomes
 * one line "FILE:LINE: what" (or "FILE: what"). What a key means, and which keys and
 * sections exist, is the caller's: its key() callback checks them and calls lkh_ini_fail. */
#ifndef LKHOST_INI_H
#define LKHOST_INI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define LKH_INI_MSG_MAX 400

struct lkh_ini {
    /* Set by the caller after lkh_ini_init. */
    void *user;
    /* A key: returns nonzero to go on, 0 after lkh_ini_fail. Not called once a problem is
     * recorded. section is "" before the first header. */
    int (*key)(void *user, const char *section, const char *name, const char *value);
    /* Optional: a line that starts (after blanks, and a UTF-8 BOM on line 1) with '[';
     * text points at the '['. Returns 0 to go on, -1 to stop (after lkh_ini_fail). */
    int (*header)(void *user, const char *text, int line);
    /* Optional: words the refusal of a line longer than max characters (lkh_ini_fail);
     * NULL = "line too long (at most MAX characters)". */
    void (*too_long)(void *user, int line, int max);
    /* 1: an indented line after a key is inih's continuation and reaches key() again with
     * the same name (a duplicate check then refuses it); 0: it is a syntax error. */
    int continuation;

    /* Read only for the caller. */
    int line;   /* the line read last (1-based) */
    int failed; /* a problem is recorded */
    int err_line; /* its line, 0 if none applies */
    char err[LKH_INI_MSG_MAX];

    /* Internal: the source. */
    FILE *file;
    const char *pos;
};

/* Clears *ini and sets user; continuation on (inih's default). */
void lkh_ini_init(struct lkh_ini *ini, void *user);

/* Records a problem at line (0: none applies) unless one is recorded already: the first one
 * wins. Returns 0, so a key() callback can end with return lkh_ini_fail(...). */
int lkh_ini_fail(struct lkh_ini *ini, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int lkh_ini_vfail(struct lkh_ini *ini, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Parses the rest of f (not closed) / NUL-terminated text. Returns 0, or -1 with the
 * problem recorded (a syntax error inih found before the caller's first problem wins). */
int lkh_ini_parse_file(struct lkh_ini *ini, FILE *f);
int lkh_ini_parse_text(struct lkh_ini *ini, const char *text);

/* The recorded problem as one line: "name:LINE: what", or "name: what" without a line. */
void lkh_ini_message(const struct lkh_ini *ini, const char *name, char *out, size_t cap);

#endif
