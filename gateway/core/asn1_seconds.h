/* asn1_seconds.h - an X.509 time (a certificate's or a CRL's date) as UNIX seconds, for the
 * client-certificate trust (tls_store.h) and the CRL set builder (crl_set.h). */
#ifndef GW_ASN1_SECONDS_H
#define GW_ASN1_SECONDS_H

#include <time.h>

#include <openssl/asn1.h>

/* *out = a (GeneralizedTime or UTCTime) in seconds since the epoch; 0 if unreadable. */
int tls_asn1_seconds(const ASN1_TIME *a, time_t *out);

#endif
