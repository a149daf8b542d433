/* fuzz_cmd_verify.c - libFuzzer harness for the device's command parser and verifier
 * (lk_cmd_parse, lk_cmd_verify) on raw MQTT payloads, with the real Ed25519 check of the
 * Linux port (wolfSSL) and the fixed key of tests/vectors (RFC 8032 test 1).
 * Invariants: parse and verify agree on "malformed"; a reported id is valid; an accepted
 * command is valid at that time, its fields are valid, and the same payload is refused
 * as a replay right after. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "lk/cmd_verify.h"
#include "platform_posix.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const uint8_t pubkey[LK_PUBKEY_LEN] = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

static uint32_t p_millis(void *ctx) { (void)ctx; return 0; }
static int64_t p_unix(void *ctx) { (void)ctx; return 1790000001; }
static int p_random(void *ctx, uint8_t *out, size_t len) { (void)ctx; memset(out, 0, len); return 0; }
static void p_relay(void *ctx, int on) { (void)ctx, (void)on; }

static const struct lk_platform plat = {.millis = p_millis,
                                        .unix_time = p_unix,
                                        .random = p_random,
                                        .ed25519_verify = lkp_ed25519_verify,
                                        .relay_set = p_relay};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lk_verifier v;
    struct lk_cmd parsed, out;
    enum lk_reason pr, r;
    uint8_t *copy = malloc(size ? size : 1);
    int64_t now;

    CHECK(copy != NULL);
    if (size > 0)
        memcpy(copy, data, size); /* exact size: ASan sees any over-read */

    pr = lk_cmd_parse(copy, size, &parsed);
    CHECK(parsed.id[0] == '\0' || lk_id_valid(parsed.id, strlen(parsed.id)));
    if (pr == LK_OK) {
        CHECK(lk_cmd_fields_valid(&parsed));
        CHECK(parsed.exp >= parsed.iat && parsed.exp - parsed.iat <= LK_CMD_MAX_LIFETIME);
    } else {
        CHECK(pr == LK_MALFORMED);
    }

    /* At the vectors' clock, then at the command's own iat (reaches the time and replay
     * checks whatever iat the input carries). */
    lk_verifier_init(&v, &plat, pubkey, "home", "door1");
    lk_verifier_trust_time(&v, 0);
    r = lk_cmd_verify(&v, copy, size, 1790000001, &out);
    CHECK((r == LK_MALFORMED) == (pr != LK_OK));
    CHECK(strcmp(out.id, parsed.id) == 0);
    if (pr == LK_OK) {
        now = parsed.iat;
        lk_verifier_init(&v, &plat, pubkey, "home", "door1");
        lk_verifier_trust_time(&v, 0);
        r = lk_cmd_verify(&v, copy, size, now, &out);
        if (r == LK_OK) {
            CHECK(strcmp(out.site, "home") == 0 && strcmp(out.door, "door1") == 0 &&
                  strcmp(out.action, LK_ACTION_OPEN) == 0 && now <= out.exp);
            CHECK(lk_cmd_verify(&v, copy, size, now, &out) == LK_REPLAY);
        }
    }
    free(copy);
    return 0;
}
