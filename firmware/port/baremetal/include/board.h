/* board.h - the seam between the bare-metal device (firmware/port/baremetal) and one
 * board. A board file (boards/<name>/) implements every function here; nothing above this
 * header touches a register. Single core, no OS: "interrupt" below means the board's own
 * interrupt handlers, which share data with the main loop only through these calls.
 *
 * Safety duties of every board:
 *   - the relay output is off from reset until board_relay_set(1, ...) is called;
 *   - board_relay_set(1, max_on_ms) arms a hardware timer that switches the output off
 *     after max_on_ms even if the main loop never runs again;
 *   - board_watchdog_start() arms an independent watchdog that resets the part (relay off)
 *     when board_watchdog_kick() is not called in time. */
#ifndef LK_MCU_BOARD_H
#define LK_MCU_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Clocks, console, link UART (receiver on, RX interrupt on), relay output off, hardware
 * relay timer, entropy source. Called once, first thing in main(). 0 on success. */
int board_init(void);

/* Human-readable board name for the boot log. */
const char *board_name(void);

/* Monotonic milliseconds since reset (wraps after ~49 days; callers use differences). */
uint32_t board_millis(void);

/* Sleeps until the next interrupt (at most ~1 ms: the millisecond tick is one). */
void board_idle(void);

/* CPU time in microseconds since board_init, without the time asleep in board_idle: what
 * an operation costs (under QEMU -icount shift=0, one microsecond is 1000 instructions;
 * on a part, microseconds times its clock in MHz are cycles). */
uint64_t board_busy_us(void);

/* Diagnostic console (not the link). Blocking, bounded by the UART's speed. */
void board_console_write(const char *s, size_t len);

/* --- the byte link to the network module (a UART) --- */

/* Moves up to cap received bytes from the interrupt-fed ring into buf; returns the count
 * (0 if none). Never blocks. */
size_t board_link_read(uint8_t *buf, size_t cap);

/* Sends len bytes; returns 0, or -1 if the transmitter did not take a byte within
 * LK_BOARD_TX_TIMEOUT_MS (a wedged UART). */
int board_link_write(const uint8_t *buf, size_t len);
#define LK_BOARD_TX_TIMEOUT_MS 100u

/* Bytes the RX interrupt dropped because the ring was full (0 in normal operation). */
uint32_t board_link_rx_dropped(void);

/* --- the relay --- */

/* on != 0: energise the output and arm the hardware timer to de-energise it after
 * max_on_ms (the core's pulse plus a margin); on == 0: de-energise and disarm. */
void board_relay_set(int on, uint32_t max_on_ms);

/* 1 while the output is energised (read back from the output register). */
int board_relay_is_on(void);

/* How many times the hardware timer, not the main loop, ended a pulse. */
uint32_t board_relay_hw_cuts(void);

/* --- watchdog --- */

/* Arms the watchdog with the given timeout; it cannot be stopped afterwards. 0 on
 * success, -1 if the board has none (the boot log then says so). */
int board_watchdog_start(uint32_t timeout_ms);
void board_watchdog_kick(void);

/* --- entropy --- */

/* Fills out with len bytes from the board's entropy source (TRNG); 0 on success, -1 if
 * the source failed (the caller then refuses to run TLS). */
int board_entropy(uint8_t *out, size_t len);

/* Where the entropy comes from, for the boot log (e.g. "TRNG"). */
const char *board_entropy_source(void);

/* --- flash areas --- */

/* The provisioning area written at flashing time (read-only at run time); *len is its size. */
const uint8_t *board_provision_area(size_t *len);

/* A small persisted record (the trusted-time high-water mark). read: 0 and len bytes, or
 * -1 if nothing valid was ever written. write: 0 once the bytes are durable. len is at
 * most LK_BOARD_PERSIST_MAX. */
#define LK_BOARD_PERSIST_MAX 64u
int board_persist_read(uint8_t *buf, size_t len);
int board_persist_write(const uint8_t *buf, size_t len);

/* --- end of run --- */

/* Relay off, then stops: an emulator exits with status, a real part resets. */
void board_halt(int status) __attribute__((noreturn));

/* Test images only (LK_MCU_TEST_CLOCK): the host's wall clock in UNIX seconds, or -1. A
 * real board has no such source; the shipped image never calls it. */
int64_t board_test_host_time(void);

#endif
