/*
** fuzz_route.c -- libFuzzer target for route matching over the real route
** tables: the core's own routes (sign-in, staff, audit, capability links)
** and, when the built program plugin is found, its routes, compiled with
** cairn_route_compile() as the registry does.  The first input byte picks
** the method, the rest is the path: it goes through cairn_path_check()
** and, accepted or not, cairn_router_match(), which must return a route
** index, -1 or -2 and bound its own backtracking (the match limits).
*/
#include <assert.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"
#include "corepages.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* More than the core and the program plugin declare together. */
#define FUZZ_ROUTES_MAX 64

static cairn_route_rt rts[FUZZ_ROUTES_MAX];
static cairn_registry reg;

static void add_routes(const cairn_plugin *p) {
  cairn_error err = {0};
  for (const cairn_route *r = p->routes; r && r->method; r++) {
    assert(reg.n_routes < FUZZ_ROUTES_MAX);
    cairn_route_rt *rt = &rts[reg.n_routes];
    rt->decl = r;
    if (cairn_route_compile(r->pattern, &rt->code, &err)) {
      fprintf(stderr, "fuzz_route: %s: %s\n", r->pattern, err.message);
      exit(1);
    }
    reg.n_routes++;
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  reg.routes = rts;
  add_routes(cairn_core_plugin());
#ifdef FUZZ_PROGRAM_SO
  /* The plugin's descriptor is static data: nothing of it runs. */
  void *so = dlopen(FUZZ_PROGRAM_SO, RTLD_NOW | RTLD_LOCAL);
  if (so) {
    const cairn_plugin *(*entry)(void) =
        (const cairn_plugin *(*)(void))dlsym(so, CAIRN_PLUGIN_ENTRY_SYMBOL);
    if (entry) add_routes(entry());
  } else {
    fprintf(stderr, "fuzz_route: %s: %s (core routes only)\n", FUZZ_PROGRAM_SO, dlerror());
  }
#endif
  return 0;
}

static const char *const methods[] = { "GET", "POST", "HEAD", "PUT", "DELETE", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  cairn_arena *a = cairn_arena_new();
  cairn_req *req = cairn_arena_alloc(a, sizeof *req);
  req->arena = a;
  const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
  char *raw = cairn_arena_strndup(a, (const char *)data + 1, size - 1);
  char *path = NULL;
  cairn_error err = {0};
  int r = cairn_router_match(&reg, req, method, raw);
  assert(r >= -2 && r < (int)reg.n_routes);
  if (cairn_path_check(a, raw, &path, &err) == 0) {
    req->params = NULL;
    req->n_params = 0;
    r = cairn_router_match(&reg, req, method, path);
    assert(r >= -2 && r < (int)reg.n_routes);
    for (size_t i = 0; r >= 0 && i < req->n_params; i++)
      assert(req->params[i].name && req->params[i].value);
  }
  cairn_arena_free(a);
  return 0;
}
