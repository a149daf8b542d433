/* cmd_sign.h - builds and signs the door command of docs/protocol.md ("The signed command"):
 * Ed25519 over lk_cmd_signing_message(), payload as compact JSON with the keys in the
 * order v,id,site,door,action,by,iat,exp,sig. */
#ifndef GW_CMD_SIGN_H
#define GW_CMD_SIGN_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"

/* Big enough for any valid command payload, with NUL. */
#define CMD_PAYLOAD_MAX 512

/* Loads an unencrypted Ed25519 PKCS#8 PEM key. NULL (and err set) on failure. */
EVP_PKEY *cmd_key_load(const char *path, char *err, size_t errlen);

/* Ed25519 signature of len bytes at msg with key (no digest: PureEdDSA). 0 or -1. */
int cmd_sign_bytes(EVP_PKEY *key, const char *msg, size_t len, uint8_t sig[LK_SIG_LEN]);

/* Writes a fresh random command id: 32 lowercase hex characters and NUL. 0 or -1. */
int cmd_new_id(char id[LK_ID_HEX_LEN + 1]);

/* Fills cmd from the fields (all validated), signs it with key and writes the payload JSON
 * NUL-terminated into out. Deterministic for given fields (Ed25519). Returns the payload
 * length, or 0 on any invalid field or failure. */
size_t cmd_build(EVP_PKEY *key, const char *id, const char *site, const char *door,
                 const char *action, const char *by, int64_t iat, int64_t exp,
                 struct lk_cmd *cmd, char *out, size_t cap);

#endif
