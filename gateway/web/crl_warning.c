/* crl_warning.c - log line, metric value and admin banner for a CRL close to its
 * nextUpdate (see crl_warning.h). */
#include "crl_warning.h"

#include <stdio.h>

#include "crl_expiry.h"
#include "gw_log.h"

const char crl_warning_css[] =
    ".warning{border:2px solid var(--bad);border-radius:.5rem;padding:.6rem;color:var(--bad)}\n";

/* The CRL in force that reaches its nextUpdate first (one per CA of client_ca), as an index
 * in t->crls, or -1 if none is in force. */
static int soonest(const struct tls_store *t)
{
    int i, best = -1, n = t->ca != NULL ? sk_X509_num(t->ca) : 0;

    for (i = 0; i < n && i < TLS_CA_MAX; i++) {
        const struct tls_crl *c;
        if (t->set->in_force[i] < 0)
            continue;
        c = &t->set->crls[t->set->in_force[i]];
        if (c->crl == NULL)
            continue;
        if (best < 0 || !c->has_next ||
            (t->set->crls[best].has_next && c->next < t->set->crls[best].next))
            best = t->set->in_force[i];
    }
    return best;
}

int crl_warning_left(const struct web *sv, time_t now, long *left)
{
    const struct tls_store *t = &sv->tls;
    int i = t->crl_path[0] != '\0' ? soonest(t) : -1;
    if (i < 0)
        return 0;
    *left = crl_expiry_seconds_left(t->set->crls[i].next, t->set->crls[i].has_next, now);
    return 1;
}

static void next_update_text(const struct tls_crl *c, char *out, size_t cap)
{
    struct tm tm;
    time_t next = c->next;
    if (!c->has_next || gmtime_r(&next, &tm) == NULL ||
        strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, cap, "none");
}

void crl_warning_tick(struct web *sv, time_t now, int at_start)
{
    int days = sv->app->conf->server.crl_warn_days;
    const struct tls_crl *c;
    char in[64], at[64];
    long left;

    if (!crl_warning_left(sv, now, &left))
        return;
    c = &sv->tls.set->crls[soonest(&sv->tls)];
    crl_expiry_text(left, in, sizeof in);
    next_update_text(c, at, sizeof at);
    if (crl_expiry_log_due(left, days, now, &sv->crl_warned)) {
        gw_log(
            "crl: WARNING: %s expires in %s (nextUpdate %s, warning below %d days): sign a "
            "new one (latchkey-certs crl) and bring it here, or every phone is refused then",
            c->path, in, at, days);
        return;
    }
    if (at_start && left > 0)
        gw_log("crl: %s is current until %s (%s left)", c->path, at, in);
}

void crl_warning_reset(struct web *sv)
{
    sv->crl_warned = 0;
}

void crl_warning_banner(struct html_buf *b, const struct web *sv, time_t now)
{
    char in[64], at[64];
    long left;

    if (!crl_warning_left(sv, now, &left) || left <= 0 ||
        !crl_expiry_warn(left, sv->app->conf->server.crl_warn_days))
        return;
    crl_expiry_text(left, in, sizeof in);
    next_update_text(&sv->tls.set->crls[soonest(&sv->tls)], at, sizeof at);
    html_raw(b,
             "<p class=\"warning\" role=\"alert\" data-warning=\"crl-expiring\">The revocation "
             "list expires in ");
    html_text(b, in);
    html_raw(b, " (");
    html_text(b, at);
    html_raw(b,
             "). After that every phone is refused: sign a new one with "
             "<code>latchkey-certs crl</code> and bring it to the gateway.</p>\n");
}
