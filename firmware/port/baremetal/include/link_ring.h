/* link_ring.h - the receive ring of the module link UART, shared by every board: the RX
 * interrupt pushes each byte, the main loop reads them (board.h board_link_read). One
 * producer and one consumer, each writing only its own index, so no lock is needed on a
 * single core. A byte that finds the ring full is counted and dropped. */
#ifndef LKM_LINK_RING_H
#define LKM_LINK_RING_H

#include <stddef.h>
#include <stdint.h>

#define LKM_LINK_RING_SIZE 4096u /* power of two */

/* From the RX interrupt only. */
void lkm_link_ring_push(uint8_t b);
/* From the main loop only: up to cap bytes into buf; returns how many. */
size_t lkm_link_ring_read(uint8_t *buf, size_t cap);
/* Bytes dropped because the ring was full, since reset. */
uint32_t lkm_link_ring_dropped(void);

#endif
