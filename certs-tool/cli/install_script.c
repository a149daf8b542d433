/* install_script.c - the text of a host bundle's install.sh (install_script.h). Every path
 * is written by latchkey-certs itself (fixed destinations, names checked by names.c), so
 * none needs shell quoting beyond the single quotes used here. */
#include "install_script.h"

int lk_inst_begin(BIO *b, const char *what, const char *groups)
{
    return BIO_printf(
               b,
               "#!/bin/sh\n"
               "# install.sh - written by latchkey-certs host-bundle: %s.\n"
               "# Run it as root on that host (sh DIR/install.sh, from any directory). It puts "
               "every\n"
               "# file of this bundle where the services read it, with its owner, group and mode;\n"
               "# each file is replaced atomically. Run it again with a newer bundle (a new CRL, "
               "a\n"
               "# new door): files are replaced, configuration you edited is kept.\n"
               "set -eu\n"
               "cd \"$(dirname \"$0\")\"\n"
               "for g in %s; do\n"
               "  getent group \"$g\" >/dev/null || { echo \"install.sh: no group $g on this host: "
               "install "
               "the packages first (docs/deployment.md)\" >&2; exit 1; }\n"
               "done\n"
               "# put MODE USER:GROUP SRC DST\n"
               "put() { install -m \"$1\" -o \"${2%%:*}\" -g \"${2#*:}\" \"$3\" \"$4.new\" && mv "
               "-f \"$4.new\" "
               "\"$4\"; }\n"
               "# put_keep MODE USER:GROUP SRC DST: an existing DST (maybe edited) stays; a "
               "different\n"
               "# version of the bundle's goes next to it as DST.bundle\n"
               "put_keep() {\n"
               "  if [ ! -e \"$4\" ]; then put \"$@\"\n"
               "  elif ! cmp -s \"$3\" \"$4\"; then\n"
               "    put \"$1\" \"$2\" \"$3\" \"$4.bundle\"\n"
               "    echo \"install.sh: kept $4; this bundle's version is $4.bundle\"\n"
               "  fi\n"
               "}\n",
               what, groups) > 0
               ? 0
               : -1;
}

int lk_inst_dir(BIO *b, const char *mode, const char *owner, const char *dst)
{
    char user[64];
    const char *colon = owner;
    int n = 0;
    while (*colon != '\0' && *colon != ':' && n < (int)sizeof user - 1)
        user[n++] = *colon++;
    user[n] = '\0';
    if (*colon != ':')
        return -1;
    return BIO_printf(b, "install -d -m %s -o %s -g %s '%s'\n", mode, user, colon + 1, dst) > 0
               ? 0
               : -1;
}

int lk_inst_put(BIO *b, const char *mode, const char *owner, const char *src, const char *dst)
{
    return BIO_printf(b, "put %s %s '%s' '%s'\n", mode, owner, src, dst) > 0 ? 0 : -1;
}

int lk_inst_put_keep(BIO *b, const char *mode, const char *owner, const char *src, const char *dst)
{
    return BIO_printf(b, "put_keep %s %s '%s' '%s'\n", mode, owner, src, dst) > 0 ? 0 : -1;
}

int lk_inst_end(BIO *b, const char *what)
{
    return BIO_printf(
               b,
               "# A running broker re-reads its ACL and CRL; the gateway watches its CRL by "
               "itself.\n"
               "if systemctl is-active --quiet mosquitto; then systemctl reload mosquitto; fi\n"
               "echo \"install.sh: installed %s\"\n",
               what) > 0
               ? 0
               : -1;
}
