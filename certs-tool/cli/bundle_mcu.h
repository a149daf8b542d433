/* bundle_mcu.h - "bundle SITE/DOOR --format mcu": the device bundle as the provisioning
 * blob of a bare-metal device, one file to flash (bundle.c gathers the material). */
#ifndef LK_CERTS_BUNDLE_MCU_H
#define LK_CERTS_BUNDLE_MCU_H

#include "args.h"
#include "bundle.h"
#include "txn.h"

/* Checks --format and the options only the blob takes. 0, or -1 (reported). */
int certs_bundle_mcu_args(const struct lk_cli *cli);

/* Writes the blob of s to --out (refused if it exists, unless --force) in the same
 * transaction as txn (a new ack key). 0, or -1 (reported, nothing written). */
int certs_bundle_mcu_write(const struct lk_cli *cli, const struct lk_bundle_src *s,
                           struct lk_txn *txn);

#endif
