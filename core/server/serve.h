/*
** serve.h -- one FastCGI request, end to end: decode, route, call the
** handler, render, write.  Used by cairnd's workers.
*/
#ifndef CAIRN_SERVE_H
#define CAIRN_SERVE_H

#include <fcgiapp.h>
#include "cairn_int.h"

typedef struct cairn_serve_ctx {
  const cairn_config *cfg;
  const cairn_registry *reg;
  const cairn_views *views;
  cairn_store *store;          /* the worker's own connection */
} cairn_serve_ctx;

/* Serve one accepted request.  Never fails: every problem becomes a
** response (4xx for the client's, 5xx without internals for ours). */
void cairn_serve_request(cairn_serve_ctx *sc, FCGX_Request *fr,
                         cairn_arena *arena);

#endif
