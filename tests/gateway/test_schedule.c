/* test_schedule.c - the schedule decision (gateway/core/schedule.c) with the time passed
 * in and the site's zone Europe/Berlin from the system tz data: windows on every weekday,
 * several a day, across midnight, the skipped and the repeated hour of the DST changes,
 * the edges of the date range, the next window, the windows text, and the count of uses
 * in the store (sched_store.c) at 0 and 1 with taps from several connections at once. */
#define _DEFAULT_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pepper.h"
#include "pin_hash.h"
#include "sched_store.h"
#include "sched_text.h"
#include "schedule.h"
#include "site_tz.h"
#include "store.h"
#include "users.h"

static char dir[] = "/tmp/lk-sched-XXXXXX";
static char db_path[160];

static int group_setup(void **state)
{
    (void)state;
    if (site_tz_apply("Europe/Berlin") != 0)
        return -1;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(db_path, sizeof db_path, "%s/gw.sqlite", dir);
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[256];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Unix seconds of a local time "YYYY-MM-DD HH:MM" in Berlin. */
static int64_t at(const char *local)
{
    int64_t t = 0;
    if (site_tz_parse(local, &t) != 0)
        fail_msg("cannot parse %s", local);
    return t;
}

/* Unix seconds of a UTC time "YYYY-MM-DD HH:MM:SS". */
static int64_t utc(const char *text)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(text, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        fail_msg("bad utc %s", text);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static struct schedule windows(const char *text)
{
    struct schedule s;
    char err[160] = "";
    memset(&s, 0, sizeof s);
    s.uses_left = SCHED_UNLIMITED;
    if (sched_parse_windows(text, &s, err, sizeof err) != 0)
        fail_msg("parse '%s': %s", text, err);
    return s;
}

static enum sched_verdict verdict(const struct schedule *s, int64_t t)
{
    return sched_check(s, site_tz_local, t).verdict;
}

static void test_every_weekday(void **state)
{
    /* 2026-12-07 is a Monday: one window a day, each only on its own day. */
    static const char *const days[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    static const char *const dates[7] = {"2026-12-13", "2026-12-07", "2026-12-08", "2026-12-09",
                                         "2026-12-10", "2026-12-11", "2026-12-12"};
    char text[64], when[32];
    int d, e;
    (void)state;
    for (d = 0; d < 7; d++) {
        struct schedule s;
        snprintf(text, sizeof text, "%s 09:00-12:00", days[d]);
        s = windows(text);
        for (e = 0; e < 7; e++) {
            snprintf(when, sizeof when, "%s 09:30", dates[e]);
            assert_int_equal(verdict(&s, at(when)), d == e ? SCHED_OPEN : SCHED_OUTSIDE);
            snprintf(when, sizeof when, "%s 08:59", dates[e]);
            assert_int_equal(verdict(&s, at(when)), SCHED_OUTSIDE);
            snprintf(when, sizeof when, "%s 12:00", dates[e]);
            assert_int_equal(verdict(&s, at(when)), SCHED_OUTSIDE);
            snprintf(when, sizeof when, "%s 11:59", dates[e]);
            assert_int_equal(verdict(&s, at(when)), d == e ? SCHED_OPEN : SCHED_OUTSIDE);
        }
    }
    /* mon-fri and the wrapping range fri-mon */
    {
        struct schedule s = windows("mon-fri 08:00-18:00"), w = windows("fri-mon 10:00-11:00");
        assert_int_equal(verdict(&s, at("2026-12-11 17:59")), SCHED_OPEN);
        assert_int_equal(verdict(&s, at("2026-12-12 10:00")), SCHED_OUTSIDE);
        assert_int_equal(verdict(&w, at("2026-12-13 10:30")), SCHED_OPEN);
        assert_int_equal(verdict(&w, at("2026-12-07 10:30")), SCHED_OPEN);
        assert_int_equal(verdict(&w, at("2026-12-08 10:30")), SCHED_OUTSIDE);
    }
}

static void test_several_a_day_and_next(void **state)
{
    struct schedule s = windows("tue 08:00-09:00, tue 17:00-18:30");
    struct sched_answer a;
    char text[160];
    (void)state;
    assert_int_equal(verdict(&s, at("2026-12-08 08:30")), SCHED_OPEN);
    a = sched_check(&s, site_tz_local, at("2026-12-08 12:00"));
    assert_int_equal(a.verdict, SCHED_OUTSIDE);
    assert_int_equal(a.next, at("2026-12-08 17:00"));
    assert_int_equal(a.next_index, 1);
    assert_int_equal(a.next_wday, 2);
    sched_text_refusal(&s, &a, "Garage", text, sizeof text);
    assert_string_equal(text,
                        "Garage: outside your schedule. Next: Tue 17:00\xe2\x80\x93"
                        "18:30 (2026-12-08).");
    /* after the last one of the week: next Tuesday */
    a = sched_check(&s, site_tz_local, at("2026-12-08 18:30"));
    assert_int_equal(a.next, at("2026-12-15 08:00"));
    /* at a few seconds into a minute: the next start is still exact */
    a = sched_check(&s, site_tz_local, at("2026-12-08 16:59") + 17);
    assert_int_equal(a.next, at("2026-12-08 17:00"));
}

static void test_across_midnight(void **state)
{
    struct schedule s = windows("fri 22:00-02:00"), m = windows("daily 23:00-24:00");
    struct sched_answer a;
    (void)state;
    assert_int_equal(verdict(&s, at("2026-12-11 21:59")), SCHED_OUTSIDE);
    assert_int_equal(verdict(&s, at("2026-12-11 22:00")), SCHED_OPEN);
    assert_int_equal(verdict(&s, at("2026-12-12 00:00")), SCHED_OPEN);
    assert_int_equal(verdict(&s, at("2026-12-12 01:59")), SCHED_OPEN);
    assert_int_equal(verdict(&s, at("2026-12-12 02:00")), SCHED_OUTSIDE);
    assert_int_equal(verdict(&s, at("2026-12-10 23:00")), SCHED_OUTSIDE); /* Thursday */
    assert_int_equal(verdict(&s, at("2026-12-13 01:00")), SCHED_OUTSIDE); /* Sunday */
    a = sched_check(&s, site_tz_local, at("2026-12-12 03:00"));
    assert_int_equal(a.next, at("2026-12-18 22:00"));
    assert_int_equal(a.next_wday, 5);
    assert_int_equal(verdict(&m, at("2026-12-09 23:59")), SCHED_OPEN);
    assert_int_equal(verdict(&m, at("2026-12-10 00:00")), SCHED_OUTSIDE);
    /* 00:00 as an end is midnight */
    m = windows("wed 20:00-00:00");
    assert_int_equal(verdict(&m, at("2026-12-09 23:59")), SCHED_OPEN);
    assert_int_equal(verdict(&m, at("2026-12-10 00:00")), SCHED_OUTSIDE);
}

/* 2027-03-28: at 02:00 CET the clocks go to 03:00 CEST (01:00 UTC). */
static void test_dst_skipped_hour(void **state)
{
    struct schedule in_gap = windows("sun 02:15-02:45"), over = windows("sun 01:30-03:30"),
                    from_gap = windows("sun 02:30-04:00");
    struct sched_answer a;
    (void)state;
    /* a window wholly in the skipped hour does not open that day */
    a = sched_check(&in_gap, site_tz_local, utc("2027-03-27 23:00:00"));
    assert_int_equal(a.verdict, SCHED_OUTSIDE);
    assert_int_equal(a.next, at("2027-04-04 02:15"));
    /* one over it is open on both sides: 1 h 30 min of real time instead of 2 h */
    assert_int_equal(verdict(&over, utc("2027-03-28 00:30:00")), SCHED_OPEN);    /* 01:30 CET */
    assert_int_equal(verdict(&over, utc("2027-03-28 00:59:59")), SCHED_OPEN);    /* 01:59:59 */
    assert_int_equal(verdict(&over, utc("2027-03-28 01:00:00")), SCHED_OPEN);    /* 03:00 CEST */
    assert_int_equal(verdict(&over, utc("2027-03-28 01:30:00")), SCHED_OUTSIDE); /* 03:30 */
    assert_int_equal(verdict(&over, utc("2027-03-28 00:29:59")), SCHED_OUTSIDE);
    /* one that starts in the gap opens at the first instant after it */
    a = sched_check(&from_gap, site_tz_local, utc("2027-03-27 23:00:00"));
    assert_int_equal(a.next, utc("2027-03-28 01:00:00"));
    /* the next window found from the day before, over the change */
    a = sched_check(&over, site_tz_local, utc("2027-03-27 12:00:00"));
    assert_int_equal(a.next, utc("2027-03-28 00:30:00"));
    /* a local time in the gap parses to the first instant after it */
    assert_int_equal(at("2027-03-28 02:30"), utc("2027-03-28 01:30:00"));
}

/* 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET (01:00 UTC). */
static void test_dst_repeated_hour(void **state)
{
    struct schedule s = windows("sun 02:00-02:30"), day = windows("sun 01:00-04:00");
    struct sched_answer a;
    (void)state;
    assert_int_equal(verdict(&s, utc("2026-10-25 00:15:00")), SCHED_OPEN);    /* 02:15 CEST */
    assert_int_equal(verdict(&s, utc("2026-10-25 00:45:00")), SCHED_OUTSIDE); /* 02:45 CEST */
    assert_int_equal(verdict(&s, utc("2026-10-25 01:15:00")), SCHED_OPEN);    /* 02:15 CET */
    assert_int_equal(verdict(&s, utc("2026-10-25 01:30:00")), SCHED_OUTSIDE); /* 02:30 CET */
    a = sched_check(&s, site_tz_local, utc("2026-10-25 00:45:00"));
    assert_int_equal(a.next, utc("2026-10-25 01:00:00")); /* the second 02:00 */
    /* a window over the change is four real hours long */
    assert_int_equal(verdict(&day, utc("2026-10-24 23:00:00")), SCHED_OPEN); /* 01:00 CEST */
    assert_int_equal(verdict(&day, utc("2026-10-25 02:59:59")), SCHED_OPEN); /* 03:59:59 CET */
    assert_int_equal(verdict(&day, utc("2026-10-25 03:00:00")), SCHED_OUTSIDE);
}

static void test_date_range_edges(void **state)
{
    struct schedule s = windows(""), w = windows("mon-fri 09:00-17:00");
    struct sched_answer a;
    char text[160];
    (void)state;
    s.from = at("2026-12-24 18:00");
    s.until = at("2026-12-27 12:00");
    a = sched_check(&s, site_tz_local, s.from - 1);
    assert_int_equal(a.verdict, SCHED_NOT_YET);
    assert_int_equal(a.next, s.from);
    assert_int_equal(a.next_index, -1);
    sched_text_refusal(&s, &a, "Front", text, sizeof text);
    assert_string_equal(text, "Front: your access has not started yet. Next: 2026-12-24 18:00.");
    assert_int_equal(verdict(&s, s.from), SCHED_OPEN);
    assert_int_equal(verdict(&s, s.until - 1), SCHED_OPEN);
    assert_int_equal(verdict(&s, s.until), SCHED_ENDED);
    sched_text_refusal(&s, &(struct sched_answer){SCHED_ENDED, 0, 0, -1}, "Front", text,
                       sizeof text);
    assert_string_equal(text, "Front: your access ended 2026-12-27 12:00.");
    /* from inside a window: open from then on, not from the window's start */
    w.from = at("2026-12-08 11:00");
    w.until = at("2026-12-10 10:00");
    assert_int_equal(verdict(&w, at("2026-12-08 10:59")), SCHED_NOT_YET);
    assert_int_equal(sched_check(&w, site_tz_local, at("2026-12-08 10:00")).next, w.from);
    assert_int_equal(verdict(&w, at("2026-12-08 11:00")), SCHED_OPEN);
    assert_int_equal(verdict(&w, at("2026-12-10 09:59")), SCHED_OPEN);
    assert_int_equal(verdict(&w, at("2026-12-10 10:00")), SCHED_ENDED);
    /* no window before the end: none is promised */
    a = sched_check(&w, site_tz_local, at("2026-12-09 18:00"));
    assert_int_equal(a.verdict, SCHED_OUTSIDE);
    assert_int_equal(a.next, at("2026-12-10 09:00"));
    w.until = at("2026-12-10 08:00");
    a = sched_check(&w, site_tz_local, at("2026-12-09 18:00"));
    assert_int_equal(a.next, 0);
}

static void test_text(void **state)
{
    struct schedule s;
    char out[SCHED_TEXT_MAX], err[160];
    (void)state;
    s = windows(" Mon-Fri 08:00-18:00 ,sat 10:00-12:00, FRI 22:00-02:00,daily 06:00-07:00");
    assert_int_equal(sched_format_windows(&s, out, sizeof out), 0);
    assert_string_equal(out,
                        "mon-fri 08:00-18:00, sat 10:00-12:00, fri 22:00-02:00, "
                        "daily 06:00-07:00");
    s = windows("fri-mon 10:00-11:00");
    assert_int_equal(sched_format_windows(&s, out, sizeof out), 0);
    assert_string_equal(out, "mon 10:00-11:00, fri-sun 10:00-11:00");
    s = windows("always");
    assert_int_equal(s.n, 0);
    s = windows("mon-fri 08:00-18:00");
    s.until = at("2026-12-24 18:00");
    s.uses_left = 3;
    sched_text_summary(&s, out, sizeof out);
    assert_string_equal(out,
                        "Mon-Fri 08:00\xe2\x80\x93"
                        "18:00 \xc2\xb7 until 2026-12-24 18:00 \xc2\xb7 3 uses left");
    memset(&s, 0, sizeof s);
    assert_int_equal(sched_parse_windows("mon 9:00-10:00", &s, err, sizeof err), -1);
    assert_int_equal(sched_parse_windows("mon 10:00-10:00", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(sched_parse_windows("moon 10:00-11:00", &s, err, sizeof err), -1);
    assert_int_equal(sched_parse_windows("mon 24:00-01:00", &s, err, sizeof err), -1);
    assert_int_equal(sched_parse_windows("mon 10:00-11:60", &s, err, sizeof err), -1);
    assert_int_equal(sched_parse_windows("mon 10:00-11:00,", &s, err, sizeof err), -1);
    assert_int_equal(sched_parse_windows("mon10:00-11:00", &s, err, sizeof err), -1);
}

static struct store *open_db(void)
{
    char err[512] = "";
    struct store *s = store_open(db_path, 5000, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open: %s", err);
    return s;
}

static void add_user(struct store *s, const char *name)
{
    struct user_rec u;
    struct pepper p;
    memset(&u, 0, sizeof u);
    memset(&p, 0x5a, sizeof p);
    snprintf(u.name, sizeof u.name, "%s", name);
    assert_int_equal(pin_hash_create(&p, "135790", u.pin_hash, sizeof u.pin_hash), 0);
    snprintf(u.doors, sizeof u.doors, "garage");
    u.enabled = 1;
    assert_int_equal(users_add(s, &u, 1000), 0);
}

#define TAPPERS 6

struct tapper {
    pthread_barrier_t *go;
    int rc;
    int64_t left;
};

/* One phone's tap on its own connection, all at once. */
static void *tap(void *arg)
{
    struct tapper *t = arg;
    char err[512];
    struct store *s = store_open(db_path, 5000, err, sizeof err);
    t->rc = -2;
    if (s == NULL)
        return NULL;
    pthread_barrier_wait(t->go);
    t->rc = sched_store_take_use(s, "ursula", "garage", &t->left);
    store_close(s);
    return NULL;
}

static int taps_at_once(int64_t uses)
{
    pthread_barrier_t go;
    pthread_t th[TAPPERS];
    struct tapper t[TAPPERS];
    struct store *s = open_db();
    int i, used = 0;

    assert_int_equal(sched_store_set_uses(s, "ursula", "garage", uses), 0);
    store_close(s);
    pthread_barrier_init(&go, NULL, TAPPERS);
    for (i = 0; i < TAPPERS; i++) {
        t[i].go = &go;
        assert_int_equal(pthread_create(&th[i], NULL, tap, &t[i]), 0);
    }
    for (i = 0; i < TAPPERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (i = 0; i < TAPPERS; i++) {
        assert_true(t[i].rc == 0 || t[i].rc == 1);
        if (t[i].rc == 0) {
            used++;
            assert_true(t[i].left >= 0 && t[i].left < uses);
        }
    }
    return used;
}

static void test_uses(void **state)
{
    struct store *s = open_db();
    struct schedule sc = windows("daily 00:00-24:00");
    int64_t left;
    (void)state;
    add_user(s, "ursula");
    add_user(s, "victor");
    /* no schedule: not counted */
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 0);
    assert_int_equal(left, SCHED_UNLIMITED);
    assert_int_equal(sched_store_get(s, "victor", "garage", &sc), 0);
    /* a schedule without a count: not counted either */
    sc = windows("daily 00:00-24:00");
    assert_int_equal(sched_store_set(s, "victor", "garage", &sc), 0);
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 0);
    assert_int_equal(left, SCHED_UNLIMITED);
    /* uses 2: two, then none; giving one back; 0 is refused by the decision too */
    assert_int_equal(sched_store_set_uses(s, "victor", "garage", 2), 0);
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 0);
    assert_int_equal(left, 1);
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 0);
    assert_int_equal(left, 0);
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 1);
    assert_int_equal(sched_store_get(s, "victor", "garage", &sc), 1);
    assert_int_equal(sc.uses_left, 0);
    assert_int_equal(sc.n, 1); /* the windows stayed */
    assert_int_equal(verdict(&sc, at("2026-12-08 10:00")), SCHED_NO_USES);
    assert_int_equal(sched_store_give_back(s, "victor", "garage"), 0);
    assert_int_equal(sched_store_take_use(s, "victor", "garage", &left), 0);
    assert_int_equal(left, 0);
    /* unknown user; gone with the user */
    assert_int_equal(sched_store_set_uses(s, "nobody", "garage", 1), 1);
    assert_int_equal(users_delete(s, "victor"), 0);
    assert_int_equal(sched_store_get(s, "victor", "garage", &sc), 0);
    store_close(s);
    /* taps from several connections at once: at 1 exactly one goes, at 0 none */
    assert_int_equal(taps_at_once(1), 1);
    assert_int_equal(taps_at_once(0), 0);
    assert_int_equal(taps_at_once(3), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_weekday),
        cmocka_unit_test(test_several_a_day_and_next),
        cmocka_unit_test(test_across_midnight),
        cmocka_unit_test(test_dst_skipped_hour),
        cmocka_unit_test(test_dst_repeated_hour),
        cmocka_unit_test(test_date_range_edges),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_uses),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
