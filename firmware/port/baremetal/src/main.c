/* main.c - the bare-metal Latchkey device: board, provisioning, wolfSSL, then the core's
 * loop of firmware/core/include/lk/device.h over TLS 1.3 through the network module.
 * The relay is off from reset; the board's hardware timer ends every pulse even if this
 * loop stalls, and the watchdog resets the part if it stalls for LKM_WATCHDOG_MS. */
#include <string.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>

#include "at_modem.h"
#include "board.h"
#include "lk/device.h"
#include "mcu_log.h"
#include "platform_mcu.h"
#include "provision.h"
#include "stack_watch.h"
#include "tls_session.h"

#ifndef LK_MCU_FW_VERSION
#define LK_MCU_FW_VERSION "0.1.0"
#endif
#define LKM_WATCHDOG_MS 8000u     /* > the longest bounded wait (TLS handshake steps) */
#define LKM_STATS_EVERY_MS 60000u

static struct lk_device dev;      /* static storage: a few KB of fixed buffers */
/* Counted from the core's events for the periodic stats line. */
static uint32_t cmds_ok, cmds_rejected, relay_pulses;
static struct lkm_provision prov;
static struct lkm_at modem;
static struct lkm_tls tls;

/* The core's wall clock (the time beacon's), for the platform's certificate checks. */
static int64_t device_clock(void)
{
    return lk_device_time(&dev);
}

static int64_t persisted_floor(void)
{
    int64_t t;
    return lkm_platform_persisted_time(&t) == 0 ? t : 0;
}

static void log_memory(const char *when)
{
    lkm_log("mem %s: heap high-water %lu of %lu B (%u failed), stack high-water %lu of %lu B",
            when, (unsigned long)lk_heap_high_water(), (unsigned long)lk_heap_size(),
            lk_heap_failures(), (unsigned long)lk_stack_high_water(),
            (unsigned long)lk_stack_size());
}

static void log_stats(void)
{
    lkm_log("stats: cmds ok %lu rejected %lu, relay pulses %lu (hardware cut-offs %lu), "
            "link CLOSED %lu, rx dropped %lu",
            (unsigned long)cmds_ok, (unsigned long)cmds_rejected,
            (unsigned long)relay_pulses, (unsigned long)board_relay_hw_cuts(),
            (unsigned long)modem.closes_seen, (unsigned long)board_link_rx_dropped());
    log_memory("now");
}

/* The core's event callback (lk/device_event.h): the log lines of the session and of
 * every command, and the counters of log_stats. */
static void on_event(void *user, const struct lk_device_event *ev)
{
    (void)user;
    switch (ev->type) {
    case LK_EVENT_CONNECTED:
        lkm_log("mqtt: online");
        break;
    case LK_EVENT_LINK_LOST:
        if (ev->u.link_lost.was_online)
            lkm_log("mqtt: offline");
        break;
    case LK_EVENT_DISCONNECTED:
        lkm_log("mqtt: offline");
        break;
    case LK_EVENT_CMD_ACCEPTED:
        cmds_ok++;
        lkm_log("command: accepted, relay pulse %lu ms", (unsigned long)lk_device_pulse_ms(&dev));
        break;
    case LK_EVENT_CMD_REJECTED:
        cmds_rejected++;
        lkm_log("command: rejected (%s)", ev->u.cmd.reason);
        break;
    case LK_EVENT_RELAY:
        if (ev->u.relay.on)
            relay_pulses++;
        break;
    case LK_EVENT_TIME_REQUESTED: lkm_log("time: beacon requested"); break;
    case LK_EVENT_TIME:
        if (ev->u.time.time > 0)
            lkm_log("time: beacon accepted, %lld%s", (long long)ev->u.time.time,
                    ev->u.time.first ? "; commands may act from now on" : "");
        else
            lkm_log("time: beacon refused (%s)", ev->u.time.result);
        break;
    default:
        break;
    }
}

int main(void)
{
    static struct lk_platform plat;
    static struct lk_transport tr;
    static struct lk_device_config cfg;
    const uint8_t *area;
    size_t area_len;
    enum lkm_prov_status ps;
    int64_t floor;
    uint32_t last_stats;

    if (board_init() != 0) {
        lkm_log("board: init failed (no entropy source: %s)", board_entropy_source());
        board_halt(2);
    }
    lkm_log("latchkey-device %s on %s", LK_MCU_FW_VERSION, board_name());
    lkm_log("entropy: %s", board_entropy_source());
    if (board_watchdog_start(LKM_WATCHDOG_MS) == 0)
        lkm_log("watchdog: armed, %u ms", (unsigned)LKM_WATCHDOG_MS);
    else
        lkm_log("watchdog: NONE on this board");

    area = board_provision_area(&area_len);
    ps = lkm_provision_parse(area, area_len, &prov);
    if (ps != LKM_PROV_OK) {
        lkm_log("provisioning: %s; the relay stays off", lkm_provision_status_name(ps));
        board_halt(2);
    }
    lkm_log("provisioning: site %s door %s broker %s:%u", prov.site, prov.door, prov.broker_host,
            (unsigned)prov.broker_port);

    floor = persisted_floor();
    if (floor < prov.time_floor)
        floor = prov.time_floor;
    if (lkm_platform_test_clock())
        lkm_log("TEST IMAGE: wall clock from the host (semihosting); never ship this build");
    else
        lkm_log(
            "time: waiting for the gateway's signed time beacon; commands are refused "
            "(not-yet-valid) until then");

    if (wolfSSL_Init() != WOLFSSL_SUCCESS || lkm_platform_init(floor, &plat) != 0) {
        lkm_log("crypto: init failed");
        board_halt(2);
    }
    lkm_at_init(&modem);
    if (lkm_tls_init(&tls, &prov, &modem) != 0)
        board_halt(2);
    lkm_tls_transport(&tls, &tr);

    memcpy(cfg.site, prov.site, sizeof cfg.site);
    memcpy(cfg.door, prov.door, sizeof cfg.door);
    memcpy(cfg.pubkey, prov.cmd_pubkey, sizeof cfg.pubkey);
    cfg.pulse_ms = prov.pulse_ms;
    cfg.min_interval_ms = prov.interval_ms;
    cfg.keepalive_s = prov.keepalive_s;
    cfg.fw_version = LK_MCU_FW_VERSION;
    cfg.ha_prefix = NULL;
    cfg.on_event = on_event;
    if (!lkm_platform_test_clock()) {
        /* No clock of its own: the gateway's signed time beacon, never below the mark; the
         * replay cache is new, so nothing whose window began by the last acceptance of an
         * earlier run (the mark; none: 0) may act. docs/protocol.md "Time beacon". */
        int64_t mark;
        cfg.time_beacon = 1;
        if (lkm_platform_persisted_time(&mark) == 0) {
            cfg.time_high_water = mark;
            cfg.time_not_before = mark + 1;
        }
        lkm_platform_set_clock(device_clock);
    }
    if (!lk_device_config_valid(&cfg)) {
        lkm_log("provisioning: the device settings are out of range; the relay stays off");
        board_halt(2);
    }
    if (!prov.has_ack_seed)
        lkm_log("provisioning: no ack key: acks go out unsigned and the gateway never confirms");
    else if (lkm_platform_set_ack_key(&plat, prov.ack_seed) != 0)
        lkm_log("crypto: the ack key could not be loaded: acks go out unsigned");
    memset(prov.ack_seed, 0, sizeof prov.ack_seed);
    lk_device_init(&dev, &cfg, &plat, &tr);
    if (lkm_platform_test_clock()) {
        /* The host's clock is trusted from boot. The replay cache is new: refuse every
         * command whose window began by the last acceptance of an earlier run (the
         * persisted mark; none: this device never accepted one). docs/protocol.md. */
        int64_t last, nb = 0;
        if (lkm_platform_persisted_time(&last) == 0)
            nb = last + 1;
        lk_device_trust_time(&dev, nb);
        lkm_log("time: trusted (test clock); commands whose window began before %lld are refused",
                (long long)nb);
    }
    lkm_platform_set_pulse_ms(lk_device_pulse_ms(&dev));
    log_memory("boot");

    last_stats = board_millis();
    for (;;) {
        enum lk_dev_status st;

        board_watchdog_kick();
        st = lk_device_poll(&dev);
        /* No blocking connect while a pulse runs: the loop keeps ending it on time (the
         * hardware cut-off is the backstop, not the plan). */
        if (st == LK_DEV_NEED_CONNECT && !lk_device_relay_active(&dev)) {
            if (lkm_tls_open(&tls) == 0 && lk_device_on_connected(&dev) == 0) {
                log_stats();
            } else {
                lkm_tls_close(&tls);
                lk_device_on_transport_lost(&dev);
            }
            continue;
        }
        if (board_millis() - last_stats >= LKM_STATS_EVERY_MS) {
            last_stats = board_millis();
            log_stats();
        }
        board_idle();
    }
}
