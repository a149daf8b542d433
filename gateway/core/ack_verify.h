/* ack_verify.h - the gateway's check of a device's ack (docs/protocol.md "The signed ack"):
 * the strict parse of {"v":1,"id","result","reason","at"[,"sig"]} and the Ed25519 signature
 * by the door's own ack key over lk_ack_signing_message (common/), with the site and door
 * the gateway itself knows (its config and the topic the ack came on), never ones the ack
 * claims. Only a valid signature lets an ack say "opened" or "rejected". */
#ifndef GW_ACK_VERIFY_H
#define GW_ACK_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"

struct gw_ack {
    char id[LK_ID_HEX_LEN + 1];
    char result[9];                     /* "ok" or "rejected" */
    char reason[LK_ACK_REASON_MAX + 1]; /* "" for ok */
    int64_t at;
    int has_sig;
    uint8_t sig[LK_SIG_LEN];
};

/* What an ack is worth, in the order the gateway decides (docs/protocol.md). */
enum ack_verdict {
    ACK_VALID = 0,    /* signed by the door's key: its result is the truth */
    ACK_MALFORMED,    /* not the ack format: ignored */
    ACK_UNKNOWN_ID,   /* no attempt waits for that id on that door: ignored */
    ACK_NO_KEY,       /* the door has no configured ack key: nothing can be confirmed */
    ACK_UNSIGNED,     /* no "sig" */
    ACK_BAD_SIGNATURE /* a "sig" that does not verify: forged, tampered, another door's */
};

/* "valid", "malformed", "unknown-id", "no-key", "unsigned", "bad-signature". */
const char *ack_verdict_name(enum ack_verdict v);

/* Parses len bytes: exactly the keys v (the integer 1), id (32 lowercase hex), result and
 * reason (a valid pair, lk_ack_result_valid), at (an integer) and optionally sig (86
 * base64url characters), each once. 0 and *out, or -1 (malformed). */
int ack_parse(const char *payload, size_t len, struct gw_ack *out);

/* The signature of a parsed ack for the command sent to site/door, with key (the door's
 * raw Ed25519 ack public key, or NULL if none is configured): ACK_VALID, ACK_NO_KEY,
 * ACK_UNSIGNED or ACK_BAD_SIGNATURE. */
enum ack_verdict ack_check(const struct gw_ack *a, const char *site, const char *door,
                           const uint8_t *key);

#endif
