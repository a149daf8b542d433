/* names.h - what may be a name in the PKI, and where a CN is stored (pure functions). */
#ifndef LK_CERTS_NAMES_H
#define LK_CERTS_NAMES_H

#include <stddef.h>

#define LK_CN_MAX 64 /* X.509 upper bound of a commonName */

int lk_user_name_valid(const char *user);     /* client CN: [A-Za-z0-9._@-]{1,64}, no leading '.', not "gateway" */
int lk_dns_name_valid(const char *name);      /* host name: labels [A-Za-z0-9-]{1,63} joined by '.', <= 253 */
int lk_ca_name_valid(const char *name);       /* printable ASCII, 1..52 chars */
/* Splits "site/door" into its parts, each [a-z0-9_-]{1,32}. Returns 1 if valid. */
int lk_device_name_split(const char *arg, char *site, size_t site_cap, char *door, size_t door_cap);
/* File stem of a CN: '/' replaced by '.'. Returns 0, or -1 if it does not fit. */
int lk_cn_stem(const char *cn, char *out, size_t cap);

#endif
