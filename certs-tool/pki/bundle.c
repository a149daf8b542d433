/* bundle.c - the texts of a device bundle (bundle.h): device.conf and the C header
 * latchkey_device_bundle.h, from the device's material. */
#include "bundle.h"

#include <string.h>

#include <lkhost/hex.h>

#include "c_literal.h"

int lk_bundle_pubkey_parse(const char *hex, size_t len, unsigned char out[32])
{
    if (len != 65 || hex[64] != '\n')
        return -1;
    return lkh_hex_decode(hex, 64, out, 32, LKH_HEX_LOWER);
}

int lk_bundle_conf_write(BIO *b, const struct lk_bundle_src *s)
{
    char hex[65];
    memcpy(hex, s->hex, 64);
    hex[64] = '\0';
    return BIO_printf(
               b,
               "; Written by latchkey-certs bundle: the device %s/%s. Paths are relative to\n"
               "; this file's directory.\n"
               "[broker]\nhost = %s\nport = %ld\nca = ca.crt\ncert = device.crt\nkey = "
               "device.key\n\n"
               "[device]\nsite = %s\ndoor = %s\ncommand_pubkey = %s\n"
               "; This device's own key: it signs every ack (the gateway's [door %s]\n"
               "; ack_pubkey is ack.pub.hex).\nack_key = ack.key\n"
               "; The accepted commands' ids, so that a restart cannot reopen a command's\n"
               "; window; must be writable by the device's user.\nstate_file = %s\n\n"
               "[relay]\nbackend = sim\nsim_log = %s\npulse_ms = 500\n",
               s->site, s->door, s->host, s->port, s->site, s->door, hex, s->door,
               LK_BUNDLE_STATE_FILE, LK_BUNDLE_RELAY_LOG) > 0
               ? 0
               : -1;
}

static int pem_var(BIO *b, const char *name, const char *pem, size_t len)
{
    if (BIO_printf(b, "static const char %s[] LATCHKEY_BUNDLE_UNUSED =\n", name) <= 0 ||
        lk_c_string_literal(b, pem, len, "    ") != 0 || BIO_puts(b, ";\n\n") <= 0)
        return -1;
    return 0;
}

int lk_bundle_header_write(BIO *b, const struct lk_bundle_src *s)
{
    int i;
    if (BIO_printf(
            b,
            "/* latchkey_device_bundle.h - written by latchkey-certs bundle for the device %s/%s.\n"
            " *\n"
            " * For firmware builds without a file system: the same material as device.conf, "
            "ca.crt,\n"
            " * device.crt, device.key, ack.key and command.pub.hex next to it, as C data. Include "
            "it in ONE\n"
            " * source file of the firmware and hand the values to the port:\n"
            " *   LATCHKEY_BUNDLE_BROKER_HOST / _PORT   where the broker is (host is checked "
            "against\n"
            " *                                         the broker's certificate)\n"
            " *   LATCHKEY_BUNDLE_SITE / _DOOR          this device's identity (its MQTT topics)\n"
            " *   LATCHKEY_BUNDLE_CLIENT_ID             its MQTT client id\n"
            " *   latchkey_bundle_command_pubkey        the gateway's Ed25519 public key (32 "
            "bytes)\n"
            " *   latchkey_bundle_ca_pem                CA certificate that the broker's chains "
            "to\n"
            " *   latchkey_bundle_cert_pem / _key_pem   the device's client certificate and key\n"
            " *   latchkey_bundle_ack_key_pem           the device's Ed25519 key that signs its "
            "acks\n"
            " * The PEM strings are NUL-terminated; sizeof - 1 is their length.\n"
            " * It holds the device's PRIVATE KEYS: keep it out of version control and build logs. "
            "*/\n"
            "#ifndef LATCHKEY_DEVICE_BUNDLE_H\n#define LATCHKEY_DEVICE_BUNDLE_H\n\n"
            "#if defined(__GNUC__) || defined(__clang__)\n"
            "#define LATCHKEY_BUNDLE_UNUSED __attribute__((unused))\n#else\n#define "
            "LATCHKEY_BUNDLE_UNUSED\n#endif\n\n"
            "#define LATCHKEY_BUNDLE_BROKER_HOST \"%s\"\n"
            "#define LATCHKEY_BUNDLE_BROKER_PORT %ld\n"
            "#define LATCHKEY_BUNDLE_SITE \"%s\"\n"
            "#define LATCHKEY_BUNDLE_DOOR \"%s\"\n"
            "#define LATCHKEY_BUNDLE_CLIENT_ID \"latchkey-%s-%s\"\n\n"
            "static const unsigned char latchkey_bundle_command_pubkey[32] LATCHKEY_BUNDLE_UNUSED "
            "= {",
            s->site, s->door, s->host, s->port, s->site, s->door, s->site, s->door) <= 0)
        return -1;
    for (i = 0; i < 32; i++)
        if (BIO_printf(b, "%s0x%02x%s", i % 8 == 0 ? "\n    " : " ", s->pub[i], i < 31 ? "," : "\n") <= 0)
            return -1;
    if (BIO_puts(b, "};\n\n") <= 0 || pem_var(b, "latchkey_bundle_ca_pem", s->ca, s->ca_len) != 0 ||
        pem_var(b, "latchkey_bundle_cert_pem", s->cert, s->cert_len) != 0 ||
        pem_var(b, "latchkey_bundle_key_pem", s->key, s->key_len) != 0 ||
        pem_var(b, "latchkey_bundle_ack_key_pem", s->ack_key, s->ack_key_len) != 0 ||
        BIO_puts(b, "#endif /* LATCHKEY_DEVICE_BUNDLE_H */\n") <= 0)
        return -1;
    return 0;
}
