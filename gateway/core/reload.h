/* reload.h - applying a changed config file on SIGHUP (see reload.c for what changes). */
#ifndef GW_RELOAD_H
#define GW_RELOAD_H

#include "app.h"

/* Loop thread only. Logs what was applied and what needs a restart. */
void gw_reload(struct gw_app *app);

#endif
