/* identity.c - the CONNECT decision of the broker plugin (identity.h). */
#include "identity.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>

int identity_client_id(const char *cn, char out[IDENTITY_ID_MAX + 1])
{
    size_t n = strlen(cn), p = sizeof IDENTITY_PREFIX - 1, i;
    if (n == 0 || n > ACL_USER_MAX)
        return -1;
    memcpy(out, IDENTITY_PREFIX, p);
    memcpy(out + p, cn, n + 1);
    for (i = p; i < p + n; i++)
        if (out[i] == '/')
            out[i] = '-';
    return 0;
}

int identity_cn(X509 *cert, char cn[ACL_USER_MAX + 1])
{
    const X509_NAME *name = X509_get_subject_name(cert);
    int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    const ASN1_STRING *s;
    const unsigned char *d;
    int len, i;

    if (at < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, at) >= 0)
        return -1; /* none, or more than one: which would Mosquitto's ACL see? */
    s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    len = ASN1_STRING_length(s);
    d = ASN1_STRING_get0_data(s);
    if (len <= 0 || len > ACL_USER_MAX || d == NULL)
        return -1;
    for (i = 0; i < len; i++)
        if (d[i] < 0x21 || d[i] > 0x7e) /* printable ASCII, no blank: what an ACL line can name */
            return -1;
    memcpy(cn, d, (size_t)len);
    cn[len] = '\0';
    return 0;
}

enum identity_verdict identity_check(const struct acl_users *u, X509 *cert, const char *client_id,
                                     char cn[ACL_USER_MAX + 1])
{
    char want[IDENTITY_ID_MAX + 1];
    cn[0] = '\0';
    if (cert == NULL)
        return IDENTITY_NO_CERT;
    if (identity_cn(cert, cn) != 0 || identity_client_id(cn, want) != 0)
        return IDENTITY_BAD_CN;
    if (!acl_users_has(u, cn))
        return IDENTITY_UNKNOWN;
    if (client_id == NULL || strcmp(client_id, want) != 0)
        return IDENTITY_WRONG_ID;
    return IDENTITY_OK;
}

const char *identity_verdict_text(enum identity_verdict v)
{
    switch (v) {
    case IDENTITY_OK: return "accepted";
    case IDENTITY_NO_CERT: return "no client certificate";
    case IDENTITY_BAD_CN: return "certificate without exactly one plain CN";
    case IDENTITY_UNKNOWN: return "its CN has no block in the ACL file (not a broker identity)";
    case IDENTITY_WRONG_ID: return "the client id is not the one of its CN";
    }
    return "refused";
}
