/* mps2_an386.h - register map of Arm's MPS2 FPGA image AN386 (Cortex-M4) as QEMU's
 * mps2-an386 machine models it: the peripherals the device uses and nothing else. */
#ifndef LK_MPS2_AN386_H
#define LK_MPS2_AN386_H

#include <stdint.h>

#define MPS2_SYSCLK_HZ 25000000u   /* CPU, SysTick (processor clock) and APB timers */

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* CMSDK APB UART: UART0 is the console, UART1 the link to the network module. */
#define MPS2_UART0 0x40004000u
#define MPS2_UART1 0x40005000u
#define UART_DATA(b) REG32((b) + 0x000u)
#define UART_STATE(b) REG32((b) + 0x004u)
#define UART_CTRL(b) REG32((b) + 0x008u)
#define UART_INT(b) REG32((b) + 0x00Cu)   /* read: status; write 1: clear */
#define UART_BAUDDIV(b) REG32((b) + 0x010u)
#define UART_STATE_TXFULL 0x1u
#define UART_STATE_RXFULL 0x2u
#define UART_CTRL_TXEN 0x1u
#define UART_CTRL_RXEN 0x2u
#define UART_CTRL_RXINTEN 0x8u
#define UART_INT_RX 0x2u
#define MPS2_IRQ_UART1_RX 2u

/* CMSDK APB timer 0: the relay's hardware cut-off; timer 1: the free-running clock. */
#define MPS2_TIMER0 0x40000000u
#define MPS2_TIMER1 0x40001000u
#define TIMER_CTRL(b) REG32((b) + 0x000u)
#define TIMER_VALUE(b) REG32((b) + 0x004u)
#define TIMER_RELOAD(b) REG32((b) + 0x008u)
#define TIMER_INT(b) REG32((b) + 0x00Cu)  /* read: status; write 1: clear */
#define TIMER_CTRL_EN 0x1u
#define TIMER_CTRL_IRQEN 0x8u
#define MPS2_IRQ_TIMER0 8u

/* CMSDK APB watchdog: interrupt (NMI) at the first time-out, reset at the second. */
#define MPS2_WDOG 0x40008000u
#define WDOG_LOAD REG32(MPS2_WDOG + 0x000u)
#define WDOG_CTRL REG32(MPS2_WDOG + 0x008u)
#define WDOG_INTCLR REG32(MPS2_WDOG + 0x00Cu)
#define WDOG_LOCK REG32(MPS2_WDOG + 0xC00u)
#define WDOG_CTRL_INTEN 0x1u
#define WDOG_CTRL_RESEN 0x2u
#define WDOG_UNLOCK_KEY 0x1ACCE551u

/* FPGA I/O: LED0 is the relay output (the host reads it through QEMU's monitor). */
#define MPS2_FPGAIO_LED REG32(0x40028000u)
#define MPS2_RELAY_BIT 0x1u

/* Cortex-M4 system control space. */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE 0x4u
#define NVIC_ISER0 REG32(0xE000E100u)
#define NVIC_IPR_BYTE(n) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (n)))

#endif
