/* main.c - latchkey-certs entry point: parses the command line and dispatches to a verb. */

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "verbs.h"
#include "diag.h"

static const struct {
    const char *name;
    int (*run)(const struct lk_cli *cli);
    lk_optmask allowed;
} verbs[] = {
    {"init", certs_verb_init, LK_OPT_NAME | LK_OPT_DAYS | LK_OPT_PASSFILE | LK_OPT_KEY_TYPE},
    {"issue", certs_verb_issue,
     LK_OPT_DNS | LK_OPT_IP | LK_OPT_DAYS | LK_OPT_PASSFILE | LK_OPT_UNTIL},
    {"guest", certs_verb_guest, LK_OPT_UNTIL | LK_OPT_PASSFILE},
    {"sign", certs_verb_sign, LK_OPT_OUT | LK_OPT_DNS | LK_OPT_IP | LK_OPT_DAYS | LK_OPT_PASSFILE},
    {"revoke", certs_verb_revoke, LK_OPT_REASON},
    {"crl", certs_verb_crl, LK_OPT_OUT | LK_OPT_DAYS | LK_OPT_PASSFILE | LK_OPT_VERBOSE},
    {"list", certs_verb_list, LK_OPT_JSON | LK_OPT_EXPIRING},
    {"show", certs_verb_show, LK_OPT_JSON},
    {"renew", certs_verb_renew, LK_OPT_NEW_KEY | LK_OPT_DAYS | LK_OPT_PASSFILE},
    {"export", certs_verb_export,
     LK_OPT_OUT | LK_OPT_PWFILE | LK_OPT_LEGACY | LK_OPT_MOBILECONFIG | LK_OPT_EMBED_PW},
    {"enroll", certs_verb_enroll,
     LK_OPT_LISTEN | LK_OPT_MINUTES | LK_OPT_SECONDS | LK_OPT_ATTEMPTS | LK_OPT_LEGACY |
         LK_OPT_PWFILE | LK_OPT_SERVER_NAME | LK_OPT_URL_BASE},
    {"scep", certs_verb_scep,
     LK_OPT_LISTEN | LK_OPT_SCEP_LISTEN | LK_OPT_MINUTES | LK_OPT_SECONDS | LK_OPT_ATTEMPTS |
         LK_OPT_SERVER_NAME | LK_OPT_URL_BASE | LK_OPT_SCEP_URL | LK_OPT_PASSFILE | LK_OPT_LEGACY},
    {"bundle", certs_verb_bundle,
     LK_OPT_OUT | LK_OPT_BROKER | LK_OPT_FORCE | LK_OPT_FORMAT | LK_OPT_PULSE_MS |
         LK_OPT_INTERVAL_MS | LK_OPT_WIFI_SSID | LK_OPT_WIFI_PASS_FILE},
    {"broker-config", certs_verb_broker_config,
     LK_OPT_OUT | LK_OPT_SITE | LK_OPT_LISTEN | LK_OPT_PORT | LK_OPT_SERVER_NAME | LK_OPT_CRL |
         LK_OPT_HOME_BRIDGE | LK_OPT_REMOTE | LK_OPT_IDENTITY | LK_OPT_RUN_AS_ROOT |
         LK_OPT_BRIDGE_USER | LK_OPT_PLUGIN | LK_OPT_INSTALL_DIR | LK_OPT_STATE_DIR},
    {"host-bundle", certs_verb_host_bundle,
     LK_OPT_OUT | LK_OPT_SITE | LK_OPT_SERVER_NAME | LK_OPT_REMOTE},
    {"cmdkey", certs_verb_cmdkey, LK_OPT_FORCE},
};

int main(int argc, char **argv)
{
    struct lk_cli cli;
    size_t i;

    if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        printf("latchkey-certs %s\n", LATCHKEY_VERSION);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (lk_cli_parse(argc, argv, &cli) != 0)
        return 2;
    if (cli.npos > 0 && strcmp(cli.pos[0], "help") == 0)
        return lk_cli_help(cli.npos > 1 ? cli.pos[1] : NULL) == 0 ? 0 : 2;
    if (cli.help)
        return lk_cli_help(cli.npos > 0 ? cli.pos[0] : NULL) == 0 ? 0 : 2;
    if (cli.npos == 0) {
        lk_err("no verb given; usage: %s", lk_cli_usage(NULL));
        return 2;
    }
    for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(cli.pos[0], verbs[i].name) == 0) {
            if (lk_cli_check_allowed(&cli, verbs[i].allowed, verbs[i].name) != 0)
                return 2;
            int rc = verbs[i].run(&cli) == 0 ? 0 : 1;
            /* A lost stdout would lose a generated export password: report it. */
            if (fflush(stdout) != 0) {
                lk_err("cannot write to standard output");
                rc = 1;
            }
            return rc;
        }
    }
    lk_err("unknown verb '%s' (see 'latchkey-certs --help')", cli.pos[0]);
    return 2;
}
