/* cli_user.c - `user` commands: add, del, list, set-pin, doors, disable, enable, unlock
 * (schedule, uses, guest and show are cli_schedule.c's).
 * PINs are read by pin_prompt() (never from argv) and hashed with the pepper, which
 * `user add` creates when it does not exist yet. Door names are checked against the
 * configuration. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gw_log.h"
#include "lockout.h"
#include "pepper.h"
#include "pin_hash.h"
#include "pin_prompt.h"
#include "users.h"

static int say_db_error(struct cli_ctx *ctx, const char *what)
{
    gw_err("%s: %s", what, store_errmsg(ctx->store));
    return CLI_FAIL;
}

static int no_such_user(const char *name)
{
    gw_err("no user '%s'", name);
    return CLI_FAIL;
}

int cli_new_pin_hash(struct cli_ctx *ctx, const char *name, int create_pepper, char *hash,
                     size_t cap)
{
    char pin[64], err[512];
    struct pepper p;
    int rc;

    if (create_pepper) {
        rc = pepper_create(ctx->conf->store.pepper_file, err, sizeof err);
        if (rc < 0) {
            gw_err("%s", err);
            return -1;
        }
        if (rc == 0)
            gw_err(
                "created the pepper file %s (keep it with the "
                "database backups; without it no PIN can be checked)",
                ctx->conf->store.pepper_file);
    }
    if (pepper_load(ctx->conf->store.pepper_file, &p, err, sizeof err) != 0) {
        gw_err("%s", err);
        return -1;
    }
    if (pin_prompt(name, pin, sizeof pin, err, sizeof err) != 0) {
        gw_err("%s", err);
        pepper_clear(&p);
        return -1;
    }
    rc = pin_hash_create(&p, pin, hash, cap);
    OPENSSL_cleanse(pin, sizeof pin);
    pepper_clear(&p);
    if (rc != 0)
        gw_err("hashing the PIN failed");
    return rc;
}

static int check_name(const char *name)
{
    if (!lk_by_valid(name, strlen(name))) {
        gw_err(
            "user name '%s' must be 1..64 of [A-Za-z0-9._@-] "
            "(the CN of the user's client certificate)",
            name);
        return -1;
    }
    return 0;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
    struct user_rec u;
    char err[256];
    const char *doors = NULL;
    int i, rc;

    memset(&u, 0, sizeof u);
    if (argc < 3 || check_name(argv[2]) != 0)
        return CLI_USAGE;
    strcpy(u.name, argv[2]);
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--doors") == 0 && i + 1 < argc)
            doors = argv[++i];
        else if (strncmp(argv[i], "--doors=", 8) == 0)
            doors = argv[i] + 8;
        else if (strcmp(argv[i], "--admin") == 0)
            u.admin = 1;
        else {
            gw_err("user add: unexpected '%s'", argv[i]);
            return CLI_USAGE;
        }
    }
    if (doors != NULL) {
        if (users_doors_canonical(ctx->conf, doors, u.doors, sizeof u.doors, err, sizeof err) != 0) {
            gw_err("--doors: %s", err);
            return CLI_USAGE;
        }
    } else if (users_doors_all(ctx->conf, u.doors, sizeof u.doors, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_FAIL;
    }
    rc = users_get(ctx->store, u.name, &(struct user_rec){0});
    if (rc < 0)
        return say_db_error(ctx, "cannot read users");
    if (rc == 1) {
        gw_err("user '%s' exists already (use set-pin or doors)", u.name);
        return CLI_FAIL;
    }
    if (cli_new_pin_hash(ctx, u.name, 1, u.pin_hash, sizeof u.pin_hash) != 0)
        return CLI_FAIL;
    u.enabled = 1;
    rc = users_add(ctx->store, &u, (int64_t)time(NULL));
    if (rc < 0)
        return say_db_error(ctx, "cannot add the user");
    if (rc == 1) {
        gw_err("user '%s' exists already", u.name);
        return CLI_FAIL;
    }
    printf("user %s added (%s, doors %s)\n", u.name, u.admin ? "admin" : "user", u.doors);
    return CLI_OK;
}

static int print_user(void *arg, const struct user_rec *u)
{
    int64_t now = *(const int64_t *)arg, left = lockout_remaining_s(u, now);
    char state[96];
    if (!u->enabled)
        snprintf(state, sizeof state, "disabled");
    else if (left > 0)
        snprintf(state, sizeof state, "locked %llds", (long long)left);
    else if (u->failed > 0)
        snprintf(state, sizeof state, "ok (%d wrong PIN%s)", u->failed, u->failed == 1 ? "" : "s");
    else
        snprintf(state, sizeof state, "ok");
    printf("%-24s %-6s %-20s %s\n", u->name, u->admin ? "admin" : "user", state, u->doors);
    return 0;
}

static int cmd_list(struct cli_ctx *ctx)
{
    int64_t now = (int64_t)time(NULL);
    printf("%-24s %-6s %-20s %s\n", "NAME", "ROLE", "STATE", "DOORS");
    if (users_list(ctx->store, print_user, &now) != 0)
        return say_db_error(ctx, "cannot list users");
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Result of a users_* change on one user. */
static int changed(struct cli_ctx *ctx, int rc, const char *name, const char *done)
{
    if (rc < 0)
        return say_db_error(ctx, "cannot change the user");
    if (rc == 1)
        return no_such_user(name);
    printf("user %s %s\n", name, done);
    return CLI_OK;
}

int cli_user(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "", *name = argc >= 3 ? argv[2] : NULL;
    char hash[PIN_HASH_MAX], doors[USER_DOORS_MAX], err[256];
    int rc;

    if (strcmp(sub, "add") == 0)
        return cmd_add(ctx, argc, argv);
    if (strcmp(sub, "schedule") == 0 || strcmp(sub, "uses") == 0 || strcmp(sub, "guest") == 0 ||
        strcmp(sub, "show") == 0)
        return cli_schedule(ctx, argc, argv);
    if (strcmp(sub, "list") == 0 && argc == 2)
        return cmd_list(ctx);
    if (strcmp(sub, "doors") == 0 && argc == 4) {
        if (users_doors_canonical(ctx->conf, argv[3], doors, sizeof doors, err, sizeof err) != 0) {
            gw_err("%s", err);
            return CLI_USAGE;
        }
        rc = users_set_doors(ctx->store, name, doors);
        if (rc == 0)
            printf("user %s may open %s\n", name, doors);
        return rc == 0 ? CLI_OK : changed(ctx, rc, name, "");
    }
    if (name == NULL || argc != 3) {
        gw_err("usage:");
        cli_usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(sub, "del") == 0)
        return changed(ctx, users_delete(ctx->store, name), name, "deleted");
    if (strcmp(sub, "disable") == 0)
        return changed(ctx, users_set_enabled(ctx->store, name, 0), name, "disabled");
    if (strcmp(sub, "enable") == 0)
        return changed(ctx, users_set_enabled(ctx->store, name, 1), name, "enabled");
    if (strcmp(sub, "unlock") == 0)
        return changed(ctx, users_unlock(ctx->store, name), name, "unlocked");
    if (strcmp(sub, "set-pin") == 0) {
        rc = users_get(ctx->store, name, &(struct user_rec){0});
        if (rc < 0)
            return say_db_error(ctx, "cannot read users");
        if (rc == 0)
            return no_such_user(name);
        if (cli_new_pin_hash(ctx, name, 0, hash, sizeof hash) != 0)
            return CLI_FAIL;
        return changed(ctx, users_set_pin(ctx->store, name, hash), name, "has a new PIN");
    }
    gw_err("unknown user command '%s'", sub);
    cli_usage(stderr);
    return CLI_USAGE;
}
