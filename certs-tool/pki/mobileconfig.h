/* mobileconfig.h - the iOS/macOS configuration profiles: one carrying the phone's PKCS#12
 * and the CA (export), one with the CA and a SCEP payload (scep: the key is made on the device). */
#ifndef LK_CERTS_MOBILECONFIG_H
#define LK_CERTS_MOBILECONFIG_H

#include <stddef.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

/* Appends the plist XML of a profile with a com.apple.security.pkcs12 payload (p12 DER)
 * and a com.apple.security.root payload (CA). password NULL = not embedded. */
int lk_mobileconfig_build(BIO *out, const char *user, const unsigned char *p12, size_t p12_len,
                          X509 *ca, const char *password);
/* The profile of scep: a com.apple.security.root payload (CA) and a com.apple.security.scep
 * payload (URL, Subject CN=user, Challenge, RSA key_bits, Key Usage signing,
 * KeyIsExtractable false, CAFingerprint = SHA-1 of the CA certificate). */
struct lk_scep_profile {
    const char *user;
    const char *url; /* the SCEP service, http://HOST:PORT/scep */
    const char *challenge;
    int key_bits; /* 2048 or more */
    X509 *ca;
};
int lk_mobileconfig_scep_build(BIO *out, const struct lk_scep_profile *sp);
/* XML text escaping of s into out (&amp; &lt; &gt; &quot; &apos;); refuses control
 * characters other than tab/newline. Returns 0 or -1. Pure, unit tested. */
int lk_xml_escape(const char *s, char *out, size_t cap);
/* A random (version 4) UUID, upper-case, 36 characters + NUL. */
int lk_uuid_random(char out[37]);

#endif
