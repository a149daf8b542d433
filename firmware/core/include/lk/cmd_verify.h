/* cmd_verify.h - the device's check of a signed door command (docs/protocol.md):
 * strict JSON parse, Ed25519 signature, target, action, time window and replay cache, in
 * the order malformed -> bad-signature -> wrong-target -> unknown-action ->
 * not-yet-valid -> expired -> before-start -> replay. Uses latchkey_common for the format
 * itself. */
#ifndef LK_CMD_VERIFY_H
#define LK_CMD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "lk/config_defaults.h"
#include "lk/port.h"

/* The only action this firmware supports. */
#define LK_ACTION_OPEN "open"

struct lk_replay_cache {
    char ids[LK_REPLAY_SLOTS][LK_ID_HEX_LEN];
    uint32_t count;   /* valid entries, <= LK_REPLAY_SLOTS */
    uint32_t next;    /* slot written next */
};

void lk_replay_init(struct lk_replay_cache *rc);
/* 1 if id (LK_ID_HEX_LEN chars) is remembered. */
int lk_replay_seen(const struct lk_replay_cache *rc, const char *id);
/* Remembers id, forgetting the oldest entry when full. */
void lk_replay_add(struct lk_replay_cache *rc, const char *id);

struct lk_verifier {
    const struct lk_platform *plat;   /* ed25519_verify */
    uint8_t pubkey[LK_PUBKEY_LEN];
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    uint8_t time_trusted; /* 0 until lk_verifier_trust_time: every command not-yet-valid */
    int64_t not_before;   /* a command whose window (iat - skew .. exp) began earlier is
                             * refused as before-start */
    struct lk_replay_cache replay;
};

/* Parses a command payload without checking the signature. LK_OK or LK_MALFORMED.
 * The JSON must be exactly one object with the 9 keys v,id,site,door,action,by,iat,exp,sig
 * (any order, each once), v the integer 1, iat/exp plain integers, string escapes decoded
 * (\uXXXX to UTF-8) and then validated with the common validators, sig 86 base64url chars,
 * exp >= iat and exp - iat <= LK_CMD_MAX_LIFETIME. On LK_MALFORMED, out->id is still
 * filled if the id field itself was valid (else it is ""), so the ack can name it. */
enum lk_reason lk_cmd_parse(const uint8_t *payload, size_t len, struct lk_cmd *out);

/* site and door must be valid names (lk_name_valid); pubkey is the gateway's raw key. */
void lk_verifier_init(struct lk_verifier *v, const struct lk_platform *plat,
                      const uint8_t pubkey[LK_PUBKEY_LEN], const char *site, const char *door);

/* The port trusts its wall clock from now on, and vouches for the replay cache only for
 * commands whose window began at not_before or later (docs/protocol.md "After a
 * restart"): the boot time, or a persisted time past the last command the previous run
 * accepted. Until it is called every command is refused as not-yet-valid. */
void lk_verifier_trust_time(struct lk_verifier *v, int64_t not_before);

/* Full check at wall-clock time now (UNIX s). Fills out (see lk_cmd_parse for out->id).
 * Returns LK_OK only if the device may act; the id is then recorded in the replay cache
 * (ids are recorded only for accepted commands). */
enum lk_reason lk_cmd_verify(struct lk_verifier *v, const uint8_t *payload, size_t len,
                             int64_t now, struct lk_cmd *out);

#endif
