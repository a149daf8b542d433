/* prov_blob.h - the provisioning blob of a bare-metal device: the one definition of its
 * layout, shared by the writer (latchkey-certs bundle --format mcu) and the reader
 * (firmware/port/baremetal/src/provision.c). docs/firmware.md "Provisioning blob".
 * All integers little-endian:
 *   "LKPV" | u16 version | u16 record count | u32 total length (header .. CRC)
 *   count x { u8 tag | u8 0 | u16 length | value }
 *   u32 CRC-32 (IEEE 802.3, as zlib's crc32) of every byte before it
 * Pure code: no malloc, no I/O (it builds for the microcontroller too). */
#ifndef LATCHKEY_PROV_BLOB_H
#define LATCHKEY_PROV_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define LK_PROV_MAGIC "LKPV"
#define LK_PROV_VERSION 1u
#define LK_PROV_HEADER 12u     /* magic(4) version(2) count(2) total_len(4) */
#define LK_PROV_TRAILER 4u     /* the CRC */
#define LK_PROV_RECORD_HEAD 4u /* tag(1) 0(1) length(2) */
/* The largest blob: every board's provisioning area holds at least this (the smallest,
 * one 16 KiB flash sector of the STM32F4 board). */
#define LK_PROV_BLOB_MAX 16384u
#define LK_PROV_HOST_MAX 253u /* broker DNS name */
#define LK_PROV_DER_MAX 2048u /* each DER field */
#define LK_PROV_WIFI_MAX 64u  /* SSID, password */
#define LK_PROV_SEED_LEN 32u  /* the ack key's Ed25519 seed */

enum lk_prov_tag {
    LK_PROV_TAG_SITE = 1,         /* [a-z0-9_-]{1,32} */
    LK_PROV_TAG_DOOR = 2,         /* [a-z0-9_-]{1,32} */
    LK_PROV_TAG_BROKER_HOST = 3,  /* DNS name the broker's certificate carries */
    LK_PROV_TAG_BROKER_PORT = 4,  /* u16, not 0 */
    LK_PROV_TAG_CA_DER = 5,       /* site CA certificate */
    LK_PROV_TAG_CERT_DER = 6,     /* the device's certificate */
    LK_PROV_TAG_KEY_DER = 7,      /* the device's P-256 key (SEC1 DER) */
    LK_PROV_TAG_CMD_PUBKEY = 8,   /* 32 bytes: the gateway's Ed25519 command key */
    LK_PROV_TAG_PULSE_MS = 9,     /* u32 (optional; 0 = the core's default) */
    LK_PROV_TAG_INTERVAL_MS = 10, /* u32 (optional) */
    LK_PROV_TAG_KEEPALIVE_S = 11, /* u16 (optional) */
    LK_PROV_TAG_WIFI_SSID = 12,   /* optional: joined with AT+CWJAP when set */
    LK_PROV_TAG_WIFI_PASS = 13,   /* optional */
    LK_PROV_TAG_TIME_FLOOR = 14,  /* i64: UNIX seconds when the blob was made */
    LK_PROV_TAG_ACK_SEED = 15     /* optional: the device's Ed25519 ack key (seed) */
};
#define LK_PROV_TAG_LAST LK_PROV_TAG_ACK_SEED

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of len bytes. */
uint32_t lk_prov_crc32(const uint8_t *p, size_t len);

/* A blob being written into a caller's buffer. Every add after an overflow is refused
 * and lk_prov_finish then returns 0: a blob that does not fit is never half written. */
struct lk_prov_writer {
    uint8_t *buf;
    size_t cap, len;
    unsigned count;
    int overflow;
};

/* Starts a blob in buf (cap bytes, at most LK_PROV_BLOB_MAX are used). */
void lk_prov_begin(struct lk_prov_writer *w, uint8_t *buf, size_t cap);
/* Appends one record. 0, or -1 (and the writer is spoiled) if it does not fit. */
int lk_prov_add(struct lk_prov_writer *w, enum lk_prov_tag tag, const void *v, size_t len);
int lk_prov_add_uint(struct lk_prov_writer *w, enum lk_prov_tag tag, uint64_t v, size_t bytes);
/* Writes the count, the length and the CRC; the blob's length, or 0 if it did not fit. */
size_t lk_prov_finish(struct lk_prov_writer *w);

#endif
