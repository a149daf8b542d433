/* users.c - user records in SQLite (prepared statements only) and door lists checked
 * against the configuration. */
#include "users.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define USER_COLUMNS                                                                               \
    "name, pin_hash, doors, enabled, role, failed, lockouts, locked_until, created, expires, "     \
    "guest"

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct user_rec *u)
{
    const unsigned char *role;
    memset(u, 0, sizeof *u);
    copy_col(st, 0, u->name, sizeof u->name);
    copy_col(st, 1, u->pin_hash, sizeof u->pin_hash);
    copy_col(st, 2, u->doors, sizeof u->doors);
    u->enabled = sqlite3_column_int(st, 3) != 0;
    role = sqlite3_column_text(st, 4);
    u->admin = role != NULL && strcmp((const char *)role, "admin") == 0;
    u->failed = sqlite3_column_int(st, 5);
    u->lockouts = sqlite3_column_int(st, 6);
    u->locked_until = sqlite3_column_int64(st, 7);
    u->created = sqlite3_column_int64(st, 8);
    u->expires = sqlite3_column_int64(st, 9);
    u->guest = sqlite3_column_int(st, 10) != 0;
}

int users_get(struct store *s, const char *name, struct user_rec *u)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLUMNS " FROM users WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_row(st, u);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int users_add(struct store *s, const struct user_rec *u, int64_t now)
{
    sqlite3_stmt *st;
    int rc;
    if (!lk_by_valid(u->name, strlen(u->name)) || pin_hash_check_format(u->pin_hash) != 0)
        return -1;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO users (name, pin_hash, doors, enabled, role, created, "
                           "expires, guest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                           "ON CONFLICT (name) DO NOTHING",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->pin_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->doors, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, u->enabled ? 1 : 0);
    sqlite3_bind_text(st, 5, u->admin ? "admin" : "user", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_int64(st, 7, u->expires);
    sqlite3_bind_int(st, 8, u->guest ? 1 : 0);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

/* Runs an UPDATE/DELETE with ?1 = name and optional ?2 (text or int). 0, 1 (no row), -1. */
static int change(struct store *s, const char *sql, const char *name, const char *text, int num)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2) {
        if (text != NULL)
            sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int(st, 2, num);
    }
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(s->db) >= 1 ? 0 : 1;
}

int users_delete(struct store *s, const char *name)
{
    return change(s, "DELETE FROM users WHERE name = ?1", name, NULL, 0);
}

int users_set_pin(struct store *s, const char *name, const char *pin_hash)
{
    if (pin_hash_check_format(pin_hash) != 0)
        return -1;
    return change(s, "UPDATE users SET pin_hash = ?2 WHERE name = ?1", name, pin_hash, 0);
}

int users_set_doors(struct store *s, const char *name, const char *doors)
{
    return change(s, "UPDATE users SET doors = ?2 WHERE name = ?1", name, doors, 0);
}

int users_set_enabled(struct store *s, const char *name, int enabled)
{
    return change(s, "UPDATE users SET enabled = ?2 WHERE name = ?1", name, NULL, enabled ? 1 : 0);
}

int users_set_admin(struct store *s, const char *name, int admin)
{
    return change(s, "UPDATE users SET role = ?2 WHERE name = ?1", name, admin ? "admin" : "user", 0);
}

int users_unlock(struct store *s, const char *name)
{
    return change(s, "UPDATE users SET failed = 0, lockouts = 0, locked_until = 0 WHERE name = ?1",
                  name, NULL, 0);
}

int users_list(struct store *s, int (*cb)(void *arg, const struct user_rec *u), void *arg)
{
    sqlite3_stmt *st;
    struct user_rec u;
    int rc;
    if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLUMNS " FROM users ORDER BY name", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &u);
        if (cb(arg, &u) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Splits list at commas, trims blanks; calls fn(arg, name) for each. Returns fn's first
 * non-zero result, -2 for an empty item or an over-long list, else 0. */
static int each_name(const char *list, int (*fn)(void *arg, const char *name), void *arg)
{
    char buf[USER_DOORS_MAX], *save = NULL, *tok, *end;
    int rc;
    if (strlen(list) >= sizeof buf)
        return -2;
    strcpy(buf, list);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        end = tok + strlen(tok);
        while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (*tok == '\0')
            return -2;
        if ((rc = fn(arg, tok)) != 0)
            return rc;
    }
    return 0;
}

struct set_ctx {
    const struct conf *c;
    struct door_set set;
    char bad_name[LK_NAME_MAX + 2];
};

static int add_known(void *arg, const char *name)
{
    struct set_ctx *m = arg;
    int i = conf_find_door(m->c, name);
    if (i < 0) {
        snprintf(m->bad_name, sizeof m->bad_name, "%s", name);
        return -1;
    }
    (void)door_set_add(&m->set, i); /* i < n_doors <= DOOR_SET_MAX */
    return 0;
}

static int add_if_known(void *arg, const char *name)
{
    struct set_ctx *m = arg;
    (void)door_set_add(&m->set, conf_find_door(m->c, name)); /* -1: not configured */
    return 0;
}

/* Writes the doors of set, in config order, comma-separated. */
static int doors_from_set(const struct conf *c, const struct door_set *set, char *out, size_t cap,
                          char *err, size_t errlen)
{
    size_t len = 0;
    int i;

    if (cap == 0)
        return -1;
    out[0] = '\0';
    for (i = 0; i < c->n_doors; i++) {
        size_t n = strlen(c->doors[i].name);
        if (!door_set_has(set, i))
            continue;
        if (len + n + 2 > cap) {
            snprintf(err, errlen, "door list too long");
            return -1;
        }
        if (len > 0)
            out[len++] = ',';
        memcpy(out + len, c->doors[i].name, n + 1);
        len += n;
    }
    return 0;
}

int users_doors_canonical(const struct conf *c, const char *list, char *out, size_t cap,
                          char *err, size_t errlen)
{
    struct set_ctx m;
    int rc;

    memset(&m, 0, sizeof m);
    m.c = c;
    rc = each_name(list, add_known, &m);
    if (rc == -1) {
        snprintf(err, errlen, "no door '%s' in the configuration", m.bad_name);
        return -1;
    }
    if (rc != 0 || door_set_count(&m.set) == 0) {
        snprintf(err, errlen, "the door list must name one or more configured doors, "
                 "separated by commas");
        return -1;
    }
    return doors_from_set(c, &m.set, out, cap, err, errlen);
}

int users_doors_all(const struct conf *c, char *out, size_t cap, char *err, size_t errlen)
{
    struct door_set all;
    door_set_first(&all, c->n_doors);
    return doors_from_set(c, &all, out, cap, err, errlen);
}

void users_door_set(const struct conf *c, const char *list, struct door_set *out)
{
    struct set_ctx m;
    memset(&m, 0, sizeof m);
    m.c = c;
    if (each_name(list, add_if_known, &m) != 0)
        door_set_clear(&m.set);
    *out = m.set;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

int users_list_has(const char *list, const char *door)
{
    size_t n = strlen(door);
    const char *p = list;
    int found = 0;
    if (n == 0 || strlen(list) >= USER_DOORS_MAX)
        return 0;
    for (;;) { /* the whole list, read as each_name reads it: a blank item spoils it */
        const char *end = strchr(p, ',');
        const char *a = p, *b = end != NULL ? end : p + strlen(p), *raw = b;
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (a == b && raw != p)
            return 0;
        if ((size_t)(b - a) == n && memcmp(a, door, n) == 0)
            found = 1;
        if (end == NULL)
            return found;
        p = end + 1;
    }
}
