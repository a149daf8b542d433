/* install_script.h - the install.sh of a host bundle (host_bundle.c): a POSIX shell script,
 * run as root on the destination host, that puts each file of the bundle where the services
 * read it, with its owner, group and mode, each file replaced atomically. */
#ifndef LK_CERTS_INSTALL_SCRIPT_H
#define LK_CERTS_INSTALL_SCRIPT_H

#include <openssl/bio.h>

/* The start: what the bundle is for (one line), the groups that must exist (space-separated
 * names: the packages create them), then the helper the other lines use. 0 or -1. */
int lk_inst_begin(BIO *b, const char *what, const char *groups);
/* Creates (or re-owns) directory dst with mode and owner "user:group". 0 or -1. */
int lk_inst_dir(BIO *b, const char *mode, const char *owner, const char *dst);
/* Installs the bundle's file src (relative to the bundle) as dst. 0 or -1. */
int lk_inst_put(BIO *b, const char *mode, const char *owner, const char *src, const char *dst);
/* As lk_inst_put, but an existing dst (the operator's edited copy) is kept and the bundle's
 * version goes next to it as dst.bundle. 0 or -1. */
int lk_inst_put_keep(BIO *b, const char *mode, const char *owner, const char *src, const char *dst);
/* The end: a running Mosquitto re-reads its ACL and CRL (no restart), then one line saying
 * what was installed. 0 or -1. */
int lk_inst_end(BIO *b, const char *what);

#endif
