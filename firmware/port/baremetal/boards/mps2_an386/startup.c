/* startup.c - reset and exception entry of the Cortex-M4 image: vector table, .data copy,
 * .bss clear, stack painted for the high-water report, then main(). A fault switches the
 * relay off and halts (QEMU exits with status 3; a real part resets). */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "stack_watch.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void NMI_Handler(void);
void SysTick_Handler(void);
void UART1_RX_Handler(void);
void TIMER0_Handler(void);

void Reset_Handler(void)
{
    uint32_t *src = __data_load, *dst = __data_start;

    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    while (dst < __data_end)
        *dst++ = *src++;
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    for (dst = __bss_start; dst < __bss_end; dst++)
        *dst = 0;
    lk_stack_paint();
    board_halt(main());
}

void HardFault_Handler(void)
{
    board_halt(3);
}

void Default_Handler(void)
{
    board_halt(4);
}

typedef void (*vector_fn)(void);

/* 16 system exceptions + the first 32 external interrupts of the board; an interrupt
 * that was never enabled lands in Default_Handler (relay off, halt). */
#define D Default_Handler
__attribute__((section(".vectors"), used))
static const vector_fn vectors[16 + 32] = {
    (vector_fn)(uintptr_t)__stack_top, Reset_Handler, NMI_Handler, HardFault_Handler,
    D, D, D, D, D, D, D, /* MemManage, BusFault, UsageFault, reserved x4 */
    D, D, D, D, SysTick_Handler, /* SVCall, DebugMon, reserved, PendSV, SysTick */
    D, D, UART1_RX_Handler, D, D, D, D, D, /* IRQ 0-7: UART1 RX is IRQ 2 */
    TIMER0_Handler, D, D, D, D, D, D, D, /* IRQ 8-15: APB timer 0 is IRQ 8 */
    D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, /* IRQ 16-31 */
};
#undef D
