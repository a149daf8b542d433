/* link_ring.c - the module link's receive ring (link_ring.h). */
#include "link_ring.h"

static volatile uint32_t link_dropped;
static uint8_t link_ring[LKM_LINK_RING_SIZE];
static volatile uint32_t link_head; /* written by the RX interrupt only */
static volatile uint32_t link_tail; /* written by the main loop only */

void lkm_link_ring_push(uint8_t b)
{
    uint32_t head = link_head;
    if (head - link_tail >= LKM_LINK_RING_SIZE) {
        link_dropped = link_dropped + 1u;
        return;
    }
    link_ring[head & (LKM_LINK_RING_SIZE - 1u)] = b;
    link_head = head + 1u;
}

size_t lkm_link_ring_read(uint8_t *buf, size_t cap)
{
    uint32_t tail = link_tail, head = link_head;
    size_t n = 0;

    while (n < cap && tail != head) {
        buf[n++] = link_ring[tail & (LKM_LINK_RING_SIZE - 1u)];
        tail++;
    }
    link_tail = tail;
    return n;
}

uint32_t lkm_link_ring_dropped(void)
{
    return link_dropped;
}
