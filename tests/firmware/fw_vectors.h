/* fw_vectors.h - test support: loads tests/vectors/commands.json (cJSON) and provides
 * Ed25519 sign / verify through OpenSSL for the firmware core tests. */
#ifndef FW_VECTORS_H
#define FW_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Parsed file (owned by the module), or NULL with a message on stderr. */
cJSON *fw_vectors_load(const char *path);
void fw_vectors_free(void);

/* The key pair of the vectors (RFC 8032 test 1). */
extern uint8_t fw_pub[32];
extern uint8_t fw_seed[32];

/* OpenSSL Ed25519 verify with a raw public key: 1 valid, 0 otherwise. */
int fw_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64]);
/* Signs msg with fw_seed; 0 on success. */
int fw_ed25519_sign(const uint8_t *msg, size_t len, uint8_t sig[64]);

/* The device's ack key (tests/vectors/acks.json: RFC 8032 test 3), and a signer with it
 * for the fake platform's ed25519_sign. */
extern uint8_t fw_ack_pub[32];
extern uint8_t fw_ack_seed[32];
int fw_ack_sign(const uint8_t *msg, size_t len, uint8_t sig[64]);

/* Builds a signed compact command payload (keys in the canonical order) into out;
 * returns its length or 0. */
size_t fw_make_cmd(char *out, size_t cap, const char *id, const char *site, const char *door,
                   const char *action, const char *by, int64_t iat, int64_t exp);

#endif
