/* schedule.c - the schedule decision of schedule.h: windows text in and out, whether a
 * local time is inside, and the next window. Local time is wall-clock time: on the day
 * the clocks go forward a window that lies wholly in the skipped hour does not open, on
 * the day they go back a window in the repeated hour is open both times it comes round
 * (docs/gateway.md, "Schedules"). The next window is found by walking forward in real
 * time, in long steps while far from a window start and by the minute near one, so a
 * change of offset on the way cannot make it jump past a window. */
#include "schedule.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MIN_PER_DAY 1440
#define SCAN_STEPS_MAX 4096 /* bound of the walk: ~70 steps per window start reached */

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const char *const day_titles[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int day_of(const char *p, size_t n)
{
    int d;
    if (n != 3)
        return -1;
    for (d = 0; d < 7; d++)
        if (strncasecmp(p, day_names[d], 3) == 0)
            return d;
    return -1;
}

/* "mon", "mon-fri", "fri-mon" (wraps), "daily" into a day mask; 0 if not. */
static uint8_t parse_days(const char *p, size_t n)
{
    const char *dash = memchr(p, '-', n);
    int a, b, d;
    uint8_t mask = 0;

    if (n == 5 && strncasecmp(p, "daily", 5) == 0)
        return 0x7f;
    if (dash == NULL) {
        a = day_of(p, n);
        if (a < 0)
            return 0;
        return (uint8_t)(1u << a);
    }
    a = day_of(p, (size_t)(dash - p));
    b = day_of(dash + 1, n - (size_t)(dash - p) - 1);
    if (a < 0 || b < 0)
        return 0;
    for (d = a;; d = (d + 1) % 7) {
        mask |= (uint8_t)(1u << d);
        if (d == b)
            break;
    }
    return mask;
}

/* "HH:MM" (00:00..24:00) into minutes; -1 if not. */
static int parse_hhmm(const char *p, size_t n)
{
    int h, m;
    if (n != 5 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
        !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
        return -1;
    h = (p[0] - '0') * 10 + (p[1] - '0');
    m = (p[3] - '0') * 10 + (p[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

/* One item "DAYS HH:MM-HH:MM" (trimmed, n bytes). 0 or -1 with err. */
static int parse_item(const char *p, size_t n, struct sched_window *w, char *err, size_t errlen)
{
    const char *sp = memchr(p, ' ', n), *t;
    int start, end;
    size_t tn;

    if (sp == NULL) {
        snprintf(err, errlen, "'%.*s': expected DAYS HH:MM-HH:MM (e.g. mon-fri 08:00-18:00)",
                 (int)n, p);
        return -1;
    }
    w->days = parse_days(p, (size_t)(sp - p));
    if (w->days == 0) {
        snprintf(err, errlen, "'%.*s': days are mon..sun, a range like mon-fri, or daily",
                 (int)(sp - p), p);
        return -1;
    }
    for (t = sp; t < p + n && *t == ' '; t++)
        ;
    tn = (size_t)(p + n - t);
    start = tn == 11 && t[5] == '-' ? parse_hhmm(t, 5) : -1;
    end = start >= 0 ? parse_hhmm(t + 6, 5) : -1;
    if (start < 0 || end < 0 || start == MIN_PER_DAY) {
        snprintf(err, errlen, "'%.*s': times are HH:MM-HH:MM, 00:00 to 24:00", (int)tn, t);
        return -1;
    }
    if (end == 0)
        end = MIN_PER_DAY; /* "22:00-00:00": until midnight */
    if (end == start) {
        snprintf(err, errlen, "'%.*s': the window is empty", (int)tn, t);
        return -1;
    }
    w->start = (uint16_t)start;
    w->end = (uint16_t)end;
    return 0;
}

int sched_parse_windows(const char *text, struct schedule *s, char *err, size_t errlen)
{
    const char *p = text;

    s->n = 0;
    while (*p == ' ')
        p++;
    if (*p == '\0' || strcasecmp(p, "always") == 0)
        return 0;
    for (;;) {
        const char *end = strchr(p, ','), *stop;
        if (end == NULL)
            end = p + strlen(p);
        while (*p == ' ')
            p++;
        for (stop = end; stop > p && stop[-1] == ' '; stop--)
            ;
        if (stop == p) {
            snprintf(err, errlen, "empty item in the windows list");
            return -1;
        }
        if (s->n == SCHED_WINDOWS_MAX) {
            snprintf(err, errlen, "at most %d windows", SCHED_WINDOWS_MAX);
            return -1;
        }
        if (parse_item(p, (size_t)(stop - p), &s->w[s->n], err, errlen) != 0)
            return -1;
        s->n++;
        if (*end == '\0')
            return 0;
        p = end + 1;
    }
}

static void hhmm(int minutes, char *out, size_t cap)
{
    snprintf(out, cap, "%02d:%02d", minutes / 60, minutes % 60);
}

/* Appends the days of mask as runs in Monday-first order ("mon-fri", "sat") each with
 * times. 0 or -1. */
static int put_window(const struct sched_window *w, char *out, size_t cap, size_t *len)
{
    char from[8], to[8];
    int i, n;

    hhmm(w->start, from, sizeof from);
    hhmm(w->end, to, sizeof to);
    if (w->days == 0x7f) {
        n = snprintf(out + *len, cap - *len, "%sdaily %s-%s", *len ? ", " : "", from, to);
        if (n < 0 || (size_t)n >= cap - *len)
            return -1;
        *len += (size_t)n;
        return 0;
    }
    for (i = 0; i < 7; i++) {
        int d = (i + 1) % 7, last = d, k;
        if (!((w->days >> d) & 1u) || ((w->days >> ((d + 6) % 7)) & 1u && i != 0))
            continue; /* not in the mask, or inside a run that began earlier */
        for (k = i + 1; k < 7 && ((w->days >> ((k + 1) % 7)) & 1u); k++)
            last = (k + 1) % 7;
        if (last == d)
            n = snprintf(out + *len, cap - *len, "%s%s %s-%s", *len ? ", " : "", day_names[d], from,
                         to);
        else
            n = snprintf(out + *len, cap - *len, "%s%s-%s %s-%s", *len ? ", " : "", day_names[d],
                         day_names[last], from, to);
        if (n < 0 || (size_t)n >= cap - *len)
            return -1;
        *len += (size_t)n;
        i = k - 1;
    }
    return 0;
}

int sched_format_windows(const struct schedule *s, char *out, size_t cap)
{
    size_t len = 0;
    int i;

    if (cap == 0)
        return -1;
    out[0] = '\0';
    for (i = 0; i < s->n; i++)
        if (put_window(&s->w[i], out, cap, &len) != 0)
            return -1;
    return 0;
}

void sched_format_window(const struct sched_window *w, int wday, char *out, size_t cap)
{
    char from[8], to[8];
    hhmm(w->start, from, sizeof from);
    hhmm(w->end, to, sizeof to);
    snprintf(out, cap, "%s %s\xe2\x80\x93%s", day_titles[((wday % 7) + 7) % 7], from, to);
}

/* Index of the window lt lies in, -1 if none; *wday the weekday that window began. */
static int window_at(const struct schedule *s, const struct tm *lt, int *wday)
{
    int m = lt->tm_hour * 60 + lt->tm_min, d = lt->tm_wday, prev = (d + 6) % 7, i;

    for (i = 0; i < s->n; i++) {
        const struct sched_window *w = &s->w[i];
        int today = ((w->days >> d) & 1u) != 0, yesterday = ((w->days >> prev) & 1u) != 0;
        if (w->start < w->end) {
            if (today && m >= w->start && m < w->end) {
                *wday = d;
                return i;
            }
        } else if (today && m >= w->start) {
            *wday = d;
            return i;
        } else if (yesterday && m < w->end) {
            *wday = prev;
            return i;
        }
    }
    return -1;
}

int sched_in_window(const struct schedule *s, const struct tm *lt)
{
    int wday;
    return s->n == 0 || window_at(s, lt, &wday) >= 0;
}

/* Wall-clock minutes from lt's minute to the nearest window start that real time may
 * still reach: one ahead, or one up to an hour behind (the clocks may go back an hour and
 * bring it round again). */
static int minutes_to_start(const struct schedule *s, const struct tm *lt)
{
    int m = lt->tm_hour * 60 + lt->tm_min, best = 8 * MIN_PER_DAY, i, k;
    for (k = -1; k < 8; k++)
        for (i = 0; i < s->n; i++) {
            int cand = k * MIN_PER_DAY + s->w[i].start - m;
            if (((s->w[i].days >> ((lt->tm_wday + k + 7) % 7)) & 1u) && cand > -61 && cand < best)
                best = cand;
        }
    return best;
}

/* The first second >= t inside a window and before until, within SCHED_SCAN_DAYS days:
 * 1 and *at, 0 if none, -1 if local time failed. */
static int next_open(const struct schedule *s, sched_local_fn local, int64_t t, int64_t *at)
{
    int64_t limit = t + (int64_t)SCHED_SCAN_DAYS * 86400;
    struct tm lt;
    int i;

    for (i = 0; i < SCAN_STEPS_MAX && t <= limit; i++) {
        int delta;
        if (s->until != 0 && t >= s->until)
            return 0;
        if (local(t, &lt) != 0)
            return -1;
        if (sched_in_window(s, &lt)) {
            *at = t;
            return 1;
        }
        /* An hour short of the wall-clock distance: an offset change on the way moves the
         * window by at most that; the last hour (and the hour after a start, which a
         * change back may bring round again) goes by the minute. */
        delta = minutes_to_start(s, &lt);
        t = t - (lt.tm_sec < 60 ? lt.tm_sec : 0) + (delta > 61 ? (int64_t)(delta - 60) * 60 : 60);
    }
    return 0;
}

struct sched_answer sched_check(const struct schedule *s, sched_local_fn local, int64_t now)
{
    struct sched_answer a = {SCHED_OPEN, 0, 0, -1};
    int64_t from = s->from > now ? s->from : now, at;
    struct tm lt;
    int rc;

    if (s->uses_left == 0) {
        a.verdict = SCHED_NO_USES;
        return a;
    }
    if (s->until != 0 && now >= s->until) {
        a.verdict = SCHED_ENDED;
        return a;
    }
    if (local(now, &lt) != 0) {
        a.verdict = SCHED_CLOCK_FAIL;
        return a;
    }
    if (now >= s->from && sched_in_window(s, &lt))
        return a;
    a.verdict = now < s->from ? SCHED_NOT_YET : SCHED_OUTSIDE;
    rc = next_open(s, local, from, &at);
    if (rc < 0) {
        a.verdict = SCHED_CLOCK_FAIL;
        return a;
    }
    if (rc == 0 || local(at, &lt) != 0)
        return a;
    a.next = at;
    a.next_wday = lt.tm_wday;
    if (s->n > 0)
        a.next_index = window_at(s, &lt, &a.next_wday);
    return a;
}

const char *sched_verdict_reason(enum sched_verdict v)
{
    switch (v) {
    case SCHED_OPEN: return "-";
    case SCHED_NOT_YET: return "not-yet-valid";
    case SCHED_ENDED: return "expired";
    case SCHED_OUTSIDE: return "outside-window";
    case SCHED_NO_USES: return "no-uses-left";
    case SCHED_CLOCK_FAIL: return "clock-failed";
    }
    return "clock-failed";
}
