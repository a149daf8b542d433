/* audit.h - the audit log of door attempts (table audit of store.h). Every attempt has a
 * row on disk before the gateway answers it. An attempt that sends a command is written as
 * "pending" before the command goes out, and completed with the device's answer by a lazy
 * commit (in the WAL, on disk at the next durable commit or background sync, store_flush.h).
 * In the gateway a row's own commit is lazy too and its one durable write is the intent
 * journal's record (audit_journal.h); elsewhere (the command line, tests without the
 * journal) it is a durable commit (on disk: synchronous=FULL). One fsync per tap. If a
 * write fails the caller refuses the action. A machine crash can lose a completion, never
 * a pending row: at start the gateway restores what the journal holds and marks every row
 * still pending "unknown" (audit_recover). */
#ifndef GW_AUDIT_H
#define GW_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "store.h"

#define AUDIT_SERIAL_MAX 96  /* hex of a certificate serial (up to 20 bytes in practice) */
#define AUDIT_WORD_MAX 48    /* result and reason */
#define AUDIT_PEER_MAX 64

#define AUDIT_PENDING "pending" /* command sent, no result yet */
#define AUDIT_UNKNOWN "unknown" /* command sent, result never recorded */
#define AUDIT_REASON_STOPPED "gateway-stopped"

struct audit_rec {
    int64_t id;                      /* row id (filled by audit_append and the queries) */
    int64_t at_ms;                   /* unix milliseconds */
    char user[LK_BY_MAX + 1];
    char serial[AUDIT_SERIAL_MAX];
    char door[LK_NAME_MAX + 1];      /* "?" if the request named none or an invalid one */
    char result[AUDIT_WORD_MAX];     /* gw_result name, "pending" or "unknown" */
    char reason[AUDIT_WORD_MAX];
    int64_t latency_ms;
    char peer[AUDIT_PEER_MAX];
    char cmd_id[LK_ID_HEX_LEN + 1];  /* "" when no command was sent */
    int has_uses;                    /* the attempt used one of a counted number of uses */
    int64_t uses_left;               /* ... and this many are left (schedule.h) */
};

/* Appends r and sets r->id; 0 once on disk, -1 on failure. On disk: with the gateway's
 * intent journal (audit_journal.h) a lazy commit plus the journal's record, else a durable
 * commit. */
int audit_append(struct store *s, struct audit_rec *r);

/* Inserts r with its own id unless a row with that id exists (audit_journal.c, at start,
 * inside its transaction). 1 inserted, 0 present, -1 on failure. */
int audit_restore(struct store *s, const struct audit_rec *r);

/* Sets result, reason and latency of the pending row of command cmd_id (lazy commit).
 * 0, 1 if no such pending row, -1 on failure. */
int audit_finish(struct store *s, const char *cmd_id, const char *result, const char *reason,
                 int64_t latency_ms);

/* Calls cb for rows with at_ms >= since_ms (and user = user unless NULL), oldest first,
 * or newest first when newest_first; at most limit rows (0: no limit). Rows stream from
 * the index (audit_at, or audit_user with a user): the first comes at once whatever the
 * table's size. cb returns 0 to go on, > 0 to stop, < 0 to fail. 0 or -1. */
int audit_query(struct store *s, int64_t since_ms, const char *user, int newest_first,
                int limit, int (*cb)(void *arg, const struct audit_rec *r), void *arg);

/* Keyset pagination, newest first (the history page): a row's key is (at_ms, id). */
struct audit_key {
    int64_t at_ms, id;
};

enum audit_page_from {
    AUDIT_LATEST, /* the newest rows */
    AUDIT_OLDER,  /* the rows just older than the key */
    AUDIT_NEWER,  /* the rows just newer than the key (the latest page if that is all) */
};

struct audit_page {
    struct audit_rec *rows; /* the caller's array of cap rows (cap >= 1) */
    int cap;
    int n;            /* rows filled, newest first */
    int older, newer; /* rows exist beyond rows[n - 1] / before rows[0] */
};

/* Fills p with one page. 0 or -1. */
int audit_page(struct store *s, enum audit_page_from from, const struct audit_key *key,
               struct audit_page *p);

/* At start, before any attempt: every row still pending is from a gateway that stopped
 * between sending a command and recording its result (or lost that record in a machine
 * crash). Each becomes "unknown", reason gateway-stopped, with a log line; durable
 * commit. The number of rows marked, or -1. Only for the gateway process that owns the
 * database: never while another gateway runs on it. */
int audit_recover(struct store *s);

/* The statements, for audit_query_plan. */
enum audit_stmt {
    AUDIT_Q_SINCE,      /* audit --since (and the whole export) */
    AUDIT_Q_USER_SINCE, /* audit --user [--since] */
    AUDIT_Q_SINCE_DESC,
    AUDIT_Q_USER_SINCE_DESC,
    AUDIT_Q_LATEST, /* history, first page */
    AUDIT_Q_OLDER,  /* history, ?older= */
    AUDIT_Q_NEWER,  /* history, ?newer= */
    AUDIT_Q_APPEND,
    AUDIT_Q_FINISH,  /* the result of a pending row */
    AUDIT_Q_PENDING, /* recovery: the pending rows */
    AUDIT_Q_RECOVER, /* recovery: marking them unknown */
    AUDIT_Q_RESTORE, /* start: a row from the intent journal (audit_journal.h) */
    AUDIT_N_STMT
};

/* EXPLAIN QUERY PLAN of statement q, its steps joined by "; " (tests keep the indexes in
 * use). 0 or -1. */
int audit_query_plan(struct store *s, enum audit_stmt q, char *out, size_t cap);

/* Unix milliseconds now (wall clock). */
int64_t audit_now_ms(void);

#endif
