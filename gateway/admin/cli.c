/* cli.c - dispatch of the administration commands, and init-secrets (pepper file and
 * database creation). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "pepper.h"
#include "site_tz.h"

static const char cli_usage_text[] =
    "       latchkey-gateway -c FILE init-secrets   create the PIN pepper file and the database\n"
    "       latchkey-gateway -c FILE user add NAME [--doors a,b] [--admin]"
    "   (PIN on stdin or asked)\n"
    "       latchkey-gateway -c FILE user del|set-pin|disable|enable|unlock NAME\n"
    "       latchkey-gateway -c FILE user doors NAME a,b\n"
    "       latchkey-gateway -c FILE user list\n"
    "       latchkey-gateway -c FILE user show NAME\n"
    "       latchkey-gateway -c FILE user schedule NAME DOOR [--from DATE|none] [--until "
    "DATE|none]\n"
    "                        [--windows 'mon-fri 08:00-18:00, ...'|always] [--uses N|unlimited]\n"
    "       latchkey-gateway -c FILE user schedule NAME DOOR --clear\n"
    "       latchkey-gateway -c FILE user uses NAME DOOR N|unlimited\n"
    "       latchkey-gateway -c FILE user guest NAME --doors a,b --until DATE [--from DATE]\n"
    "                        [--windows TEXT] [--uses N]   (PIN on stdin or asked)\n"
    "       latchkey-gateway -c FILE audit [--since 2026-11-01|1h] [--user NAME] [--json]\n"
    "       latchkey-gateway -c FILE backup DIR     config, keys, pepper, database into DIR\n"
    "       latchkey-gateway -c FILE restore DIR    put a backup back where it was\n";

int cli_usage(FILE *out)
{
    return fputs(cli_usage_text, out) == EOF ? -1 : 0;
}

static int init_secrets(const struct conf *c)
{
    char err[512];
    struct pepper p;
    struct store *s;
    int rc = pepper_create(c->store.pepper_file, err, sizeof err);

    if (rc < 0) {
        gw_err("%s", err);
        return CLI_FAIL;
    }
    if (pepper_load(c->store.pepper_file, &p, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_FAIL;
    }
    pepper_clear(&p);
    printf("%s: %s\n", c->store.pepper_file,
           rc == 0 ? "pepper created (keep it secret and backed up with the database)"
                   : "pepper exists, left as it is");
    s = store_open(c->store.database, c->store.busy_timeout_ms, err, sizeof err);
    if (s == NULL) {
        gw_err("%s", err);
        return CLI_FAIL;
    }
    printf("%s: database ready (schema %d)\n", c->store.database, store_schema_version(s));
    store_close(s);
    return CLI_OK;
}

int cli_run(const char *config, int argc, char **argv)
{
    static struct conf conf;
    struct cli_ctx ctx;
    char err[512];
    int rc;

    if (argc < 1)
        return CLI_USAGE;
    if (strcmp(argv[0], "restore") == 0)
        return cli_backup(NULL, argc, argv); /* before the config: it may be in the backup */
    if (strcmp(argv[0], "init-secrets") != 0 && strcmp(argv[0], "user") != 0 &&
        strcmp(argv[0], "audit") != 0 && strcmp(argv[0], "backup") != 0) {
        gw_err("unknown command '%s'", argv[0]);
        cli_usage(stderr);
        return CLI_USAGE;
    }
    if (conf_load(config, &conf, err, sizeof err) != 0) {
        gw_err("%s", err);
        return CLI_USAGE;
    }
    /* Schedules and the times shown are in the site's zone: set before any thread. */
    if (site_tz_apply(conf.server.timezone) != 0) {
        gw_err("%s: timezone %s cannot be used", config, conf.server.timezone);
        return CLI_USAGE;
    }
    if (strcmp(argv[0], "backup") == 0)
        return cli_backup(&conf, argc, argv);
    if (strcmp(argv[0], "init-secrets") == 0) {
        if (argc != 1) {
            gw_err("init-secrets takes no arguments");
            return CLI_USAGE;
        }
        return init_secrets(&conf);
    }
    ctx.conf = &conf;
    ctx.store = store_open(conf.store.database, conf.store.busy_timeout_ms, err, sizeof err);
    if (ctx.store == NULL) {
        gw_err("%s", err);
        return CLI_FAIL;
    }
    rc = strcmp(argv[0], "user") == 0 ? cli_user(&ctx, argc, argv) : cli_audit(&ctx, argc, argv);
    store_close(ctx.store);
    return rc;
}
