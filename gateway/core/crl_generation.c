/* crl_generation.c - the CRL generation counter (see crl_generation.h). */
#include "crl_generation.h"

static uint64_t generation;

uint64_t crl_generation(void)
{
    return generation;
}

void crl_generation_bump(void)
{
    generation++;
}
