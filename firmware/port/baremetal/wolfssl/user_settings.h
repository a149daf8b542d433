/* user_settings.h - wolfSSL configuration of the bare-metal device (WOLFSSL_USER_SETTINGS):
 * a TLS 1.3 client only, ECDHE and ECDSA on P-256 (SP math with the Cortex-M assembly),
 * AES-128-GCM with SHA-256, Ed25519 (with SHA-512) for the door commands, certificates
 * as DER buffers from the provisioning area, no file system, no sockets (the I/O callbacks
 * run over the board's link), single-threaded, Hash-DRBG seeded by the board's entropy.
 * Everything else is switched off so that it cannot be reached. */
#ifndef LK_MCU_USER_SETTINGS_H
#define LK_MCU_USER_SETTINGS_H

/* Platform */
#define SINGLE_THREADED
#define NO_FILESYSTEM
#define NO_WRITEV
#define NO_MAIN_DRIVER
#define NO_DEV_RANDOM
#define WOLFSSL_NO_SOCK
#define WOLFSSL_USER_IO
#define WOLFSSL_SMALL_STACK
#define WOLFSSL_GENERAL_ALIGNMENT 4
#define SIZEOF_LONG_LONG 8
#define NO_ERROR_STRINGS
#define WOLFSSL_IGNORE_FILE_WARN
#define NO_SESSION_CACHE
#define NO_WOLFSSL_DIR
#define NO_OLD_TLS
#define NO_PSK

/* Protocol: TLS 1.3 client only, SNI for the broker's name. */
#define WOLFSSL_TLS13
#define WOLFSSL_NO_TLS12
#define NO_WOLFSSL_SERVER
#define HAVE_TLS_EXTENSIONS
#define HAVE_SUPPORTED_CURVES
#define HAVE_SNI
#define HAVE_HKDF

/* Public key: P-256 only (ECDHE + ECDSA), SP math, timing resistant. */
#define HAVE_ECC
#define ECC_USER_CURVES
#define ECC_TIMING_RESISTANT
#define WOLFSSL_SP_MATH
#define WOLFSSL_SP_SMALL
#define WOLFSSL_HAVE_SP_ECC
#define WOLFSSL_SP_NO_MALLOC
#define WOLFSSL_SP_ARM_CORTEX_M_ASM
#define SP_WORD_SIZE 32
#define NO_RSA
#define NO_DH
#define NO_DSA

/* Ed25519 for the signed door commands (the small, table-free implementation). */
#define HAVE_ED25519
#define CURVED25519_SMALL
#define WOLFSSL_SHA512

/* Symmetric: AES-128-GCM, SHA-256. */
#define HAVE_AESGCM
#define GCM_SMALL
#define WOLFSSL_AES_128
#define NO_AES_192
#define NO_AES_256
#define NO_AES_CBC
#define NO_SHA
#define NO_MD4
#define NO_MD5
#define NO_DES3
#define NO_RC4
#define NO_HC128
#define NO_RABBIT
#define NO_PWDBASED
#define NO_PKCS12
#define NO_PKCS8

/* Certificates: X.509 v3 with the host name check, dates checked against the board's
 * notion of time (lk_mcu_cert_time: trusted time once synced, else the persisted floor). */
#define WOLFSSL_ASN_TEMPLATE
#define HAVE_GMTIME_R
#ifndef __ASSEMBLER__
#include <time.h>
time_t lk_mcu_cert_time(time_t *t);
#endif
#define XTIME(t) lk_mcu_cert_time(t)

/* Randomness: Hash-DRBG (SHA-256) seeded from the board (TRNG, or what the board file
 * documents for an emulator). */
#define HAVE_HASHDRBG
#ifndef __ASSEMBLER__
int lk_mcu_entropy_seed(unsigned char *out, unsigned int len);
#endif
#define CUSTOM_RAND_GENERATE_SEED lk_mcu_entropy_seed
#define CUSTOM_RAND_TYPE unsigned int

#endif
