/* mobileconfig.c - the iOS configuration profile of "export --mobileconfig": a plist XML
 * with a com.apple.security.pkcs12 payload (the phone's identity) and a
 * com.apple.security.root payload (the CA, so Safari trusts the gateway). Every text value
 * is XML-escaped; binary payloads are base64 (OpenSSL's encoder). */
#include "mobileconfig.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "diag.h"
#include "names.h"
#include "password.h"

int lk_xml_escape(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        const char *rep = NULL;
        char one[2] = {*s, '\0'};
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                return -1; /* not representable in XML 1.0 text */
            rep = one;
        }
        size_t rl = strlen(rep);
        if (n + rl >= cap)
            return -1;
        memcpy(out + n, rep, rl);
        n += rl;
    }
    if (n >= cap)
        return -1;
    out[n] = '\0';
    return 0;
}

int lk_uuid_random(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
        lk_err_ssl("cannot get random bytes for a UUID");
        return -1;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return 0;
}

/* <key>k</key><string>escaped v</string> */
static int kv_string(BIO *out, const char *indent, const char *k, const char *v)
{
    char esc[6 * LK_SECRET_MAX];
    if (lk_xml_escape(v, esc, sizeof esc) != 0) {
        lk_err("value of %s cannot be written into the profile", k);
        return -1;
    }
    return BIO_printf(out, "%s<key>%s</key>\n%s<string>%s</string>\n", indent, k, indent, esc) > 0 ? 0 : -1;
}

/* <key>k</key><data>base64, 64 characters a line</data> */
static int kv_data(BIO *out, const char *indent, const char *k, const unsigned char *data,
                   size_t len)
{
    unsigned char line[65];
    size_t off;
    if (BIO_printf(out, "%s<key>%s</key>\n%s<data>\n", indent, k, indent) <= 0)
        return -1;
    for (off = 0; off < len; off += 48) {
        size_t chunk = len - off < 48 ? len - off : 48;
        EVP_EncodeBlock(line, data + off, (int)chunk);
        if (BIO_printf(out, "%s%s\n", indent, line) <= 0)
            return -1;
    }
    return BIO_printf(out, "%s</data>\n", indent) > 0 ? 0 : -1;
}

static int payload(BIO *out, const char *type, const char *ident, const char *display,
                   const char *desc, const char *filename, const unsigned char *data,
                   size_t len, const char *password)
{
    const char *in = "\t\t\t";
    char uuid[37];
    if (lk_uuid_random(uuid) != 0 || BIO_printf(out, "\t\t<dict>\n") <= 0 ||
        kv_string(out, in, "PayloadCertificateFileName", filename) != 0 ||
        kv_data(out, in, "PayloadContent", data, len) != 0 ||
        kv_string(out, in, "PayloadDescription", desc) != 0 ||
        kv_string(out, in, "PayloadDisplayName", display) != 0 ||
        kv_string(out, in, "PayloadIdentifier", ident) != 0 ||
        kv_string(out, in, "PayloadType", type) != 0 ||
        kv_string(out, in, "PayloadUUID", uuid) != 0 ||
        BIO_printf(out, "%s<key>PayloadVersion</key>\n%s<integer>1</integer>\n", in, in) <= 0)
        return -1;
    if (password != NULL && kv_string(out, in, "Password", password) != 0)
        return -1;
    return BIO_printf(out, "\t\t</dict>\n") > 0 ? 0 : -1;
}

/* The plist head up to the open payload array; comment says what wrote it. */
static int profile_head(BIO *out, const char *comment)
{
    return BIO_printf(out,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                      "<!-- %s -->\n"
                      "<plist version=\"1.0\">\n<dict>\n\t<key>PayloadContent</key>\n\t<array>\n",
                      comment) > 0
               ? 0
               : -1;
}

/* The CA's com.apple.security.root payload; ident is the profile's identifier. */
static int ca_payload(BIO *out, const char *ident, X509 *ca)
{
    char sub[LK_CN_MAX + 80], text[LK_CN_MAX + 200], ca_cn[LK_CN_MAX + 1];
    unsigned char *ca_der = NULL;
    int ca_len = i2d_X509(ca, &ca_der), rc;
    if (ca_len <= 0) {
        lk_err_ssl("cannot encode the CA certificate");
        return -1;
    }
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_commonName, ca_cn, (int)sizeof ca_cn) <= 0)
        snprintf(ca_cn, sizeof ca_cn, "Latchkey CA");
    snprintf(sub, sizeof sub, "%s.ca", ident);
    snprintf(text, sizeof text, "Certificate authority of the Latchkey gateway: %s", ca_cn);
    rc = payload(out, "com.apple.security.root", sub, ca_cn, text, "ca.crt", ca_der, (size_t)ca_len,
                 NULL);
    OPENSSL_free(ca_der);
    return rc;
}

/* The payload array's end and the profile's own keys. */
static int profile_tail(BIO *out, const char *user, const char *ident, const char *desc)
{
    char text[LK_CN_MAX + 200], uuid[37];
    snprintf(text, sizeof text, "Latchkey (%s)", user);
    if (lk_uuid_random(uuid) != 0 || BIO_printf(out, "\t</array>\n") <= 0 ||
        kv_string(out, "\t", "PayloadDescription", desc) != 0 ||
        kv_string(out, "\t", "PayloadDisplayName", text) != 0 ||
        kv_string(out, "\t", "PayloadIdentifier", ident) != 0 ||
        kv_string(out, "\t", "PayloadOrganization", "Latchkey") != 0 ||
        BIO_printf(out, "\t<key>PayloadRemovalDisallowed</key>\n\t<false/>\n") <= 0 ||
        kv_string(out, "\t", "PayloadType", "Configuration") != 0 ||
        kv_string(out, "\t", "PayloadUUID", uuid) != 0 ||
        BIO_printf(out,
                   "\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n</dict>\n</plist>\n") <= 0)
        return -1;
    return 0;
}

int lk_mobileconfig_build(BIO *out, const char *user, const unsigned char *p12, size_t p12_len,
                          X509 *ca, const char *password)
{
    char ident[LK_CN_MAX + 64], sub[LK_CN_MAX + 80], text[LK_CN_MAX + 200], file[LK_CN_MAX + 8];
    int rc = -1;

    snprintf(ident, sizeof ident, "org.latchkey.%s", user);
    if (profile_head(out, "Written by latchkey-certs export: a Latchkey phone identity.") != 0)
        goto out;
    snprintf(sub, sizeof sub, "%s.identity", ident);
    snprintf(text, sizeof text, "Latchkey client certificate of %s", user);
    snprintf(file, sizeof file, "%s.p12", user);
    if (payload(out, "com.apple.security.pkcs12", sub, user, text, file, p12, p12_len, password) !=
            0 ||
        ca_payload(out, ident, ca) != 0 ||
        profile_tail(out, user, ident,
                     "Installs the certificate that lets this phone reach the Latchkey door page, "
                     "and the CA that vouches for the gateway.") != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        lk_err_ssl("cannot write the configuration profile");
    return rc;
}

/* The com.apple.security.scep payload: the device makes an RSA key it cannot export and
 * asks url for a certificate with subject CN=user and the challenge. */
static int scep_payload(BIO *out, const char *ident, const struct lk_scep_profile *sp)
{
    const char *in = "\t\t\t", *in2 = "\t\t\t\t";
    char sub[LK_CN_MAX + 80], text[LK_CN_MAX + 200], esc[6 * (LK_CN_MAX + 1)], uuid[37];
    unsigned char fp[EVP_MAX_MD_SIZE];
    unsigned int fp_len = 0;
    if (X509_digest(sp->ca, EVP_sha1(), fp, &fp_len) != 1 ||
        lk_xml_escape(sp->user, esc, sizeof esc) != 0 || lk_uuid_random(uuid) != 0)
        return -1;
    snprintf(sub, sizeof sub, "%s.scep", ident);
    snprintf(text, sizeof text, "Latchkey client certificate of %s, its key made on this device",
             sp->user);
    if (BIO_printf(out, "\t\t<dict>\n%s<key>PayloadContent</key>\n%s<dict>\n", in, in) <= 0 ||
        kv_string(out, in2, "URL", sp->url) != 0 || kv_string(out, in2, "Name", "Latchkey") != 0 ||
        BIO_printf(
            out,
            "%s<key>Subject</key>\n%s<array><array><array><string>CN</string><string>%s</string>"
            "</array></array></array>\n",
            in2, in2, esc) <= 0 ||
        kv_string(out, in2, "Challenge", sp->challenge) != 0 ||
        BIO_printf(out, "%s<key>Keysize</key>\n%s<integer>%d</integer>\n", in2, in2,
                   sp->key_bits) <= 0 ||
        kv_string(out, in2, "Key Type", "RSA") != 0 ||
        BIO_printf(out, "%s<key>Key Usage</key>\n%s<integer>1</integer>\n", in2, in2) <= 0 ||
        BIO_printf(out, "%s<key>KeyIsExtractable</key>\n%s<false/>\n", in2, in2) <= 0 ||
        kv_data(out, in2, "CAFingerprint", fp, fp_len) != 0 ||
        BIO_printf(out, "%s<key>Retries</key>\n%s<integer>3</integer>\n", in2, in2) <= 0 ||
        BIO_printf(out, "%s<key>RetryDelay</key>\n%s<integer>10</integer>\n%s</dict>\n", in2, in2,
                   in) <= 0 ||
        kv_string(out, in, "PayloadDescription", text) != 0 ||
        kv_string(out, in, "PayloadDisplayName", sp->user) != 0 ||
        kv_string(out, in, "PayloadIdentifier", sub) != 0 ||
        kv_string(out, in, "PayloadType", "com.apple.security.scep") != 0 ||
        kv_string(out, in, "PayloadUUID", uuid) != 0 ||
        BIO_printf(out, "%s<key>PayloadVersion</key>\n%s<integer>1</integer>\n\t\t</dict>\n", in,
                   in) <= 0)
        return -1;
    return 0;
}

int lk_mobileconfig_scep_build(BIO *out, const struct lk_scep_profile *sp)
{
    char ident[LK_CN_MAX + 64];
    snprintf(ident, sizeof ident, "org.latchkey.%s", sp->user);
    /* The CA first: the device trusts it before it asks for its certificate. */
    if (profile_head(
            out, "Written by latchkey-certs scep: a Latchkey identity made on the device.") != 0 ||
        ca_payload(out, ident, sp->ca) != 0 || scep_payload(out, ident, sp) != 0 ||
        profile_tail(out, sp->user, ident,
                     "Makes this device's own key (it never leaves the device) and fetches its "
                     "Latchkey certificate once; installs the CA that vouches for the gateway.") !=
            0) {
        lk_err_ssl("cannot write the configuration profile");
        return -1;
    }
    return 0;
}
