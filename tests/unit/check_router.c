/*
** check_router.c -- the route table: anchoring, named groups, method
** handling (404 vs 405, HEAD served by GET), compile errors, and the match
** limits on a pattern built to backtrack.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn_int.h"

static int h(cairn_req *r) { (void)r; return 200; }

static const cairn_route routes[] = {
  { "GET", "/patients", CAIRN_AUD_STAFF, h, "list" },
  { "GET", "/patients/(?<patient>[0-9]{1,18})", CAIRN_AUD_STAFF, h, "chart" },
  { "POST", "/patients/(?<patient>[0-9]{1,18})/observations", CAIRN_AUD_STAFF, h, "add" },
  { "GET", "/slow/(?<x>(a+)+)b", CAIRN_AUD_PUBLIC, h, "catastrophic" },
  { NULL, NULL, 0, NULL, NULL }
};

static cairn_registry reg;
static cairn_route_rt rts[4];
static cairn_arena *A;
static cairn_req *R;

static void setup(void) {
  cairn_error e = {0};
  for (int i = 0; i < 4; i++) {
    rts[i].decl = &routes[i];
    ck_assert_int_eq(cairn_route_compile(routes[i].pattern, &rts[i].code, &e), 0);
  }
  reg.routes = rts;
  reg.n_routes = 4;
  A = cairn_arena_new();
  R = cairn_arena_alloc(A, sizeof *R);
  R->arena = A;
}
static void teardown(void) {
  for (int i = 0; i < 4; i++) cairn_route_free(rts[i].code);
  cairn_arena_free(A);
}

START_TEST(exact_and_param_routes) {
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients"), 0);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients/42"), 1);
  ck_assert_str_eq(cairn_kv_get(R->params, R->n_params, "patient"), "42");
  ck_assert_int_eq(cairn_router_match(&reg, R, "POST", "/patients/7/observations"), 2);
  ck_assert_str_eq(cairn_kv_get(R->params, R->n_params, "patient"), "7");
}
END_TEST

START_TEST(anchored_at_both_ends) {
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients/42/x"), -1);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/x/patients"), -1);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients/"), -1);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/Patients"), -1);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients/1234567890123456789"), -1);
}
END_TEST

START_TEST(method_mismatch_is_405_and_head_is_get) {
  ck_assert_int_eq(cairn_router_match(&reg, R, "POST", "/patients"), -2);
  ck_assert_int_eq(cairn_router_match(&reg, R, "GET", "/patients/7/observations"), -2);
  ck_assert_int_eq(cairn_router_match(&reg, R, "HEAD", "/patients"), 0);
}
END_TEST

/* The quick test on a pattern's literal start (router.c, literal_start)
** never turns away a path the pattern matches: a quantified last letter,
** an alternation, a pattern that starts with a group. */
START_TEST(literal_start_never_hides_a_match) {
  static const cairn_route more[] = {
    { "GET", "/items?", CAIRN_AUD_PUBLIC, h, "optional s" },
    { "GET", "/ab*c", CAIRN_AUD_PUBLIC, h, "starred b" },
    { "GET", "/one|/two", CAIRN_AUD_PUBLIC, h, "alternation" },
    { "GET", "(?i)/Upper", CAIRN_AUD_PUBLIC, h, "caseless" },
    { "GET", "/x{2}", CAIRN_AUD_PUBLIC, h, "counted" },
  };
  cairn_route_rt rt[5];
  cairn_registry r = { .routes = rt, .n_routes = 5 };
  cairn_error e = {0};
  for (int i = 0; i < 5; i++) {
    rt[i].decl = &more[i];
    ck_assert_int_eq(cairn_route_compile(more[i].pattern, &rt[i].code, &e), 0);
  }
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/item"), 0);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/items"), 0);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/ac"), 1);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/abbc"), 1);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/one"), 2);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/two"), 2);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/uPPER"), 3);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/xx"), 4);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/x"), -1);
  ck_assert_int_eq(cairn_router_match(&r, R, "GET", "/it"), -1);
  for (int i = 0; i < 5; i++) cairn_route_free(rt[i].code);
}
END_TEST

START_TEST(bad_pattern_is_refused_with_offset) {
  void *code = NULL;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_route_compile("/patients/(?<p>[0-9]", &code, &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "offset"));
}
END_TEST

/* Run a match with stderr sent to a file; return what was logged. */
static char *match_logging(const char *path, int *result) {
  static char logged[4096];
  char name[] = "/tmp/check_router_XXXXXX";
  int fd = mkstemp(name), saved = dup(STDERR_FILENO);
  ck_assert_int_ge(fd, 0);
  unlink(name);
  dup2(fd, STDERR_FILENO);
  *result = cairn_router_match(&reg, R, "GET", path);
  dup2(saved, STDERR_FILENO);
  close(saved);
  ssize_t n = pread(fd, logged, sizeof logged - 1, 0);
  close(fd);
  logged[n > 0 ? n : 0] = 0;
  return logged;
}

START_TEST(match_limit_stops_backtracking) {
  /* (a+)+b against "/slow/" + 26 a's + "bx": the b is there, so pcre2's
  ** required-character check does not end it early, and the trailing x
  ** fails the end anchor after every one of the 2^26 ways to split the
  ** a's.  Only the match limit stops it: the router logs that it hit the
  ** limit and answers no match.  With the limits raised (to 4e9, say) the
  ** match runs to its end without a log line, and this test fails. */
  char path[80] = "/slow/";
  memset(path + 6, 'a', 26);
  strcpy(path + 32, "bx");
  int result;
  const char *logged = match_logging(path, &result);
  ck_assert_int_eq(result, -1);
  ck_assert_msg(strstr(logged, "hit a match limit") != NULL,
                "the backtracking match was not stopped by a limit; log: %s", logged);
}
END_TEST

START_TEST(match_without_the_required_b_fails_fast_without_a_limit) {
  /* The same pattern against a's alone: pcre2 sees no b and refuses at
  ** once, so no limit is needed (and none is logged). */
  char path[80] = "/slow/";
  memset(path + 6, 'a', 60);
  path[66] = 0;
  int result;
  const char *logged = match_logging(path, &result);
  ck_assert_int_eq(result, -1);
  ck_assert_ptr_null(strstr(logged, "hit a match limit"));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("router");
  TCase *t = tcase_create("match");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 10);
  tcase_add_test(t, exact_and_param_routes);
  tcase_add_test(t, anchored_at_both_ends);
  tcase_add_test(t, method_mismatch_is_405_and_head_is_get);
  tcase_add_test(t, literal_start_never_hides_a_match);
  tcase_add_test(t, bad_pattern_is_refused_with_offset);
  tcase_add_test(t, match_limit_stops_backtracking);
  tcase_add_test(t, match_without_the_required_b_fails_fast_without_a_limit);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
