/* list_crl.h - the CRL line of `latchkey-certs list`: the last CRL signed in DIR
 * (DIR/crl.pem), its number and how long until its nextUpdate, flagged EXPIRING when
 * that is within LIST_CRL_WARN_DAYS (every phone and device is refused once it passes). */
#ifndef LK_CLI_LIST_CRL_H
#define LK_CLI_LIST_CRL_H

#include <time.h>

#include "pki_dir.h"

#define LIST_CRL_WARN_DAYS 7 /* as the gateway's [server] crl_warn_days default */

/* Prints one line about DIR/crl.pem (also when it is missing or unreadable). */
void list_crl_print(const struct lk_pki *pki, time_t now);

#endif
