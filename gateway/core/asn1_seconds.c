/* asn1_seconds.c - an X.509 time as UNIX seconds (asn1_seconds.h). */
#include "asn1_seconds.h"

int tls_asn1_seconds(const ASN1_TIME *a, time_t *out)
{
    ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
    int days = 0, secs = 0;
    int ok = epoch != NULL && a != NULL && ASN1_TIME_diff(&days, &secs, epoch, a) == 1;

    ASN1_TIME_free(epoch);
    *out = (time_t)days * 86400 + secs;
    return ok;
}
