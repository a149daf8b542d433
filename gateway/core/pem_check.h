/* pem_check.h - start-up checks that the PEM files named in the config really load, so a
 * bad path or file is a clear error at start instead of a log line from a library later. */
#ifndef GW_PEM_CHECK_H
#define GW_PEM_CHECK_H

#include <stddef.h>

/* 0 if path holds at least one PEM certificate, else -1 with a reason in err. */
int pem_check_certs(const char *path, char *err, size_t errlen);

/* 0 if path holds an unencrypted PEM private key (of EVP_PKEY type `type` when type != 0),
 * else -1 with a reason in err. */
int pem_check_private_key(const char *path, int type, char *err, size_t errlen);

#endif
