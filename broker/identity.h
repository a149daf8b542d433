/* identity.h - who may connect to the broker, and under which client id (docs/security.md,
 * "Broker"). Mosquitto 2.0 asks an auth plugin nothing when use_identity_as_username is set,
 * so the generated broker leaves it off and the plugin decides at CONNECT instead:
 *   - the client must present a certificate with exactly one CN (the broker's TLS layer has
 *     already verified it against the CA and the CRL);
 *   - the CN must have a "user" block in the ACL file: a phone's certificate, or anything
 *     else the CA signed for another purpose, is refused before its session exists;
 *   - the client id must be the one of its CN: "latchkey-" and the CN with '/' as '-'
 *     (the gateway "latchkey-gateway", door home/door1 "latchkey-home-door1"), so no
 *     certificate can take over another identity's session;
 * and the session's user name becomes the CN, which the ACL file then applies to. */
#ifndef LK_BROKER_IDENTITY_H
#define LK_BROKER_IDENTITY_H

#include <stddef.h>

#include <openssl/x509.h>

#include "acl_users.h"

#define IDENTITY_PREFIX "latchkey-"
#define IDENTITY_ID_MAX (sizeof IDENTITY_PREFIX - 1 + ACL_USER_MAX)

enum identity_verdict {
    IDENTITY_OK,
    IDENTITY_NO_CERT, /* no certificate (a listener without require_certificate) */
    IDENTITY_BAD_CN,  /* no CN, more than one, too long, or not printable text */
    IDENTITY_UNKNOWN, /* the CN has no block in the ACL file */
    IDENTITY_WRONG_ID /* the client asked for an id that is not its CN's */
};

/* The client id that belongs to cn into out (IDENTITY_ID_MAX + 1 bytes). 0, or -1 if cn is
 * empty or too long. */
int identity_client_id(const char *cn, char out[IDENTITY_ID_MAX + 1]);

/* The one CN of cert into cn (ACL_USER_MAX + 1 bytes); 0, or -1 (IDENTITY_BAD_CN). */
int identity_cn(X509 *cert, char cn[ACL_USER_MAX + 1]);

/* The decision for a CONNECT with cert (NULL: none) asking for client_id; *cn gets the CN
 * when there is one. */
enum identity_verdict identity_check(const struct acl_users *u, X509 *cert, const char *client_id,
                                     char cn[ACL_USER_MAX + 1]);

/* A few words for the log. */
const char *identity_verdict_text(enum identity_verdict v);

#endif
