/* cert_user.c - certificate -> user name by the configured rule (see cert_user.h). The CN
 * is read from the X509_NAME itself (exactly one, as UTF-8), not from X509_NAME_oneline(),
 * which runs later RDNs into it. */
#include "cert_user.h"

#include <openssl/x509v3.h>
#include <string.h>

#include "latchkey/cmd_format.h"

int cert_user_from_parse(const char *text, enum cert_user_from *out)
{
    static const char *const names[] = {[USER_FROM_CN] = "cn",
                                        [USER_FROM_CN_NORMALISED] = "cn-normalised",
                                        [USER_FROM_SAN_EMAIL] = "san-email"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (enum cert_user_from)i;
            return 0;
        }
    return -1;
}

int cert_user_normalise(const unsigned char *in, size_t len, char *out, size_t cap)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned char ch = in[i];
        char o;
        if (ch == '\'')
            continue;
        if (ch == ' ' || ch == '.')
            o = '.';
        else if (ch >= 'A' && ch <= 'Z')
            o = (char)(ch - 'A' + 'a');
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
                 ch == '@')
            o = (char)ch;
        else
            return -1; /* not ASCII, or punctuation a user name cannot hold */
        if (o == '.' && (n == 0 || out[n - 1] == '.'))
            continue; /* no leading dot, one dot for a run */
        if (n + 1 >= cap)
            return -1;
        out[n++] = o;
    }
    while (n > 0 && out[n - 1] == '.')
        n--;
    if (cap == 0)
        return -1;
    out[n] = '\0';
    return lk_by_valid(out, n) ? 0 : -1;
}

unsigned char *cert_user_single_cn(X509 *cert, int *len)
{
    const X509_NAME *name = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    unsigned char *utf8 = NULL;

    if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0)
        return NULL;
    *len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (*len < 0) {
        OPENSSL_free(utf8);
        return NULL;
    }
    return utf8;
}

/* The subjectAltName's one rfc822Name, lower case, into out; 0 or -1. */
static int san_email(X509 *cert, char *out, size_t cap)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    const ASN1_IA5STRING *mail = NULL;
    int i, n, rc = -1;

    for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type != GEN_EMAIL)
            continue;
        if (mail != NULL) {
            mail = NULL; /* two addresses: which one is the user is not ours to guess */
            break;
        }
        mail = g->d.rfc822Name;
    }
    n = mail != NULL ? ASN1_STRING_length(mail) : 0;
    if (n > 0 && (size_t)n < cap) {
        const unsigned char *d = ASN1_STRING_get0_data(mail);
        for (i = 0; i < n; i++)
            out[i] = (char)(d[i] >= 'A' && d[i] <= 'Z' ? d[i] - 'A' + 'a' : d[i]);
        out[n] = '\0';
        rc = memchr(out, '\0', (size_t)n) == NULL && lk_by_valid(out, (size_t)n) ? 0 : -1;
    }
    GENERAL_NAMES_free(gens);
    return rc;
}

int cert_user_name(X509 *cert, enum cert_user_from how, char *user, size_t cap)
{
    unsigned char *utf8;
    int len = 0, rc = -1;

    if (cap == 0)
        return -1;
    user[0] = '\0';
    if (how == USER_FROM_SAN_EMAIL)
        return san_email(cert, user, cap);
    utf8 = cert_user_single_cn(cert, &len);
    if (utf8 == NULL || len <= 0 || memchr(utf8, '\0', (size_t)len) != NULL) {
        OPENSSL_free(utf8);
        return -1;
    }
    if (how == USER_FROM_CN_NORMALISED) {
        rc = cert_user_normalise(utf8, (size_t)len, user, cap);
    } else if ((size_t)len < cap && lk_by_valid((const char *)utf8, (size_t)len)) {
        memcpy(user, utf8, (size_t)len);
        user[len] = '\0';
        rc = 0;
    }
    OPENSSL_free(utf8);
    if (rc != 0)
        user[0] = '\0';
    return rc;
}
