/* mqtt_probe.h - why the broker connection fails, in words: Paho says only "TCP/TLS
 * connect failure" whether the broker is down, its certificate is not trusted, or it
 * refused the gateway's client certificate (an alert it sends after a TLS 1.3 handshake
 * that Paho reports as nothing). The probe makes one connection of its own with the same
 * CA, certificate and key (OpenSSL, bounded waits) and says which. Any thread. */
#ifndef GW_MQTT_PROBE_H
#define GW_MQTT_PROBE_H

#include <stddef.h>

#include "conf.h"

#define MQTT_PROBE_WAIT_MS 2000 /* each of connect, handshake and the wait for an alert */

/* One line into out: "cannot connect to HOST port P: Connection refused", "the broker's
 * certificate ...", "the broker refused the gateway's MQTT client certificate FILE (TLS
 * alert: unknown ca)", or "TLS works (the MQTT session itself was refused)". */
void mqtt_probe_explain(const struct conf *c, char *out, size_t cap);

#endif
