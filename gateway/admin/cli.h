/* cli.h - the administration commands of latchkey-gateway:
 *   latchkey-gateway -c CONF init-secrets
 *   latchkey-gateway -c CONF user add|del|list|set-pin|doors|disable|enable|unlock ...
 *   latchkey-gateway -c CONF user schedule|uses|guest|show ...
 *   latchkey-gateway -c CONF audit [--since DATE|AGE] [--user U] [--json]
 *   latchkey-gateway -c CONF backup DIR | restore DIR
 * They work on the database and pepper named in [store], next to a running gateway. */
#ifndef GW_CLI_H
#define GW_CLI_H

#include <stdio.h>

#include "conf.h"
#include "store.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

struct cli_ctx {
    const struct conf *conf;
    struct store *store;
};

/* argv[0] is the command name. Returns the process exit code. */
int cli_run(const char *config, int argc, char **argv);

/* cli_user.c, cli_audit.c: argv[0] is "user" / "audit". */
int cli_user(struct cli_ctx *ctx, int argc, char **argv);
int cli_audit(struct cli_ctx *ctx, int argc, char **argv);

/* cli_schedule.c: argv[0] is "user", argv[1] "schedule", "uses", "guest" or "show". */
int cli_schedule(struct cli_ctx *ctx, int argc, char **argv);

/* Asks for name's PIN (stdin or the terminal) and hashes it with the pepper (created
 * first when create_pepper and missing). 0 or -1 (said on stderr). */
int cli_new_pin_hash(struct cli_ctx *ctx, const char *name, int create_pepper, char *hash,
                     size_t cap);
/* cli_backup.c: argv[0] is "backup" (c: the loaded config) or "restore" (c NULL: the
 * config may not exist yet). */
int cli_backup(const struct conf *c, int argc, char **argv);

/* Writes the usage lines of all commands: 0, or -1 if they could not be written. */
int cli_usage(FILE *out);

#endif
