/* at_modem.h - the device's side of a Wi-Fi module running Espressif's ESP-AT firmware
 * (or any module speaking the same subset), on the board's link UART: join a network
 * (AT+CWJAP, optional), open one TCP connection (AT+CIPMUX=0, AT+CIPMODE=1,
 * AT+CIPSTART="TCP",...), enter transparent transmission (AT+CIPSEND, prompt '>'), leave it
 * ("+++" between guard times) and close (AT+CIPCLOSE). In transparent mode the module's
 * "CLOSED" report is the link-lost signal. Every step is bounded in time; waits kick the
 * watchdog. */
#ifndef LK_MCU_AT_MODEM_H
#define LK_MCU_AT_MODEM_H

#include <stddef.h>
#include <stdint.h>

#define LKM_AT_LINE_MAX 128u
#define LKM_AT_STAGE 64u
#define LKM_AT_HOLD_MS 20u  /* how long a possible start of "CLOSED" is held back */

struct lkm_at {
    uint8_t data_mode;  /* transparent transmission is on */
    uint8_t closed;     /* the module reported CLOSED, or the UART failed */
    uint8_t left_data;  /* the module reported CLOSED: ESP-AT then leaves transparent mode */
    char line[LKM_AT_LINE_MAX];
    size_t line_len;
    /* Transparent-mode bytes between the UART ring and TLS: the module's "\r\nCLOSED\r\n"
     * is taken out here, so TLS never sees it; bytes that may be its start wait up to
     * LKM_AT_HOLD_MS for the rest. */
    uint8_t stage[LKM_AT_STAGE];
    size_t stage_len;
    uint32_t stage_ms;
    uint32_t closes_seen;
};

struct lkm_at_target {
    const char *wifi_ssid;  /* "" or NULL: the module is already joined (or cellular) */
    const char *wifi_pass;
    const char *host;
    uint16_t port;
};

void lkm_at_init(struct lkm_at *m);

/* Opens the TCP connection and enters transparent mode. 0 on success, -1 (logged). */
int lkm_at_connect(struct lkm_at *m, const struct lkm_at_target *t);

/* Leaves transparent mode and closes the connection (bounded, about 1.2 s: the ESP-AT
 * guard time after "+++"); nothing to do after the module reported CLOSED, as it has left
 * transparent mode itself (a module that has not is escaped by the next lkm_at_connect
 * when it does not answer AT). Safe to call in any state. */
void lkm_at_disconnect(struct lkm_at *m);

/* Transparent mode I/O. read: bytes moved (0 if none), -1 once the link is closed and
 * nothing is left. write: 0, or -1 if the link is closed or the UART failed. */
int32_t lkm_at_read(struct lkm_at *m, uint8_t *buf, size_t cap);
int lkm_at_write(struct lkm_at *m, const uint8_t *buf, size_t len);

/* 1 once the module reported the connection closed. */
int lkm_at_closed(const struct lkm_at *m);

#endif
