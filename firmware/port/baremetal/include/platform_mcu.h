/* platform_mcu.h - the core's struct lk_platform on the bare-metal board: board clock,
 * wolfSSL's Hash-DRBG (seeded by board_entropy), wolfSSL Ed25519 verification and the
 * relay with its hardware cut-off at pulse + LKM_RELAY_MARGIN_MS. Also the two hooks
 * user_settings.h gives wolfSSL: the DRBG seed and the time certificates are checked at.
 *
 * Wall-clock time: the device has no battery-backed clock. It takes its time from the
 * gateway's signed time beacon (docs/protocol.md "Time beacon", the core's time_beacon):
 * the beacon's time + monotonic ms since (lkm_platform_set_clock). Until the first one
 * unix_time() is 0 ("unknown"), every command is refused as not-yet-valid, and
 * certificate dates are checked against the time floor (provisioning floor or persisted
 * high-water mark). Test images built with LK_MCU_TEST_CLOCK take the host's clock. */
#ifndef LK_MCU_PLATFORM_H
#define LK_MCU_PLATFORM_H

#include <stdint.h>

#include "lk/config_defaults.h"
#include "lk/port.h"

#define LKM_RELAY_MARGIN_MS 100u

/* Seeds the DRBG and fills plat. time_floor: the earliest time certificates are checked
 * at (the provisioning floor or the persisted high-water mark, the later). 0 on success,
 * -1 if the DRBG could not be seeded. */
int lkm_platform_init(int64_t time_floor, struct lk_platform *plat);

/* The pulse length in effect (lk_device_pulse_ms), which sets the hardware cut-off;
 * LK_RELAY_PULSE_MAX_MS until it is set. */
void lkm_platform_set_pulse_ms(uint32_t pulse_ms);

/* The device's Ed25519 ack key from its 32-byte seed (provisioning): from then on acks are
 * signed (ed25519_sign). 0, or -1 (acks stay unsigned). */
int lkm_platform_set_ack_key(struct lk_platform *plat, const uint8_t seed[32]);

/* The wall clock once the beacon set it: clock() is the core's lk_device_time (0 before). */
void lkm_platform_set_clock(int64_t (*clock)(void));

/* The persisted time high-water mark: the time of the last accepted command (written by
 * accept_record before the relay moves) or time beacon (time_persist), never lowered. 0 and *t, or -1 if none was ever
 * written. */
int lkm_platform_persisted_time(int64_t *t);

/* 1 if this image takes its wall clock from the host (a test image), else 0. */
int lkm_platform_test_clock(void);

#endif
