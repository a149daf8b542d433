/* tcp_nodelay.h - turns Nagle's algorithm off on the gateway's connection to the broker.
 * Paho MQTT C 1.3.12 never sets TCP_NODELAY on its socket and its API does not expose the
 * socket. With Nagle on, a command published right after the gateway acknowledged an
 * incoming message (its PUBACK not yet ACKed by the broker's kernel, which delays ACKs)
 * waits for that delayed ACK: up to 40 ms on Linux, on the path of every tap. */
#ifndef GW_TCP_NODELAY_H
#define GW_TCP_NODELAY_H

/* Sets TCP_NODELAY on every TCP socket of this process whose peer port is port. Returns how
 * many sockets it set (0: none found), or -1 if the process's descriptors cannot be read. */
int tcp_nodelay_to_port(int port);

/* The port of an MQTT URI ("ssl://host:8883", "mqtts://[::1]:8883"), or -1. */
int tcp_nodelay_uri_port(const char *uri);

#endif
