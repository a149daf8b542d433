/* bundle.h - the texts of a device bundle: device.conf (paths relative to the bundle) and
 * latchkey_device_bundle.h (the same material as C data, for firmware builds without a
 * file system). The bundle verb reads the material and writes the files. */
#ifndef LK_CERTS_BUNDLE_H
#define LK_CERTS_BUNDLE_H

#include <stddef.h>

#include <openssl/bio.h>

/* The material of one device's bundle. */
struct lk_bundle_src {
    char site[33], door[33], host[256];
    long port;
    char *ca, *cert, *key, *hex; /* file contents */
    size_t ca_len, cert_len, key_len, hex_len;
    unsigned char pub[32];
    char *ack_key, *ack_hex; /* the device's Ed25519 ack key: PKCS#8 PEM, public hex */
    size_t ack_key_len, ack_hex_len;
};

/* Where the PKI keeps the state file's default in a bundle's device.conf (the systemd
 * unit's StateDirectory). */
#define LK_BUNDLE_STATE_FILE "/var/lib/latchkey-device/accept.state"
/* The simulated relay's log, in the same directory: the only one the unit lets it write. */
#define LK_BUNDLE_RELAY_LOG "/var/lib/latchkey-device/relay.log"

/* command.pub.hex (or an ack.pub.hex): exactly 64 lowercase hex digits and a newline, into
 * out. 0 or -1. */
int lk_bundle_pubkey_parse(const char *hex, size_t len, unsigned char out[32]);
/* Appends device.conf / latchkey_device_bundle.h of s to b. 0 or -1. */
int lk_bundle_conf_write(BIO *b, const struct lk_bundle_src *s);
int lk_bundle_header_write(BIO *b, const struct lk_bundle_src *s);

#endif
