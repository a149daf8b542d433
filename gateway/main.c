/* main.c - latchkey-gateway command line: run the gateway (-c FILE), check a config
 * (--check-config), hash a PIN for the config (--hash-pin), --help, --version. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "cmd_sign.h"
#include "conf.h"
#include "gw_log.h"
#include "mqtt_link.h"
#include "pin_hash.h"
#include "server.h"

#ifndef LATCHKEY_VERSION
#define LATCHKEY_VERSION "0"
#endif

#define EXIT_USAGE 2

static volatile sig_atomic_t stop_flag;
static struct gw_app *signal_app;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
    if (signal_app != NULL)
        server_wake(signal_app);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: latchkey-gateway -c FILE      run the gateway\n"
            "       latchkey-gateway -c FILE --check-config\n"
            "       latchkey-gateway --hash-pin   read a PIN (4-12 digits) on stdin, print its pin_hash\n"
            "       latchkey-gateway --help | --version\n");
}

static int hash_pin(void)
{
    char line[64], out[PIN_HASH_MAX];
    size_t n;
    if (fgets(line, sizeof line, stdin) == NULL) {
        fprintf(stderr, "latchkey-gateway: no PIN on stdin\n");
        return EXIT_USAGE;
    }
    n = strcspn(line, "\r\n");
    if (line[n] == '\0' && n == sizeof line - 1) {
        fprintf(stderr, "latchkey-gateway: PIN must be 4 to 12 digits\n");
        return EXIT_USAGE;
    }
    line[n] = '\0';
    if (!pin_valid(line)) {
        OPENSSL_cleanse(line, sizeof line);
        fprintf(stderr, "latchkey-gateway: PIN must be 4 to 12 digits\n");
        return EXIT_USAGE;
    }
    if (pin_hash_create(line, out, sizeof out) != 0) {
        OPENSSL_cleanse(line, sizeof line);
        fprintf(stderr, "latchkey-gateway: hashing failed\n");
        return EXIT_FAILURE;
    }
    OPENSSL_cleanse(line, sizeof line);
    printf("%s\n", out);
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int run(const char *config, int check_only)
{
    static struct conf conf;
    static struct gw_app app;
    char err[512];
    struct sigaction sa;

    if (conf_load(config, &conf, err, sizeof err) != 0) {
        fprintf(stderr, "latchkey-gateway: %s\n", err);
        return EXIT_USAGE;
    }
    app.conf = &conf;
    app.cmd_key = cmd_key_load(conf.command.key, err, sizeof err);
    if (app.cmd_key == NULL) {
        fprintf(stderr, "latchkey-gateway: %s\n", err);
        return EXIT_USAGE;
    }
    if (check_only) {
        printf("%s: OK (%d doors, %d users)\n", config, conf.n_doors, conf.n_users);
        EVP_PKEY_free(app.cmd_key);
        return EXIT_SUCCESS;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (pending_init(&app.pending, server_wake, &app) != 0) {
        fprintf(stderr, "latchkey-gateway: cannot create the pending table\n");
        return EXIT_FAILURE;
    }
    if (server_start(&app, err, sizeof err) != 0) {
        fprintf(stderr, "latchkey-gateway: %s\n", err);
        return EXIT_USAGE;
    }
    signal_app = &app;
    app.mqtt = mqtt_link_start(&conf, &app.pending, err, sizeof err);
    if (app.mqtt == NULL) {
        fprintf(stderr, "latchkey-gateway: %s\n", err);
        server_stop(&app);
        return EXIT_FAILURE;
    }
    gw_log("started (version %s, site %s, %d doors, %d users)", LATCHKEY_VERSION,
           conf.command.site, conf.n_doors, conf.n_users);

    server_run(&app, &stop_flag);

    gw_log("shutting down");
    mqtt_link_stop(app.mqtt); /* first: no Paho callback may wake a destroyed context */
    app.mqtt = NULL;
    signal_app = NULL;
    server_stop(&app);
    pending_destroy(&app.pending);
    EVP_PKEY_free(app.cmd_key);
    gw_log("stopped");
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'k'},
        {"hash-pin", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    int check = 0, hash = 0, opt;

    while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 'k': check = 1; break;
        case 'p': hash = 1; break;
        case 'h': usage(stdout); return EXIT_SUCCESS;
        case 'V': printf("latchkey-gateway %s\n", LATCHKEY_VERSION); return EXIT_SUCCESS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "latchkey-gateway: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (hash) {
        if (config != NULL || check) {
            usage(stderr);
            return EXIT_USAGE;
        }
        return hash_pin();
    }
    if (config == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return run(config, check);
}
