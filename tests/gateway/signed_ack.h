/* signed_ack.h - validly signed device acks for the gateway tests: the device key of
 * tests/vectors/acks.json (RFC 8032 section 7.1, TEST 3), Ed25519 by OpenSSL over
 * lk_ack_signing_message for site "home". */
#ifndef GW_TEST_SIGNED_ACK_H
#define GW_TEST_SIGNED_ACK_H

#include <stdint.h>

#include "attempts.h"

extern const uint8_t test_ack_pub[32];

/* Gives attempts_ack the ack of id on door, "ok" (ok != 0) or "rejected" with reason,
 * signed with the test key. 0 if it was valid for a waiting attempt, -1 if none waits for
 * it (ACK_UNKNOWN_ID), -2 for any other verdict. */
int signed_ack(struct attempts *t, const char *id, const char *door, int ok, const char *reason);

#endif
