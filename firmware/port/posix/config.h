/* config.h - the device's INI configuration (`latchkey-device -c FILE`, docs/firmware.md
 * "The Linux / Raspberry Pi device"): what it holds and how it is loaded and validated.
 * Limits the core also enforces come from the core (lk/config_defaults.h: pulse range,
 * default pulse and keep-alive, longest interval, discovery prefix length); only what is
 * the port's own (file paths, INI defaults and ranges, GPIO) is defined here. */
#ifndef LKP_CONFIG_H
#define LKP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <latchkey/cmd_format.h>
#include <lk/config_defaults.h>

#define LKP_PATH_MAX 512
#define LKP_HOST_MAX 253

/* INI default of "min_interval_ms" (the core accepts 0..LK_RELAY_INTERVAL_MAX_MS). */
#define LKP_MIN_INTERVAL_MS_DEFAULT 2000u
/* INI range of "keepalive" (default: the core's LK_DEVICE_KEEPALIVE_DEFAULT_S). */
#define LKP_KEEPALIVE_S_MIN 5u
#define LKP_KEEPALIVE_S_MAX 600u
#define LKP_PORT_DEFAULT 8883u

#define LKP_GPIO_CHIP_MAX 63
#define LKP_GPIO_LINE_MAX 1023u
#define LKP_HA_PREFIX_DEFAULT "homeassistant"

enum lkp_relay_backend { LKP_RELAY_NONE = 0, LKP_RELAY_SIM, LKP_RELAY_GPIO };
enum lkp_door_backend { LKP_DOOR_NONE = 0, LKP_DOOR_GPIO, LKP_DOOR_FILE };
enum lkp_bias { LKP_BIAS_AS_IS = 0, LKP_BIAS_DISABLE, LKP_BIAS_PULL_UP, LKP_BIAS_PULL_DOWN };

struct lkp_config {
    /* [broker] */
    char host[LKP_HOST_MAX + 1];
    uint16_t port;                 /* default 8883 */
    uint16_t keepalive_s;          /* optional "keepalive", default 30 */
    char ca[LKP_PATH_MAX];
    char cert[LKP_PATH_MAX];
    char key[LKP_PATH_MAX];
    /* [device] */
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    uint8_t pubkey[LK_PUBKEY_LEN]; /* from command_pubkey (64 hex) */
    char ack_key[LKP_PATH_MAX];    /* "ack_key": the device's Ed25519 ack key, PKCS#8 PEM;
                                    * "" = acks go unsigned (the gateway never confirms) */
    char state_file[LKP_PATH_MAX]; /* "state_file": the accepted commands' ids
                                    * (accept_state.h); "" = the boot time is the start */
    int time_beacon;               /* "time_beacon", default false: true takes the wall clock
                                    * from the gateway's signed time beacon, not the system's */
    /* [relay] */
    enum lkp_relay_backend backend;
    char sim_log[LKP_PATH_MAX];
    uint32_t pulse_ms;             /* default 500, 50..10000 */
    uint32_t min_interval_ms;      /* default 2000 */
    char gpio_chip[LKP_GPIO_CHIP_MAX + 1]; /* backend gpio: chip name, default gpiochip0 */
    uint32_t gpio_line;            /* backend gpio: line offset (required) */
    int active_low;                /* backend gpio: relay energised by a LOW line */
    /* [homeassistant] */
    int ha_discovery;              /* "discovery", default false */
    char ha_prefix[LK_HA_PREFIX_MAX + 1]; /* "prefix", default homeassistant */
    int local_command;             /* "local_command", default false: UNSIGNED path */
    /* [door_sensor] (door_input.h); no section: no sensor */
    enum lkp_door_backend door_backend;
    char door_file[LKP_PATH_MAX];          /* backend file: "1"/"open" or "0"/"closed" in it */
    char door_chip[LKP_GPIO_CHIP_MAX + 1]; /* backend gpio, default gpiochip0 */
    uint32_t door_line;                    /* backend gpio: line offset (required) */
    enum lkp_bias door_bias;               /* default pull-up */
    int door_active_low;                   /* the line reads LOW when the door is open */
    uint32_t door_debounce_ms;             /* 0: the core's default (50) */
    uint32_t door_window_ms;               /* 0: the core's default (10000) */
};

/* Parses INI text (no file access: suitable for fuzzing). name is used in error messages
 * ("name:line: ..."). Fills cfg and returns 0, or returns -1 with a one-line message in err. */
int lkp_config_parse(const char *text, const char *name, struct lkp_config *cfg,
                     char *err, size_t errlen);

/* Reads the file at path, parses it, resolves relative file paths (ca, cert, key,
 * sim_log, ack_key, state_file) against the directory of path (so a device bundle works from anywhere), then
 * checks that the CA, cert, key and ack_key files are readable. Returns 0, or -1 with a one-line
 * message in err. */
int lkp_config_load(const char *path, struct lkp_config *cfg, char *err, size_t errlen);

#endif
