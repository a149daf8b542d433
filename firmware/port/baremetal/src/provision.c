/* provision.c - strict parser of the provisioning blob (provision.h); its layout is
 * common/include/latchkey/prov_blob.h, which the writer (latchkey-certs) shares. */
#include "provision.h"

#include <string.h>

#include <lk/config_defaults.h>

static uint32_t le(const uint8_t *p, size_t n)
{
    uint32_t v = 0;

    while (n-- > 0)
        v = (v << 8) | p[n];
    return v;
}

const char *lkm_provision_status_name(enum lkm_prov_status s)
{
    switch (s) {
    case LKM_PROV_OK: return "ok";
    case LKM_PROV_EMPTY: return "not provisioned";
    case LKM_PROV_BAD_HEADER: return "bad header";
    case LKM_PROV_BAD_CRC: return "CRC mismatch";
    case LKM_PROV_BAD_RECORD: return "bad record";
    case LKM_PROV_MISSING: return "required field missing";
    }
    return "bad header";
}

/* Printable ASCII text without NUL of 1..max bytes, copied NUL-terminated. */
static int copy_text(char *dst, size_t max, const uint8_t *v, size_t len)
{
    size_t i;

    if (len == 0 || len > max)
        return 0;
    for (i = 0; i < len; i++)
        if (v[i] < 0x20u || v[i] > 0x7Eu)
            return 0;
    memcpy(dst, v, len);
    dst[len] = '\0';
    return 1;
}

/* A DNS name: labels of [A-Za-z0-9-], dots between, no empty label. */
static int host_valid(const char *h)
{
    size_t label = 0;

    for (; *h != '\0'; h++) {
        char c = *h;
        if (c == '.') {
            if (label == 0)
                return 0;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-') {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return label > 0;
}

static int take_record(struct lkm_provision *o, unsigned tag, const uint8_t *v, size_t len)
{
    switch (tag) {
    case LK_PROV_TAG_SITE:
        return copy_text(o->site, LK_NAME_MAX, v, len) && lk_name_valid(o->site, len);
    case LK_PROV_TAG_DOOR:
        return copy_text(o->door, LK_NAME_MAX, v, len) && lk_name_valid(o->door, len);
    case LK_PROV_TAG_BROKER_HOST:
        return copy_text(o->broker_host, LK_PROV_HOST_MAX, v, len) && host_valid(o->broker_host);
    case LK_PROV_TAG_BROKER_PORT:
        if (len != 2)
            return 0;
        o->broker_port = (uint16_t)le(v, 2);
        return o->broker_port != 0;
    case LK_PROV_TAG_CA_DER:
    case LK_PROV_TAG_CERT_DER:
    case LK_PROV_TAG_KEY_DER: {
        struct lkm_der *d = tag == LK_PROV_TAG_CA_DER     ? &o->ca
                            : tag == LK_PROV_TAG_CERT_DER ? &o->cert
                                                          : &o->key;
        d->p = v;
        d->len = len;
        return len > 0 && len <= LK_PROV_DER_MAX && v[0] == 0x30u; /* a DER SEQUENCE */
    }
    case LK_PROV_TAG_CMD_PUBKEY:
        if (len != LK_PUBKEY_LEN)
            return 0;
        memcpy(o->cmd_pubkey, v, len);
        return 1;
    case LK_PROV_TAG_PULSE_MS:
        if (len != 4)
            return 0;
        o->pulse_ms = le(v, 4);
        return 1;
    case LK_PROV_TAG_INTERVAL_MS:
        if (len != 4)
            return 0;
        o->interval_ms = le(v, 4);
        return 1;
    case LK_PROV_TAG_KEEPALIVE_S:
        if (len != 2)
            return 0;
        o->keepalive_s = (uint16_t)le(v, 2);
        return 1;
    case LK_PROV_TAG_WIFI_SSID: return copy_text(o->wifi_ssid, LK_PROV_WIFI_MAX, v, len);
    case LK_PROV_TAG_WIFI_PASS: return copy_text(o->wifi_pass, LK_PROV_WIFI_MAX, v, len);
    case LK_PROV_TAG_TIME_FLOOR:
        if (len != 8)
            return 0;
        o->time_floor = (int64_t)((uint64_t)le(v, 4) | (uint64_t)le(v + 4, 4) << 32);
        return o->time_floor > 0;
    case LK_PROV_TAG_ACK_SEED:
        if (len != sizeof o->ack_seed)
            return 0;
        memcpy(o->ack_seed, v, len);
        o->has_ack_seed = 1;
        return 1;
    default:
        return 0;
    }
}

#define REQUIRED                                                                                   \
    ((1u << LK_PROV_TAG_SITE) | (1u << LK_PROV_TAG_DOOR) | (1u << LK_PROV_TAG_BROKER_HOST) |       \
     (1u << LK_PROV_TAG_BROKER_PORT) | (1u << LK_PROV_TAG_CA_DER) | (1u << LK_PROV_TAG_CERT_DER) | \
     (1u << LK_PROV_TAG_KEY_DER) | (1u << LK_PROV_TAG_CMD_PUBKEY) |                                \
     (1u << LK_PROV_TAG_TIME_FLOOR))

enum lkm_prov_status lkm_provision_parse(const uint8_t *area, size_t len,
                                         struct lkm_provision *out)
{
    size_t total, pos;
    uint32_t count, i, seen = 0;

    memset(out, 0, sizeof *out);
    out->interval_ms = LK_RELAY_DEFAULT_INTERVAL_MS; /* the Linux device's default too */
    if (len < LK_PROV_HEADER + 4 || memcmp(area, LK_PROV_MAGIC, 4) != 0)
        return LKM_PROV_EMPTY;
    total = le(area + 8, 4);
    count = le(area + 6, 2);
    if (le(area + 4, 2) != LK_PROV_VERSION || total < LK_PROV_HEADER + 4 || total > len)
        return LKM_PROV_BAD_HEADER;
    if (lk_prov_crc32(area, total - 4) != le(area + total - 4, 4))
        return LKM_PROV_BAD_CRC;
    pos = LK_PROV_HEADER;
    for (i = 0; i < count; i++) {
        unsigned tag;
        size_t rlen;

        if (total - 4 - pos < 4)
            return LKM_PROV_BAD_RECORD;
        tag = area[pos];
        rlen = le(area + pos + 2, 2);
        if (area[pos + 1] != 0 || tag == 0 || tag > LK_PROV_TAG_LAST || (seen & (1u << tag)) != 0 ||
            rlen > total - 4 - pos - 4)
            return LKM_PROV_BAD_RECORD;
        if (!take_record(out, tag, area + pos + 4, rlen))
            return LKM_PROV_BAD_RECORD;
        seen |= 1u << tag;
        pos += 4 + rlen;
    }
    if (pos != total - 4)
        return LKM_PROV_BAD_RECORD;
    if ((seen & REQUIRED) != REQUIRED)
        return LKM_PROV_MISSING;
    return LKM_PROV_OK;
}
