/* schedule.h - when a user may open one door: a date range (from, until), weekly windows
 * in the site's local time (several a day, a window may run past midnight) and an
 * optional number of uses left. A pure decision: the time is passed in (the caller takes
 * it from the clock port, ports.h) and local time comes from a function passed in too
 * (site_tz.h in the gateway, the same or another in a test). Text form of the windows
 * (docs/gateway.md, "Schedules"): "mon-fri 08:00-18:00, sat 10:00-12:00, fri 22:00-02:00";
 * "daily" names every day; 24:00 is the end of a day. No windows: every time of day. */
#ifndef GW_SCHEDULE_H
#define GW_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SCHED_WINDOWS_MAX 16
#define SCHED_TEXT_MAX 512   /* the windows as text, canonical or as typed */
#define SCHED_UNLIMITED (-1) /* uses_left: no count */
#define SCHED_SCAN_DAYS 8    /* how far ahead the next window is looked for */

struct sched_window {
    uint8_t days;   /* bit d: the window starts on weekday d (0 = Sunday, as struct tm) */
    uint16_t start; /* minutes after local midnight, 0..1439 */
    uint16_t end;   /* 1..1440; end <= start: the window ends on the next day */
};

struct schedule {
    int64_t from;  /* unix seconds; 0: no start */
    int64_t until; /* unix seconds, exclusive; 0: no end */
    int n;         /* windows; 0: any time of day */
    struct sched_window w[SCHED_WINDOWS_MAX];
    int64_t uses_left; /* SCHED_UNLIMITED or >= 0 */
};

/* Local time of unix second t into *out (tm_wday, tm_hour, tm_min, tm_sec used). 0 or -1. */
typedef int (*sched_local_fn)(int64_t t, struct tm *out);

enum sched_verdict {
    SCHED_OPEN = 0,   /* inside the schedule now */
    SCHED_NOT_YET,    /* before from */
    SCHED_ENDED,      /* at or after until: no window will come */
    SCHED_OUTSIDE,    /* between windows */
    SCHED_NO_USES,    /* the uses are used up */
    SCHED_CLOCK_FAIL, /* local time could not be computed: refused (fail closed) */
};

struct sched_answer {
    enum sched_verdict verdict;
    int64_t next;   /* when not open: unix second the next window opens, 0 if none within
                     * SCHED_SCAN_DAYS days (or never: ended, no uses) */
    int next_wday;  /* the local weekday that window starts on, when next != 0 */
    int next_index; /* its index in w[] (-1: no windows, the date range opens it) */
};

/* Parses windows text (as typed: any case, blanks around items) into s->w / s->n; "" or
 * "always" is no windows. 0, or -1 with a one-line err. */
int sched_parse_windows(const char *text, struct schedule *s, char *err, size_t errlen);

/* The windows in canonical text ("mon-fri 08:00-18:00, sat 10:00-12:00"), "" for none.
 * 0, or -1 if cap is too small. */
int sched_format_windows(const struct schedule *s, char *out, size_t cap);

/* One window for people: "Tue 09:00–12:00" (en dash, UTF-8) for weekday wday. */
void sched_format_window(const struct sched_window *w, int wday, char *out, size_t cap);

/* The decision at unix second now. uses are counted by the caller (sched_store.h); only
 * uses_left == 0 refuses here. */
struct sched_answer sched_check(const struct schedule *s, sched_local_fn local, int64_t now);

/* 1 if the local time lt (weekday, minute) lies in one of the windows (or there are none). */
int sched_in_window(const struct schedule *s, const struct tm *lt);

/* "outside-window", "not-yet-valid", "expired", "no-uses-left", "clock-failed" or "-". */
const char *sched_verdict_reason(enum sched_verdict v);

#endif
