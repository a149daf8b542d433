/* at_modem.c - ESP-AT client (at_modem.h). Command mode is line based: every command
 * waits for its final line ("OK", or "ERROR" / "FAIL" / "SEND FAIL") within its own
 * time limit; other lines (echo, "WIFI CONNECTED", "CONNECT", ...) are skipped. */
#include "at_modem.h"

#include <string.h>

#include "board.h"
#include "latchkey/cmd_format.h"
#include "mcu_log.h"

#define AT_SYNC_TRIES 5
#define AT_SYNC_MS 500u
#define AT_CMD_MS 2000u
#define AT_JOIN_MS 20000u
#define AT_START_MS 15000u
#define AT_GUARD_MS 50u      /* silence before "+++" (ESP-AT: at least 20 ms) */
#define AT_ESCAPE_MS 1100u   /* after "+++" (ESP-AT: at least 1 s before the next command) */

static const char closed_pattern[] = "\r\nCLOSED\r\n";

void lkm_at_init(struct lkm_at *m)
{
    memset(m, 0, sizeof *m);
}

static void wait_step(void)
{
    board_watchdog_kick();
    board_idle();
}

static void drain_rx(void)
{
    uint8_t junk[64];

    while (board_link_read(junk, sizeof junk) > 0)
        ;
}

static int send_text(const char *s)
{
    return board_link_write((const uint8_t *)s, strlen(s));
}

enum at_result { AT_OK = 0, AT_FAIL = -1, AT_TIMEOUT = -2 };

/* Reads lines until a final one or ms pass. With want_prompt, after "OK" also waits
 * for the '>' prompt of AT+CIPSEND. */
static enum at_result wait_final(struct lkm_at *m, uint32_t ms, int want_prompt)
{
    uint32_t start = board_millis();
    int got_ok = 0;

    m->line_len = 0;
    while (board_millis() - start < ms) {
        uint8_t c;
        if (board_link_read(&c, 1) == 0) {
            wait_step();
            continue;
        }
        if (got_ok) {
            if (c == '>')
                return AT_OK;
            continue;
        }
        if (c == '\n') {
            m->line[m->line_len] = '\0';
            if (m->line_len > 0 && m->line[m->line_len - 1] == '\r')
                m->line[--m->line_len] = '\0';
            if (strcmp(m->line, "OK") == 0) {
                if (!want_prompt)
                    return AT_OK;
                got_ok = 1;
            } else if (strcmp(m->line, "ERROR") == 0 || strcmp(m->line, "FAIL") == 0 ||
                       strcmp(m->line, "SEND FAIL") == 0) {
                return AT_FAIL;
            }
            m->line_len = 0;
        } else if (m->line_len + 1 < sizeof m->line) {
            m->line[m->line_len++] = (char)c;
        }
    }
    return AT_TIMEOUT;
}

static int command(struct lkm_at *m, const char *cmd, uint32_t ms, int want_prompt)
{
    enum at_result r;

    if (send_text(cmd) != 0 || send_text("\r\n") != 0) {
        lkm_log("at: %s: the link UART does not transmit", cmd);
        return -1;
    }
    r = wait_final(m, ms, want_prompt);
    if (r != AT_OK)
        lkm_log("at: %s: %s", cmd, r == AT_FAIL ? "module answered ERROR/FAIL" : "no answer");
    return r == AT_OK ? 0 : -1;
}

/* Appends s as an ESP-AT string argument: quoted, with \ " and , escaped. */
static int append_quoted(char *out, size_t cap, size_t *len, const char *s)
{
    size_t n = *len;

    if (n + 1 >= cap)
        return -1;
    out[n++] = '"';
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"' || *s == ',') {
            if (n + 1 >= cap)
                return -1;
            out[n++] = '\\';
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = *s;
    }
    if (n + 1 >= cap)
        return -1;
    out[n++] = '"';
    out[n] = '\0';
    *len = n;
    return 0;
}

static int append_text(char *out, size_t cap, size_t *len, const char *s)
{
    size_t l = strlen(s);

    if (*len + l >= cap)
        return -1;
    memcpy(out + *len, s, l + 1);
    *len += l;
    return 0;
}

static int sync_module(struct lkm_at *m)
{
    int i;

    for (i = 0; i < AT_SYNC_TRIES; i++) {
        drain_rx();
        if (send_text("AT\r\n") != 0)
            return -1;
        if (wait_final(m, AT_SYNC_MS, 0) == AT_OK)
            return 0;
    }
    return -1;
}

/* "+++" alone, with silence on both sides, leaves transparent mode. If the module was
 * already in command mode, "+++" began a command line: end it, and let its ERROR go. */
static void escape(struct lkm_at *m)
{
    uint32_t start = board_millis();

    while (board_millis() - start < AT_GUARD_MS)
        wait_step();
    (void)send_text("+++");
    start = board_millis();
    while (board_millis() - start < AT_ESCAPE_MS)
        wait_step();
    (void)send_text("\r\n");
    (void)wait_final(m, AT_SYNC_MS, 0);
    drain_rx();
}

int lkm_at_connect(struct lkm_at *m, const struct lkm_at_target *t)
{
    char cmd[LKM_AT_LINE_MAX + 160];
    char port[8];
    size_t len = 0;

    lkm_at_disconnect(m);
    if (sync_module(m) != 0) {
        /* Still in transparent mode (a module that stays there after CLOSED): leave it. */
        escape(m);
        if (sync_module(m) != 0) {
            lkm_log("at: the module does not answer AT");
            return -1;
        }
    }
    if (command(m, "ATE0", AT_CMD_MS, 0) != 0)
        return -1;
    if (t->wifi_ssid != NULL && t->wifi_ssid[0] != '\0') {
        if (command(m, "AT+CWMODE=1", AT_CMD_MS, 0) != 0)
            return -1;
        if (append_text(cmd, sizeof cmd, &len, "AT+CWJAP=") != 0 ||
            append_quoted(cmd, sizeof cmd, &len, t->wifi_ssid) != 0 ||
            append_text(cmd, sizeof cmd, &len, ",") != 0 ||
            append_quoted(cmd, sizeof cmd, &len, t->wifi_pass != NULL ? t->wifi_pass : "") != 0 ||
            command(m, cmd, AT_JOIN_MS, 0) != 0)
            return -1;
    }
    if (command(m, "AT+CIPMUX=0", AT_CMD_MS, 0) != 0 || command(m, "AT+CIPMODE=1", AT_CMD_MS, 0) != 0)
        return -1;
    port[lk_i64_to_dec(t->port, port, sizeof port - 1)] = '\0';
    len = 0;
    if (append_text(cmd, sizeof cmd, &len, "AT+CIPSTART=\"TCP\",") != 0 ||
        append_quoted(cmd, sizeof cmd, &len, t->host) != 0 ||
        append_text(cmd, sizeof cmd, &len, ",") != 0 || append_text(cmd, sizeof cmd, &len, port) != 0 ||
        command(m, cmd, AT_START_MS, 0) != 0)
        return -1;
    /* From here the module holds a connection: a failure below must close it. */
    m->data_mode = 1;
    m->left_data = 0;
    if (command(m, "AT+CIPSEND", AT_CMD_MS, 1) != 0) {
        lkm_at_disconnect(m);
        return -1;
    }
    m->closed = 0;
    m->stage_len = 0;
    return 0;
}

void lkm_at_disconnect(struct lkm_at *m)
{
    if (!m->data_mode)
        return;
    /* After CLOSED the module is in command mode with nothing open: the 1.2 s escape
     * would only delay the reconnect. Otherwise leave transparent mode and close. */
    if (!m->left_data) {
        escape(m);
        if (send_text("AT+CIPCLOSE\r\n") == 0)
            (void)wait_final(m, AT_CMD_MS, 0); /* ERROR if it was already closed: fine */
    }
    m->data_mode = 0;
    m->closed = 1;
}

/* Length of the longest tail of b[0..n) that is a proper start of the CLOSED report. */
static size_t partial_tail(const uint8_t *b, size_t n)
{
    size_t k = sizeof closed_pattern - 2; /* proper: at most pattern length - 1 */

    for (; k > 0; k--)
        if (k <= n && memcmp(b + n - k, closed_pattern, k) == 0)
            return k;
    return 0;
}

/* Index of the complete CLOSED report in b[0..n), or n if there is none. */
static size_t find_closed(const uint8_t *b, size_t n)
{
    size_t plen = sizeof closed_pattern - 1, i;

    for (i = 0; i + plen <= n; i++)
        if (memcmp(b + i, closed_pattern, plen) == 0)
            return i;
    return n;
}

int32_t lkm_at_read(struct lkm_at *m, uint8_t *buf, size_t cap)
{
    size_t got, ready, at;

    if (!m->data_mode)
        return -1;
    if (!m->closed) {
        got = board_link_read(m->stage + m->stage_len, sizeof m->stage - m->stage_len);
        if (got > 0)
            m->stage_ms = board_millis();
        m->stage_len += got;
        at = find_closed(m->stage, m->stage_len);
        if (at < m->stage_len) {
            m->closed = 1;          /* what came before it is still delivered */
            m->left_data = 1;
            m->closes_seen++;
            m->stage_len = at;
        }
    }
    ready = m->stage_len;
    if (!m->closed && board_millis() - m->stage_ms < LKM_AT_HOLD_MS)
        ready -= partial_tail(m->stage, m->stage_len);
    if (ready > cap)
        ready = cap;
    if (ready == 0)
        return m->closed ? -1 : 0;
    memcpy(buf, m->stage, ready);
    memmove(m->stage, m->stage + ready, m->stage_len - ready);
    m->stage_len -= ready;
    return (int32_t)ready;
}

int lkm_at_write(struct lkm_at *m, const uint8_t *buf, size_t len)
{
    if (!m->data_mode || m->closed)
        return -1;
    if (board_link_write(buf, len) != 0) {
        m->closed = 1;
        return -1;
    }
    return 0;
}

int lkm_at_closed(const struct lkm_at *m)
{
    return m->closed;
}
