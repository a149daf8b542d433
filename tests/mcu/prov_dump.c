/* prov_dump.c - test tool: parses a provisioning blob file with the bare-metal device's
 * own parser (firmware/port/baremetal/src/provision.c) and prints its fields one per line
 * ("name=value", DER and keys as lowercase hex), so that a shell test can compare what the
 * device would read with the PKI it came from. Exit 0, or 1 with the parser's verdict.
 * usage: prov_dump FILE */
#include <stdio.h>
#include <string.h>

#include "provision.h"

static unsigned char area[LK_PROV_BLOB_MAX + 64];

static void hex(const char *name, const unsigned char *p, size_t n)
{
    size_t i;

    printf("%s=", name);
    for (i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    struct lkm_provision p;
    enum lkm_prov_status st;
    FILE *f;
    size_t n;

    if (argc != 2) {
        (void)fputs("usage: prov_dump FILE\n", stderr);
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    memset(area, 0xFF, sizeof area); /* erased flash after the blob */
    n = fread(area, 1, sizeof area, f);
    (void)fclose(f);
    st = lkm_provision_parse(area, sizeof area, &p);
    printf("status=%s\nsize=%zu\n", lkm_provision_status_name(st), n);
    if (st != LKM_PROV_OK)
        return 1;
    printf("site=%s\ndoor=%s\nbroker=%s:%u\n", p.site, p.door, p.broker_host,
           (unsigned)p.broker_port);
    hex("ca", p.ca.p, p.ca.len);
    hex("cert", p.cert.p, p.cert.len);
    hex("key", p.key.p, p.key.len);
    hex("cmd_pubkey", p.cmd_pubkey, sizeof p.cmd_pubkey);
    if (p.has_ack_seed)
        hex("ack_seed", p.ack_seed, sizeof p.ack_seed);
    printf("pulse_ms=%lu\ninterval_ms=%lu\ntime_floor=%lld\nwifi_ssid=%s\nwifi_pass=%s\n",
           (unsigned long)p.pulse_ms, (unsigned long)p.interval_ms, (long long)p.time_floor,
           p.wifi_ssid, p.wifi_pass);
    return 0;
}
