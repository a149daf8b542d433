/* ini.c - strict INI reading on inih (ini.h): our reader counts lines, refuses over-long
 * ones and shows section headers to the caller; the first problem wins. */
#include "lkhost/ini.h"

#include <ini.h>
#include <string.h>

void lkh_ini_init(struct lkh_ini *ini, void *user)
{
    memset(ini, 0, sizeof *ini);
    ini->user = user;
    ini->continuation = 1;
}

int lkh_ini_vfail(struct lkh_ini *ini, int line, const char *fmt, va_list ap)
{
    if (ini->failed)
        return 0; /* keep the first problem */
    ini->failed = 1;
    ini->err_line = line;
    vsnprintf(ini->err, sizeof ini->err, fmt, ap);
    return 0;
}

int lkh_ini_fail(struct lkh_ini *ini, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lkh_ini_vfail(ini, line, fmt, ap);
    va_end(ap);
    return 0;
}

/* The next line of the source into buf (at most num - 1 characters). 1 = a whole line,
 * 0 = end of input, -1 = the line does not fit. */
static int next_line(struct lkh_ini *ini, char *buf, int num)
{
    size_t n = 0, cap = (size_t)num - 1;
    if (ini->file != NULL) {
        if (fgets(buf, num, ini->file) == NULL)
            return 0;
        n = strlen(buf);
        return n > 0 && buf[n - 1] != '\n' && !feof(ini->file) ? -1 : 1;
    }
    if (*ini->pos == '\0')
        return 0;
    while (n < cap && ini->pos[n] != '\0' && ini->pos[n] != '\n')
        n++;
    if (n < cap && ini->pos[n] == '\n')
        n++;
    else if (ini->pos[n] != '\0')
        return -1;
    memcpy(buf, ini->pos, n);
    buf[n] = '\0';
    ini->pos += n;
    return 1;
}

static char *reader(char *buf, int num, void *stream)
{
    struct lkh_ini *ini = stream;
    const char *s;
    int r;

    if (ini->failed || num < 2)
        return NULL;
    r = next_line(ini, buf, num);
    if (r == 0)
        return NULL;
    ini->line++;
    if (r < 0) {
        if (ini->too_long != NULL)
            ini->too_long(ini->user, ini->line, num - 3);
        else
            lkh_ini_fail(ini, ini->line, "line too long (at most %d characters)", num - 3);
        return NULL;
    }
    s = buf;
    if (ini->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3; /* UTF-8 BOM, which inih skips too */
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '[' && ini->header != NULL && ini->header(ini->user, s, ini->line) != 0)
        return NULL;
    return buf;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct lkh_ini *ini = user;
    if (ini->failed)
        return 0; /* an earlier line failed: the rest is not looked at */
    return ini->key(ini->user, section, name, value);
}

static int run(struct lkh_ini *ini)
{
    int rc;
    ini_allow_multiline = ini->continuation != 0;
    rc = ini_parse_stream(reader, ini, handler, ini);
    if (ini->file != NULL && ferror(ini->file))
        lkh_ini_fail(ini, 0, "read error");
    if (rc > 0 && (!ini->failed || rc < ini->err_line)) {
        ini->failed = 0; /* inih's syntax error is on an earlier line: it is the first */
        lkh_ini_fail(ini, rc, "syntax error (expected '[section]' or 'key = value')");
    } else if (rc < 0) {
        lkh_ini_fail(ini, 0, "parser out of memory");
    }
    return ini->failed ? -1 : 0;
}

int lkh_ini_parse_file(struct lkh_ini *ini, FILE *f)
{
    ini->file = f;
    ini->pos = NULL;
    return run(ini);
}

int lkh_ini_parse_text(struct lkh_ini *ini, const char *text)
{
    ini->file = NULL;
    ini->pos = text;
    return run(ini);
}

void lkh_ini_message(const struct lkh_ini *ini, const char *name, char *out, size_t cap)
{
    if (ini->err_line > 0)
        snprintf(out, cap, "%s:%d: %s", name, ini->err_line, ini->err);
    else
        snprintf(out, cap, "%s: %s", name, ini->err);
}
