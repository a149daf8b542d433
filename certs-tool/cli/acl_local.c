/* acl_local.c - DIR/acl.local, the operator's additions to the ACL broker-config writes
 * (acl_local.h): its lines go at the end of DIR/acl at each run; the file itself is only
 * ever created (commented out), never changed. */
#include "acl_local.h"

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "file_read.h"
#include "pki_dir.h"

#define ACL_LOCAL_MAX (256 * 1024)

static const char acl_local_template[] =
    "# acl.local - YOUR lines for the broker's ACL. latchkey-certs broker-config (and "
    "host-bundle)\n"
    "# copies this file to the end of the acl it writes, every time; it never changes it.\n"
    "# Users are certificate CNs: issue one with 'latchkey-certs issue client NAME'.\n"
    "#\n"
    "# Home Assistant watching the doors (examples/homeassistant):\n"
    "#user homeassistant\n"
    "#topic read latchkey/+/+/availability\n"
    "#topic read latchkey/+/+/state\n"
    "#topic read homeassistant/#\n"
    "#topic readwrite homeassistant/status\n"
    "#\n"
    "# A read-only monitoring identity (availability and state only, nothing it can change):\n"
    "#user monitor\n"
    "#topic read latchkey/+/+/availability\n"
    "#topic read latchkey/+/+/state\n";

int lk_acl_local_merge(struct lk_txn *txn, const char *dir, BIO *acl)
{
    char path[LK_PATH_MAX], *data = NULL;
    size_t len = 0;
    int r, ok;

    if (snprintf(path, sizeof path, "%s/acl.local", dir) >= (int)sizeof path) {
        lk_err("path %s/acl.local is too long", dir);
        return -1;
    }
    if ((r = lk_path_exists(path)) < 0)
        return -1;
    if (r == 0)
        return lk_txn_add(txn, path, acl_local_template, sizeof acl_local_template - 1, 0644);
    if (lk_file_read_all(path, ACL_LOCAL_MAX, &data, &len) != 0)
        return -1;
    ok = BIO_printf(acl, "\n# ---- acl.local: the operator's lines, copied as they are ----\n") >
             0 &&
         (len == 0 || BIO_write(acl, data, (int)len) == (int)len) &&
         (len == 0 || data[len - 1] == '\n' || BIO_puts(acl, "\n") > 0);
    free(data);
    if (!ok)
        lk_err("out of memory");
    return ok ? 0 : -1;
}
