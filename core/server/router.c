/*
** router.c -- one table of routes built from every plugin at start-up.
** Each pattern is compiled once with pcre2 (anchored at both ends, UTF
** mode, JIT when available) and matched with explicit match and depth
** limits, so no path can make a match run away.  Named groups become the
** request's path parameters.
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"

/* Compile options: anchored at both ends so "/patients" never matches
** "/patients/1/evil"; UTF so a pattern can't split a character; no
** auto-callouts, no \C (PCRE2_NEVER_BACKSLASH_C). */
#define ROUTE_COMPILE_OPTS \
  (PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_NO_UTF_CHECK | \
   PCRE2_NEVER_BACKSLASH_C)
/* Capture pairs the per-process match data starts with: every route in the
** tree has fewer than 8 groups, so it is allocated once. */
#define ROUTE_PAIRS_MIN 8
/* Longest literal start of a pattern kept for the quick test. */
#define ROUTE_LITERAL_MAX 63

/* A compiled route: what cairn_route_compile hands out as `code`. */
typedef struct route_code {
  pcre2_code *re;            /* the pattern, anchored at both ends */
  uint32_t groups;           /* its capture groups */
  size_t lit_len;            /* bytes of lit[] every matching path begins with */
  char lit[ROUTE_LITERAL_MAX + 1];  /* the pattern's literal start */
} route_code;

/* 1 for a byte that stands for itself in a pattern and in a path. */
static int literal_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-';
}

/*
** The literal text every path matching `pattern` begins with: its leading
** plain characters, less the last one when a quantifier follows it
** ("/patients?" requires only "/patient"), and none at all when the
** pattern has an alternation anywhere (a top-level "|" would let a path
** match without that start).  Routes are anchored at the start, so a path
** that does not begin with it cannot match, and pcre2 need not be asked.
*/
static void literal_start(route_code *rc, const char *pattern) {
  size_t n = 0;
  rc->lit_len = 0;
  if (strchr(pattern, '|')) return;
  while (n < ROUTE_LITERAL_MAX && literal_byte(pattern[n])) n++;
  if (n > 0 && pattern[n] != 0 && strchr("?*+{", pattern[n])) n--;
  memcpy(rc->lit, pattern, n);
  rc->lit[n] = 0;
  rc->lit_len = n;
}

/*
** Compile `pattern` into *code (a pcre2_code *).  The subject is always
** checked UTF-8 before matching (cairn_path_check), hence NO_UTF_CHECK.
*/
int cairn_route_compile(const char *pattern, void **code, cairn_error *err) {
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                 ROUTE_COMPILE_OPTS, &errcode, &erroff, NULL);
  if (!re) {
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(errcode, msg, sizeof msg);
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "route pattern \"%s\" does not compile at offset %zu: %s",
                      pattern, (size_t)erroff, (char *)msg);
  }
  /* JIT is an optimisation: a platform without it still matches. */
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  route_code *rc = calloc(1, sizeof *rc);
  if (!rc) {
    pcre2_code_free(re);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no memory for a route");
  }
  rc->re = re;
  pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &rc->groups);
  literal_start(rc, pattern);
  *code = rc;
  return 0;
}

/* Free what cairn_route_compile made; NULL is a no-op. */
void cairn_route_free(void *code) {
  route_code *rc = code;
  if (!rc) return;
  pcre2_code_free(rc->re);
  free(rc);
}

/* One match context per process with the limits set; pcre2 contexts are
** read-only during matching. */
static pcre2_match_context *match_ctx(void) {
  static pcre2_match_context *ctx;
  if (!ctx) {
    ctx = pcre2_match_context_create(NULL);
    if (!ctx) abort();
    pcre2_set_match_limit(ctx, CAIRN_ROUTE_MATCH_LIMIT);
    pcre2_set_depth_limit(ctx, CAIRN_ROUTE_DEPTH_LIMIT);
  }
  return ctx;
}

/*
** The match data for a match against re: one block per process (cairnd's
** workers are processes, each serving one request at a time), reused for
** every route tried and every request, and grown only when a route has
** more groups than any before it.  pcre2_match overwrites it each time.
*/
static pcre2_match_data *match_data(const route_code *rc) {
  static pcre2_match_data *md;
  static uint32_t pairs;
  uint32_t groups = rc->groups;
  if (md == NULL || groups + 1 > pairs) {
    pcre2_match_data_free(md);
    pairs = groups + 1 > ROUTE_PAIRS_MIN ? groups + 1 : ROUTE_PAIRS_MIN;
    md = pcre2_match_data_create(pairs, NULL);
    if (md == NULL) abort();
  }
  return md;
}

/* Copy the named groups of a successful match into req->params. */
static void take_params(cairn_req *req, const pcre2_code *re,
                        pcre2_match_data *md, const char *path) {
  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  req->params = cairn_arena_alloc(req->arena, (count + 1) * sizeof(cairn_kv));
  req->n_params = 0;
  for (uint32_t i = 0; i < count; i++) {
    PCRE2_SPTR e = table + (size_t)i * entry;
    int g = (e[0] << 8) | e[1];
    if (ov[2 * g] == PCRE2_UNSET) continue;
    cairn_kv *kv = &req->params[req->n_params++];
    kv->name = cairn_arena_strdup(req->arena, (const char *)e + 2);
    kv->value = cairn_arena_strndup(req->arena, path + ov[2 * g],
                                    ov[2 * g + 1] - ov[2 * g]);
  }
}

/*
** Find the route for method + path (see cairn_int.h).  HEAD is served by
** the GET route.  A match that hits a pcre2 limit counts as no match and
** is logged: a route pattern should never need that much work.
*/
int cairn_router_match(const cairn_registry *reg, cairn_req *req,
                       const char *method, const char *path) {
  size_t len = strlen(path);
  int path_matched = 0;
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  for (size_t i = 0; i < reg->n_routes; i++) {
    const cairn_route_rt *r = &reg->routes[i];
    const route_code *code = r->code;
    if (code->lit_len > len || memcmp(path, code->lit, code->lit_len) != 0)
      continue;                /* cannot match: see literal_start */
    pcre2_match_data *md = match_data(code);
    int rc = pcre2_match(code->re, (PCRE2_SPTR)path, len, 0, 0, md,
                         match_ctx());
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT)
      cairn_logf(CAIRN_LOG_WARN, "route %s hit a match limit on a %zu-byte path",
                 r->decl->pattern, len);
    if (rc < 0) continue;
    if (strcmp(r->decl->method, m) != 0) {
      path_matched = 1;
      continue;
    }
    take_params(req, code->re, md, path);
    return (int)i;
  }
  return path_matched ? -2 : -1;
}
