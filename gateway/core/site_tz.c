/* site_tz.c - the site's time zone (site_tz.h) on the C library's own tz code: TZ set
 * once, localtime_r and mktime for the conversions. */
#include "site_tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int site_tz_valid(const char *name)
{
    char path[sizeof SITE_TZ_DIR + SITE_TZ_MAX + 2], magic[4];
    size_t i, n = strlen(name);
    FILE *f;
    int ok;

    if (n == 0 || n > SITE_TZ_MAX || name[0] == '/' || strstr(name, "..") != NULL)
        return 0;
    for (i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '+' || ch == '-' || ch == '/'))
            return 0;
    }
    snprintf(path, sizeof path, "%s/%s", SITE_TZ_DIR, name);
    f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
    (void)fclose(f); /* read-only */
    return ok;
}

int site_tz_apply(const char *name)
{
    if (!site_tz_valid(name) || setenv("TZ", name, 1) != 0)
        return -1;
    tzset();
    return 0;
}

int site_tz_local(int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    return localtime_r(&tt, out) != NULL ? 0 : -1;
}

void site_tz_format(int64_t t, char *out, size_t cap)
{
    struct tm tm;
    if (site_tz_local(t, &tm) != 0 || strftime(out, cap, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(out, cap, "%lld", (long long)t);
}

int site_tz_parse(const char *text, int64_t *out)
{
    struct tm tm, check;
    int y, mo, d, h = 0, mi = 0, used = 0;
    char sep;
    time_t t;

    memset(&tm, 0, sizeof tm);
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
        return -1;
    if (text[used] != '\0') {
        int more = 0;
        if (sscanf(text + used, "%c%2d:%2d%n", &sep, &h, &mi, &more) != 3 ||
            (sep != ' ' && sep != 'T') || text[used + more] != '\0')
            return -1;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    check = tm;
    t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
        return -1; /* "2026-02-31" */
    *out = (int64_t)t;
    return 0;
}
