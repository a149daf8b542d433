/* board_mps2_an386.c - board.h for QEMU's mps2-an386 (Arm MPS2 + AN386, Cortex-M4):
 *   console  UART0 (polled TX)
 *   link     UART1, RX interrupt into a 4 KiB ring (INTCLEAR before draining: a byte that
 *            lands between a late clear and the drain would never raise the IRQ again)
 *   clock    APB timer 1 free-running at 25 MHz, read on demand (counting SysTick
 *            interrupts loses time whenever one is served late); SysTick's 1 ms
 *            interrupt only wakes the idle loop and keeps the count from wrapping
 *   relay    FPGAIO LED0; APB timer 0 switches it off at max_on_ms from its own interrupt
 *   watchdog CMSDK APB watchdog: NMI (relay off) at the first time-out, reset at the second
 *   entropy  QEMU models no TRNG on this board: the host's /dev/urandom, read through
 *            semihosting. A real part uses its TRNG peripheral here.
 *   flash    provisioning area at 0x000F0000 (linker script; loaded by the flasher or
 *            QEMU's -device loader). The persisted record lives in a host file through
 *            semihosting, because QEMU's "flash" is RAM that a power cycle (QEMU restart)
 *            loses; a real part writes a flash sector. */
#include <string.h>

#include "board.h"
#include "link_ring.h"
#include "mps2_an386.h"
#include "semihost.h"

#define UART_BAUDDIV_115200 (MPS2_SYSCLK_HZ / 115200u)
#define PERSIST_FILE "latchkey-persist.bin"  /* relative to QEMU's working directory */
#define PERSIST_MAGIC 0x4C4B5031u             /* "LKP1" */

extern const uint8_t __lk_provision_start[];  /* mps2_an386.ld */
extern const uint8_t __lk_provision_end[];

static volatile uint32_t ms_ticks;    /* board_millis(), kept by clock_update() */
static uint32_t clock_last;           /* timer 1 value at the last update */
static uint32_t clock_frac;           /* timer ticks not yet a whole millisecond */
static uint64_t clock_total;          /* timer ticks since board_init */
static uint64_t idle_total;           /* of those, asleep in board_idle */
static volatile uint32_t relay_hw_cuts;
static int entropy_fd = -1;
static int watchdog_on;

const char *board_name(void) { return "qemu mps2-an386 (Cortex-M4)"; }

static void uart_init(uint32_t base, uint32_t ctrl)
{
    UART_CTRL(base) = 0;
    UART_BAUDDIV(base) = UART_BAUDDIV_115200;
    UART_INT(base) = 0xFu;
    UART_CTRL(base) = ctrl;
}

static void relay_off_now(void)
{
    MPS2_FPGAIO_LED &= ~MPS2_RELAY_BIT;
}

static void relay_timer_stop(void)
{
    TIMER_CTRL(MPS2_TIMER0) = 0;
    TIMER_INT(MPS2_TIMER0) = 1u;
}

int board_init(void)
{
    relay_off_now();
    relay_timer_stop();

    uart_init(MPS2_UART0, UART_CTRL_TXEN);
    uart_init(MPS2_UART1, UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_RXINTEN);

    /* The relay cut-off outranks the link: priority 0 (highest) vs 64. */
    NVIC_IPR_BYTE(MPS2_IRQ_TIMER0) = 0x00u;
    NVIC_IPR_BYTE(MPS2_IRQ_UART1_RX) = 0x40u;
    NVIC_ISER0 = (1u << MPS2_IRQ_TIMER0) | (1u << MPS2_IRQ_UART1_RX);

    TIMER_CTRL(MPS2_TIMER1) = 0;
    TIMER_RELOAD(MPS2_TIMER1) = 0xFFFFFFFFu;
    TIMER_VALUE(MPS2_TIMER1) = 0xFFFFFFFFu;
    clock_last = 0xFFFFFFFFu;
    TIMER_CTRL(MPS2_TIMER1) = TIMER_CTRL_EN;

    SYST_RVR = MPS2_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;

    entropy_fd = sh_open("/dev/urandom", SH_MODE_RB);
    return entropy_fd >= 0 ? 0 : -1;
}

/* Adds the timer ticks since the last call (the counter counts down and wraps after
 * 171 s; SysTick calls this every millisecond). Caller masks interrupts. */
static void clock_update(void)
{
    uint32_t now = TIMER_VALUE(MPS2_TIMER1);
    uint32_t ticks = clock_last - now + clock_frac;

    clock_total += clock_last - now;
    clock_last = now;
    ms_ticks = ms_ticks + ticks / (MPS2_SYSCLK_HZ / 1000u);
    clock_frac = ticks % (MPS2_SYSCLK_HZ / 1000u);
}

uint32_t board_millis(void)
{
    uint32_t ms, primask;

    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
    clock_update();
    ms = ms_ticks;
    __asm__ volatile("msr primask, %0" :: "r"(primask) : "memory");
    return ms;
}

/* WFI with interrupts masked still wakes on one; the handler runs after the second timer
 * read, so its time counts as busy, not idle. */
void board_idle(void)
{
    uint32_t primask, t0, t1;

    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    t0 = TIMER_VALUE(MPS2_TIMER1);
    __asm__ volatile("wfi" ::: "memory");
    t1 = TIMER_VALUE(MPS2_TIMER1);
    idle_total += t0 - t1; /* a down-counter */
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

uint64_t board_busy_us(void)
{
    uint32_t primask;
    uint64_t busy;

    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    clock_update();
    busy = clock_total - idle_total;
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return busy / (MPS2_SYSCLK_HZ / 1000000u);
}

void SysTick_Handler(void);
void SysTick_Handler(void) { clock_update(); }

/* Polled transmit of len bytes; -1 if the UART did not take a byte in time. */
static int uart_write(uint32_t base, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        uint32_t start = ms_ticks;
        while ((UART_STATE(base) & UART_STATE_TXFULL) != 0u)
            /* cppcheck-suppress duplicateExpression ; ms_ticks is volatile (SysTick) */
            /* cppcheck-suppress unsignedLessThanZero ; the same volatile read */
            if (ms_ticks - start > LK_BOARD_TX_TIMEOUT_MS)
                return -1;
        UART_DATA(base) = buf[i];
    }
    return 0;
}

void board_console_write(const char *s, size_t len)
{
    (void)uart_write(MPS2_UART0, (const uint8_t *)s, len);
}

/* --- link --- */

void UART1_RX_Handler(void);
void UART1_RX_Handler(void)
{
    UART_INT(MPS2_UART1) = UART_INT_RX;  /* clear first, then drain */
    while ((UART_STATE(MPS2_UART1) & UART_STATE_RXFULL) != 0u) {
        lkm_link_ring_push((uint8_t)UART_DATA(MPS2_UART1));
    }
}

size_t board_link_read(uint8_t *buf, size_t cap)
{
    return lkm_link_ring_read(buf, cap);
}

int board_link_write(const uint8_t *buf, size_t len)
{
    return uart_write(MPS2_UART1, buf, len);
}

uint32_t board_link_rx_dropped(void)
{
    return lkm_link_ring_dropped();
}

/* --- relay --- */

void TIMER0_Handler(void);
void TIMER0_Handler(void)
{
    relay_off_now();
    relay_timer_stop();
    relay_hw_cuts = relay_hw_cuts + 1u;
}

void board_relay_set(int on, uint32_t max_on_ms)
{
    if (!on || max_on_ms == 0u) {
        relay_off_now();
        relay_timer_stop();
        return;
    }
    if (max_on_ms > 60000u)
        max_on_ms = 60000u;  /* 1.5e9 ticks: inside the 32-bit counter */
    /* Arm the cut-off before energising: the output is never on without it. */
    relay_timer_stop();
    TIMER_RELOAD(MPS2_TIMER0) = max_on_ms * (MPS2_SYSCLK_HZ / 1000u);
    TIMER_VALUE(MPS2_TIMER0) = max_on_ms * (MPS2_SYSCLK_HZ / 1000u);
    TIMER_CTRL(MPS2_TIMER0) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
    MPS2_FPGAIO_LED |= MPS2_RELAY_BIT;
}

int board_relay_is_on(void) { return (MPS2_FPGAIO_LED & MPS2_RELAY_BIT) != 0u; }

uint32_t board_relay_hw_cuts(void) { return relay_hw_cuts; }

/* --- watchdog --- */

void NMI_Handler(void);
void NMI_Handler(void)
{
    /* First watchdog time-out: the main loop is stuck. Relay off now; the interrupt is
     * left pending so the second time-out resets the part. */
    relay_off_now();
    for (;;)
        ;
}

int board_watchdog_start(uint32_t timeout_ms)
{
    /* Interrupt after LOAD ticks, reset after LOAD more: half the timeout each. */
    uint32_t half = timeout_ms / 2u;

    if (half == 0u || half > 60000u)
        return -1;
    WDOG_LOCK = WDOG_UNLOCK_KEY;
    WDOG_LOAD = half * (MPS2_SYSCLK_HZ / 1000u);
    WDOG_CTRL = WDOG_CTRL_INTEN | WDOG_CTRL_RESEN;
    WDOG_LOCK = 0;
    watchdog_on = 1;
    return 0;
}

void board_watchdog_kick(void)
{
    if (!watchdog_on)
        return;
    WDOG_LOCK = WDOG_UNLOCK_KEY;
    WDOG_INTCLR = 1u;  /* clears the interrupt and reloads the counter */
    WDOG_LOCK = 0;
}

/* --- entropy --- */

int board_entropy(uint8_t *out, size_t len)
{
    if (entropy_fd < 0 || sh_read(entropy_fd, out, len) != 0)
        return -1;
    return 0;
}

const char *board_entropy_source(void)
{
    return "host /dev/urandom via semihosting (QEMU models no TRNG on this board)";
}

/* --- flash areas --- */

const uint8_t *board_provision_area(size_t *len)
{
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    *len = (size_t)(__lk_provision_end - __lk_provision_start);
    return __lk_provision_start;
}

/* Record in the host file: magic, length, bytes, a simple sum of them (torn writes). */
static uint32_t persist_sum(const uint8_t *b, size_t n)
{
    uint32_t s = PERSIST_MAGIC;
    size_t i;

    for (i = 0; i < n; i++)
        s = s * 31u + b[i];
    return s;
}

int board_persist_read(uint8_t *buf, size_t len)
{
    uint8_t rec[8 + LK_BOARD_PERSIST_MAX + 4];
    uint32_t magic, n, sum;
    int fd;

    if (len > LK_BOARD_PERSIST_MAX)
        return -1;
    fd = sh_open(PERSIST_FILE, SH_MODE_RB);
    if (fd < 0)
        return -1;
    if (sh_read(fd, rec, 8 + len + 4) != 0) {
        (void)sh_close(fd);
        return -1;
    }
    (void)sh_close(fd);
    memcpy(&magic, rec, 4);
    memcpy(&n, rec + 4, 4);
    memcpy(&sum, rec + 8 + len, 4);
    if (magic != PERSIST_MAGIC || n != len || sum != persist_sum(rec + 8, len))
        return -1;
    memcpy(buf, rec + 8, len);
    return 0;
}

int board_persist_write(const uint8_t *buf, size_t len)
{
    uint8_t rec[8 + LK_BOARD_PERSIST_MAX + 4];
    uint32_t magic = PERSIST_MAGIC, n = (uint32_t)len, sum;
    int fd;

    if (len > LK_BOARD_PERSIST_MAX)
        return -1;
    sum = persist_sum(buf, len);
    memcpy(rec, &magic, 4);
    memcpy(rec + 4, &n, 4);
    memcpy(rec + 8, buf, len);
    memcpy(rec + 8 + len, &sum, 4);
    fd = sh_open(PERSIST_FILE, SH_MODE_WPB);
    if (fd < 0)
        return -1;
    if (sh_write(fd, rec, 8 + len + 4) != 0) {
        (void)sh_close(fd);
        return -1;
    }
    return sh_close(fd);
}

/* --- end of run --- */

void board_halt(int status)
{
    relay_off_now();
    sh_exit(status);
}

int64_t board_test_host_time(void) { return sh_time(); }
