/* port.h - what the portable firmware core needs from the board it runs on.
 * The core never calls the OS or libc I/O: a port (firmware/port/posix for Linux and the
 * Raspberry Pi; firmware/port/baremetal) fills these two structs and hands them in. */
#ifndef LK_PORT_H
#define LK_PORT_H

#include <stddef.h>
#include <stdint.h>

/* A byte stream to the broker (TLS in practice). Both calls are non-blocking:
 * return the number of bytes moved (> 0), 0 if nothing can move now, or < 0 if the
 * connection failed or closed (the client then reconnects through connect()). */
struct lk_transport {
    void *ctx;
    int32_t (*send)(void *ctx, const uint8_t *buf, size_t len);
    int32_t (*recv)(void *ctx, uint8_t *buf, size_t len);
};

/* Board services. Every pointer must be set, except those marked optional. */
struct lk_platform {
    void *ctx;
    /* Monotonic milliseconds (wraps; the core uses differences only). */
    uint32_t (*millis)(void *ctx);
    /* Wall-clock UNIX seconds, for the command time window. */
    int64_t (*unix_time)(void *ctx);
    /* Fills out with len bytes from a cryptographic RNG; 0 on success. */
    int (*random)(void *ctx, uint8_t *out, size_t len);
    /* 1 if sig is a valid Ed25519 signature of msg by pub, 0 otherwise. */
    int (*ed25519_verify)(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                          const uint8_t sig[64]);
    /* Drives the relay output: on != 0 energises it. Must not fail silently: the port
     * logs and keeps the output off if it cannot drive it. */
    void (*relay_set)(void *ctx, int on);
    /* Signs msg with the device's own Ed25519 ack key (docs/protocol.md "The signed ack");
     * the key stays in the port (a file, flash, a secure element). 0 on success. Optional:
     * NULL, or a failure, sends the ack unsigned, which the gateway never confirms. */
    int (*ed25519_sign)(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64]);
    /* Called for an accepted command before the relay moves: its id and exp and the wall
     * time of the acceptance. The port makes what it needs durable so that a restart
     * cannot reopen the command's window (docs/protocol.md "After a restart"): the ids
     * with their exp, given back with lk_device_remember at the next start, or the time,
     * from which the next start's not-before follows (lk_device_trust_time). 0 once
     * durable; non-zero refuses the command ("fault"). Optional: NULL persists nothing. */
    int (*accept_record)(void *ctx, const char *id, int64_t exp, int64_t now);
    /* Reads the door contact (door_sensor.h): 1 open, 0 closed, < 0 no reading now. Must
     * not block; the core debounces it. Optional: NULL, the device has no door sensor. */
    int (*door_read)(void *ctx);
    /* Makes t, the time of the last accepted signed time beacon, durable as the
     * high-water mark that a beacon may never go below (docs/protocol.md "Time beacon");
     * called at most once per LK_TIME_PERSIST_MS (flash wear). 0 once durable. Optional:
     * NULL keeps the mark in RAM only (a port with its own persisted floor). */
    int (*time_persist)(void *ctx, int64_t t);
};

#endif
