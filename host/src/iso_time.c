/* iso_time.c - ISO 8601 UTC formatting and strict parsing (iso_time.h). */
#define _DEFAULT_SOURCE /* timegm, gmtime_r */
#include "lkhost/iso_time.h"

#include <stdio.h>
#include <string.h>

int lkh_iso_from_tm(const struct tm *tm, char out[LKH_ISO_LEN + 1])
{
    return strftime(out, LKH_ISO_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", tm) == LKH_ISO_LEN ? 0 : -1;
}

int lkh_iso_from_time(time_t t, char out[LKH_ISO_LEN + 1])
{
    struct tm tm;
    return gmtime_r(&t, &tm) != NULL ? lkh_iso_from_tm(&tm, out) : -1;
}

int lkh_iso_from_ms(int64_t ms, char out[LKH_ISO_MS_LEN + 1])
{
    int64_t s = ms / 1000, frac = ms % 1000;
    char base[LKH_ISO_LEN + 1];
    if (frac < 0) { /* round towards the past, so the fraction is 0..999 */
        frac += 1000;
        s--;
    }
    if (lkh_iso_from_time((time_t)s, base) != 0)
        return -1;
    base[LKH_ISO_LEN - 1] = '\0'; /* drop the Z */
    return snprintf(out, LKH_ISO_MS_LEN + 1, "%s.%03dZ", base, (int)frac) == LKH_ISO_MS_LEN ? 0 : -1;
}

/* n decimal digits at s (no sign, no space). Returns the value, or -1. */
static int digits(const char *s, int n)
{
    int v = 0, i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int lkh_iso_parse(const char *s, enum lkh_iso_form form, time_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    size_t used;
    time_t t;

    if (strlen(s) < 10 || (y = digits(s, 4)) < 0 || s[4] != '-' || (mo = digits(s + 5, 2)) < 0 ||
        s[7] != '-' || (d = digits(s + 8, 2)) < 0)
        return -1;
    if (form == LKH_ISO_EXACT) {
        if (strlen(s) != LKH_ISO_LEN || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
            (h = digits(s + 11, 2)) < 0 || (mi = digits(s + 14, 2)) < 0 || (sec = digits(s + 17, 2)) < 0 ||
            y < 1970)
            return -1;
    } else if (s[10] != '\0') {
        if ((s[10] != 'T' && s[10] != ' ') || strlen(s) < 16 || (h = digits(s + 11, 2)) < 0 ||
            s[13] != ':' || (mi = digits(s + 14, 2)) < 0)
            return -1;
        used = 16;
        if (s[used] == ':') {
            if ((sec = digits(s + used + 1, 2)) < 0)
                return -1;
            used += 3;
        }
        if (s[used] == 'Z')
            used++;
        if (s[used] != '\0')
            return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t;
    return 0;
}
