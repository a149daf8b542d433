/* fake_net.h - test doubles for the firmware core: an in-memory transport (bytes the
 * "broker" sends to the device, bytes the device sent) and a platform with a settable
 * clock, a fixed RNG and a relay recorder. */
#ifndef FW_FAKE_NET_H
#define FW_FAKE_NET_H

#include <stddef.h>
#include <stdint.h>

#include "lk/port.h"

#define FAKE_BUF 16384

struct fake_net {
    /* transport */
    uint8_t to_dev[FAKE_BUF];
    size_t to_dev_len, to_dev_pos;
    uint8_t from_dev[FAKE_BUF];
    size_t from_dev_len, from_dev_read;
    size_t send_limit;     /* max bytes per send call, 0 = no limit */
    size_t recv_limit;     /* max bytes per recv call, 0 = no limit */
    int send_blocked;      /* send returns 0 */
    int fail;              /* send and recv return -1 */
    /* platform */
    uint32_t now_ms;
    int64_t unix_now;
    uint8_t rnd_byte;      /* random() fills with this */
    int relay_on;
    unsigned relay_on_count, relay_off_count, relay_calls;
    int (*verify)(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64]);
    /* ed25519_sign: NULL fails (the ack goes unsigned) */
    int (*sign)(const uint8_t *msg, size_t len, uint8_t sig[64]);
    /* accept_record: how often, the last time given, the relay's state at that moment,
     * and whether it fails */
    unsigned accepts;
    int64_t accepted_at, accepted_exp;
    char accepted_id[33];
    int relay_on_at_accept;
    int accept_fail;

    struct lk_transport tr;
    struct lk_platform plat;
};

void fake_init(struct fake_net *f);
/* Queues bytes for the device to receive. */
void fake_inject(struct fake_net *f, const uint8_t *p, size_t n);
/* Queues one PUBLISH (packet_id only for qos > 0). Returns its size, 0 if it could not be
 * encoded (nothing queued). */
size_t fake_inject_publish(struct fake_net *f, const char *topic, const char *payload,
                           uint8_t qos, uint8_t retain, uint16_t packet_id);
/* Next complete packet the device sent (after the last one returned): 1 and sets
 * pkt and len, or 0 if none. */
int fake_next_sent(struct fake_net *f, const uint8_t **pkt, size_t *len);
/* Drops everything sent so far. */
void fake_clear_sent(struct fake_net *f);

#endif
