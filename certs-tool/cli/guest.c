/* guest.c - "guest NAME --until WHEN": a guest's client certificate, valid until the end
 * of the visit plus LK_GUEST_MARGIN_S: "issue client NAME --until WHEN" under its own
 * name, then the next steps (enroll on this machine, user guest on the gateway). */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"

int certs_verb_guest(const struct lk_cli *cli)
{
    struct lk_cli as_issue = *cli;

    if (cli->npos != 2 || cli->until == NULL) {
        lk_err("guest needs a name and --until; usage: %s", lk_cli_usage("guest"));
        return -1;
    }
    as_issue.pos[0] = "issue";
    as_issue.pos[1] = "client";
    as_issue.pos[2] = cli->pos[1];
    as_issue.npos = 3;
    if (certs_verb_issue(&as_issue) != 0)
        return -1;
    printf(
        "next: latchkey-certs enroll %s (the link for the guest's phone), and on the gateway\n"
        "  latchkey-gateway user guest %s --doors DOORS --until 'LOCAL END' [--from ...]\n",
        cli->pos[1], cli->pos[1]);
    return fflush(stdout) == 0 ? 0 : -1;
}
