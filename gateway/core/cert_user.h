/* cert_user.h - the user name a verified client certificate stands for, by the rule of
 * [server] user_name_from (docs/certs.md, "Bring your own CA"):
 *   cn             the subject's one CN as it is (certificates from latchkey-certs);
 *   cn-normalised  that CN in lower case, each run of spaces one '.', apostrophes dropped
 *                  ("Alice Smith" -> "alice.smith", "Seán O'Brien" refused: not ASCII);
 *   san-email      the one rfc822Name (e-mail address) of the subjectAltName, lower case.
 * The result must be a valid user name ([A-Za-z0-9._@-]{1,64}); otherwise there is none.
 * Two certificates that map to one name are one user: the CA's operator keeps names apart. */
#ifndef GW_CERT_USER_H
#define GW_CERT_USER_H

#include <stddef.h>

#include <openssl/x509.h>

enum cert_user_from { USER_FROM_CN = 0, USER_FROM_CN_NORMALISED, USER_FROM_SAN_EMAIL };

/* "cn", "cn-normalised", "san-email" -> *out; 0, or -1 for any other text. */
int cert_user_from_parse(const char *text, enum cert_user_from *out);

/* Writes the normalised form of the UTF-8 text in[0..len) (see above) into out; 0, or -1
 * if a byte is not allowed or the result is not a valid user name or does not fit. */
int cert_user_normalise(const unsigned char *in, size_t len, char *out, size_t cap);

/* The user name cert stands for under rule how; 0, or -1 (no such name: not exactly one
 * CN or e-mail, or not a valid user name). */
int cert_user_name(X509 *cert, enum cert_user_from how, char *user, size_t cap);

/* The subject's one CN as UTF-8 (OPENSSL_free it), *len its length; NULL if there is not
 * exactly one. */
unsigned char *cert_user_single_cn(X509 *cert, int *len);

#endif
