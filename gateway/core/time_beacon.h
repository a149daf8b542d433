/* time_beacon.h - the gateway's side of the signed time beacon (docs/protocol.md "Time
 * beacon"): a device's request on latchkey/<site>/<door>/time/req (the broker's ACL lets
 * only that door's identity write it) is checked strictly and queued from Paho's thread;
 * the loop answers each on .../time (QoS 1, never retained, through the ports) with the
 * nonce, the gateway's clock and the command key's Ed25519 signature over
 * latchkey-time-v1\n<nonce>\n<time>, at most once per second per door. */
#ifndef GW_TIME_BEACON_H
#define GW_TIME_BEACON_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "latchkey/cmd_format.h"

#define TIME_REQUEST_MAX 64       /* longer requests are dropped unparsed (a valid one: 47 B) */
#define TIME_QUEUE_MAX 16         /* more waiting requests are dropped (logged) */
#define TIME_ANSWER_EVERY_MS 1000 /* at most one answer per door per this */
/* {"v":1,"nonce":"<32>","time":<19 digits>,"sig":"<86>"} and NUL */
#define TIME_BEACON_MAX                                                                            \
    (sizeof "{\"v\":1,\"nonce\":\"\",\"time\":,\"sig\":\"\"}" + LK_NONCE_HEX_LEN + 19 +            \
     LK_SIG_B64_LEN)

struct time_request {
    char door[LK_NAME_MAX + 1];
    char nonce[LK_NONCE_HEX_LEN + 1];
};

/* {"v":1,"nonce":"<32 lowercase hex>"}: exactly these keys, each once; len is checked
 * against TIME_REQUEST_MAX before anything parses it. 0 with nonce, -1 otherwise. */
int time_request_parse(const char *payload, size_t len, char nonce[LK_NONCE_HEX_LEN + 1]);

/* The beacon's payload for nonce at time t signed with key, NUL-terminated in out: its
 * length, or 0 on a bad field, a too small buffer or a signing failure. */
size_t time_beacon_build(EVP_PKEY *key, const char *nonce, int64_t t, char *out, size_t cap);

/* Any thread: queues r. 0, or -1 if TIME_QUEUE_MAX wait already. */
int time_queue_push(const struct time_request *r);

/* Loop: answers every queued request of a configured door (ports.h publish_time), one per
 * door per TIME_ANSWER_EVERY_MS (the rest is dropped and logged); one log line and a
 * metrics count each. Returns the number answered. */
int time_beacon_answer_queued(struct gw_app *app);

#endif
