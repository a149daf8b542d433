/* verbs.h - the verbs of latchkey-certs, one file each in cli/ (list.c holds list and
 * show). Named certs_verb_* so they never read as the door command (lk_cmd_*) of common/.
 * Each returns 0, or -1 after reporting the problem. */
#ifndef LK_CERTS_VERBS_H
#define LK_CERTS_VERBS_H

#include "args.h"

int certs_verb_init(const struct lk_cli *cli);
int certs_verb_issue(const struct lk_cli *cli);
int certs_verb_guest(const struct lk_cli *cli);
int certs_verb_export(const struct lk_cli *cli);
int certs_verb_cmdkey(const struct lk_cli *cli);
int certs_verb_sign(const struct lk_cli *cli);
int certs_verb_revoke(const struct lk_cli *cli);
int certs_verb_crl(const struct lk_cli *cli);
int certs_verb_list(const struct lk_cli *cli);
int certs_verb_show(const struct lk_cli *cli);
int certs_verb_renew(const struct lk_cli *cli);
int certs_verb_enroll(const struct lk_cli *cli);
int certs_verb_scep(const struct lk_cli *cli);
int certs_verb_bundle(const struct lk_cli *cli);
int certs_verb_broker_config(const struct lk_cli *cli);
int certs_verb_host_bundle(const struct lk_cli *cli);

#endif
