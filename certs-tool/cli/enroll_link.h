/* enroll_link.h - the TLS context and link checks shared by enroll and scep. */
#ifndef LK_CERTS_ENROLL_LINK_H
#define LK_CERTS_ENROLL_LINK_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "pki_dir.h"

/* A TLS 1.2+ server context with the server certificate name (NULL: the first valid one
 * in the inventory) and the CA as its chain; its CN into cn. NULL (reported). */
SSL_CTX *lk_enroll_tls_ctx(const struct lk_pki *pki, const char *name, char *cn, size_t cap);
/* --url-base: https://HOST[:PORT][/PATH] (or http://), no trailing '/', no characters that
 * do not belong in a link. 0, or -1 (reported). */
int lk_enroll_check_url_base(const char *u);

#endif
