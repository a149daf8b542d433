/* site_tz.h - the site's time zone ([server] timezone, an IANA name such as
 * Europe/Berlin, read from the system's tz data): checked when the config loads, made
 * the process's local time once at start (before any thread), and the conversions that
 * schedules (schedule.h), the admin page and the command line use. */
#ifndef GW_SITE_TZ_H
#define GW_SITE_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SITE_TZ_MAX 64
#define SITE_TZ_DIR "/usr/share/zoneinfo"

/* 1 if name is a zone of the tz data ("UTC", "Europe/Berlin"): a relative path of
 * [A-Za-z0-9_+-/] without "..", naming a TZif file. */
int site_tz_valid(const char *name);

/* Makes name the local time of this process (TZ, tzset). Call before threads start. 0 or
 * -1 for a name that is not valid. */
int site_tz_apply(const char *name);

/* Local time of unix second t (a sched_local_fn). 0 or -1. */
int site_tz_local(int64_t t, struct tm *out);

/* "2026-12-24 18:00" (local, 24 h) of unix second t. */
void site_tz_format(int64_t t, char *out, size_t cap);

/* Parses a local date "YYYY-MM-DD" (midnight) or "YYYY-MM-DD HH:MM" / "YYYY-MM-DDTHH:MM"
 * into unix seconds; a time in the skipped hour of a DST change counts as the first
 * instant after it. 0 or -1. */
int site_tz_parse(const char *text, int64_t *out);

#endif
