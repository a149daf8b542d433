/* ack_writer.h - the device's signed ack of docs/protocol.md ("The signed ack"): the JSON
 * {"v":1,"id","result","reason","at","sig"} with the Ed25519 signature the port makes with
 * the device's own key over lk_ack_signing_message (common/). Pure: no I/O, no malloc. */
#ifndef LK_ACK_WRITER_H
#define LK_ACK_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "lk/port.h"

/* Writes the ack of the command id ("" if it could not be read) answered with reason
 * ("" = ok, else the rejection reason) at the device's wall time at, for the device
 * site/door, NUL-terminated into out. *is_signed is 1 if the port signed it, 0 if it goes
 * without "sig" (no signer, or it failed: the gateway never confirms such an ack).
 * Returns the length without NUL, or 0 if a field is invalid or it does not fit. */
size_t lk_ack_write(const struct lk_platform *plat, const char *site, const char *door,
                    const char *id, const char *reason, int64_t at, char *out, size_t cap,
                    int *is_signed);

#endif
