/* platform_posix.h - the core's board services (struct lk_platform of lk/port.h) on Linux:
 * clocks, getrandom(), Ed25519 verification with wolfSSL, the relay backend, and the
 * optional ack signer and accept state (ack_signer.h, accept_state.h). */
#ifndef LKP_PLATFORM_POSIX_H
#define LKP_PLATFORM_POSIX_H

#include <lk/port.h>

#include "relay_output.h"

struct lkp_platform {
    struct lkp_relay_output *relay; /* the configured backend with its watchdog */
    struct lkp_ack_signer *signer;  /* NULL: acks go unsigned */
    struct lkp_accept_state *state; /* NULL: nothing persisted */
    struct lkp_door_input *door;    /* NULL: no door sensor */
};

/* Fills plat so that every call goes to the functions of this port with ctx = p. */
void lkp_platform_init(struct lkp_platform *p, struct lkp_relay_output *relay,
                       struct lk_platform *plat);

/* Adds the ack signer (ed25519_sign) and the accept state (accept_record), each NULL or
 * loaded; they must outlive plat. */
struct lkp_ack_signer;
struct lkp_accept_state;
void lkp_platform_attach(struct lk_platform *plat, struct lkp_ack_signer *signer,
                         struct lkp_accept_state *state);

/* Adds the door contact (door_read); door must outlive plat. */
struct lkp_door_input;
void lkp_platform_attach_door(struct lk_platform *plat, struct lkp_door_input *door);

/* The individual services, exposed for unit tests. */
uint32_t lkp_millis(void *ctx);
int64_t lkp_unix_time(void *ctx);
int lkp_random(void *ctx, uint8_t *out, size_t len);
int lkp_ed25519_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                       const uint8_t sig[64]);
void lkp_relay_set(void *ctx, int on);

#endif
