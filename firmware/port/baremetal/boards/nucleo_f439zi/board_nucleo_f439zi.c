/* board_nucleo_f439zi.c - board.h for ST's NUCLEO-F439ZI (STM32F439ZI, Cortex-M4F, 2 MiB
 * flash, 256 KiB RAM of which 192 KiB SRAM), registers from RM0090 (stm32f439.h).
 * BUILT IN CI AGAINST THE PART'S REAL MEMORY MAP AND REGISTERS, NOT YET RUN ON HARDWARE.
 *   clock    HSE 8 MHz from the ST-LINK (bypass) -> PLL 168 MHz; SysTick 1 ms counts
 *            board_millis(); DWT's cycle counter gives board_busy_us()
 *   console  USART3 (PD8/PD9): the ST-LINK's virtual COM port, 115 200 Bd, polled TX
 *   link     USART6 (Arduino D1 = PG14 TX, D0 = PG9 RX) to an ESP-AT module, 115 200 Bd,
 *            RXNE interrupt into a 4 KiB ring
 *   relay    PB0 (also the green LED LD1), push-pull, low = off; low from reset (the pin
 *            is an input with no pull until board_init; wire the relay driver with a
 *            pull-down); TIM2 in one-pulse mode switches it off from its own interrupt
 *   watchdog IWDG on the LSI: resets the part (the pin goes back to its reset state: off)
 *   entropy  the RNG peripheral (48 MHz from the PLL), with its seed and clock error checks
 *   flash    provisioning blob in sector 12 (0x08100000); the persisted record is an
 *            append-only log of 64-byte slots in sector 13, erased only when full */
#include <string.h>

#include "board.h"
#include "link_ring.h"
#include "stm32f439.h"

#define RELAY_PIN 0u  /* PB0 */
#define SLOT_SIZE 64u /* one persisted record: magic, length, bytes, sum */
#define SLOT_MAGIC 0x4C4B5031u
#define PERSIST_SNB 0x11u   /* sector 13 (RM0090: bank 2 sectors are SNB 0b10000 + n - 12) */
#define WAIT_LOOPS 2000000u /* bound of every busy wait on a clock or flash flag */

extern const uint8_t __lk_provision_start[], __lk_provision_end[];
extern const uint8_t __lk_persist_start[], __lk_persist_end[];

static volatile uint32_t ms_ticks;
static volatile uint32_t relay_hw_cuts;
static uint64_t cycles_total, cycles_idle;
static uint32_t cycles_last;
static int watchdog_on;

const char *board_name(void)
{
    return "ST NUCLEO-F439ZI (STM32F439ZI, Cortex-M4)";
}

static int wait_set(const volatile uint32_t *reg, uint32_t mask)
{
    uint32_t i;

    for (i = 0; i < WAIT_LOOPS; i++)
        if ((*reg & mask) != 0u)
            return 0;
    return -1;
}

static int clock_init(void)
{
    RCC_APB1ENR |= RCC_APB1ENR_PWR;
    PWR_CR |= PWR_CR_VOS_SCALE1;
    RCC_CR |= RCC_CR_HSEBYP | RCC_CR_HSEON;
    if (wait_set(&RCC_CR, RCC_CR_HSERDY) != 0)
        return -1;
    /* VCO = 8 MHz / M 8 * N 336 = 336 MHz; SYSCLK = VCO / P 2 (PLLP = 0b00) = 168 MHz;
     * 48 MHz = VCO / Q 7 */
    RCC_PLLCFGR = 8u | (336u << 6) | RCC_PLLCFGR_SRC_HSE | (7u << 24);
    RCC_CR |= RCC_CR_PLLON;
    if (wait_set(&RCC_CR, RCC_CR_PLLRDY) != 0)
        return -1;
    FLASH_ACR = FLASH_ACR_5WS | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN;
    RCC_CFGR = RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2 | RCC_CFGR_SW_PLL;
    return wait_set(&RCC_CFGR, RCC_CFGR_SWS_PLL);
}

/* One pin to alternate function af (0..15). */
static void pin_af(uint32_t port, uint32_t pin, uint32_t af)
{
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << (2u * pin))) | (GPIO_MODE_AF << (2u * pin));
    if (pin < 8u)
        GPIO_AFRL(port) = (GPIO_AFRL(port) & ~(0xFu << (4u * pin))) | (af << (4u * pin));
    else
        GPIO_AFRH(port) =
            (GPIO_AFRH(port) & ~(0xFu << (4u * (pin - 8u)))) | (af << (4u * (pin - 8u)));
}

static void relay_off_now(void)
{
    GPIO_BSRR(GPIOB) = 1u << (RELAY_PIN + 16u); /* reset: low */
}

static void relay_timer_stop(void)
{
    TIM_CR1(TIM2) = 0;
    TIM_SR(TIM2) = 0;
}

int board_init(void)
{
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOB | RCC_AHB1ENR_GPIOD | RCC_AHB1ENR_GPIOG;
    relay_off_now(); /* the output latch low before the pin becomes an output */
    GPIO_MODER(GPIOB) =
        (GPIO_MODER(GPIOB) & ~(3u << (2u * RELAY_PIN))) | (GPIO_MODE_OUT << (2u * RELAY_PIN));
    if (clock_init() != 0)
        return -1;

    RCC_APB1ENR |= RCC_APB1ENR_USART3 | RCC_APB1ENR_TIM2;
    RCC_APB2ENR |= RCC_APB2ENR_USART6;
    RCC_AHB2ENR |= RCC_AHB2ENR_RNG;
    pin_af(GPIOD, 8u, 7u);  /* USART3 TX */
    pin_af(GPIOD, 9u, 7u);  /* USART3 RX */
    pin_af(GPIOG, 14u, 8u); /* USART6 TX */
    pin_af(GPIOG, 9u, 8u);  /* USART6 RX */
    USART_BRR(USART3) = (F4_PCLK1_HZ + 115200u / 2u) / 115200u;
    USART_CR1(USART3) = USART_CR1_UE | USART_CR1_TE;
    USART_BRR(USART6) = (F4_PCLK2_HZ + 115200u / 2u) / 115200u;
    USART_CR1(USART6) = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE;

    relay_timer_stop();
    TIM_PSC(TIM2) = F4_TIM_APB1_HZ / 1000u - 1u; /* 1 kHz: one count per millisecond */
    TIM_CR1(TIM2) = TIM_CR1_OPM | TIM_CR1_URS;
    TIM_DIER(TIM2) = TIM_DIER_UIE;
    /* The relay cut-off outranks the link: priority 0 (highest) vs 64. */
    NVIC_IPR_BYTE(IRQ_TIM2) = 0x00u;
    NVIC_IPR_BYTE(IRQ_USART6) = 0x40u;
    NVIC_ISER(IRQ_TIM2 / 32u) = 1u << (IRQ_TIM2 % 32u);
    NVIC_ISER(IRQ_USART6 / 32u) = 1u << (IRQ_USART6 % 32u);

    DEMCR |= DEMCR_TRCENA;
    DWT_CYCCNT = 0;
    DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    SYST_RVR = F4_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;

    RNG_CR = RNG_CR_RNGEN;
    return 0;
}

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    ms_ticks = ms_ticks + 1u;
}

uint32_t board_millis(void)
{
    return ms_ticks;
}

/* Adds the cycles since the last call; caller masks interrupts (the counter wraps every
 * 25 s at 168 MHz, and the 1 ms idle wake-ups call this far more often). */
static void cycles_update(void)
{
    uint32_t now = DWT_CYCCNT;

    cycles_total += now - cycles_last;
    cycles_last = now;
}

void board_idle(void)
{
    uint32_t primask, t0;

    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    cycles_update();
    t0 = DWT_CYCCNT;
    __asm__ volatile("wfi" ::: "memory");
    cycles_idle += DWT_CYCCNT - t0;
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

uint64_t board_busy_us(void)
{
    uint32_t primask;
    uint64_t busy;

    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    cycles_update();
    busy = cycles_total - cycles_idle;
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return busy / (F4_SYSCLK_HZ / 1000000u);
}

static int usart_write(uint32_t base, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        uint32_t start = ms_ticks;
        while ((USART_SR(base) & USART_SR_TXE) == 0u)
            /* cppcheck-suppress duplicateExpression ; ms_ticks is volatile (SysTick) */
            /* cppcheck-suppress unsignedLessThanZero ; the same volatile read */
            if (ms_ticks - start > LK_BOARD_TX_TIMEOUT_MS)
                return -1;
        USART_DR(base) = buf[i];
    }
    return 0;
}

void board_console_write(const char *s, size_t len)
{
    (void)usart_write(USART3, (const uint8_t *)s, len);
}

/* --- link --- */

void USART6_IRQHandler(void);
void USART6_IRQHandler(void)
{
    /* Reading SR then DR clears RXNE and an overrun (ORE): drain what is there. */
    while ((USART_SR(USART6) & (USART_SR_RXNE | USART_SR_ORE)) != 0u) {
        lkm_link_ring_push((uint8_t)USART_DR(USART6));
    }
}

size_t board_link_read(uint8_t *buf, size_t cap)
{
    return lkm_link_ring_read(buf, cap);
}

int board_link_write(const uint8_t *buf, size_t len)
{
    return usart_write(USART6, buf, len);
}

uint32_t board_link_rx_dropped(void)
{
    return lkm_link_ring_dropped();
}

/* --- relay --- */

void TIM2_IRQHandler(void);
void TIM2_IRQHandler(void)
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
        max_on_ms = 60000u;
    /* Arm the cut-off before energising: the output is never on without it. */
    relay_timer_stop();
    TIM_ARR(TIM2) = max_on_ms;
    TIM_CNT(TIM2) = 0;
    TIM_EGR(TIM2) = TIM_EGR_UG; /* load PSC and ARR (URS: no interrupt for this) */
    TIM_SR(TIM2) = 0;
    TIM_CR1(TIM2) = TIM_CR1_OPM | TIM_CR1_URS | TIM_CR1_CEN;
    GPIO_BSRR(GPIOB) = 1u << RELAY_PIN;
}

int board_relay_is_on(void)
{
    return (GPIO_ODR(GPIOB) & (1u << RELAY_PIN)) != 0u;
}

uint32_t board_relay_hw_cuts(void)
{
    return relay_hw_cuts;
}

/* --- watchdog --- */

int board_watchdog_start(uint32_t timeout_ms)
{
    /* LSI / 64 = 500 Hz: 2 ms per count, at most 4095 counts (8.19 s). */
    uint32_t counts = timeout_ms / 2u;

    if (counts == 0u || counts > 4095u)
        return -1;
    RCC_CSR |= RCC_CSR_LSION;
    if (wait_set(&RCC_CSR, RCC_CSR_LSIRDY) != 0)
        return -1;
    IWDG_KR = IWDG_KEY_START;
    IWDG_KR = IWDG_KEY_UNLOCK;
    IWDG_PR = IWDG_PR_DIV64;
    IWDG_RLR = counts;
    IWDG_KR = IWDG_KEY_RELOAD;
    watchdog_on = 1;
    return 0;
}

void board_watchdog_kick(void)
{
    if (watchdog_on)
        IWDG_KR = IWDG_KEY_RELOAD;
}

/* --- entropy --- */

int board_entropy(uint8_t *out, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t w, k;
        if ((RNG_SR & (RNG_SR_CECS | RNG_SR_SECS)) != 0u || wait_set(&RNG_SR, RNG_SR_DRDY) != 0)
            return -1; /* a seed or clock error: no entropy, no TLS */
        w = RNG_DR;
        for (k = 0; k < 4u && i < len; k++, i++)
            out[i] = (uint8_t)(w >> (8u * k));
    }
    return 0;
}

const char *board_entropy_source(void)
{
    return "STM32F439 RNG peripheral";
}

/* --- flash areas --- */

const uint8_t *board_provision_area(size_t *len)
{
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    *len = (size_t)(__lk_provision_end - __lk_provision_start);
    return __lk_provision_start;
}

static uint32_t slot_sum(const uint8_t *b, size_t n)
{
    uint32_t s = SLOT_MAGIC;
    size_t i;

    for (i = 0; i < n; i++)
        s = s * 31u + b[i];
    return s;
}

static size_t slot_count(void)
{
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    return (size_t)(__lk_persist_end - __lk_persist_start) / SLOT_SIZE;
}

static int slot_erased(const uint8_t *p)
{
    size_t i;

    for (i = 0; i < SLOT_SIZE; i++)
        if (p[i] != 0xFFu)
            return 0;
    return 1;
}

int board_persist_read(uint8_t *buf, size_t len)
{
    size_t i, n = slot_count();
    int found = -1;

    if (len > SLOT_SIZE - 12u)
        return -1;
    for (i = 0; i < n; i++) { /* the last valid slot is the newest */
        const uint8_t *p = __lk_persist_start + i * SLOT_SIZE;
        uint32_t magic, l, sum;
        if (slot_erased(p))
            break;
        memcpy(&magic, p, 4);
        memcpy(&l, p + 4, 4);
        memcpy(&sum, p + 8 + len, 4);
        if (magic == SLOT_MAGIC && l == len && sum == slot_sum(p + 8, len)) {
            memcpy(buf, p + 8, len);
            found = 0;
        }
    }
    return found;
}

static int flash_wait(void)
{
    uint32_t i;

    for (i = 0; i < WAIT_LOOPS * 8u && (FLASH_SR & FLASH_SR_BSY) != 0u; i++)
        board_watchdog_kick(); /* a sector erase takes up to a few seconds */
    if ((FLASH_SR & FLASH_SR_BSY) != 0u || (FLASH_SR & FLASH_SR_ERRORS) != 0u)
        return -1;
    return 0;
}

/* Programs words (32-bit) at dst; the flash is unlocked by the caller. */
static int flash_program(const uint8_t *dst, const uint8_t *src, size_t len)
{
    size_t i;

    FLASH_SR = FLASH_SR_EOP | FLASH_SR_ERRORS;
    FLASH_CR = FLASH_CR_PSIZE_X32 | FLASH_CR_PG;
    for (i = 0; i < len; i += 4u) {
        uint32_t w;
        memcpy(&w, src + i, 4);
        REG32((uintptr_t)(dst + i)) = w;
        if (flash_wait() != 0)
            break;
    }
    FLASH_CR = 0;
    return i >= len ? 0 : -1;
}

int board_persist_write(const uint8_t *buf, size_t len)
{
    uint8_t rec[SLOT_SIZE];
    uint32_t magic = SLOT_MAGIC, l = (uint32_t)len, sum;
    size_t i, n = slot_count();
    int rc = -1;

    if (len > SLOT_SIZE - 12u)
        return -1;
    memset(rec, 0xFF, sizeof rec);
    sum = slot_sum(buf, len);
    memcpy(rec, &magic, 4);
    memcpy(rec + 4, &l, 4);
    memcpy(rec + 8, buf, len);
    memcpy(rec + 8 + len, &sum, 4);
    for (i = 0; i < n && !slot_erased(__lk_persist_start + i * SLOT_SIZE); i++)
        ;
    FLASH_KEYR = FLASH_KEY1;
    FLASH_KEYR = FLASH_KEY2;
    if (i == n) { /* the log is full: erase the sector, start again at slot 0 */
        FLASH_SR = FLASH_SR_EOP | FLASH_SR_ERRORS;
        FLASH_CR = FLASH_CR_PSIZE_X32 | FLASH_CR_SER | FLASH_CR_SNB(PERSIST_SNB);
        FLASH_CR |= FLASH_CR_STRT;
        if (flash_wait() != 0)
            goto out;
        FLASH_CR = 0;
        i = 0;
    }
    rc = flash_program(__lk_persist_start + i * SLOT_SIZE, rec, sizeof rec);
out:
    FLASH_CR = FLASH_CR_LOCK;
    return rc;
}

/* --- end of run --- */

void board_halt(int status)
{
    (void)status;
    relay_off_now();
    SCB_AIRCR = SCB_AIRCR_SYSRESET; /* a real part resets */
    for (;;)
        ;
}

int64_t board_test_host_time(void)
{
    return -1;
}
