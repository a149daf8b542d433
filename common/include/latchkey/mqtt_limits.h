/* mqtt_limits.h - the size bounds of Latchkey's MQTT traffic (docs/protocol.md, "Sizes"):
 * what the broker accepts (broker-config's max_packet_size) and what the gateway parses.
 * The largest real payloads: a command <= 1024 bytes (the device refuses longer ones,
 * LK_CMD_PAYLOAD_MAX; a real one is ~400), a Home Assistant discovery config <= 800
 * (LK_HA_MSG_MAX; 741 with the longest names), an ack or state <= 192 (LK_DEVICE_MSG_MAX).
 * The longest topic is a discovery config's, < 180 bytes. */
#ifndef LATCHKEY_MQTT_LIMITS_H
#define LATCHKEY_MQTT_LIMITS_H

/* The largest payload any Latchkey topic carries; the gateway drops a longer inbound one
 * before parsing it. Room for a signed ack (an Ed25519 signature is 86 base64url bytes). */
#define LK_MQTT_PAYLOAD_MAX 1024

/* The broker's max_packet_size: a whole PUBLISH (fixed header <= 5, topic <= 2 + 180,
 * packet id 2, payload <= LK_MQTT_PAYLOAD_MAX) with room to spare. A client sending a
 * larger packet is disconnected by the broker. */
#define LK_MQTT_PACKET_MAX 2048

#endif
