/* mcu_blob.h - the provisioning blob of a bare-metal device (latchkey-certs bundle
 * --format mcu): the material of a device bundle converted to the records of
 * common/include/latchkey/prov_blob.h (DER certificates, the SEC1 device key, the raw
 * Ed25519 seed of the ack key), ready to flash at the board's provisioning offset. */
#ifndef LK_CERTS_MCU_BLOB_H
#define LK_CERTS_MCU_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

/* What the blob carries beyond the bundle's material. */
struct lk_mcu_opts {
    int64_t time_floor;    /* UNIX seconds: when the blob was made */
    long pulse_ms;         /* 0: the firmware's default */
    long interval_ms;      /* < 0: the firmware's default (a pause of 2 s after a pulse) */
    const char *wifi_ssid; /* NULL: the module is already joined */
    const char *wifi_pass;
};

/* Builds the blob into out (cap bytes). Returns its length, or 0 with the problem reported
 * (a PEM that does not parse, a field over its limit, a blob over LK_PROV_BLOB_MAX). */
size_t lk_mcu_blob_build(const struct lk_bundle_src *s, const struct lk_mcu_opts *o, uint8_t *out,
                         size_t cap);

#endif
