/* tls_cost.c - session tickets and key exchange preference of the phones' TLS context
 * (tls_cost.h). */
#include "tls_cost.h"

#define TLS_TICKETS_PER_HANDSHAKE 1
#define TLS_GROUPS "X25519:P-256:P-384"

int tls_cost_setup(SSL_CTX *ctx)
{
    if (SSL_CTX_set_num_tickets(ctx, TLS_TICKETS_PER_HANDSHAKE) != 1)
        return 1;
    /* TLS 1.3 takes the first key share the client sent that is on this list (browsers
     * send X25519); the order decides TLS 1.2 and a HelloRetryRequest. */
    return SSL_CTX_set1_groups_list(ctx, TLS_GROUPS) == 1 ? 0 : 1;
}
