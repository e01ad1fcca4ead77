/*
** corepages.h -- the core's own routes (sign-in, accounts, audit,
** capability links) and the cookie and redirect helpers they share with
** serve.c.
*/
#ifndef CAIRN_COREPAGES_H
#define CAIRN_COREPAGES_H

#include "cairn_int.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif

/* The descriptor of the built-in "core" plugin; the registry loads it
** before any plugin file. */
const cairn_plugin *cairn_core_plugin(void);

/* A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure unless the
** config turned it off for a loopback demo.  max_age < 0: a session
** cookie; 0: delete it. */
const char *cairn_cookie(cairn_req *req, const char *name, const char *value,
                         long max_age);
void cairn_add_cookie(cairn_req *req, const char *cookie);
/* `next` when it is a safe local path, else "/". */
const char *cairn_safe_next(cairn_req *req, const char *next);

#endif
