/* main.c - latchkey-gateway command line: run the gateway (-c FILE), check a config
 * (--check-config), the administration commands of cli.h (-c FILE user|audit|init-secrets
 * ...), --help, --version. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "app.h"
#include "audit.h"
#include "audit_journal.h"
#include "cli.h"
#include "cmd_sign.h"
#include "conf.h"
#include "config_check.h"
#include "gw_log.h"
#include "mqtt_link.h"
#include "pepper.h"
#include "site_tz.h"
#include "reload.h"
#include "server.h"
#include "store.h"
#include "store_flush.h"
#include "webhook.h"
#include "wiring.h"

#ifndef LATCHKEY_VERSION
#define LATCHKEY_VERSION "0"
#endif

#define EXIT_USAGE 2

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag; /* SIGHUP: re-read the config */
static struct web web;               /* the HTTPS side: its context user pointer */
static struct web *signal_web;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_flag = 1;
    else
        stop_flag = 1;
    server_wake(signal_web);
}

static const char usage_text[] =
    "usage: latchkey-gateway -c FILE      run the gateway\n"
    "       latchkey-gateway -c FILE --check-config\n"
    "       latchkey-gateway --help | --version\n";

/* 0, or -1 if the text could not be written. */
static int usage(FILE *out)
{
    if (fputs(usage_text, out) == EOF)
        return -1;
    return cli_usage(out);
}

/* Fail closed for doors without an ack key (docs/protocol.md "The signed ack"): said at
 * --check-config and at start, once per door. */
static void warn_unkeyed_doors(const struct conf *c, int to_stderr)
{
    int i;
    for (i = 0; i < c->n_doors; i++) {
        if (c->doors[i].has_ack_key)
            continue;
        if (to_stderr)
            (void)fprintf(stderr,
                          "latchkey-gateway: warning: %s:%d: [door %s] has no ack_pubkey: no ack "
                          "of it can be verified, so every open is answered 'unconfirmed'\n",
                          c->path, c->doors[i].line, c->doors[i].name);
        else
            gw_log(
                "warning: [door %s] has no ack_pubkey: every open of it is answered "
                "unconfirmed",
                c->doors[i].name);
    }
}

static int run(const char *config, int check_only)
{
    static struct conf conf;
    static struct gw_app app;
    static struct wiring wiring = {NULL, &web, NULL, NULL};
    char err[512];
    struct sigaction sa;

    if (conf_load(config, &conf, err, sizeof err) != 0) {
        gw_err("%s", err);
        return EXIT_USAGE;
    }
    /* Schedules and the times shown are in the site's zone: set before any thread. */
    if (site_tz_apply(conf.server.timezone) != 0) {
        gw_err("%s: timezone %s cannot be used", config, conf.server.timezone);
        return EXIT_USAGE;
    }
    app.conf = &conf;
    wiring.site = conf.command.site; /* a reload may not change the site (reload.c) */
    wiring_connect(&app, &wiring);
    app.cmd_key = cmd_key_load(conf.command.key, err, sizeof err);
    if (app.cmd_key == NULL) {
        gw_err("%s", err);
        return EXIT_USAGE;
    }
    /* Users, lockouts and the audit live in the database; PINs need the pepper. */
    if (pepper_load(conf.store.pepper_file, &app.pepper, err, sizeof err) != 0 ||
        (app.store = store_open(conf.store.database, conf.store.busy_timeout_ms, err,
                                sizeof err)) == NULL) {
        gw_err("%s", err);
        pepper_clear(&app.pepper);
        EVP_PKEY_free(app.cmd_key);
        return EXIT_USAGE;
    }
    warn_unkeyed_doors(&conf, check_only);
    if (check_only) {
        struct check_report rep = {config, 0, 0};
        /* Beyond "every file loads": as the service will meet them (config_check.h). */
        config_check_pki(&conf, time(NULL), &rep);
        config_check_bind(&conf, &rep);
        config_check_access(&conf, &rep);
        if (rep.errors == 0)
            printf("%s: OK (%d doors, database %s schema %d)%s\n", config, conf.n_doors,
                   conf.store.database, store_schema_version(app.store),
                   rep.warnings != 0 ? ", with the warnings above" : "");
        else
            gw_err("%s: %d error%s: the gateway would not work as configured", config, rep.errors,
                   rep.errors == 1 ? "" : "s");
        store_close(app.store);
        pepper_clear(&app.pepper);
        EVP_PKEY_free(app.cmd_key);
        return rep.errors == 0 ? EXIT_SUCCESS : EXIT_USAGE;
    }

    /* No attempt is under way yet: rows the journal holds and the database lacks are
     * restored, and a pending row is from a gateway that stopped (audit_journal.h). */
    err[0] = '\0';
    if (audit_journal_start(app.store, err, sizeof err) >= 0)
        store_flusher_start(app.store, STORE_FLUSH_DELAY_MS, err, sizeof err);
    if (err[0] != '\0') {
        gw_err("%s", err);
        store_close(app.store);
        pepper_clear(&app.pepper);
        EVP_PKEY_free(app.cmd_key);
        return EXIT_FAILURE;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    if (attempts_init(&app.attempts, server_wake, &web) != 0) {
        gw_err("cannot create the attempts table");
        return EXIT_FAILURE;
    }
    if (pin_cache_init(&app.pin_cache, conf.server.pin_cache_seconds) != 0)
        gw_log("pin cache: no random key (RNG failure): every PIN check runs scrypt");
    if (pin_worker_start(&app.pins, &app.pepper, server_wake, &web) != 0) {
        gw_err("cannot start the PIN check thread");
        attempts_destroy(&app.attempts);
        return EXIT_FAILURE;
    }
    if (server_start(&web, &app, err, sizeof err) != 0) {
        gw_err("%s", err);
        pin_worker_stop(&app.pins);
        return EXIT_USAGE;
    }
    signal_web = &web;
    if (conf.notify.webhook[0] != '\0' &&
        (wiring.hook = webhook_start(conf.notify.webhook, err, sizeof err)) == NULL) {
        gw_err("%s", err);
        pin_worker_stop(&app.pins);
        server_stop(&web);
        return EXIT_FAILURE;
    }
    wiring.mqtt = mqtt_link_start(&conf, &app.attempts, err, sizeof err);
    if (wiring.mqtt == NULL) {
        gw_err("%s", err);
        webhook_stop(wiring.hook);
        pin_worker_stop(&app.pins);
        server_stop(&web);
        return EXIT_FAILURE;
    }
    gw_log("started (version %s, site %s, %d doors, database %s)", LATCHKEY_VERSION,
           conf.command.site, conf.n_doors, conf.store.database);

    server_run(&web, &stop_flag, &reload_flag, gw_reload);

    gw_log("shutting down");
    mqtt_link_stop(wiring.mqtt); /* first: no Paho callback may wake a destroyed context */
    wiring.mqtt = NULL;
    webhook_stop(wiring.hook);
    wiring.hook = NULL;
    pin_worker_stop(&app.pins); /* nor the PIN thread */
    pin_cache_clear(&app.pin_cache);
    signal_web = NULL;
    server_stop(&web);
    attempts_destroy(&app.attempts);
    EVP_PKEY_free(app.cmd_key);
    store_close(app.store);
    app.store = NULL;
    pepper_clear(&app.pepper);
    gw_log("stopped");
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    int check = 0, opt;

    /* "+": options end at the first command word (user add NAME --doors ... keeps its own). */
    while ((opt = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 'k': check = 1; break;
        case 'h': return usage(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        case 'V': printf("latchkey-gateway %s\n", LATCHKEY_VERSION); return EXIT_SUCCESS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        if (config == NULL || check) {
            gw_err("'%s' needs -c FILE (and no --check-config)", argv[optind]);
            usage(stderr);
            return EXIT_USAGE;
        }
        return cli_run(config, argc - optind, argv + optind);
    }
    if (config == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return run(config, check);
}
