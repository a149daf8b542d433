/* stm32f439.h - the STM32F439xx registers the NUCLEO-F439ZI board file uses, written from
 * ST's reference manual RM0090 (memory map, RCC, FLASH, PWR, GPIO, USART, TIM2, IWDG, RNG)
 * and Arm's Cortex-M4 system control space. Nothing else of the part is described. */
#ifndef LK_STM32F439_H
#define LK_STM32F439_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* Clocks after board_init: HSE 8 MHz (the ST-LINK's MCO, bypass) -> PLL 168 MHz SYSCLK,
 * 48 MHz for the RNG; AHB 168 MHz, APB1 42 MHz (timers 84 MHz), APB2 84 MHz. */
#define F4_HSE_HZ 8000000u
#define F4_SYSCLK_HZ 168000000u
#define F4_PCLK1_HZ 42000000u
#define F4_PCLK2_HZ 84000000u
#define F4_TIM_APB1_HZ 84000000u

/* RCC (0x40023800) */
#define RCC_BASE 0x40023800u
#define RCC_CR REG32(RCC_BASE + 0x00u)
#define RCC_PLLCFGR REG32(RCC_BASE + 0x04u)
#define RCC_CFGR REG32(RCC_BASE + 0x08u)
#define RCC_AHB1ENR REG32(RCC_BASE + 0x30u)
#define RCC_AHB2ENR REG32(RCC_BASE + 0x34u)
#define RCC_APB1ENR REG32(RCC_BASE + 0x40u)
#define RCC_APB2ENR REG32(RCC_BASE + 0x44u)
#define RCC_CSR REG32(RCC_BASE + 0x74u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_PLLCFGR_SRC_HSE (1u << 22)
#define RCC_CFGR_SW_PLL 0x2u
#define RCC_CFGR_SWS_MASK (0x3u << 2)
#define RCC_CFGR_SWS_PLL (0x2u << 2)
#define RCC_CFGR_PPRE1_DIV4 (0x5u << 10)
#define RCC_CFGR_PPRE2_DIV2 (0x4u << 13)
#define RCC_AHB1ENR_GPIOB (1u << 1)
#define RCC_AHB1ENR_GPIOD (1u << 3)
#define RCC_AHB1ENR_GPIOG (1u << 6)
#define RCC_AHB2ENR_RNG (1u << 6)
#define RCC_APB1ENR_TIM2 (1u << 0)
#define RCC_APB1ENR_USART3 (1u << 18)
#define RCC_APB1ENR_PWR (1u << 28)
#define RCC_APB2ENR_USART6 (1u << 5)
#define RCC_CSR_LSION (1u << 0)
#define RCC_CSR_LSIRDY (1u << 1)

/* PWR: voltage scale 1 for 168 MHz. */
#define PWR_CR REG32(0x40007000u)
#define PWR_CR_VOS_SCALE1 (0x3u << 14)

/* FLASH interface (0x40023C00): wait states, and programming of the record sectors. */
#define FLASH_IF 0x40023C00u
#define FLASH_ACR REG32(FLASH_IF + 0x00u)
#define FLASH_KEYR REG32(FLASH_IF + 0x04u)
#define FLASH_SR REG32(FLASH_IF + 0x0Cu)
#define FLASH_CR REG32(FLASH_IF + 0x10u)
#define FLASH_ACR_5WS 0x5u
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_SR_EOP (1u << 0)
#define FLASH_SR_ERRORS (0xF0u) /* WRPERR PGAERR PGPERR PGSERR */
#define FLASH_SR_BSY (1u << 16)
#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_SNB(n) ((uint32_t)(n) << 3) /* sector 12..23: bit 7 set (bank 2) */
#define FLASH_CR_PSIZE_X32 (0x2u << 8)
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

/* GPIO ports (AHB1, 0x400 apart from GPIOA at 0x40020000). */
#define GPIOB 0x40020400u
#define GPIOD 0x40020C00u
#define GPIOG 0x40021800u
#define GPIO_MODER(p) REG32((p) + 0x00u)
#define GPIO_OTYPER(p) REG32((p) + 0x04u)
#define GPIO_OSPEEDR(p) REG32((p) + 0x08u)
#define GPIO_PUPDR(p) REG32((p) + 0x0Cu)
#define GPIO_ODR(p) REG32((p) + 0x14u)
#define GPIO_BSRR(p) REG32((p) + 0x18u)
#define GPIO_AFRL(p) REG32((p) + 0x20u)
#define GPIO_AFRH(p) REG32((p) + 0x24u)
#define GPIO_MODE_OUT 0x1u
#define GPIO_MODE_AF 0x2u

/* USART3 (console: the ST-LINK's virtual COM port, PD8 TX / PD9 RX, AF7) and USART6 (the
 * link to the Wi-Fi module: Arduino D1 = PG14 TX, D0 = PG9 RX, AF8). */
#define USART3 0x40004800u
#define USART6 0x40011400u
#define USART_SR(b) REG32((b) + 0x00u)
#define USART_DR(b) REG32((b) + 0x04u)
#define USART_BRR(b) REG32((b) + 0x08u)
#define USART_CR1(b) REG32((b) + 0x0Cu)
#define USART_SR_ORE (1u << 3)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_UE (1u << 13)
#define IRQ_USART6 71u

/* TIM2 (32-bit, APB1): the relay's hardware cut-off, one-pulse mode. */
#define TIM2 0x40000000u
#define TIM_CR1(b) REG32((b) + 0x00u)
#define TIM_DIER(b) REG32((b) + 0x0Cu)
#define TIM_SR(b) REG32((b) + 0x10u)
#define TIM_EGR(b) REG32((b) + 0x14u)
#define TIM_CNT(b) REG32((b) + 0x24u)
#define TIM_PSC(b) REG32((b) + 0x28u)
#define TIM_ARR(b) REG32((b) + 0x2Cu)
#define TIM_CR1_CEN (1u << 0)
#define TIM_CR1_URS (1u << 2)
#define TIM_CR1_OPM (1u << 3)
#define TIM_DIER_UIE (1u << 0)
#define TIM_SR_UIF (1u << 0)
#define TIM_EGR_UG (1u << 0)
#define IRQ_TIM2 28u

/* IWDG (LSI, about 32 kHz): once started it cannot be stopped; a time-out resets the part. */
#define IWDG_KR REG32(0x40003000u)
#define IWDG_PR REG32(0x40003004u)
#define IWDG_RLR REG32(0x40003008u)
#define IWDG_SR REG32(0x4000300Cu)
#define IWDG_KEY_START 0xCCCCu
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_UNLOCK 0x5555u
#define IWDG_PR_DIV64 0x4u
#define F4_LSI_HZ 32000u

/* RNG (AHB2, 0x50060800): the true random number generator. */
#define RNG_CR REG32(0x50060800u)
#define RNG_SR REG32(0x50060804u)
#define RNG_DR REG32(0x50060808u)
#define RNG_CR_RNGEN (1u << 2)
#define RNG_SR_DRDY (1u << 0)
#define RNG_SR_CECS (1u << 1)
#define RNG_SR_SECS (1u << 2)

/* Cortex-M4 system control space. */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE 0x4u
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_IPR_BYTE(n) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (n)))
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_AIRCR_SYSRESET 0x05FA0004u /* VECTKEY | SYSRESETREQ */
#define DEMCR REG32(0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)
#define DWT_CTRL_CYCCNTENA 0x1u

#endif
