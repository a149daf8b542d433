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

#define LKM_PROV_MAGIC "LKPV"
#define LKM_PROV_VERSION 1u
#define LKM_PROV_HEADER 12u      /* magic(4) version(2) count(2) total_len(4) */
#define LKM_PROV_HOST_MAX 253u
#define LKM_PROV_DER_MAX 2048u
#define LKM_PROV_WIFI_MAX 64u

enum lkm_prov_tag {
    LKM_TAG_SITE = 1,         /* [a-z0-9_-]{1,32} */
    LKM_TAG_DOOR = 2,         /* [a-z0-9_-]{1,32} */
    LKM_TAG_BROKER_HOST = 3,  /* DNS name the broker's certificate carries */
    LKM_TAG_BROKER_PORT = 4,  /* u16 LE, not 0 */
    LKM_TAG_CA_DER = 5,       /* site CA certificate */
    LKM_TAG_CERT_DER = 6,     /* the device's certificate */
    LKM_TAG_KEY_DER = 7,      /* the device's P-256 key (SEC1 DER) */
    LKM_TAG_CMD_PUBKEY = 8,   /* 32 bytes: the gateway's Ed25519 command key */
    LKM_TAG_PULSE_MS = 9,     /* u32 LE (optional; 0 = the core's default) */
    LKM_TAG_INTERVAL_MS = 10, /* u32 LE (optional) */
    LKM_TAG_KEEPALIVE_S = 11, /* u16 LE (optional) */
    LKM_TAG_WIFI_SSID = 12,   /* optional: joined with AT+CWJAP when set */
    LKM_TAG_WIFI_PASS = 13,   /* optional */
    LKM_TAG_TIME_FLOOR = 14,  /* i64 LE: UNIX seconds when the blob was made */
    LKM_TAG_ACK_SEED = 15     /* optional: 32 bytes, the device's Ed25519 ack key (seed);
                               * without it acks go unsigned and are never confirmed */
};

struct lkm_der {
    const uint8_t *p;
    size_t len;
};

struct lkm_provision {
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    char broker_host[LKM_PROV_HOST_MAX + 1];
    uint16_t broker_port;
    struct lkm_der ca, cert, key;
    uint8_t cmd_pubkey[LK_PUBKEY_LEN];
    uint32_t pulse_ms, interval_ms;
    uint16_t keepalive_s;
    char wifi_ssid[LKM_PROV_WIFI_MAX + 1];
    char wifi_pass[LKM_PROV_WIFI_MAX + 1];
    int64_t time_floor;
    uint8_t ack_seed[32];
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

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of len bytes. */
uint32_t lkm_crc32(const uint8_t *p, size_t len);

#endif
