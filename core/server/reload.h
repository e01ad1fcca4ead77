/*
** reload.h -- what cairnd's master loads (config, plugins, views, the
** database's migrations) as one step, and the check that a reload would
** succeed, run in a throw-away child so that the master's own state stays
** whole when it would not.
*/
#ifndef CAIRN_RELOAD_H
#define CAIRN_RELOAD_H

#include "serve.h"

/* How long the reload check may take (compiling every schema, view and
** route, opening the database: about a second; a plugin whose init hangs
** must not freeze the master). */
#define CAIRN_RELOAD_CHECK_TIMEOUT_S 60

/*
** Load everything cairnd serves with: the config at `config` (validated
** against schemas/config.xsd), the views directory as the only place XML
** may be loaded from, the clinic's time zone, every plugin, every view,
** and the database's migrations (the connection is closed again: workers
** open their own).  Fills sc->cfg, sc->reg and sc->views; on failure
** nothing stays loaded and *err says what is wrong, naming the file.
*/
int cairn_serve_load(const char *config, const char *schemas,
                     cairn_serve_ctx *sc, cairn_error *err);

/* Free what cairn_serve_load loaded (plugins' fini run); NULL fields are
** skipped, and the fields are cleared. */
void cairn_serve_unload(cairn_serve_ctx *sc);

/*
** Would a reload succeed?  Forks a child that unloads `current` (so that
** each plugin starts from a clean slate, as it will in the master) and
** loads `config` afresh, then reports back through a pipe.  A reload may
** not move the listening socket (that needs a restart).  0 when the
** reload would succeed; otherwise *err says why.  `current` is not
** touched in this process.
*/
int cairn_reload_check(const char *config, const char *schemas,
                       const cairn_serve_ctx *current, cairn_error *err);

#endif
