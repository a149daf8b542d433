/* sched_doors.c - the doors of one user that have a schedule (sched_doors.h). */
#include "sched_doors.h"

#include <sqlite3.h>

/* Rows read at most: every configured door and as many of doors removed since; more is
 * treated like an error (every door is then read one by one). */
#define SCHED_DOORS_ROWS_MAX (4 * CONF_MAX_DOORS)

int sched_doors_of(struct store *st, const struct conf *c, const char *user, struct door_set *out)
{
    sqlite3_stmt *q = NULL;
    int rc = SQLITE_ERROR, rows = 0;

    door_set_clear(out);
    if (sqlite3_prepare_v2(st->db, "SELECT door FROM schedules WHERE user = ?1", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC) == SQLITE_OK) {
        while ((rc = sqlite3_step(q)) == SQLITE_ROW && rows++ < SCHED_DOORS_ROWS_MAX) {
            const unsigned char *door = sqlite3_column_text(q, 0);
            if (door != NULL)
                (void)door_set_add(out, conf_find_door(c, (const char *)door)); /* -1: gone */
        }
    }
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE)
        return 0;
    door_set_first(out, c->n_doors);
    return -1;
}
