/* cli_schedule.c - `user schedule`, `user uses`, `user guest` and `user show`: the
 * schedules of (user, door) (gateway/core/schedule.h) and guests in one step
 * (gateway/core/guests.h). Dates are local dates of the site's timezone. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gw_log.h"
#include "guests.h"
#include "lockout.h"
#include "pin_hash.h"
#include "sched_input.h"
#include "sched_store.h"
#include "sched_text.h"
#include "site_tz.h"
#include "users.h"

struct opts {
    struct sched_input in;
    const char *doors;
    int clear;
};

/* --NAME VALUE or --NAME=VALUE at argv[*i]: 1 and *v, 0 if argv[*i] is not --NAME. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **v)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *v = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] == '\0' && *i + 1 < argc) {
        *v = argv[++*i];
        return 1;
    }
    return 0;
}

/* The options from argv[first]. 0 or -1 (said). */
static int parse_opts(int argc, char **argv, int first, struct opts *o)
{
    int i;
    memset(o, 0, sizeof *o);
    for (i = first; i < argc; i++) {
        if (opt_value(argc, argv, &i, "--from", &o->in.from) ||
            opt_value(argc, argv, &i, "--until", &o->in.until) ||
            opt_value(argc, argv, &i, "--windows", &o->in.windows) ||
            opt_value(argc, argv, &i, "--uses", &o->in.uses) ||
            opt_value(argc, argv, &i, "--doors", &o->doors))
            continue;
        if (strcmp(argv[i], "--clear") == 0) {
            o->clear = 1;
            continue;
        }
        gw_err("user %s: unexpected '%s'", argv[1], argv[i]);
        return -1;
    }
    return 0;
}

static int db_error(struct cli_ctx *ctx, const char *what)
{
    gw_err("%s: %s", what, store_errmsg(ctx->store));
    return CLI_FAIL;
}

/* The user must exist and door must be one of the configuration. CLI_OK or an exit code. */
static int check_target(struct cli_ctx *ctx, const char *name, const char *door)
{
    struct user_rec u;
    int rc = users_get(ctx->store, name, &u);
    if (rc < 0)
        return db_error(ctx, "cannot read users");
    if (rc == 0) {
        gw_err("no user '%s'", name);
        return CLI_FAIL;
    }
    if (conf_find_door(ctx->conf, door) < 0) {
        gw_err("no door '%s' in the configuration", door);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static void say_schedule(const char *name, const char *door, const struct schedule *s)
{
    char text[SCHED_TEXT_MAX + 128];
    sched_text_summary(s, text, sizeof text);
    printf("%s on %s: %s\n", name, door, text);
}

static int cmd_schedule(struct cli_ctx *ctx, int argc, char **argv)
{
    struct schedule s;
    struct opts o;
    char err[256];
    int rc;

    if (argc < 4 || parse_opts(argc, argv, 4, &o) != 0)
        return CLI_USAGE;
    if ((rc = check_target(ctx, argv[2], argv[3])) != CLI_OK)
        return rc;
    if (o.clear) {
        if (sched_store_clear(ctx->store, argv[2], argv[3]) < 0)
            return db_error(ctx, "cannot clear the schedule");
        printf("%s on %s: any time\n", argv[2], argv[3]);
        return CLI_OK;
    }
    if (sched_store_get(ctx->store, argv[2], argv[3], &s) < 0)
        return db_error(ctx, "cannot read the schedule");
    if (sched_input_apply(&o.in, &s, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_USAGE;
    }
    if (sched_store_set(ctx->store, argv[2], argv[3], &s) != 0)
        return db_error(ctx, "cannot set the schedule");
    say_schedule(argv[2], argv[3], &s);
    return CLI_OK;
}

static int cmd_uses(struct cli_ctx *ctx, int argc, char **argv)
{
    struct sched_input in = {NULL, NULL, NULL, argc == 5 ? argv[4] : NULL};
    struct schedule s;
    char err[256];
    int rc;

    if (argc != 5)
        return CLI_USAGE;
    if ((rc = check_target(ctx, argv[2], argv[3])) != CLI_OK)
        return rc;
    memset(&s, 0, sizeof s);
    if (sched_input_apply(&in, &s, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_USAGE;
    }
    if (sched_store_set_uses(ctx->store, argv[2], argv[3], s.uses_left) != 0)
        return db_error(ctx, "cannot set the uses");
    if (sched_store_get(ctx->store, argv[2], argv[3], &s) < 0)
        return db_error(ctx, "cannot read the schedule");
    say_schedule(argv[2], argv[3], &s);
    return CLI_OK;
}

static int cmd_guest(struct cli_ctx *ctx, int argc, char **argv)
{
    char doors[USER_DOORS_MAX], hash[PIN_HASH_MAX], err[256], when[40];
    struct schedule s;
    struct opts o;
    int rc;

    if (argc < 3 || parse_opts(argc, argv, 3, &o) != 0)
        return CLI_USAGE;
    if (!lk_by_valid(argv[2], strlen(argv[2]))) {
        gw_err("guest name '%s' must be 1..64 of [A-Za-z0-9._@-] (the CN of the certificate)",
               argv[2]);
        return CLI_USAGE;
    }
    if (o.doors == NULL || o.in.until == NULL) {
        gw_err("user guest needs --doors and --until");
        return CLI_USAGE;
    }
    if (users_doors_canonical(ctx->conf, o.doors, doors, sizeof doors, err, sizeof err) != 0) {
        gw_err("--doors: %s", err);
        return CLI_USAGE;
    }
    memset(&s, 0, sizeof s);
    s.uses_left = SCHED_UNLIMITED;
    if (sched_input_apply(&o.in, &s, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_USAGE;
    }
    if (s.until <= (int64_t)time(NULL)) {
        gw_err("--until must be in the future");
        return CLI_USAGE;
    }
    rc = users_get(ctx->store, argv[2], &(struct user_rec){0});
    if (rc != 0) {
        if (rc < 0)
            return db_error(ctx, "cannot read users");
        gw_err("user '%s' exists already", argv[2]);
        return CLI_FAIL;
    }
    if (cli_new_pin_hash(ctx, argv[2], 1, hash, sizeof hash) != 0)
        return CLI_FAIL;
    rc = guest_add(ctx->store, ctx->conf, argv[2], hash, doors, &s, (int64_t)time(NULL), err,
                   sizeof err);
    if (rc != 0) {
        gw_err("%s", rc == 1 ? "the user exists already" : err);
        return CLI_FAIL;
    }
    site_tz_format(s.until, when, sizeof when);
    printf("guest %s added (doors %s, access ends %s %s)\n", argv[2], doors, when,
           ctx->conf->server.timezone);
    return CLI_OK;
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
    struct user_rec u;
    struct schedule s;
    char when[40];
    struct door_set set;
    int i, rc;

    if (argc != 3)
        return CLI_USAGE;
    rc = users_get(ctx->store, argv[2], &u);
    if (rc <= 0) {
        if (rc < 0)
            return db_error(ctx, "cannot read users");
        gw_err("no user '%s'", argv[2]);
        return CLI_FAIL;
    }
    printf("%s: %s%s, %s", u.name,
           u.guest   ? "guest"
           : u.admin ? "admin"
                     : "user",
           u.enabled ? "" : " (disabled)",
           lockout_remaining_s(&u, (int64_t)time(NULL)) > 0 ? "locked" : "not locked");
    if (u.expires != 0) {
        site_tz_format(u.expires, when, sizeof when);
        printf(", access ends %s", when);
    }
    printf(" (times in %s)\n", ctx->conf->server.timezone);
    users_door_set(ctx->conf, u.doors, &set);
    for (i = 0; i < ctx->conf->n_doors; i++) {
        const char *door = ctx->conf->doors[i].name;
        if (!door_set_has(&set, i))
            continue;
        rc = sched_store_get(ctx->store, u.name, door, &s);
        if (rc < 0)
            return db_error(ctx, "cannot read the schedule");
        if (rc == 0)
            printf("%s on %s: any time\n", u.name, door);
        else
            say_schedule(u.name, door, &s);
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

int cli_schedule(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *sub = argv[1];
    int rc = strcmp(sub, "schedule") == 0 ? cmd_schedule(ctx, argc, argv)
             : strcmp(sub, "uses") == 0   ? cmd_uses(ctx, argc, argv)
             : strcmp(sub, "guest") == 0  ? cmd_guest(ctx, argc, argv)
                                          : cmd_show(ctx, argc, argv);
    if (rc == CLI_USAGE) {
        gw_err("usage:");
        cli_usage(stderr);
    }
    return rc;
}
