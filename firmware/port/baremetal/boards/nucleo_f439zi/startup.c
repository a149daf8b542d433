/* startup.c - reset and exception entry of the NUCLEO-F439ZI image: vector table (16
 * system exceptions + the STM32F439's 91 interrupts), .data copy, .bss clear, stack
 * painted for the high-water report, then main(). A fault switches the relay off and
 * resets the part. */
#include <stdint.h>

#include "board.h"
#include "stack_watch.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);
void USART6_IRQHandler(void);
void TIM2_IRQHandler(void);

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

void Default_Handler(void)
{
    board_halt(4);
}

typedef void (*vector_fn)(void);

/* One line per group of vectors. */
/* clang-format off */
#define D Default_Handler
#define D2 D, D
#define D4 D2, D2
#define D8 D4, D4
#define D16 D8, D8
__attribute__((section(".vectors"), used))
static const vector_fn vectors[16 + 91] = {
    (vector_fn)(uintptr_t)__stack_top, Reset_Handler, D /* NMI */, D /* HardFault */,
    D, D, D, D, D, D, D, /* MemManage, BusFault, UsageFault, reserved x4 */
    D, D, D, D, SysTick_Handler, /* SVCall, DebugMon, reserved, PendSV, SysTick */
    D16, D8, D4,         /* IRQ 0-27 */
    TIM2_IRQHandler,     /* IRQ 28 */
    D16, D16, D8, D2,    /* IRQ 29-70 */
    USART6_IRQHandler,   /* IRQ 71 */
    D16, D2, D,          /* IRQ 72-90 */
};
#undef D16
#undef D8
#undef D4
#undef D2
#undef D
/* clang-format on */
