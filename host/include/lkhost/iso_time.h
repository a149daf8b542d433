/* iso_time.h - ISO 8601 UTC times as the programs write and read them: the certificate
 * inventory (YYYY-MM-DDTHH:MM:SSZ), the audit log (with milliseconds) and dates typed on a
 * command line. UTC only: an offset such as +02:00 is refused, so a time never shifts. */
#ifndef LKHOST_ISO_TIME_H
#define LKHOST_ISO_TIME_H

#include <stdint.h>
#include <time.h>

#define LKH_ISO_LEN 20    /* "YYYY-MM-DDTHH:MM:SSZ" */
#define LKH_ISO_MS_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */

/* YYYY-MM-DDTHH:MM:SSZ of a broken-down UTC time. Returns 0, or -1 (a year outside
 * 0..9999). */
int lkh_iso_from_tm(const struct tm *tm, char out[LKH_ISO_LEN + 1]);
/* The same of a time_t. */
int lkh_iso_from_time(time_t t, char out[LKH_ISO_LEN + 1]);
/* YYYY-MM-DDTHH:MM:SS.mmmZ of unix milliseconds. Returns 0 or -1. */
int lkh_iso_from_ms(int64_t ms, char out[LKH_ISO_MS_LEN + 1]);

enum lkh_iso_form {
    /* Exactly YYYY-MM-DDTHH:MM:SSZ from 1970 on: what this project writes into files. */
    LKH_ISO_EXACT,
    /* YYYY-MM-DD, optionally followed by T or a space, HH:MM, optionally :SS, optionally Z
     * (a date or time typed by a person; midnight when only the date is given). */
    LKH_ISO_DATE_OR_TIME
};

/* Parses s (all of it: trailing characters are refused) into *out. Fields out of range
 * (month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60) are refused. Returns 0 or -1. */
int lkh_iso_parse(const char *s, enum lkh_iso_form form, time_t *out);

#endif
