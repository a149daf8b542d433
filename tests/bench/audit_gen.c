/* audit_gen.c - latchkey-audit-gen: fills a gateway database with N synthetic audit rows
 * for the audit benchmarks (scripts/bench.sh, "Audit at 1,000,000 rows"): USERS users
 * (user0001 ...), DAYS days of history ending now, times increasing with the row id, a
 * realistic mix of results (most opened, with a command id), four doors. Goes through the
 * gateway's own store_open (schema and migrations), then bulk inserts in large
 * transactions with synchronous=OFF: a throw-away benchmark database, never a real one.
 * usage: latchkey-audit-gen DB ROWS [USERS [DAYS]] */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "store.h"

#define BATCH 50000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void) /* xorshift64*: reproducible, good enough for test data */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

/* Writes one message to stderr; stderr itself failing leaves nobody to tell. */
static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vfprintf(stderr, fmt, ap);
    va_end(ap);
    (void)n;
}

int main(int argc, char **argv)
{
    static const char *const results[] = {"opened",   "opened",       "opened", "opened",
                                          "opened",   "opened",       "opened", "wrong-pin",
                                          "rejected", "not-confirmed"};
    char err[512], user[32], door[16], id[LK_ID_HEX_LEN + 1];
    long long rows, users = 50, days = 365, i;
    int64_t now, span_ms;
    struct store *s;
    sqlite3_stmt *st;

    if (argc < 3 || argc > 5 || (rows = atoll(argv[2])) <= 0 ||
        (argc > 3 && (users = atoll(argv[3])) <= 0) || (argc > 4 && (days = atoll(argv[4])) <= 0)) {
        complain("usage: latchkey-audit-gen DB ROWS [USERS [DAYS]]\n");
        return 2;
    }
    if ((s = store_open(argv[1], 5000, err, sizeof err)) == NULL) {
        complain("latchkey-audit-gen: %s\n", err);
        return 1;
    }
    now = audit_now_ms();
    span_ms = (int64_t)days * 86400000;
    if (store_exec(s, "PRAGMA synchronous=OFF") != 0 ||
        sqlite3_prepare_v2(
            s->db,
            "INSERT INTO audit (at_ms, user, serial, door, result, reason, "
            "latency_ms, peer, cmd_id) VALUES (?1, ?2, '5E2D4511AB3C02AE1631652419A7762A', "
            "?3, ?4, ?5, ?6, '192.0.2.10', ?7)",
            -1, &st, NULL) != SQLITE_OK) {
        complain("latchkey-audit-gen: %s\n", store_errmsg(s));
        store_close(s);
        return 1;
    }
    for (i = 0; i < rows; i++) {
        const char *r = results[next() % 10];
        int cmd = strcmp(r, "wrong-pin") != 0;
        if (i % BATCH == 0 && store_exec(s, "BEGIN") != 0)
            break;
        snprintf(user, sizeof user, "user%04llu",
                 (unsigned long long)(next() % (uint64_t)users) + 1);
        snprintf(door, sizeof door, "door%d", (int)(next() % 4) + 1);
        snprintf(id, sizeof id, "%016llx%016llx", (unsigned long long)next(),
                 (unsigned long long)i);
        sqlite3_bind_int64(st, 1,
                           now - span_ms + (int64_t)((double)span_ms * (double)i / (double)rows));
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, door, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, cmd ? "-" : "wrong-pin", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, cmd ? (int64_t)(next() % 400) + 3 : 0);
        if (cmd)
            sqlite3_bind_text(st, 7, id, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 7);
        if (sqlite3_step(st) != SQLITE_DONE)
            break;
        sqlite3_reset(st);
        if ((i + 1) % BATCH == 0 && store_exec(s, "COMMIT") != 0)
            break;
    }
    sqlite3_finalize(st);
    if (i < rows || (rows % BATCH != 0 && store_exec(s, "COMMIT") != 0) ||
        store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)") != 0) {
        complain("latchkey-audit-gen: row %lld: %s\n", i, store_errmsg(s));
        store_close(s);
        return 1;
    }
    store_close(s);
    printf("%lld rows, %lld users, %lld days\n", rows, users, days);
    return 0;
}
