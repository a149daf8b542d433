/* cmd_format.h - the signed door command of docs/protocol.md ("The signed command"):
 * field limits, field validation, the canonical bytes that are signed, and the rejection
 * reasons.
 * Shared by the gateway (which signs) and the firmware (which verifies).
 * Pure functions: no malloc, no I/O, every bound a compile-time constant. */
#ifndef LATCHKEY_CMD_FORMAT_H
#define LATCHKEY_CMD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define LK_CMD_VERSION 1
#define LK_CMD_SIG_DOMAIN "latchkey-cmd-v1"

#define LK_ID_HEX_LEN 32   /* 16 random bytes, lowercase hex */
#define LK_NAME_MAX 32     /* site and door: [a-z0-9_-]{1,32} */
#define LK_ACTION_MAX 16   /* action: [a-z0-9_-]{1,16} */
#define LK_BY_MAX 64       /* user name: [A-Za-z0-9._@-]{1,64} */
#define LK_SIG_LEN 64      /* Ed25519 signature bytes */
#define LK_SIG_B64_LEN 86  /* base64url, no padding, of 64 bytes */
#define LK_PUBKEY_LEN 32   /* Ed25519 public key bytes */

#define LK_CMD_MAX_LIFETIME 60 /* exp - iat must be <= this many seconds */
#define LK_CMD_CLOCK_SKEW 30   /* a command is valid from iat - this */

/* Upper bound of the canonical signing message (domain, 7 fields, 7 newlines; int64 <= 20 chars). */
#define LK_CMD_MSG_MAX (sizeof(LK_CMD_SIG_DOMAIN) - 1 + LK_ID_HEX_LEN + 2 * LK_NAME_MAX + \
                        LK_ACTION_MAX + LK_BY_MAX + 2 * 20 + 7)

/* Topic root latchkey/<site>/<door>/ plus the longest suffix ("availability"). */
#define LK_TOPIC_MAX (9 + LK_NAME_MAX + 1 + LK_NAME_MAX + 1 + 12 + 1)

/* The fields of one command. Strings are NUL-terminated. */
struct lk_cmd {
    char id[LK_ID_HEX_LEN + 1];
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    char action[LK_ACTION_MAX + 1];
    char by[LK_BY_MAX + 1];
    int64_t iat;
    int64_t exp;
    uint8_t sig[LK_SIG_LEN];
};

/* Why a device refused a command; LK_OK means it acts. Names are the wire strings. */
enum lk_reason {
    LK_OK = 0,
    LK_BAD_SIGNATURE,  /* "bad-signature" */
    LK_WRONG_TARGET,   /* "wrong-target" */
    LK_EXPIRED,        /* "expired" */
    LK_NOT_YET_VALID,  /* "not-yet-valid" */
    LK_REPLAY,         /* "replay" */
    LK_UNKNOWN_ACTION, /* "unknown-action" */
    LK_MALFORMED,      /* "malformed" */
    LK_BEFORE_START    /* "before-start": its window began before the device could
                         * vouch for its replay cache (docs/protocol.md) */
};

/* Wire name of a reason ("ok" for LK_OK); never NULL. */
const char *lk_reason_name(enum lk_reason r);

/* Field validators: 1 if the len bytes at s are a valid value, else 0. */
int lk_name_valid(const char *s, size_t len);   /* site, door */
int lk_action_valid(const char *s, size_t len);
int lk_by_valid(const char *s, size_t len);
int lk_id_valid(const char *s, size_t len);
/* Length of the string in a fixed-size field: at most cap, so a field without its NUL is
 * never read past (strnlen is POSIX, not C99). */
size_t lk_field_len(const char *s, size_t cap);

/* 1 if every string field of cmd is valid and exp >= iat, else 0. */
int lk_cmd_fields_valid(const struct lk_cmd *cmd);

/* Writes the canonical message that is signed:
 *   latchkey-cmd-v1\n<id>\n<site>\n<door>\n<action>\n<by>\n<iat>\n<exp>
 * (no trailing newline, no NUL). Returns its length, or 0 if the fields are invalid or
 * cap is too small. cap = LK_CMD_MSG_MAX always suffices. */
size_t lk_cmd_signing_message(const struct lk_cmd *cmd, char *out, size_t cap);

/* Writes latchkey/<site>/<door>/<suffix> NUL-terminated. Returns its length (without NUL),
 * or 0 if a name is invalid or it does not fit. */
size_t lk_topic(char *out, size_t cap, const char *site, const char *door, const char *suffix);

/* Decimal text of v (with '-' if negative). Returns the length written, 0 if cap is too small.
 * No NUL is written. */
size_t lk_i64_to_dec(int64_t v, char *out, size_t cap);

/* The signed time beacon (docs/protocol.md "Time beacon"): the gateway's answer to a
 * device's fresh nonce, signed with the command key under its own domain string so that
 * no command signature can ever pass for a beacon or the other way round. */
#define LK_TIME_SIG_DOMAIN "latchkey-time-v1"
#define LK_NONCE_HEX_LEN 32  /* 16 random bytes, lowercase hex */
#define LK_TIME_MSG_MAX (sizeof(LK_TIME_SIG_DOMAIN) - 1 + LK_NONCE_HEX_LEN + 19 + 2) /* time > 0: <= 19 digits */

/* Writes the canonical message of a beacon:
 *   latchkey-time-v1\n<nonce>\n<time>
 * (no trailing newline, no NUL). nonce: exactly LK_NONCE_HEX_LEN lowercase hex chars;
 * time: UNIX seconds, > 0. Returns its length, or 0 if a field is invalid or cap is too
 * small. cap = LK_TIME_MSG_MAX always suffices. */
size_t lk_time_signing_message(const char *nonce, int64_t time, char *out, size_t cap);

/* The signed ack (docs/protocol.md "The signed ack"): the device's answer to a command,
 * signed with the device's own ack key under its own domain string, so that it can never
 * pass for a command or a time beacon (the gateway's key signs those). */
#define LK_ACK_SIG_DOMAIN "latchkey-ack-v1"
#define LK_ACK_REASON_MAX 32 /* reason: [a-z0-9_-]{1,32} for "rejected", "" for "ok" */
/* Upper bound of the canonical message (domain, 6 fields, 6 newlines; int64 <= 20 chars). */
#define LK_ACK_MSG_MAX                                                                             \
    (sizeof(LK_ACK_SIG_DOMAIN) - 1 + LK_ID_HEX_LEN + 2 * LK_NAME_MAX + 8 + LK_ACK_REASON_MAX +     \
     20 + 6)

/* 1 if result/reason is a valid pair: "ok" with "", or "rejected" with a reason of
 * [a-z0-9_-]{1,32}. */
int lk_ack_result_valid(const char *result, const char *reason);

/* Writes the canonical message of an ack:
 *   latchkey-ack-v1\n<id>\n<site>\n<door>\n<result>\n<reason>\n<at>
 * (no trailing newline, no NUL). id: LK_ID_HEX_LEN lowercase hex, or "" when the command's
 * id could not be read; site, door: the device's own names (valid names); result/reason as
 * lk_ack_result_valid; at: the device's UNIX seconds. Returns its length, or 0 if a field
 * is invalid or cap is too small. cap = LK_ACK_MSG_MAX always suffices. */
size_t lk_ack_signing_message(const char *id, const char *site, const char *door,
                              const char *result, const char *reason, int64_t at, char *out,
                              size_t cap);

#endif
