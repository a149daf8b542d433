/* sched_text.c - schedules in words (sched_text.h). */
#include "sched_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "site_tz.h"

#define SEP " \xc2\xb7 " /* " · " */

/* Appends printf output at *len, truncating at cap. */
static void add(char *out, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (*len >= cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(out + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = (size_t)n >= cap - *len ? cap - 1 : *len + (size_t)n;
}

/* "Mon-Fri 08:00–18:00": the canonical text with the days titled and an en dash
 * between the times. */
static void window_words(const struct sched_window *w, char *out, size_t cap, size_t *len)
{
    struct schedule one;
    char text[96];
    size_t i;

    memset(&one, 0, sizeof one);
    one.n = 1;
    one.w[0] = *w;
    if (sched_format_windows(&one, text, sizeof text) != 0)
        return;
    for (i = 0; text[i] != '\0'; i++) {
        char ch = text[i], prev = ' ';
        if (i > 0)
            prev = text[i - 1];
        if (ch >= 'a' && ch <= 'z' && (prev == ' ' || prev == '-'))
            add(out, cap, len, "%c", ch - 'a' + 'A');
        else if (ch == '-' && prev >= '0' && prev <= '9')
            add(out, cap, len, "\xe2\x80\x93");
        else
            add(out, cap, len, "%c", ch);
    }
}

void sched_text_summary(const struct schedule *s, char *out, size_t cap)
{
    char when[40];
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < s->n; i++) {
        if (i > 0)
            add(out, cap, &len, ", ");
        window_words(&s->w[i], out, cap, &len);
    }
    if (s->from != 0) {
        site_tz_format(s->from, when, sizeof when);
        add(out, cap, &len, "%sfrom %s", len ? SEP : "", when);
    }
    if (s->until != 0) {
        site_tz_format(s->until, when, sizeof when);
        add(out, cap, &len, "%suntil %s", len ? SEP : "", when);
    }
    if (s->uses_left != SCHED_UNLIMITED)
        add(out, cap, &len, "%s%lld use%s left", len ? SEP : "", (long long)s->uses_left,
            s->uses_left == 1 ? "" : "s");
    if (len == 0)
        add(out, cap, &len, "any time");
}

/* "Next: Tue 09:00–12:00 (2026-12-08)." or "" */
static void next_words(const struct schedule *s, const struct sched_answer *a, char *out,
                       size_t cap, size_t *len)
{
    char when[40], win[64];
    if (a->next == 0) {
        add(out, cap, len, " No window comes before the access ends.");
        return;
    }
    site_tz_format(a->next, when, sizeof when);
    if (a->next_index >= 0 && a->next_index < s->n) {
        sched_format_window(&s->w[a->next_index], a->next_wday, win, sizeof win);
        when[10] = '\0'; /* the date */
        add(out, cap, len, " Next: %s (%s).", win, when);
    } else {
        add(out, cap, len, " Next: %s.", when);
    }
}

void sched_text_refusal(const struct schedule *s, const struct sched_answer *a, const char *label,
                        char *out, size_t cap)
{
    char when[40];
    size_t len = 0;

    out[0] = '\0';
    switch (a->verdict) {
    case SCHED_OPEN: add(out, cap, &len, "%s: inside your schedule.", label); return;
    case SCHED_NO_USES:
        add(out, cap, &len, "%s: no uses left. Ask the administrator.", label);
        return;
    case SCHED_ENDED:
        site_tz_format(s->until, when, sizeof when);
        add(out, cap, &len, "%s: your access ended %s.", label, when);
        return;
    case SCHED_CLOCK_FAIL:
        add(out, cap, &len, "%s: the gateway cannot tell the local time. Nothing was sent.", label);
        return;
    case SCHED_NOT_YET: add(out, cap, &len, "%s: your access has not started yet.", label); break;
    case SCHED_OUTSIDE: add(out, cap, &len, "%s: outside your schedule.", label); break;
    }
    next_words(s, a, out, cap, &len);
}
