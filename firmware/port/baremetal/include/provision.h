/* provision.h - the provisioning blob a maker flashes at the board's provisioning area
 * (docs/firmware.md "Provisioning blob"): the device's site and door, the broker, the
 * site CA, the device's certificate and key (DER), the gateway's command key, the
 * device's own ack signing key, relay timings and, optionally, Wi-Fi credentials for the
 * network module. Parsed strictly:
 * any unknown tag, duplicate, bad length or CRC mismatch refuses the whole blob.
 * Pure code (no board calls): the DER fields point into the area, strings are copied. */
#ifndef LK_MCU_PROVISION_H
#define LK_MCU_PROVISION_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "latchkey/prov_blob.h" /* the layout, shared with the writer */

struct lkm_der {
    const uint8_t *p;
    size_t len;
};

struct lkm_provision {
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    char broker_host[LK_PROV_HOST_MAX + 1];
    uint16_t broker_port;
    struct lkm_der ca, cert, key;
    uint8_t cmd_pubkey[LK_PUBKEY_LEN];
    uint32_t pulse_ms, interval_ms;
    uint16_t keepalive_s;
    char wifi_ssid[LK_PROV_WIFI_MAX + 1];
    char wifi_pass[LK_PROV_WIFI_MAX + 1];
    int64_t time_floor;
    uint8_t ack_seed[LK_PROV_SEED_LEN];
    int has_ack_seed;
};

enum lkm_prov_status {
    LKM_PROV_OK = 0,
    LKM_PROV_EMPTY,      /* erased flash (no magic): nothing was provisioned */
    LKM_PROV_BAD_HEADER, /* magic, version or length */
    LKM_PROV_BAD_CRC,
    LKM_PROV_BAD_RECORD, /* unknown tag, duplicate, bad length or value */
    LKM_PROV_MISSING     /* a required field is absent */
};

/* Parses the area (len bytes); fills out on LKM_PROV_OK. */
enum lkm_prov_status lkm_provision_parse(const uint8_t *area, size_t len,
                                         struct lkm_provision *out);

const char *lkm_provision_status_name(enum lkm_prov_status s);

#endif
