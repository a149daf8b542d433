/* main.c - latchkey-device, the Linux / Raspberry Pi firmware: loads the config, wires the
 * portable core to this port (clocks, RNG, Ed25519, relay with its watchdog, TLS
 * transport) and runs the event loop until SIGINT/SIGTERM, then shuts down cleanly
 * (relay off, availability "offline", DISCONNECT), logging one line per event on stderr.
 * The relay is also forced off on fatal signals and on any exit() path. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lk/device.h>

#include "accept_state.h"
#include "ack_signer.h"
#include "config.h"
#include "door_input.h"
#include "log.h"
#include "platform_posix.h"
#include "relay_output.h"
#include "tls_transport.h"

#ifndef LATCHKEY_VERSION
#define LATCHKEY_VERSION "0.0.0"
#endif

#define LOOP_WAIT_MS 20

#define EXIT_CONFIG 2
/* Hard bound of the clean shutdown on top of the core's LK_DEVICE_SHUTDOWN_MS. */
#define SHUTDOWN_BOUND_MS (LK_DEVICE_SHUTDOWN_MS + 1000u)

/* With TLS 1.3 the broker checks the device certificate after the client has finished
 * the handshake, so a refused certificate shows up as a dropped link right after it. */
#define REFUSED_HINT " (did the broker refuse the device certificate or client id? see its log)"

static volatile sig_atomic_t stop_signal;
/* The open relay, for the fatal-signal handler and atexit (set once, before signals). */
static struct lkp_relay_output *volatile relay_for_exit;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* SIGSEGV, SIGABRT, ...: relay off, then die of the same signal (core dump as usual). */
static void on_fatal(int sig)
{
    struct lkp_relay_output *r = relay_for_exit;

    if (r != NULL)
        lkp_relay_output_emergency_off(r);
    if (signal(sig, SIG_DFL) == SIG_ERR || raise(sig) != 0)
        _exit(128 + sig); /* die all the same */
}

static void relay_off_at_exit(void)
{
    struct lkp_relay_output *r = relay_for_exit;

    if (r != NULL)
        lkp_relay_output_emergency_off(r);
}

static int install_signals(void)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
        sigaction(SIGHUP, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = on_fatal;
    sa.sa_flags = (int)SA_RESETHAND; /* 0x80000000u in glibc: the int flag's top bit */
    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        if (sigaction(fatal[i], &sa, NULL) != 0)
            return -1;
    sa.sa_flags = 0;
    sa.sa_handler = SIG_IGN; /* a dropped broker link is an error return, not a signal */
    return sigaction(SIGPIPE, &sa, NULL);
}

static const char usage_text[] =
    "usage: latchkey-device -c FILE\n"
    "Latchkey door device: connects to the broker over mutual TLS, verifies signed\n"
    "door commands and pulses the relay.\n"
    "  -c, --config FILE  device config (INI, keys below)\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n"
    "Config keys (relative paths are relative to the config file's directory):\n"
    "  [broker]  host = NAME|IP        broker, verified against its certificate\n"
    "            port = 8883           keepalive = 30 (seconds, 5..600)\n"
    "            ca = FILE  cert = FILE  key = FILE   (PEM: CA, device cert, its key)\n"
    "  [device]  site = NAME  door = NAME   ([a-z0-9_-]{1,32}; cert CN is site/door)\n"
    "            command_pubkey = HEX  (64 hex chars: the gateway's Ed25519 key)\n"
    "            ack_key = FILE        (this device's Ed25519 key, PEM: signs acks)\n"
    "            state_file = FILE     (accepted commands' ids, kept across restarts)\n"
    "            time_beacon = false   (true: the clock from the gateway's signed time beacon)\n"
    "  [relay]   backend = sim|gpio    pulse_ms = 500 (50..10000)\n"
    "            min_interval_ms = 2000 (pause after a pulse, 0..600000)\n"
    "            sim_log = FILE        (sim: \"<unix_ms> on|off\" per transition)\n"
    "            gpio_chip = gpiochip0  gpio_line = N  active_low = false\n"
    "                                  (gpio: libgpiod line driving the relay module)\n"
    "  [homeassistant] discovery = false   prefix = homeassistant\n"
    "            local_command = false (true: obey \"open\" on latchkey/SITE/DOOR/local\n"
    "             WITHOUT signature or PIN - anyone allowed to publish there opens\n"
    "             the door; see docs/firmware.md)\n"
    "  [door_sensor] backend = gpio|file  (optional: the door contact)\n"
    "            gpio_chip = gpiochip0  gpio_line = N  bias = pull-up|pull-down|disable|as-is\n"
    "            active_low = false    file = FILE (file: \"open\"/\"1\" or \"closed\"/\"0\")\n"
    "            debounce_ms = 50 (1..2000)  window_ms = 10000 (1000..120000: how long\n"
    "             an \"open\" may take to open the door before it is \"not-opened\")\n"
    "Exit status: 0 after SIGINT/SIGTERM/SIGHUP, 2 for a config problem, 1 otherwise.\n";

/* 0, or -1 if the text could not be written. */
static int usage(FILE *out)
{
    return fputs(usage_text, out) == EOF ? -1 : 0;
}

/* What the event log needs of the loop: whether a transport is open (so a link loss is
 * news, not a failed connect that was logged already) and whether the clean stop began. */
struct loop_state {
    int link_open;
    int stopping;
};

/* The core's event callback (lk/device_event.h): one log line per event worth a line. */
static void log_event(void *user, const struct lk_device_event *ev)
{
    const struct loop_state *ls = user;

    switch (ev->type) {
    case LK_EVENT_CONNECTED:
        lkp_log_info("MQTT connected as %s; subscribing to %s, availability online",
                     ev->u.connected.client_id, ev->u.connected.topic_cmd);
        break;
    case LK_EVENT_SUBSCRIBED:
        lkp_log_info("subscribed to %s (QoS %u)", ev->u.subscribed.topic,
                     (unsigned)ev->u.subscribed.qos);
        break;
    case LK_EVENT_LINK_LOST:
        if (ls->stopping) {
            if (ev->u.link_lost.was_online)
                lkp_log_error("MQTT link lost during the clean stop (the broker publishes the will)");
        } else if (ls->link_open)
            lkp_log_error("MQTT link lost%s; reconnecting after back-off",
                          ev->u.link_lost.was_online ? "" : " before CONNACK" REFUSED_HINT);
        else if (ev->u.link_lost.was_online)
            lkp_log_info("MQTT session ended");
        break;
    case LK_EVENT_DISCONNECTED:
        if (ev->u.disconnected.clean)
            lkp_log_info("availability offline published, MQTT DISCONNECT sent");
        else
            lkp_log_error("MQTT DISCONNECT could not be sent (the broker publishes the will)");
        break;
    case LK_EVENT_CMD_ACCEPTED:
        lkp_log_info("command accepted: relay pulse (id %s, by %s)", ev->u.cmd.id, ev->u.cmd.by);
        break;
    case LK_EVENT_CMD_REJECTED:
        lkp_log_info("command rejected: %s (id %s)", ev->u.cmd.reason,
                     ev->u.cmd.id[0] != '\0' ? ev->u.cmd.id : "unreadable");
        break;
    case LK_EVENT_ACK_DROPPED:
        lkp_log_error("an ack could not be queued (broker not acknowledging; id %s)",
                      ev->u.ack.id[0] != '\0' ? ev->u.ack.id : "unreadable");
        break;
    case LK_EVENT_LOCAL_ACCEPTED:
        lkp_log_info("LOCAL (unsigned) command accepted: relay pulse");
        break;
    case LK_EVENT_LOCAL_IGNORED:
        lkp_log_info("local command ignored (%s)", ev->u.local.reason);
        break;
    case LK_EVENT_DOOR:
        if (ev->u.door.entry[0] != '\0')
            lkp_log_info("door %s after the command %s: %s", ev->u.door.door,
                         ev->u.door.id[0] != '\0' ? ev->u.door.id : "(local)",
                         strcmp(ev->u.door.entry, "opened") == 0 ? "opened"
                                                                 : "unlocked, NOT opened");
        else
            lkp_log_info("door %s", ev->u.door.door);
        break;
    case LK_EVENT_TIME_REQUESTED: lkp_log_info("time beacon requested"); break;
    case LK_EVENT_TIME:
        if (strcmp(ev->u.time.result, "accepted") == 0)
            lkp_log_info("time beacon accepted: %lld%s", (long long)ev->u.time.time,
                         ev->u.time.first ? " (commands may act from now on)" : "");
        else
            lkp_log_error("time beacon refused: %s", ev->u.time.result);
        break;
    case LK_EVENT_DISCOVERY_ERROR:
        lkp_log_error("a Home Assistant discovery message could not be sent (entity %u)",
                      ev->u.discovery.entity);
        break;
    case LK_EVENT_ACK_PUBLISHED:   /* the normal path of every command: logged above */
        if (!ev->u.ack.is_signed)
            lkp_log_error(
                "the ack of id %s went out UNSIGNED (no usable [device] ack_key): the "
                "gateway will not confirm it",
                ev->u.ack.id[0] != '\0' ? ev->u.ack.id : "unreadable");
        break;
    case LK_EVENT_RELAY: /* relay_output.c and the sim log record transitions */
    case LK_EVENT_STATE_PUBLISHED:
        break;
    }
}

/* Waits up to LOOP_WAIT_MS for the broker socket (or just sleeps when there is none). */
static void wait_io(struct lkp_tls *tls)
{
    struct pollfd p = { .fd = lkp_tls_fd(tls), .events = POLLIN, .revents = 0 };
    int timeout = lkp_tls_has_pending(tls) ? 0 : LOOP_WAIT_MS;

    if (lkp_tls_wants_write(tls))
        p.events |= POLLOUT;
    if (poll(&p, p.fd >= 0 ? 1 : 0, timeout) < 0 && errno != EINTR)
        lkp_log_error("poll: %s", strerror(errno));
}

/* Relay off, "offline" retained, DISCONNECT: bounded by the core (LK_DEVICE_SHUTDOWN_MS)
 * and once more here. */
static void shutdown_device(struct lk_device *dev, struct lkp_tls *tls, struct loop_state *ls)
{
    uint32_t start = lkp_millis(NULL);

    ls->stopping = 1;
    lk_device_shutdown(dev);
    while (ls->link_open && lk_device_poll(dev) != LK_DEV_STOPPED) {
        if ((uint32_t)(lkp_millis(NULL) - start) > SHUTDOWN_BOUND_MS) {
            lkp_log_error("clean shutdown took too long; closing the link (the broker "
                          "publishes the will)");
            break;
        }
        wait_io(tls);
    }
    if (ls->link_open)
        lkp_tls_close(tls);
    ls->link_open = 0;
}

/* The event loop of lk/device.h until a stop signal, then the clean shutdown. The core
 * logs through log_event, which reads ls. */
static int run(struct lk_device *dev, struct lkp_tls *tls, struct loop_state *ls)
{
    while (!stop_signal) {
        enum lk_dev_status st = lk_device_poll(dev);

        if (st == LK_DEV_NEED_CONNECT) {
            if (ls->link_open) {
                lkp_tls_close(tls);
                ls->link_open = 0;
            }
            /* Connecting blocks for up to a few seconds: never while a pulse runs, so
             * the relay always switches off on time. */
            if (!lk_device_relay_active(dev)) {
                if (lkp_tls_open(tls) != 0) {
                    lk_device_on_transport_lost(dev);
                    lkp_log_info("retrying after back-off");
                } else if (lk_device_on_connected(dev) != 0) {
                    lkp_log_error("could not send MQTT CONNECT" REFUSED_HINT "; retrying after back-off");
                    lkp_tls_close(tls);
                } else {
                    ls->link_open = 1;
                }
                continue;
            }
        } else if (ls->link_open && !lk_device_link_in_use(dev)) {
            lkp_tls_close(tls); /* the core gave the link up: release the socket now */
            ls->link_open = 0;
        }
        wait_io(tls);
    }
    lkp_log_info("stopping on signal %d", (int)stop_signal);
    shutdown_device(dev, tls, ls);
    return 0;
}

/* The ack key and the start rule of docs/protocol.md ("The signed ack", "After a
 * restart"): loads what the config names and sets *not_before. 0, or -1 (logged). */
static int load_ack_material(const struct lkp_config *cfg, const char *config_path,
                             struct lkp_ack_signer *signer, struct lkp_accept_state *state,
                             int *have_signer, int *have_state, int64_t *not_before)
{
    char err[768];
    *have_signer = *have_state = 0;
    if (cfg->ack_key[0] != '\0') {
        if (lkp_ack_signer_load(signer, cfg->ack_key, err, sizeof err) != 0) {
            lkp_log_error("%s: [device] %s", config_path, err);
            return -1;
        }
        *have_signer = 1;
    }
    if (cfg->state_file[0] != '\0') {
        if (lkp_accept_state_open(state, cfg->state_file, lkp_unix_time(NULL), err, sizeof err) !=
            0) {
            lkp_log_error("%s: [device] %s", config_path, err);
            if (*have_signer)
                lkp_ack_signer_free(signer);
            return -1;
        }
        *have_state = 1;
        *not_before = 0; /* the still-valid ids go back into the cache (lk_device_remember) */
    } else {
        *not_before = lkp_unix_time(NULL);
    }
    return 0;
}

static void log_start_rule(const char *config_path, int have_signer, int have_state,
                           int64_t not_before)
{
    if (!have_signer)
        lkp_log_error(
            "%s: no [device] ack_key: acks go out unsigned and the gateway never "
            "confirms an open (latchkey-certs bundle makes the key)",
            config_path);
    if (have_state)
        lkp_log_info(
            "start rule: the ids of still-valid commands accepted before this start are "
            "replays (state_file)");
    else
        lkp_log_info(
            "start rule: no [device] state_file, so commands whose window began before "
            "this start (%lld) are refused: for up to %d s nothing opens",
            (long long)not_before, LK_CMD_CLOCK_SKEW);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    static struct lkp_config cfg;
    static struct lk_device dev;
    static struct lkp_relay_output relay;
    static struct lkp_door_input door;
    static struct loop_state loop;
    static struct lkp_ack_signer signer;
    static struct lkp_accept_state state;
    int have_signer, have_state;
    int64_t not_before;
    struct lkp_platform pctx;
    struct lk_platform plat;
    struct lk_transport tr;
    struct lk_device_config dcfg;
    struct lkp_tls_config tcfg;
    struct lkp_tls *tls;
    const char *config_path = NULL;
    char err[768], relay_desc[160];
    int c;

    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config_path = optarg;
            break;
        case 'h': return usage(stdout) == 0 ? 0 : 1;
        case 'V':
            printf("latchkey-device %s\n", LATCHKEY_VERSION);
            return 0;
        default:
            usage(stderr);
            return EXIT_CONFIG;
        }
    }
    if (config_path == NULL || optind != argc) {
        usage(stderr);
        return EXIT_CONFIG;
    }

    if (lkp_config_load(config_path, &cfg, err, sizeof err) != 0) {
        lkp_log_error("%s", err);
        return EXIT_CONFIG;
    }
    memset(&dcfg, 0, sizeof dcfg);
    memcpy(dcfg.site, cfg.site, sizeof dcfg.site);
    memcpy(dcfg.door, cfg.door, sizeof dcfg.door);
    memcpy(dcfg.pubkey, cfg.pubkey, sizeof dcfg.pubkey);
    dcfg.pulse_ms = cfg.pulse_ms;
    dcfg.min_interval_ms = cfg.min_interval_ms;
    dcfg.keepalive_s = cfg.keepalive_s;
    dcfg.fw_version = LATCHKEY_VERSION;
    dcfg.ha_prefix = cfg.ha_discovery ? cfg.ha_prefix : NULL;
    dcfg.local_command = (uint8_t)(cfg.local_command != 0);
    /* time_beacon: like the bare-metal device, no command acts before the first signed
     * time beacon, which then trusts the clock with this start's not-before. */
    dcfg.time_beacon = (uint8_t)(cfg.time_beacon != 0);
    dcfg.door_debounce_ms = cfg.door_debounce_ms;
    dcfg.door_window_ms = cfg.door_window_ms;
    dcfg.on_event = log_event;
    dcfg.event_user = &loop;
    if (!lk_device_config_valid(&dcfg)) {
        lkp_log_error("%s: the device settings are not usable by the firmware core", config_path);
        return EXIT_CONFIG;
    }
    if (load_ack_material(&cfg, config_path, &signer, &state, &have_signer, &have_state,
                          &not_before) != 0)
        return EXIT_CONFIG;
    dcfg.time_not_before = not_before;
    if (lkp_door_input_open(&door, &cfg, err, sizeof err) != 0) {
        lkp_log_error("%s: %s", config_path, err);
        return EXIT_CONFIG;
    }
    if (lkp_relay_output_open(&relay, &cfg, NULL, err, sizeof err) != 0) {
        lkp_log_error("%s: relay: %s", config_path, err);
        lkp_door_input_close(&door);
        return EXIT_CONFIG;
    }
    relay_for_exit = &relay;
    if (atexit(relay_off_at_exit) != 0) {
        lkp_log_error("cannot register the exit handler");
        lkp_relay_output_close(&relay);
        return 1;
    }
    tcfg.host = cfg.host;
    tcfg.port = cfg.port;
    tcfg.ca = cfg.ca;
    tcfg.cert = cfg.cert;
    tcfg.key = cfg.key;
    tls = lkp_tls_create(&tcfg, err, sizeof err);
    if (tls == NULL) {
        lkp_log_error("%s: %s", config_path, err);
        lkp_relay_output_close(&relay);
        return EXIT_CONFIG;
    }
    if (install_signals() != 0) {
        lkp_log_error("cannot install signal handlers: %s", strerror(errno));
        lkp_tls_destroy(tls);
        lkp_relay_output_close(&relay);
        return 1;
    }

    lkp_platform_init(&pctx, &relay, &plat);
    lkp_tls_transport(tls, &tr);
    lkp_tls_set_abort_flag(tls, &stop_signal);
    lkp_platform_attach(&plat, have_signer ? &signer : NULL, have_state ? &state : NULL);
    lkp_platform_attach_door(&plat, door.backend != LKP_DOOR_NONE ? &door : NULL);
    lk_device_init(&dev, &dcfg, &plat, &tr);
    if (!dcfg.time_beacon)
        lk_device_trust_time(&dev, not_before); /* a Linux clock: trusted from the start */
    else
        lkp_log_info(
            "time_beacon: commands are refused (not-yet-valid) until the gateway's "
            "signed time beacon arrives");
    for (size_t i = 0; have_state && i < state.n; i++)
        lk_device_remember(&dev, state.e[i].id);
    lkp_relay_output_describe(&relay, relay_desc, sizeof relay_desc);
    lkp_log_info("starting %s %s: broker %s:%u, relay %s, pulse %lu ms (watchdog %lu ms)%s%s",
                 lk_device_client_id(&dev), LATCHKEY_VERSION, cfg.host, (unsigned)cfg.port, relay_desc,
                 (unsigned long)cfg.pulse_ms, (unsigned long)relay.limit_ms,
                 cfg.ha_discovery ? ", Home Assistant discovery" : "",
                 cfg.local_command ? ", LOCAL UNSIGNED COMMAND PATH ENABLED" : "");
    log_start_rule(config_path, have_signer, have_state, not_before);
    if (cfg.local_command)
        lkp_log_info("warning: %s obeys \"open\" without signature or PIN; the broker ACL "
                     "decides who may open this door", lk_device_topic(&dev, LK_TOPIC_LOCAL));

    run(&dev, tls, &loop); /* ends with the clean shutdown */

    lkp_relay_output_close(&relay);
    lkp_door_input_close(&door);
    relay_for_exit = NULL;
    lkp_tls_destroy(tls);
    if (have_signer)
        lkp_ack_signer_free(&signer);
    lkp_log_info("stopped");
    return 0;
}
